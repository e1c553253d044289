"""One rank of the RectifyMoE expert-parallel test (started by torch.multiprocessing.spawn).

Each rank builds the same seeded full layer as the single-process simulation, keeps only its
E/G experts, runs forward and backward on its own GPU-major shard of the batch and saves what
the test compares: output, input gradient, gate and local expert gradients, figures.
"""

import os

import torch
import torch.distributed as dist

import _path  # noqa: F401
from rectify_moe import RectifyMoE


def full_layer(case: dict, groups: int) -> RectifyMoE:
    torch.manual_seed(case["seed"])
    return RectifyMoE(case["hidden"], ffn=case["ffn"], num_experts=case["experts"], top_k=case["top_k"],
                      capacity_factor=case["cf"], mode=case["mode"], drop_policy=case["policy"], num_groups=groups)


def batch(case: dict, groups: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs [G * n, hidden] and the fixed output weighting that defines the test loss."""
    gen = torch.Generator().manual_seed(case["seed"] + 1)
    x = torch.randn(groups * case["n"], case["hidden"], generator=gen)
    return x, torch.randn(groups * case["n"], case["hidden"], generator=gen)


def run(rank: int, world: int, port: int, out_dir: str, cases: list[dict]) -> None:
    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        for i, case in enumerate(cases):
            full = full_layer(case, world)
            m = case["experts"] // world
            layer = RectifyMoE(case["hidden"], num_experts=case["experts"], top_k=case["top_k"],
                               capacity_factor=case["cf"], mode=case["mode"], drop_policy=case["policy"],
                               experts=[full.experts[rank * m + j] for j in range(m)], ep_group=dist.group.WORLD)
            with torch.no_grad():
                layer.gate.weight.copy_(full.gate.weight)
            x, wout = batch(case, world)
            rows = slice(rank * case["n"], (rank + 1) * case["n"])
            xs = x[rows].clone().requires_grad_(True)
            y = layer(xs)
            (y * wout[rows]).sum().backward()
            torch.save({"y": y.detach(), "x_grad": xs.grad, "gate_grad": layer.gate.weight.grad,
                        "expert_grads": [[p.grad for p in e.parameters()] for e in layer.experts],
                        "figures": layer.last_figures}, os.path.join(out_dir, f"case{i}-rank{rank}.pt"))
    finally:
        dist.destroy_process_group()
