#!/usr/bin/env python3
"""Train a tiny Mixture-of-Experts byte-level language model on CPU and capture its routing.

Corpus: the Python standard library's own .py sources (found on any machine with Python), read
byte by byte (vocabulary 256), split into training and held-out sets by file.

Model: a decoder-only transformer whose every FFN is an MoE layer (top-k routing through a
``gate`` nn.Linear(d, E, bias=False), the router logits are its output ``[tokens, experts]``),
trained with a Switch/GShard-style load-balancing auxiliary loss.

Two checkpoints are kept in a scratch folder: an early one (the "young" router) and the final one.
For each, a real multi-process job (torch.distributed, gloo, one process per rank, each rank
evaluating its own shard of held-out files) runs the model over the same held-out batches and
records the router logits with ``rectify_capture.RouterCapture``. The capture overhead is timed.

Run ``python3 python/demo/train_tinymoe.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PYTHON_DIR = REPO / "python"


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------


def stdlib_files() -> tuple[Path, list[str]]:
    """The standard library's .py files (relative paths, sorted; site-packages excluded)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == "." and "site-packages" in dirnames:
            dirnames.remove("site-packages")
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and d != "site-packages"]
        for name in filenames:
            if name.endswith(".py"):
                files.append(os.path.normpath(os.path.join(rel_dir, name)))
    files.sort()
    return root, files


@dataclass
class Corpus:
    root: str
    train: np.ndarray          # all training files concatenated (uint8), files separated by "\0"
    heldout: list[np.ndarray]  # one uint8 array per held-out file
    train_files: int
    heldout_names: list[str]


def build_corpus(heldout_every: int) -> Corpus:
    root, files = stdlib_files()
    train_parts, heldout, heldout_names = [], [], []
    for i, rel in enumerate(files):
        data = np.frombuffer((root / rel).read_bytes() + b"\0", dtype=np.uint8)
        if i % heldout_every == heldout_every // 2:
            heldout.append(data)
            heldout_names.append(rel)
        else:
            train_parts.append(data)
    return Corpus(str(root), np.concatenate(train_parts), heldout, len(train_parts), heldout_names)


def sample_windows(stream: np.ndarray, rng: np.random.Generator, batch: int, length: int) -> torch.Tensor:
    """`batch` random windows of `length + 1` bytes from one stream, as int64 [batch, length+1]."""
    starts = rng.integers(0, len(stream) - length - 1, size=batch)
    idx = starts[:, None] + np.arange(length + 1)[None, :]
    return torch.from_numpy(stream[idx].astype(np.int64))


def heldout_eval_batches(corpus: Corpus, seed: int, batches: int, batch: int, length: int) -> list[torch.Tensor]:
    stream = np.concatenate(corpus.heldout)
    rng = np.random.default_rng(seed + 1_000_003)
    return [sample_windows(stream, rng, batch, length) for _ in range(batches)]


def rank_shard(corpus: Corpus, rank: int, world: int) -> tuple[np.ndarray, list[str]]:
    """Held-out files i with i % world == rank, concatenated: rank's own data shard."""
    parts = corpus.heldout[rank::world]
    names = corpus.heldout_names[rank::world]
    return np.concatenate(parts), names


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


@dataclass
class ModelConfig:
    vocab: int = 256
    context: int = 128
    d_model: int = 128
    layers: int = 4
    heads: int = 4
    experts: int = 16
    top_k: int = 2
    expert_hidden: int = 256


