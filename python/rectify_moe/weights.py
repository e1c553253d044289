"""Combination weights (routing-spec.md section 6), differentiable in the router logits.

The routing decision is discrete; gradients reach the gate only through these weights, as in any
top-k router. With the ``topk`` gate, vanilla keeps the dropped experts' mass in the denominator
(their share is lost), IR replaces it by the local expert counted d(t) times, FR adds next(t).
"""

from __future__ import annotations

import torch

from .routing import Routing


def combination_weights(logits: torch.Tensor, r: Routing, gate: str = "topk"):
    """``(kept [S, n, k], ir [S, n], fill [S, n])`` weights for ``logits`` [S, n, E] (with grad)."""
    shift = logits.max(dim=-1, keepdim=True).values.detach()   # cancels out; only for range
    ex = torch.exp(logits - shift)
    kept = r.kept.to(ex.dtype)
    has_ir = r.ir_expert >= 0
    ex_choice = ex.gather(-1, r.choices)
    ex_ir = ex.gather(-1, r.ir_expert.clamp(min=0)[..., None])[..., 0]
    ex_next = ex.gather(-1, r.next_expert.clamp(min=0)[..., None])[..., 0]
    mult = r.drops.to(ex.dtype)
    zero = torch.zeros_like(ex_ir)
    if gate == "softmax":
        z = ex.sum(-1)
    else:
        lost = (ex_choice * (1 - kept)).sum(-1)
        z = (ex_choice * kept).sum(-1) + torch.where(has_ir, mult * ex_ir, lost) + torch.where(r.filled, ex_next, zero)
    w_kept = ex_choice * kept / z[..., None]
    w_ir = torch.where(has_ir, mult * ex_ir / z, zero)
    w_fill = torch.where(r.filled, ex_next / z, zero)
    return w_kept, w_ir, w_fill
