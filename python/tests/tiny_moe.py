"""A tiny Mixture-of-Experts language model for the capture tests, plus fake classes named like
Hugging Face's MoE blocks (``MixtralSparseMoeBlock``, ...) to test auto-detection without
transformers.

The MoE layer computes every expert densely and weights them by the renormalised top-k gate
probabilities: slow for real sizes, but exact, differentiable and tiny here.
"""

from types import SimpleNamespace

import torch
from torch import nn
import torch.nn.functional as F

VOCAB = 32
HIDDEN = 16
EXPERTS = 8
TOP_K = 2


class TinyMoELayer(nn.Module):
    """Gate ``nn.Linear(d, E)`` over ``[batch, seq, d]``: the router output is 3-D."""

    def __init__(self, d=HIDDEN, experts=EXPERTS, top_k=TOP_K):
        super().__init__()
        self.gate = nn.Linear(d, experts, bias=False)
        self.experts = nn.ModuleList(nn.Linear(d, d) for _ in range(experts))
        self.top_k = top_k
        self.num_experts = experts

    def mix(self, h, logits):
        probs = F.softmax(logits, dim=-1)
        top_v, top_i = probs.topk(self.top_k, dim=-1)
        top_v = top_v / top_v.sum(dim=-1, keepdim=True)
        weights = torch.zeros_like(probs).scatter(-1, top_i, top_v)       # [..., E]
        outs = torch.stack([torch.tanh(e(h)) for e in self.experts], -2)  # [..., E, d]
        return h + (weights.unsqueeze(-1) * outs).sum(-2)

    def forward(self, h):
        return self.mix(h, self.gate(h))


class TinyBlock(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.norm = nn.LayerNorm(HIDDEN)
        self.moe = TinyMoELayer(**kw)

    def forward(self, h):
        return self.moe(self.norm(h))


class TinyMoE(nn.Module):
    """Embedding, ``layers`` MoE blocks (routers ``layers.N.moe.gate``), LM head."""

    def __init__(self, layers=3, experts=EXPERTS, top_k=TOP_K, seed=0):
        super().__init__()
        generator_state = torch.random.get_rng_state()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(VOCAB, HIDDEN)
        self.layers = nn.ModuleList(TinyBlock(experts=experts, top_k=top_k) for _ in range(layers))
        self.head = nn.Linear(HIDDEN, VOCAB)
        torch.random.set_rng_state(generator_state)
        self.config = SimpleNamespace(num_experts_per_tok=top_k)

    def forward(self, ids):
        h = self.embed(ids)
        for block in self.layers:
            h = block(h)
        return self.head(h)

    @torch.no_grad()
    def reference_gate_logits(self, ids):
        """Each router's logits, recomputed step by step without hooks: ``[layers][B*S, E]``."""
        h = self.embed(ids)
        found = []
        for block in self.layers:
            x = block.norm(h)
            logits = block.moe.gate(x)
            found.append(logits.reshape(-1, logits.shape[-1]).clone())
            h = block.moe.mix(x, logits)
        return found


def loss_of(model, ids):
    logits = model(ids)
    return F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), ids[:, 1:].reshape(-1))


def batch(seed, batch_size=2, seq=5):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, VOCAB, (batch_size, seq), generator=g)


# --------------------------------------------------------------- Hugging Face-named fakes


class MixtralSparseMoeBlock(nn.Module):
    """Like transformers 4.x Mixtral: flattens tokens, then ``gate`` is an nn.Linear (2-D output)."""

    def __init__(self, d=HIDDEN, experts=EXPERTS, top_k=TOP_K):
        super().__init__()
        self.num_experts = experts
        self.top_k = top_k
        self.gate = nn.Linear(d, experts, bias=False)
        self.experts = nn.ModuleList(nn.Linear(d, d) for _ in range(experts))

    def forward(self, h):
        b, s, d = h.shape
        flat = h.reshape(-1, d)
        logits = self.gate(flat)
        probs = F.softmax(logits, dim=-1)
        top_v, top_i = probs.topk(self.top_k, dim=-1)
        weights = torch.zeros_like(probs).scatter(-1, top_i, top_v / top_v.sum(-1, keepdim=True))
        outs = torch.stack([e(flat) for e in self.experts], -2)
        return (weights.unsqueeze(-1) * outs).sum(-2).reshape(b, s, d), logits


class MixtralTopKRouter(nn.Module):
    """Like newer transformers: a router module with its own ``weight`` returning a tuple
    ``(router_logits, router_scores, router_indices)``; the scores also end in E."""

    def __init__(self, d=HIDDEN, experts=EXPERTS, top_k=TOP_K):
        super().__init__()
        self.top_k = top_k
        self.num_experts = experts
        self.weight = nn.Parameter(torch.randn(experts, d) * 0.3)

    def forward(self, flat):
        logits = F.linear(flat, self.weight)
        probs = F.softmax(logits, dim=-1)
        top_v, top_i = probs.topk(self.top_k, dim=-1)
        scores = torch.zeros_like(probs).scatter(-1, top_i, top_v)
        return logits, scores, top_i


class Qwen3MoeSparseMoeBlock(nn.Module):
    """A block whose ``gate`` is a tuple-returning router module."""

    def __init__(self, d=HIDDEN, experts=EXPERTS):
        super().__init__()
        self.gate = MixtralTopKRouter(d, experts)

    def forward(self, h):
        b, s, d = h.shape
        _, scores, _ = self.gate(h.reshape(-1, d))
        return h + scores.sum(-1, keepdim=True).reshape(b, s, 1)


class OlmoeMoEBlock(MixtralSparseMoeBlock):
    """Another naming variant (``...MoEBlock``)."""


class GatedMLP(nn.Module):
    """Not an MoE block, though it has a ``gate``: must not be detected."""

    def __init__(self, d=HIDDEN):
        super().__init__()
        self.gate = nn.Linear(d, d)

    def forward(self, h):
        return h * torch.sigmoid(self.gate(h))


class FakeHFDecoderLayer(nn.Module):
    def __init__(self, moe):
        super().__init__()
        self.mlp_gate = GatedMLP()
        self.block_sparse_moe = moe

    def forward(self, h):
        out = self.block_sparse_moe(self.mlp_gate(h))
        return out[0] if isinstance(out, tuple) else out


class FakeHFModel(nn.Module):
    """``model.layers.N.block_sparse_moe.gate`` routers (an nn.Linear, a tuple-returning router,
    an nn.Linear), a non-MoE ``gate`` that must be ignored, and ``config.num_experts_per_tok``."""

    def __init__(self, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.embed = nn.Embedding(VOCAB, HIDDEN)
        self.layers = nn.ModuleList([
            FakeHFDecoderLayer(MixtralSparseMoeBlock()),
            FakeHFDecoderLayer(Qwen3MoeSparseMoeBlock()),
            FakeHFDecoderLayer(OlmoeMoEBlock()),
        ])
        self.config = SimpleNamespace(num_experts_per_tok=TOP_K)

    def forward(self, ids):
        h = self.embed(ids)
        for layer in self.layers:
            h = layer(h)
        return h
