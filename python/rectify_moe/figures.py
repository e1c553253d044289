"""A step's routing figures under the spec's names (routing-spec.md section 7).

Built from per-(GPU, expert) count matrices plus three per-GPU token tallies, so that ranks of a
distributed job can all-gather a few small integers and each compute the same cluster figures.
"""

from __future__ import annotations

import torch

from .routing import Routing

# Per-GPU token tallies, in this order, after the four [E] count rows.
TALLIES = ("recovered", "irTokens", "coveredTokens")


def local_counts(r: Routing) -> torch.Tensor:
    """[S, 4E + 3] int64 rows: requested, kept, filled and IR counts per expert, then the tallies."""
    recovered = (r.drops * (r.ir_expert >= 0)).sum(-1)
    ir_tokens = (r.ir_expert >= 0).sum(-1)
    covered = ((r.drops < r.choices.shape[-1]) | (r.ir_expert >= 0) | r.filled).sum(-1)
    tallies = torch.stack([recovered, ir_tokens, covered], dim=-1)
    return torch.cat([r.requested, r.kept_counts, r.filled_counts, r.ir_counts, tallies], dim=-1).long()


def figures_from_counts(counts: torch.Tensor, capacity: int, tokens_per_gpu: int) -> dict:
    """The step's figures from the [G, 4E + 3] rows of every GPU, in GPU order."""
    g = counts.shape[0]
    e = (counts.shape[1] - len(TALLIES)) // 4
    m = e // g
    requested, kept, filled, ir = (counts[:, i * e:(i + 1) * e] for i in range(4))
    recovered, ir_tokens, covered = (int(v) for v in counts[:, 4 * e:].sum(0))
    slots = g * e * capacity
    kept_n, filled_n, req_n = int(kept.sum()), int(filled.sum()), int(requested.sum())
    owner = torch.arange(e) // m
    cross = owner[None, :] != torch.arange(g)[:, None]
    expert_load = kept.sum(0) + filled.sum(0) + ir.sum(0)
    gpu_load = expert_load.view(g, m).sum(-1)
    mean = float(gpu_load.float().mean())
    dropped = req_n - kept_n
    return {
        "capacity": capacity, "requested": req_n, "kept": kept_n, "dropped": dropped,
        "recovered": recovered, "unrecovered": dropped - recovered, "irTokens": ir_tokens,
        "filled": filled_n, "slots": slots, "padding": slots - kept_n,
        "residualPadding": slots - kept_n - filled_n,
        "crossGPU": int(((kept + filled) * cross).sum()), "coveredTokens": covered,
        "tokens": g * tokens_per_gpu, "gpuLoad": gpu_load.tolist(),
        "imbalance": (float(gpu_load.max()) / mean) if mean > 0 else None,
        "dropRate": dropped / req_n if req_n else None,
        "paddingRate": (slots - kept_n - filled_n) / slots if slots else None,
        "expertLoad": expert_load.tolist(),
        "expertRequested": requested.sum(0).tolist(),
        "expertDropped": (requested - kept).sum(0).tolist(),
        "requestedPerGpuExpert": requested.tolist(), "keptPerGpuExpert": kept.tolist(),
        "filledPerGpuExpert": filled.tolist(), "irPerGpuExpert": ir.tolist(),
        "irPerExpert": ir.sum(0).tolist(),
    }
