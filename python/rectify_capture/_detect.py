"""Finding router modules and their expert counts and top-k, without importing transformers.

Hugging Face MoE models (Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, ...) put each layer's router in
the ``gate`` child of a block whose class name ends in ``SparseMoeBlock``/``MoeBlock``/``MoEBlock``.
Matching class *names* (duck typing) keeps this package free of a transformers dependency and
lets it work across transformers versions, where ``gate`` is an ``nn.Linear`` in 4.x and a router
module such as ``MixtralTopKRouter`` (returning a tuple whose first element is the logits) in
newer versions.
"""

from __future__ import annotations

import re

import torch
from torch import nn

#: Class-name suffixes of Hugging Face-style MoE blocks whose ``gate`` child is the router.
MOE_BLOCK_SUFFIXES = ("SparseMoeBlock", "MoeBlock", "MoEBlock")

_TOP_K_ATTRS = ("top_k", "num_experts_per_tok", "moe_top_k", "router_top_k")
_EXPERT_ATTRS = ("num_experts", "num_local_experts", "n_routed_experts", "n_experts")


def _is_moe_block(module: nn.Module) -> bool:
    return type(module).__name__.endswith(MOE_BLOCK_SUFFIXES)


def find_moe_routers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Returns ``[(qualified name, router module)]`` of Hugging Face-style MoE routers, in model
    order (the order of ``model.named_modules()``, which is registration order).

    A router is the ``gate`` child of a module whose class name ends in one of
    :data:`MOE_BLOCK_SUFFIXES`. Returns an empty list when there is none.
    """
    found = []
    for name, module in model.named_modules():
        if not _is_moe_block(module):
            continue
        gate = getattr(module, "gate", None)
        if isinstance(gate, nn.Module):
            found.append((f"{name}.gate" if name else "gate", gate))
    return found


def select_modules(model: nn.Module, modules=None, pattern=None) -> list[tuple[str, nn.Module]]:
    """The routers to hook, in model order: the named ``modules``, the modules whose qualified
    name matches ``pattern`` (``re.search``), or the auto-detected ones. Raises ``ValueError``
    with the reason when the selection is empty or names something that does not exist."""
    if modules is not None and pattern is not None:
        raise ValueError("pass either modules= or pattern=, not both")
    if modules is not None:
        if isinstance(modules, str):
            modules = [modules]
        wanted = list(modules)
        if not wanted:
            raise ValueError("modules= is empty; name at least one router module")
        by_name = dict(model.named_modules())
        missing = [name for name in wanted if name not in by_name]
        if missing:
            raise ValueError(f"modules not found in the model: {', '.join(map(repr, missing))}")
        if len(set(wanted)) != len(wanted):
            raise ValueError("modules= names a module more than once")
        # Model order, not the order given, so layer indices follow the model's depth.
        order = {name: i for i, (name, _) in enumerate(model.named_modules(remove_duplicate=False))}
        return sorted(((name, by_name[name]) for name in wanted), key=lambda item: order[item[0]])
    if pattern is not None:
        regex = re.compile(pattern)
        chosen = [(name, module) for name, module in model.named_modules() if name and regex.search(name)]
        if not chosen:
            raise ValueError(f"pattern {pattern!r} matches no module of the model")
        return chosen
    chosen = find_moe_routers(model)
    if not chosen:
        raise ValueError(
            "no MoE routers found: no module class name ends in "
            + "/".join(MOE_BLOCK_SUFFIXES)
            + " with a 'gate' child; pass modules=[...] or pattern=... to name the router modules")
    return chosen


def parent_module(model: nn.Module, name: str):
    """The module holding ``name`` (the MoE block for a ``...gate``), or None."""
    if "." not in name:
        return model if name else None
    try:
        return model.get_submodule(name.rsplit(".", 1)[0])
    except AttributeError:
        return None


def _positive_int_attr(obj, attrs):
    for attr in attrs:
        value = getattr(obj, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
    return None


def experts_of(router: nn.Module, block) -> int | None:
    """Experts a router scores, when its structure tells: ``out_features`` of an ``nn.Linear``,
    a ``num_experts``-style attribute of the router or its block, or the rows of a 2-D ``weight``
    (router modules that keep ``[experts, hidden]`` weights). None means "learn it from the first
    output"."""
    if isinstance(router, nn.Linear):
        return router.out_features
    found = _positive_int_attr(router, _EXPERT_ATTRS)
    if found is None and block is not None:
        found = _positive_int_attr(block, _EXPERT_ATTRS)
    if found is None:
        weight = getattr(router, "weight", None)
        if isinstance(weight, torch.Tensor) and weight.dim() == 2:
            found = int(weight.shape[0])
    return found


def top_k_of(model: nn.Module, router: nn.Module, block) -> int | None:
    """Experts per token: a ``top_k``-style attribute of the router or its block, else the
    model's Hugging Face config (``num_experts_per_tok`` or ``top_k``), else None."""
    found = _positive_int_attr(router, _TOP_K_ATTRS)
    if found is None and block is not None and block is not model:
        found = _positive_int_attr(block, _TOP_K_ATTRS)
    if found is None:
        config = getattr(model, "config", None)
        if config is not None:
            found = _positive_int_attr(config, ("num_experts_per_tok", "top_k", "moe_top_k"))
    return found
