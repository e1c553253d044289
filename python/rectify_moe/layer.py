"""``RectifyMoE``: a drop-in top-k MoE layer with capacity, routed exactly as routing-spec.md says.

Expert parallelism follows the spec's cluster (section 1): G groups ("GPUs") each hold E/G
contiguous experts and route their own n tokens. Kept and FR-filled tokens travel in the padded
``[E, C, d]`` all-to-all buffer of each source; IR tokens never enter it, they are computed by
their own group's expert after the exchange. With ``ep_group`` a torch.distributed process group
(gloo on CPU, NCCL on GPU: only collectives on tensors, no host-side assumptions) each rank holds
its E/G experts; with ``ep_group=None`` one process holds all E and simulates ``num_groups``
groups, the token batch split GPU-major into equal shards like ``rectify run --trace`` does.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import RouteConfig
from .figures import figures_from_counts, local_counts
from .routing import Routing, route
from .weights import combination_weights


class _AllToAll(torch.autograd.Function):
    """Equal-split all-to-all over the group. Its adjoint is the same exchange (chunk q of rank r
    goes to rank q as chunk r, and back), so the backward pass is one more all-to-all. Written on
    the public ``all_to_all_single`` (gloo and NCCL) rather than the deprecated autograd wrapper."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, group) -> torch.Tensor:
        import torch.distributed as dist
        ctx.group = group
        out = torch.empty_like(x)
        dist.all_to_all_single(out, x.contiguous(), group=group)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        import torch.distributed as dist
        out = torch.empty_like(grad)
        dist.all_to_all_single(out, grad.contiguous(), group=ctx.group)
        return out, None