class Expert(nn.Module):
    def __init__(self, d: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class MoE(nn.Module):
    """Top-k MoE FFN. `gate` maps [tokens, d] to router logits [tokens, experts]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.experts_n, self.top_k = cfg.experts, cfg.top_k
        self.gate = nn.Linear(cfg.d_model, cfg.experts, bias=False)
        self.experts = nn.ModuleList(Expert(cfg.d_model, cfg.expert_hidden) for _ in range(cfg.experts))
        self.aux_loss = torch.zeros(())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        flat = x.reshape(b * t, d)                      # batch-major token order
        logits = self.gate(flat)                        # [tokens, experts]
        probs = logits.float().softmax(dim=-1)
        top_p, top_i = probs.topk(self.top_k, dim=-1)   # [tokens, k]
        weights = top_p / top_p.sum(dim=-1, keepdim=True)  # renormalised over the top-k
        # Switch/GShard load-balancing loss: E * sum_e f_e * P_e (f_e: share of assignments).
        counts = torch.zeros(self.experts_n, device=x.device).index_add_(
            0, top_i.reshape(-1), torch.ones(top_i.numel(), device=x.device))
        f = counts / top_i.numel()
        p = probs.mean(dim=0)
        self.aux_loss = self.experts_n * (f * p).sum()
        out = torch.zeros_like(flat)
        flat_i, flat_w = top_i.reshape(-1), weights.reshape(-1)
        token_of = torch.arange(b * t, device=x.device).repeat_interleave(self.top_k)
        order = torch.argsort(flat_i, stable=True)
        sizes = torch.bincount(flat_i, minlength=self.experts_n).tolist()
        start = 0
        for e, n in enumerate(sizes):
            if n == 0:
                continue
            sel = order[start:start + n]
            start += n
            tok = token_of[sel]
            y = self.experts[e](flat.index_select(0, tok)) * flat_w[sel].unsqueeze(-1).to(flat.dtype)
            out.index_add_(0, tok, y)
        return out.reshape(b, t, d)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig, make_moe=None):
        super().__init__()
        self.heads = cfg.heads
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.moe = (make_moe or MoE)(cfg)   # quality.py plugs in rectify_moe.RectifyMoE

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        shape = (b, t, self.heads, d // self.heads)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
        return x + self.moe(self.ln2(x))


class TinyMoE(nn.Module):
    def __init__(self, cfg: ModelConfig, make_moe=None):
        """``make_moe(cfg)`` builds each block's MoE layer (default: the dropless ``MoE`` above)."""
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos = nn.Parameter(torch.zeros(cfg.context, cfg.d_model))
        self.blocks = nn.ModuleList(Block(cfg, make_moe) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.embed(idx) + self.pos[: idx.shape[1]]
        for blk in self.blocks:
            x = blk(x)
        return self.ln_f(x) @ self.embed.weight.t()   # tied output head

    def aux_loss(self) -> torch.Tensor:
        return sum(blk.moe.aux_loss for blk in self.blocks) / len(self.blocks)

    def gate_names(self) -> list[str]:
        return [f"blocks.{i}.moe.gate" for i in range(len(self.blocks))]


@torch.no_grad()
def bits_per_byte(model: TinyMoE, batches: list[torch.Tensor]) -> float:
    model.eval()
    total, n = 0.0, 0
    for xy in batches:
        logits = model(xy[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), xy[:, 1:].reshape(-1), reduction="sum")
        total += loss.item()
        n += xy[:, 1:].numel()
    model.train()
    return total / n / math.log(2)


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    frac = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))


def save_checkpoint(path: Path, model: TinyMoE, step: int, bpb: float, extra: dict) -> None:
    torch.save({"config": asdict(model.cfg), "state": model.state_dict(), "step": step,
                "heldoutBitsPerByte": bpb, **extra}, path)


def load_model(path: Path) -> tuple[TinyMoE, dict]:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    model = TinyMoE(ModelConfig(**ck["config"]))
    model.load_state_dict(ck["state"])
    model.eval()
    return model, ck


