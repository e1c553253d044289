"""Runs ``dist_worker.py`` as real processes, one per rank, for the distributed tests."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import os
import socket
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_ranks(out_dir, work_dir, world=2, steps=3, layers=2, batch=2, seq=4, timeout=120):
    """Captures into ``out_dir`` with ``world`` processes; returns ``(expected, sessions)``:
    per rank the worker's own gate logits ``[steps, layers, tokens, experts]`` and session."""
    port = free_port()
    env = dict(os.environ, GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    procs = []
    for rank in range(world):
        cmd = [sys.executable, os.path.join(HERE, "dist_worker.py"), "--out", str(out_dir),
               "--expected", os.path.join(work_dir, f"expected-{rank}.npy"), "--rank", str(rank),
               "--world", str(world), "--port", str(port), "--steps", str(steps),
               "--layers", str(layers), "--batch", str(batch), "--seq", str(seq)]
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    failures = []
    for rank, proc in enumerate(procs):
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for other in procs:
                other.kill()
            raise AssertionError(f"rank {rank} timed out after {timeout} s")
        if proc.returncode != 0:
            failures.append(f"rank {rank} exited {proc.returncode}:\n{out}\n{err}")
    if failures:
        raise AssertionError("\n".join(failures))
    expected, sessions = [], []
    for rank in range(world):
        path = os.path.join(work_dir, f"expected-{rank}.npy")
        expected.append(np.load(path))
        with open(path + ".session") as handle:
            sessions.append(handle.read())
    return expected, sessions
