"""RectifyMoE with real expert parallelism (2 and 4 processes, torch.distributed gloo) equals the
single-process simulation of the same G groups: outputs, figures, and gradients (input, gate
summed over ranks, each expert's on its owner rank). The all-to-all moves the padded buffer."""

import _path  # noqa: F401

import os
import shutil
import tempfile
import unittest

import torch
import torch.multiprocessing as mp

import moe_dist_worker as worker
from dist_helper import free_port

CASES = [
    dict(seed=1, hidden=6, ffn=5, experts=8, top_k=2, cf=0.75, mode="ir+fr", policy="score", n=12),
    dict(seed=2, hidden=5, ffn=4, experts=8, top_k=1, cf=1.0, mode="ir", policy="position", n=10),
    dict(seed=3, hidden=4, ffn=6, experts=4, top_k=2, cf=1.5, mode="fr", policy="choice", n=9),
    dict(seed=4, hidden=4, ffn=3, experts=8, top_k=2, cf=0.5, mode="vanilla", policy="score", n=8),
]


class TestExpertParallel(unittest.TestCase):
    def check_world(self, world: int) -> None:
        out = tempfile.mkdtemp(prefix="rectify-moe-dist-")
        self.addCleanup(shutil.rmtree, out, True)
        cases = [c for c in CASES if c["experts"] % world == 0]
        mp.spawn(worker.run, args=(world, free_port(), out, cases), nprocs=world, join=True)
        for i, case in enumerate(cases):
            full = worker.full_layer(case, world)
            x, wout = worker.batch(case, world)
            x.requires_grad_(True)
            y = full(x)
            (y * wout).sum().backward()
            ranks = [torch.load(os.path.join(out, f"case{i}-rank{r}.pt"), weights_only=False) for r in range(world)]
            n, m = case["n"], case["experts"] // world
            label = f"world {world} case {case}"
            for r, got in enumerate(ranks):
                rows = slice(r * n, (r + 1) * n)
                torch.testing.assert_close(got["y"], y.detach()[rows], rtol=1e-5, atol=1e-6, msg=label)
                torch.testing.assert_close(got["x_grad"], x.grad[rows], rtol=1e-5, atol=1e-6, msg=label)
                self.assertEqual(got["figures"], full.last_figures, label)
                for j, grads in enumerate(got["expert_grads"]):
                    for g, p in zip(grads, full.experts[r * m + j].parameters()):
                        torch.testing.assert_close(g, p.grad, rtol=1e-5, atol=1e-6, msg=label)
            gate = sum(got["gate_grad"] for got in ranks)
            torch.testing.assert_close(gate, full.gate.weight.grad, rtol=1e-5, atol=1e-6, msg=label)
            self.assertGreater(full.last_figures["dropped"] + full.last_figures["filled"], 0, label)

    def test_two_processes(self):
        self.check_world(2)

    def test_four_processes(self):
        self.check_world(4)


if __name__ == "__main__":
    unittest.main()