def train(args, corpus: Corpus, work: Path, make_moe=None) -> dict:
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    cfg = ModelConfig(context=args.context, d_model=args.d_model, layers=args.layers, experts=args.experts,
                      top_k=args.top_k, expert_hidden=args.expert_hidden, heads=args.heads)
    model = TinyMoE(cfg, make_moe)
    nparams = sum(p.numel() for p in model.parameters())
    active = nparams - (cfg.experts - cfg.top_k) * sum(p.numel() for p in model.blocks[0].moe.experts[0].parameters()) * cfg.layers
    print(f"model: d_model {cfg.d_model}, {cfg.layers} layers, {cfg.heads} heads, {cfg.experts} experts "
          f"(hidden {cfg.expert_hidden}), top-{cfg.top_k}; {nparams / 1e6:.2f} M parameters, "
          f"{active / 1e6:.2f} M active per token", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    evals = heldout_eval_batches(corpus, args.seed, args.eval_batches, args.batch, args.context)
    young_step = args.young_step if args.young_step is not None else max(1, round(args.steps * 0.03))
    bpb0 = bits_per_byte(model, evals)
    print(f"step 0: held-out {bpb0:.3f} bits/byte (uniform = 8)", flush=True)
    history = [{"step": 0, "heldoutBitsPerByte": bpb0}]
    t0 = time.perf_counter()
    run_loss = run_aux = None
    young_bpb = None
    for step in range(1, args.steps + 1):
        for g in opt.param_groups:
            g["lr"] = lr_at(step - 1, args.steps, args.lr, args.warmup)
        xy = sample_windows(corpus.train, rng, args.batch, args.context)
        logits = model(xy[:, :-1])
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), xy[:, 1:].reshape(-1))
        aux = model.aux_loss()
        loss = ce + args.aux_coef * aux
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run_loss = ce.item() if run_loss is None else 0.95 * run_loss + 0.05 * ce.item()
        run_aux = aux.item() if run_aux is None else 0.95 * run_aux + 0.05 * aux.item()
        if step == young_step or step % args.eval_every == 0 or step == args.steps:
            bpb = bits_per_byte(model, evals)
            history.append({"step": step, "heldoutBitsPerByte": bpb})
            el = time.perf_counter() - t0
            print(f"step {step}/{args.steps}: train {run_loss / math.log(2):.3f} bits/byte (smoothed), "
                  f"aux {run_aux:.3f}, held-out {bpb:.3f} bits/byte, {el:.0f} s, "
                  f"{el / step * 1000:.0f} ms/step", flush=True)
            if step == young_step:
                young_bpb = bpb
                save_checkpoint(work / "young.pt", model, step, bpb, {"seed": args.seed})
                print(f"  saved young checkpoint (step {step}) to {work / 'young.pt'}", flush=True)
    wall = time.perf_counter() - t0
    final_bpb = history[-1]["heldoutBitsPerByte"]
    save_checkpoint(work / "trained.pt", model, args.steps, final_bpb, {"seed": args.seed})
    print(f"training: {args.steps} steps in {wall:.0f} s ({wall / args.steps * 1000:.0f} ms/step); "
          f"held-out bits/byte: {bpb0:.3f} at step 0, {young_bpb:.3f} at step {young_step} (young), "
          f"{final_bpb:.3f} at step {args.steps} (trained)", flush=True)
    summary = {"steps": args.steps, "youngStep": young_step, "wallSeconds": wall,
               "bitsPerByte": {"init": bpb0, "young": young_bpb, "trained": final_bpb},
               "history": history, "parameters": nparams, "activeParameters": active,
               "tokensSeen": args.steps * args.batch * args.context}
    (work / "train-summary.json").write_text(json.dumps(summary, indent=2))
    return summary


