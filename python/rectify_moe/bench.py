"""Step time of RectifyMoE per mode against a plain top-k capacity layer of the same shape (CPU).

The plain layer is the textbook GShard/Switch form: top-k, position-priority drops by a cumulative
sum per (group, expert), the padded [G, E, C, d] buffer, renormalised top-k weights. It is what
RectifyMoE's routing (stable sorts, IR, FR, section 6 weights, figures) has to be compared with;
the experts (the same FFN modules, same buffer size) cost both the same.

    python3 -m rectify_moe.bench            (from python/)   --help for the shape
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import capacity
from .layer import FFN, RectifyMoE


class PlainTopKCapacity(nn.Module):
    """Top-k MoE with per-(group, expert) capacity, position priority, no rectification, no figures."""

    def __init__(self, hidden: int, ffn: int, num_experts: int, top_k: int, capacity_factor: float, num_groups: int):
        super().__init__()
        self.e, self.k, self.cf, self.g, self.d = num_experts, top_k, capacity_factor, num_groups, hidden
        self.gate = nn.Linear(hidden, num_experts, bias=False)
        self.experts = nn.ModuleList(FFN(hidden, ffn) for _ in range(num_experts))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, self.d)
        g, e, k, d = self.g, self.e, self.k, self.d
        n = flat.shape[0] // g
        c = capacity(n, k, e, self.cf)
        probs = self.gate(flat).softmax(-1)
        top_p, top_i = probs.topk(k, dim=-1)
        w = top_p / top_p.sum(-1, keepdim=True)
        onehot = F.one_hot(top_i.view(g, n * k), e)             # [G, n*k, E], token-major order
        pos = (onehot.cumsum(1) - 1).mul(onehot).sum(-1).view(-1)   # place in its (group, expert) queue
        kept = pos < c
        grp = (torch.arange(g).repeat_interleave(n * k) * e + top_i.reshape(-1))
        rows = (grp * c + pos)[kept]
        toks = torch.arange(g * n).repeat_interleave(k)[kept]
        buf = flat.new_zeros(g * e * c, d).index_copy(0, rows, flat.index_select(0, toks)).view(g, e, c, d)
        outs = [self.experts[j](buf[:, j].reshape(g * c, d)).view(g, c, d) for j in range(e)]
        y = torch.stack(outs, 1).reshape(g * e * c, d)
        out = flat.new_zeros(flat.shape).index_add(0, toks, y.index_select(0, rows) * w.reshape(-1)[kept][:, None])
        return out.reshape(x.shape)


def step_seconds(layer: nn.Module, x: torch.Tensor, backward: bool) -> float:
    """One step: forward, or forward + backward of a fixed loss."""
    t = time.perf_counter()
    y = layer(x)
    if backward:
        y.square().mean().backward()
        layer.zero_grad(set_to_none=True)
    return time.perf_counter() - t


def time_layers(layers: list, x: torch.Tensor, reps: int, warmup: int) -> list[tuple[float, float]]:
    """Median (forward, forward + backward) seconds per layer. Repetitions are interleaved across
    the layers, so that load from other processes falls on all of them alike."""
    for _, layer in layers:
        for _ in range(warmup):
            step_seconds(layer, x, True)
    fwd = [[] for _ in layers]
    both = [[] for _ in layers]
    for _ in range(reps):
        for i, (_, layer) in enumerate(layers):
            fwd[i].append(step_seconds(layer, x, False))
            both[i].append(step_seconds(layer, x, True))
    return [(statistics.median(f), statistics.median(b)) for f, b in zip(fwd, both)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", type=int, default=2048, help="tokens per step (all groups)")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--ffn", type=int, default=256)
    ap.add_argument("--experts", type=int, default=16)
    ap.add_argument("--groups", type=int, default=4)
    ap.add_argument("--top-k", default="1,2")
    ap.add_argument("--capacity-factor", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(a.tokens, a.hidden, requires_grad=True)
    rows = []
    for k in (int(v) for v in a.top_k.split(",")):
        plain = PlainTopKCapacity(a.hidden, a.ffn, a.experts, k, a.capacity_factor, a.groups)
        layers = [("plain top-k capacity", plain)]
        for mode in ("vanilla", "ir", "fr", "ir+fr"):
            layer = RectifyMoE(a.hidden, ffn=a.ffn, num_experts=a.experts, top_k=k, capacity_factor=a.capacity_factor,
                               mode=mode, num_groups=a.groups)
            layer.load_state_dict(plain.state_dict())
            layers.append((f"RectifyMoE {mode}", layer))
        for (name, _), (fwd, both) in zip(layers, time_layers(layers, x, a.reps, a.warmup)):
            rows.append({"topK": k, "layer": name, "forwardMs": fwd * 1e3, "forwardBackwardMs": both * 1e3})
    info = {"shape": {k: v for k, v in vars(a).items() if k not in ("json", "reps", "warmup")},
            "torch": torch.__version__, "machine": platform.platform(), "cpus": os.cpu_count(),
            "loadAverage": os.getloadavg(), "gpu": None, "rows": rows}
    if a.json:
        print(json.dumps(info, indent=2))
        return
    print(f"{a.tokens} tokens, hidden {a.hidden}, ffn {a.ffn}, {a.experts} experts, {a.groups} groups, "
          f"cf {a.capacity_factor}, {a.threads} thread(s), torch {torch.__version__}, CPU only; "
          f"load average {os.getloadavg()[0]:.1f}; medians of {a.reps}")
    print("| top-k | layer | forward ms | forward+backward ms |\n| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['topK']} | {r['layer']} | {r['forwardMs']:.1f} | {r['forwardBackwardMs']:.1f} |")


if __name__ == "__main__":
    main()