class FFN(nn.Module):
    """Default expert, the TinyMoE demo's (fc1, GELU, fc2), so its checkpoints load as they are."""

    def __init__(self, hidden: int, ffn: int):
        super().__init__()
        self.fc1 = nn.Linear(hidden, ffn)
        self.fc2 = nn.Linear(ffn, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class RectifyMoE(nn.Module):
    """Top-k MoE with per-(source GPU, expert) capacity and optional IR / FR rectification.

    ``forward(x)`` takes ``[..., hidden]`` and returns the MoE output of the same shape (the caller
    adds the residual). After each call, ``last_figures`` holds the step's figures under the spec's
    names (cluster-wide, identical on every rank), ``last_routing`` the decision, and ``aux_loss``
    the Switch/GShard balancing loss ``E * sum_e f_e P_e`` of the top-k choices.
    """

    def __init__(self, hidden: int, ffn: int | None = None, experts=None, num_experts: int = 8, top_k: int = 2,
                 capacity_factor: float = 1.0, mode: str = "vanilla", drop_policy: str = "score",
                 min_capacity: int = 1, ir_capacity_factor: float | None = None, gate: str = "topk",
                 ep_group=None, num_groups: int = 1):
        super().__init__()
        self.hidden, self.num_experts, self.top_k = hidden, num_experts, top_k
        self.capacity_factor, self.mode, self.drop_policy = capacity_factor, mode, drop_policy
        self.min_capacity, self.ir_capacity_factor, self.gate_normalization = min_capacity, ir_capacity_factor, gate
        self.ep_group = ep_group
        if ep_group is not None:
            import torch.distributed as dist
            self.groups, self.rank = dist.get_world_size(ep_group), dist.get_rank(ep_group)
        else:
            self.groups, self.rank = num_groups, None
        if num_experts % self.groups:
            raise ValueError(f"num_experts {num_experts} must be a multiple of the {self.groups} groups")
        self.per_group = num_experts // self.groups
        local = self.per_group if ep_group is not None else num_experts
        if experts is None:
            experts = [FFN(hidden, ffn or 4 * hidden) for _ in range(local)]
        if len(experts) != local:
            raise ValueError(f"expected {local} experts in this process, got {len(experts)}")
        self.gate = nn.Linear(hidden, num_experts, bias=False)
        self.experts = nn.ModuleList(experts)
        self.aux_loss = torch.zeros(())
        self.last_figures: dict | None = None
        self.last_routing: Routing | None = None
        self.route_config()   # validates the settings now rather than at the first forward

    def route_config(self) -> RouteConfig:
        """Read at every forward, so ``mode`` or ``capacity_factor`` may be changed between steps."""
        return RouteConfig(self.num_experts, self.top_k, self.capacity_factor, self.mode, self.drop_policy,
                           self.min_capacity, self.ir_capacity_factor, self.gate_normalization)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape, d, e = x.shape, self.hidden, self.num_experts
        flat = x.reshape(-1, d)
        logits = self.gate(flat)
        if self.ep_group is not None:
            shards, gpu_ids = 1, torch.tensor([self.rank], device=x.device)
        else:
            shards, gpu_ids = self.groups, None
            if flat.shape[0] % shards:
                raise ValueError(f"{flat.shape[0]} tokens do not split into {shards} equal groups")
        n = flat.shape[0] // shards
        cfg = self.route_config()
        r = route(logits.detach().view(shards, n, e), cfg, self.groups, gpu_ids)
        wlog = logits if logits.dtype == torch.float64 else logits.float()
        w_kept, w_ir, w_fill = combination_weights(wlog.view(shards, n, e), r, cfg.gate)
        self.aux_loss = self._balance_loss(wlog, r)

        # Buffer rows (source-major [S, E, C]) of kept and filled assignments, and their weights.
        c, k = r.capacity, self.top_k
        base = (torch.arange(shards, device=x.device) * e)[:, None]
        token = torch.arange(shards * n, device=x.device)
        kmask = r.kept.reshape(-1)
        rows = torch.cat([((base[..., None] + r.choices) * c + r.slot).reshape(-1)[kmask],
                          ((base + r.next_expert) * c + r.fill_slot).reshape(-1)[r.filled.reshape(-1)]])
        toks = torch.cat([token.repeat_interleave(k)[kmask], token[r.filled.reshape(-1)]])
        ws = torch.cat([w_kept.reshape(-1)[kmask], w_fill.reshape(-1)[r.filled.reshape(-1)]])
        buf = flat.new_zeros(shards * e * c, d).index_copy(0, rows, flat.index_select(0, toks))

        # IR tokens grouped by their (local) expert: computed after the exchange, never sent.
        ir_flat = r.ir_expert.reshape(-1)
        ir_tok = torch.nonzero(ir_flat >= 0).squeeze(-1)
        ir_tok = ir_tok[torch.sort(ir_flat[ir_tok], stable=True).indices]
        ir_sizes = torch.bincount(ir_flat[ir_tok], minlength=e).tolist()

        if self.ep_group is None:
            y_buf, y_ir = self._experts_simulated(buf, flat, ir_tok, ir_sizes, c)
        else:
            y_buf, y_ir = self._experts_distributed(buf, flat, ir_tok, ir_sizes, c)
        out = flat.new_zeros(flat.shape)
        out = out.index_add(0, toks, y_buf.index_select(0, rows) * ws[:, None].to(flat.dtype))
        if ir_tok.numel():
            out = out.index_add(0, ir_tok, y_ir * w_ir.reshape(-1)[ir_tok][:, None].to(flat.dtype))
        self.last_routing = r
        self.last_figures = self._figures(r, n)
        return out.reshape(shape)

    def _experts_simulated(self, buf, flat, ir_tok, ir_sizes, c):
        """All G groups in one process: expert e reads column e of every source's buffer."""
        g, e, d = self.groups, self.num_experts, self.hidden
        view = buf.view(g, e, c, d)
        ir_parts = flat.index_select(0, ir_tok).split(ir_sizes)
        outs, ir_outs = [], []
        for j, expert in enumerate(self.experts):
            y = expert(torch.cat([view[:, j].reshape(g * c, d), ir_parts[j]]))
            outs.append(y[:g * c].view(g, c, d))
            ir_outs.append(y[g * c:])
        return torch.stack(outs, dim=1).reshape(g * e * c, d), torch.cat(ir_outs)

    def _experts_distributed(self, buf, flat, ir_tok, ir_sizes, c):
        """One group per rank: all-to-all the padded buffer, compute, all-to-all back."""
        g, m, d = self.groups, self.per_group, self.hidden
        recv = _AllToAll.apply(buf, self.ep_group).view(g, m, c, d)
        first = self.rank * m
        ir_parts = flat.index_select(0, ir_tok).split(ir_sizes)
        outs, ir_outs = [], []
        for j, expert in enumerate(self.experts):
            y = expert(torch.cat([recv[:, j].reshape(g * c, d), ir_parts[first + j]]))
            outs.append(y[:g * c].view(g, c, d))
            ir_outs.append(y[g * c:])
        y_send = torch.stack(outs, dim=1).reshape(g * m * c, d)
        back = _AllToAll.apply(y_send, self.ep_group)
        return back, torch.cat(ir_outs)

    def _figures(self, r: Routing, n: int) -> dict:
        counts = local_counts(r).cpu()
        if self.ep_group is not None:
            import torch.distributed as dist
            dev = r.choices.device
            parts = [torch.empty_like(counts, device=dev) for _ in range(self.groups)]
            dist.all_gather(parts, counts.to(dev), group=self.ep_group)
            counts = torch.cat(parts).cpu()
        return figures_from_counts(counts, r.capacity, n)

    def _balance_loss(self, logits: torch.Tensor, r: Routing) -> torch.Tensor:
        """Switch/GShard auxiliary loss on the top-k requests (before capacity), like the demo's MoE."""
        probs = logits.softmax(dim=-1)
        counts = torch.bincount(r.choices.reshape(-1), minlength=self.num_experts).to(probs.dtype)
        f = counts / r.choices.numel()
        return self.num_experts * (f * probs.mean(dim=0)).sum()