# --------------------------------------------------------------------------------------------
# Multi-rank capture
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def capture_worker(rank: int, world: int, port: int, ckpt: str, out_dir: str, args_d: dict, result_dir: str,
                   layers: list[int] | None) -> None:
    import torch.distributed as dist
    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    sys.path.insert(0, str(PYTHON_DIR))
    from rectify_capture import RouterCapture

    model, _ = load_model(Path(ckpt))
    a = argparse.Namespace(**args_d)
    corpus = build_corpus(a.heldout_every)
    shard, names = rank_shard(corpus, rank, world)
    rng = np.random.default_rng(a.seed * 1000 + 17 + rank)   # same batches for both checkpoints
    batches = [sample_windows(shard, rng, a.capture_batch, model.cfg.context)[:, :-1]
               for _ in range(a.capture_steps)]
    with torch.no_grad():
        for x in batches[:2]:                     # warm-up
            model(x)
        dist.barrier()
        cap = RouterCapture(model, out_dir, pattern=r"\.gate$", top_k=model.cfg.top_k, every=1,
                            layers=layers, dtype="float16", token_order="batch-major")
        # Each batch is evaluated twice, interleaved: once with the hooks removed, once inside a
        # captured step, so that load changes on the machine affect both timings alike.
        plain, captured = [], []
        with cap:
            for step, x in enumerate(batches):
                cap.detach()
                t = time.perf_counter()
                model(x)
                plain.append(time.perf_counter() - t)
                cap.attach()                      # re-attach: the session stays the same
                t = time.perf_counter()
                with cap.step(step):
                    model(x)
                captured.append(time.perf_counter() - t)   # includes writing the step's files
        dist.barrier()
    stats = dict(cap.stats) if isinstance(getattr(cap, "stats", None), dict) else {"stats": repr(getattr(cap, "stats", None))}
    res = {"rank": rank, "files": len(names), "shardBytes": int(len(shard)), "plain": plain,
           "captured": captured, "stats": stats}
    Path(result_dir, f"rank-{rank}.json").write_text(json.dumps(res, default=str))
    dist.destroy_process_group()


def run_capture(name: str, ckpt: Path, out_dir: Path, args, work: Path, layers: list[int] | None) -> list[dict]:
    import torch.multiprocessing as mp
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    result_dir = work / f"timings-{out_dir.name}"
    if result_dir.exists():
        shutil.rmtree(result_dir)
    result_dir.mkdir(parents=True)
    t0 = time.perf_counter()
    mp.spawn(capture_worker, args=(args.world, free_port(), str(ckpt), str(out_dir), vars(args), str(result_dir), layers),
             nprocs=args.world, join=True)
    wall = time.perf_counter() - t0
    results = [json.loads((result_dir / f"rank-{r}.json").read_text()) for r in range(args.world)]
    plain = np.array([r["plain"] for r in results])
    capd = np.array([r["captured"] for r in results])
    print(f"capture {name} -> {out_dir} (layers {'all' if layers is None else layers}): {args.world} ranks x {args.capture_steps} steps x {args.capture_batch * args.context} "
          f"tokens in {wall:.1f} s (incl. process start)", flush=True)
    print(f"  eval step without capture: median {np.median(plain) * 1000:.1f} ms, mean {plain.mean() * 1000:.1f} ms; "
          f"with capture (every=1): median {np.median(capd) * 1000:.1f} ms, mean {capd.mean() * 1000:.1f} ms", flush=True)
    for r in results:
        print(f"  rank {r['rank']}: {r['files']} held-out files ({r['shardBytes']} bytes), stats {r['stats']}", flush=True)
    return results


def print_overhead(label: str, jobs: dict[str, list[dict]]) -> None:
    plain = np.array([r["plain"] for res in jobs.values() for r in res])
    capd = np.array([r["captured"] for res in jobs.values() for r in res])
    hook = sum(r["stats"].get("hook_seconds", 0.0) for res in jobs.values() for r in res)
    write = sum(r["stats"].get("write_seconds", 0.0) for res in jobs.values() for r in res)
    print(f"overhead, {label} ({plain.size} rank-steps over {len(jobs)} jobs): eval step median "
          f"{np.median(plain) * 1000:.1f} ms without capture, {np.median(capd) * 1000:.1f} ms with capture every=1 "
          f"({(np.median(capd) / np.median(plain) - 1) * 100:+.1f} %); means {plain.mean() * 1000:.1f} / "
          f"{capd.mean() * 1000:.1f} ms; library stats per step: hooks {hook / capd.size * 1000:.2f} ms, "
          f"writes {write / capd.size * 1000:.2f} ms", flush=True)


