"""The routing decision of one step, vectorised with torch (routing-spec.md sections 3-5).

Every source GPU routes only its own tokens (capacity is per (source GPU, expert), IR stays on
the token's GPU, FR fills that GPU's own padding), so a rank can route its shard alone, with no
communication: ``route`` takes any number of shards and the global index of each one's GPU.

Orderings are built from stable sorts applied from the least to the most significant key, so
ties fall to the lower token index exactly as the spec (and the Swift engine) break them.
Probabilities are float32 like the engine's; the decision runs without autograd.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .config import RouteConfig, capacity, ir_capacity


@dataclass
class Routing:
    """Who computes which token. Shapes: S shards of n tokens, k choices, E experts."""

    capacity: int
    gpus: int                  # G, the whole cluster (S == G when one process simulates it)
    gpu_ids: torch.Tensor      # [S] global index of each shard's GPU
    choices: torch.Tensor      # [S, n, k] top-k experts, best first
    kept: torch.Tensor         # [S, n, k] bool: the choice kept a slot
    slot: torch.Tensor         # [S, n, k] slot index within (GPU, expert), valid where kept
    drops: torch.Tensor        # [S, n] d(t)
    ir_expert: torch.Tensor    # [S, n] h(t) when IR recovered the token, else -1
    next_expert: torch.Tensor  # [S, n] next(t), -1 when k == E
    filled: torch.Tensor       # [S, n] bool: FR filled next(t)
    fill_slot: torch.Tensor    # [S, n] slot index of the fill within (GPU, next(t))
    requested: torch.Tensor    # [S, E]
    kept_counts: torch.Tensor  # [S, E]
    filled_counts: torch.Tensor  # [S, E]
    ir_counts: torch.Tensor    # [S, E] IR tokens computed by expert e for this shard's GPU


def _rank_within_groups(group: torch.Tensor, groups: int, *keys: tuple[torch.Tensor, bool]) -> torch.Tensor:
    """Each item's 0-based position within its group, groups ordered by the ``keys``
    (most significant first; each ``(values, descending)``), then by the item's index."""
    perm = torch.arange(group.numel(), device=group.device)
    for values, descending in reversed(keys):
        perm = perm[torch.sort(values[perm], descending=descending, stable=True).indices]
    perm = perm[torch.sort(group[perm], stable=True).indices]
    counts = torch.bincount(group, minlength=groups)
    starts = torch.cumsum(counts, 0) - counts
    pos = torch.empty_like(perm)
    pos[perm] = torch.arange(group.numel(), device=group.device) - starts[group[perm]]
    return pos


@torch.no_grad()
def route(logits: torch.Tensor, cfg: RouteConfig, gpus: int, gpu_ids: torch.Tensor | None = None) -> Routing:
    """Routes ``logits`` [S, n, E] (shard s on GPU ``gpu_ids[s]``, default 0..S-1) over ``gpus`` GPUs."""
    s_count, n, e = logits.shape
    k, dev = cfg.top_k, logits.device
    if e != cfg.num_experts or e % gpus:
        raise ValueError(f"{e} experts must equal num_experts {cfg.num_experts} and divide over {gpus} GPUs")
    m = e // gpus
    if gpu_ids is None:
        gpu_ids = torch.arange(s_count, device=dev)
    a = logits.float()
    p = torch.softmax(a, dim=-1)
    ranking = torch.sort(a, dim=-1, descending=True, stable=True).indices   # ties: lower expert first
    choices = ranking[..., :k]
    c = capacity(n, k, e, cfg.capacity_factor, cfg.min_capacity)
    shard = torch.arange(s_count, device=dev)

    # Section 3: vanilla drops per (source GPU, expert) in drop-policy order.
    group = (shard[:, None, None] * e + choices).reshape(-1)
    if cfg.drop_policy == "score":
        keys = ((p.gather(-1, choices).reshape(-1), True),)
    elif cfg.drop_policy == "choice":
        keys = ((torch.arange(k, device=dev).repeat(s_count * n), False),)
    else:
        keys = ()
    pos = _rank_within_groups(group, s_count * e, *keys).view(s_count, n, k)
    kept = pos < c
    slot = torch.where(kept, pos, torch.full_like(pos, -1))
    drops = k - kept.sum(-1)
    requested = torch.bincount(group, minlength=s_count * e).view(s_count, e)
    kept_counts = requested.clamp(max=c)

    # Section 4: IR, the best local expert that did not keep the token.
    ir_expert = torch.full((s_count, n), -1, dtype=torch.long, device=dev)
    ir_counts = torch.zeros(s_count, e, dtype=torch.long, device=dev)
    if cfg.uses_ir:
        local_idx = (gpu_ids[:, None, None] * m + torch.arange(m, device=dev)).expand(s_count, n, m)
        in_s = torch.zeros(s_count, n, e, dtype=torch.bool, device=dev).scatter_(-1, choices, kept)
        candidate = ~in_s.gather(-1, local_idx)
        masked = a.gather(-1, local_idx).masked_fill(~candidate, float("-inf"))
        best = masked.argmax(-1)                       # first maximum: ties to the lower index
        h = gpu_ids[:, None] * m + best
        ok = (drops > 0) & candidate.any(-1)
        limit = ir_capacity(c, cfg.ir_capacity_factor)
        if limit is not None:
            hp = p.gather(-1, h[..., None])[..., 0]
            # Non-candidates go to a sink group past the real ones, so they never take a place.
            grp = torch.where(ok, shard[:, None] * e + h, torch.full_like(h, s_count * e)).reshape(-1)
            rank_ir = _rank_within_groups(grp, s_count * e + 1, (hp.reshape(-1), True)).view(s_count, n)
            ok = ok & (rank_ir < limit)
        ir_expert = torch.where(ok, h, ir_expert)
        ir_grp = (shard[:, None] * e + h)[ok]
        ir_counts = torch.bincount(ir_grp, minlength=s_count * e).view(s_count, e)

    # Section 5: FR, padding of (GPU, expert) takes the tokens whose next choice is that expert.
    next_expert = ranking[..., k] if k < e else torch.full((s_count, n), -1, dtype=torch.long, device=dev)
    filled = torch.zeros(s_count, n, dtype=torch.bool, device=dev)
    fill_slot = torch.full((s_count, n), -1, dtype=torch.long, device=dev)
    filled_counts = torch.zeros(s_count, e, dtype=torch.long, device=dev)
    if cfg.uses_fr:
        padding = (c - kept_counts).reshape(-1)
        grp = (shard[:, None] * e + next_expert).reshape(-1)
        np_ = p.gather(-1, next_expert[..., None])[..., 0].reshape(-1)
        rank_fr = _rank_within_groups(grp, s_count * e, (np_, True))
        fill = rank_fr < padding[grp]
        filled = fill.view(s_count, n)
        fill_slot = torch.where(fill, kept_counts.reshape(-1)[grp] + rank_fr, torch.full_like(rank_fr, -1)).view(s_count, n)
        filled_counts = torch.bincount(grp[fill], minlength=s_count * e).view(s_count, e)
    return Routing(c, gpus, gpu_ids, choices, kept, slot, drops, ir_expert, next_expert, filled, fill_slot,
                   requested, kept_counts, filled_counts, ir_counts)
