"""One rank of a real two-process capture (torch.distributed, gloo on 127.0.0.1).

Run by ``dist_helper.run_ranks``: every rank builds the same TinyMoE (same seed), feeds its own
tokens (seeded by rank and step), captures into the shared folder and saves the gate logits it
computed itself (no hooks) as ``[steps, layers, tokens, experts]`` for the test to compare.
"""

import argparse
import datetime
import os
import sys

import numpy as np
import torch
import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tiny_moe  # noqa: E402
from rectify_capture import RouterCapture  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--world", type=int, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--seq", type=int, default=4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{args.port}", rank=args.rank,
                            world_size=args.world, timeout=datetime.timedelta(seconds=60))
    try:
        model = tiny_moe.TinyMoE(layers=args.layers, seed=0)
        expected = []
        with RouterCapture(model, args.out, pattern=r"moe\.gate$") as cap:
            for step in range(args.steps):
                ids = tiny_moe.batch(1000 * step + args.rank, args.batch, args.seq)
                with cap.step(step):
                    tiny_moe.loss_of(model, ids).backward()
                expected.append(torch.stack(model.reference_gate_logits(ids)).numpy())
        np.save(args.expected, np.stack(expected))
        with open(args.expected + ".session", "w") as handle:
            handle.write(cap.session)
        dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