# --------------------------------------------------------------------------------------------
# Trace analysis (numpy only, reads the capture back through its sidecars)
# --------------------------------------------------------------------------------------------


def load_trace(trace_dir: Path) -> dict[int, dict]:
    """{layer: {"name", "steps": [array [gpus, tokens, experts]], "topK"}} from the sidecars."""
    layers: dict[int, dict] = {}
    for side in sorted(trace_dir.glob("layer-*/*.json")):
        if side.name.startswith("."):
            continue
        meta = json.loads(side.read_text())
        arr = np.load(side.parent / meta["file"])
        entry = layers.setdefault(meta["layer"], {"name": meta["layerName"], "topK": meta["topK"],
                                                  "world": meta["worldSize"], "steps": {}})
        entry["steps"].setdefault(meta["step"], {})[meta["rank"]] = arr
    for entry in layers.values():
        entry["steps"] = [np.stack([ranks[r] for r in range(entry["world"])])
                          for _, ranks in sorted(entry["steps"].items()) if len(ranks) == entry["world"]]
    return layers


def routing_stats(steps: list[np.ndarray], k: int) -> dict:
    """Drop fractions at capacity factor 1.0 (per (GPU, expert) capacity) and expert load imbalance."""
    drop_k = drop_1 = req_k = req_1 = 0
    ratios, top1_share, maxprob = [], [], []
    for logits in steps:                                   # [gpus, tokens, experts]
        g, n, e = logits.shape
        lf = logits.astype(np.float32)
        top = np.argsort(-lf, axis=-1, kind="stable")[..., :k]   # [g, n, k]
        cap = math.ceil(n * k / e)
        cnt_k = np.stack([np.bincount(top[i].ravel(), minlength=e) for i in range(g)])   # [g, e]
        cnt_1 = np.stack([np.bincount(top[i, :, 0], minlength=e) for i in range(g)])
        drop_k += np.clip(cnt_k - cap, 0, None).sum()
        drop_1 += np.clip(cnt_1 - cap, 0, None).sum()
        req_k += cnt_k.sum()
        req_1 += cnt_1.sum()
        load = cnt_k.sum(axis=0)
        ratios.append(load.max() / load.mean())
        top1_share.append(cnt_1.sum(axis=0).max() / cnt_1.sum())
        p = np.exp(lf - lf.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        maxprob.append(p.max(-1).mean())
    return {"dropTopK": drop_k / req_k, "dropTop1": drop_1 / req_1, "busiestOverMean": float(np.mean(ratios)),
            "busiestTop1Share": float(np.mean(top1_share)), "meanMaxProb": float(np.mean(maxprob)),
            "steps": len(steps)}


def analyse(trace_dir: Path) -> dict[int, dict]:
    out = {}
    for layer, entry in sorted(load_trace(trace_dir).items()):
        s = routing_stats(entry["steps"], entry["topK"])
        s["name"] = entry["name"]
        out[layer] = s
    return out


def du(path: Path) -> str:
    try:
        return subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0]
    except Exception:   # noqa: BLE001
        return "?"


def du_bytes(paths: list[Path]) -> int:
    r = subprocess.run(["du", "-sc", "--block-size=1", *map(str, paths)], capture_output=True, text=True)
    return int(r.stdout.strip().splitlines()[-1].split()[0])


# --------------------------------------------------------------------------------------------


