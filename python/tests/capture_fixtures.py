"""Small helpers shared by the tests: a capture written by the real writer, and sidecar edits."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import json
import os

import numpy as np
import torch

import tiny_moe
from rectify_capture import RouterCapture


def write_tiny_capture(out_dir, steps=3, layers=2, **kwargs):
    """Captures ``steps`` steps of a TinyMoE; returns ``(cap, expected)`` where ``expected[step]``
    is the list of per-layer gate logits computed without hooks."""
    model = tiny_moe.TinyMoE(layers=layers)
    expected = {}
    with RouterCapture(model, out_dir, pattern=r"moe\.gate$", **kwargs) as cap:
        for step in range(steps):
            ids = tiny_moe.batch(step)
            with cap.step(step), torch.no_grad():
                model(ids)
            expected[step] = [t.numpy() for t in model.reference_gate_logits(ids)]
    return cap, expected


def shard_paths(out_dir, layer, step, rank=0):
    stem = os.path.join(out_dir, f"layer-{layer:03d}", f"step-{step:08d}.rank-{rank:05d}")
    return stem + ".json", stem + ".npy"


def edit_sidecar(path, change):
    """Loads the sidecar at ``path``, lets ``change(meta)`` modify it and writes it back."""
    with open(path) as handle:
        meta = json.load(handle)
    change(meta)
    with open(path, "w") as handle:
        json.dump(meta, handle, indent=2)


def put_value(npy_path, token, expert, value):
    """Overwrites one logit of a shard, keeping its dtype and shape."""
    array = np.load(npy_path)
    array[token, expert] = value
    np.save(npy_path, array)