def write_preset(path: Path, name: str, description: str, args, layer: int) -> None:
    """Writes a preset whose trace path is relative to the preset's own folder, wherever
    --traces-dir and --presets-dir point; names its measured-quality file when one is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    trace = os.path.relpath((args.traces_dir / name).resolve(), path.parent.resolve())
    preset = {
        "description": description,
        "gpus": args.world,
        "experts": args.experts,
        "topK": args.top_k,
        "tokensPerGPU": args.capture_batch * args.context,
        "capacityFactor": 1.0,
        "minCapacity": 1,
        "dropPolicy": "score",
        "gateNormalization": "topk",
        "mode": "ir+fr",
        "trace": {"path": trace, "layer": layer, "loop": True},
    }
    if (path.parent / "quality" / f"{name}.json").exists():
        preset["quality"] = f"quality/{name}.json"
    path.write_text(json.dumps(preset, indent=2) + "\n")


def wait_for_library(timeout: float) -> None:
    init = PYTHON_DIR / "rectify_capture" / "__init__.py"
    t0 = time.time()
    while True:
        if init.exists() and "RouterCapture" in init.read_text():
            return
        if time.time() - t0 > timeout:
            raise SystemExit(f"{init} with RouterCapture not found after {timeout:.0f} s")
        print(f"waiting for {init} ...", flush=True)
        time.sleep(20)


def build_parser() -> argparse.ArgumentParser:
    """The options, shared with quality.py so that its runs use these very defaults."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--seed", type=int, default=0, help="seed for initialisation, batches and capture shards")
    ap.add_argument("--work-dir", type=Path, default=Path("/tmp/rectify-tinymoe"),
                    help="scratch folder for the checkpoints and per-rank timing results (not committed)")
    ap.add_argument("--traces-dir", type=Path, default=REPO / "Presets" / "traces",
                    help="where the tinymoe-young/ and tinymoe-trained/ captures are written (replaced)")
    ap.add_argument("--presets-dir", type=Path, default=REPO / "Presets", help="where the two presets are written")
    ap.add_argument("--skip-training", action="store_true",
                    help="reuse young.pt and trained.pt from --work-dir instead of training")
    g = ap.add_argument_group("corpus")
    g.add_argument("--heldout-every", type=int, default=20, help="every N-th stdlib file is held out")
    g = ap.add_argument_group("model")
    g.add_argument("--d-model", type=int, default=128)
    g.add_argument("--layers", type=int, default=4)
    g.add_argument("--heads", type=int, default=4)
    g.add_argument("--experts", type=int, default=16)
    g.add_argument("--top-k", type=int, default=2)
    g.add_argument("--expert-hidden", type=int, default=256)
    g.add_argument("--context", type=int, default=128, help="sequence length in bytes")
    g = ap.add_argument_group("training")
    g.add_argument("--steps", type=int, default=1500)
    g.add_argument("--batch", type=int, default=16, help="sequences per training step")
    g.add_argument("--lr", type=float, default=3e-3)
    g.add_argument("--warmup", type=int, default=50)
    g.add_argument("--aux-coef", type=float, default=0.01, help="load-balancing loss coefficient")
    g.add_argument("--young-step", type=int, default=None, help="step of the early checkpoint (default 3%% of --steps)")
    g.add_argument("--eval-every", type=int, default=250)
    g.add_argument("--eval-batches", type=int, default=8, help="held-out batches (of --batch sequences) per evaluation")
    g.add_argument("--threads", type=int, default=2, help="torch threads for training")
    g = ap.add_argument_group("capture")
    g.add_argument("--world", type=int, default=4, help="ranks (processes) of the capture job")
    g.add_argument("--capture-steps", type=int, default=20)
    g.add_argument("--capture-batch", type=int, default=4, help="sequences per rank per step")
    g.add_argument("--capture-layers", default="auto",
                   help="comma-separated router indexes kept in the committed traces; 'auto' = the layer whose "
                        "trained routing is most imbalanced (all routers are captured into --work-dir first)")
    g.add_argument("--library-timeout", type=float, default=3600, help="seconds to wait for rectify_capture")
    return ap


def main() -> None:
    args = build_parser().parse_args()

    t_all = time.perf_counter()
    torch.set_num_threads(args.threads)
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    corpus = build_corpus(args.heldout_every)
    print(f"corpus: {corpus.root}: {corpus.train_files} training files ({len(corpus.train) / 1e6:.1f} MB), "
          f"{len(corpus.heldout)} held-out files ({sum(map(len, corpus.heldout)) / 1e6:.2f} MB), "
          f"read in {time.perf_counter() - t:.1f} s", flush=True)

    if args.skip_training:
        summary = json.loads((work / "train-summary.json").read_text())
        print(f"reusing checkpoints in {work} (trained {summary['steps']} steps in {summary['wallSeconds']:.0f} s)")
    else:
        summary = train(args, corpus, work)

    wait_for_library(args.library_timeout)
    k, tpg = args.top_k, args.capture_batch * args.context
    ckpts = (("young", work / "young.pt"), ("trained", work / "trained.pt"))

    # 1. every router, into the scratch folder: for the analysis of all layers and the overhead
    #    of capturing all of them.
    full = {name: run_capture(name, ck, work / f"full-{name}", args, work, layers=None) for name, ck in ckpts}
    print_overhead("all routers", full)
    stats = {name: analyse(work / f"full-{name}") for name, _ in ckpts}
    print(f"routing at capacity factor 1.0 (C = ceil({tpg} * {k} / {args.experts}) = "
          f"{math.ceil(tpg * k / args.experts)} per (GPU, expert)):")
    for name, layers in stats.items():
        for layer, s in layers.items():
            print(f"  {name:8s} layer {layer} ({s['name']}): dropped {s['dropTopK'] * 100:.1f} % of top-{k} "
                  f"assignments ({s['dropTop1'] * 100:.1f} % of top-1 alone), busiest/mean expert load "
                  f"{s['busiestOverMean']:.2f}, mean max prob {s['meanMaxProb']:.3f}, {s['steps']} steps")

    # 2. the committed traces: only the chosen router(s), captured again with layers=.
    if args.capture_layers == "auto":
        # the most interesting layer: the one whose trained routing is most imbalanced
        chosen = [max(stats["trained"], key=lambda l: stats["trained"][l]["busiestOverMean"])]
        print(f"chosen layer: {chosen[0]} (most imbalanced trained routing)", flush=True)
    else:
        chosen = [int(v) for v in args.capture_layers.split(",")]
    results = {name: run_capture(name, ck, args.traces_dir / f"tinymoe-{name}", args, work, layers=chosen)
               for name, ck in ckpts}
    print_overhead(f"layers {chosen}", results)
    committed = {name: analyse(args.traces_dir / f"tinymoe-{name}") for name, _ in ckpts}
    for name in committed:
        for layer, s in committed[name].items():
            assert abs(s["dropTopK"] - stats[name][layer]["dropTopK"]) < 1e-9, "committed trace differs from the full capture"
    layer = chosen[0]
    bpb = summary["bitsPerByte"]
    write_preset(args.presets_dir / "tinymoe-young.json", "tinymoe-young",
                 f"TinyMoE (16 experts, top-2) at training step {summary['youngStep']} of {summary['steps']} "
                 f"({bpb['young']:.2f} bits/byte): real routing captured on {args.world} ranks, layer {layer}",
                 args, layer)
    write_preset(args.presets_dir / "tinymoe-trained.json", "tinymoe-trained",
                 f"TinyMoE (16 experts, top-2) after {summary['steps']} training steps "
                 f"({bpb['trained']:.2f} bits/byte): real routing captured on {args.world} ranks, layer {layer}",
                 args, layer)

    paths = [args.traces_dir / "tinymoe-young", args.traces_dir / "tinymoe-trained"]
    for p in paths:
        print(f"{du(p)}\t{p}")
    total = du_bytes(paths)
    print(f"traces total: {total / 1e6:.2f} MB on disk" + ("  ** over the 5 MB budget **" if total >= 5e6 else ""))
    report = {"train": summary, "captureAllRouters": full, "captureCommitted": results,
              "routing": stats, "presetLayer": layer, "traceBytesOnDisk": total}
    (work / "report.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"done in {time.perf_counter() - t_all:.0f} s; details in {work / 'report.json'}")


if __name__ == "__main__":
    main()
