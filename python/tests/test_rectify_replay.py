"""End to end: captures written here replay in the Swift ``rectify`` exactly as the contract says.

Needs a built ``rectify`` binary: set ``RECTIFY_BIN=/path/to/rectify`` (e.g.
``../.build/debug/rectify`` from python/). Without it these tests are skipped, unless
``RECTIFY_REQUIRE_BIN=1`` is set (CI), which turns the missing binary into an error.

(a) A two-rank capture (two real processes, torch.distributed gloo) replayed with
    ``rectify run --trace DIR`` must request exactly the top-k choices numpy computes from the
    captured logits (GPU-major: token t is on GPU t // tokens_per_gpu; ties to the lower expert
    index; ``requested`` = tokens * k), for every mode and for ``--layer`` by index and by name;
    and every figure of every mode must equal a replay of the merged ``[steps, tokens, experts]``
    array written as one ``.npy`` with ``--gpus G --top-k K``.
(b) Broken captures (a sidecar key deleted, a NaN logit) make ``rectify run --trace DIR`` exit
    with status 2 or 1, print nothing on standard output and name the file on standard error.
"""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

import dist_helper
from capture_fixtures import edit_sidecar, put_value, shard_paths
from rectify_capture import read_capture

GPUS = 2
TOP_K = 2
EXPERTS = 8
STEPS = 3
LAYERS = 2
TOKENS_PER_GPU = 8  # batch 2 x sequence 4 per rank


def rectify_binary():
    """The binary to test, or raises SkipTest / AssertionError (RECTIFY_REQUIRE_BIN=1)."""
    path = os.environ.get("RECTIFY_BIN", "").strip()
    required = os.environ.get("RECTIFY_REQUIRE_BIN", "").strip() == "1"
    if not path:
        reason = "RECTIFY_BIN is not set: point it at a built rectify binary (e.g. .build/debug/rectify) to run the replay tests"
        if required:
            raise AssertionError(f"RECTIFY_REQUIRE_BIN=1 but {reason}")
        raise unittest.SkipTest(reason)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise AssertionError(f"RECTIFY_BIN={path!r} is not an executable file")
    return path


def reference_requests(logits: np.ndarray, gpus: int, k: int) -> np.ndarray:
    """``[gpus, experts]`` counts of top-k choices per source GPU for one step's ``[tokens, experts]``
    logits, tokens GPU-major; ranking by logit, ties to the lower expert index."""
    tokens, experts = logits.shape
    per_gpu = tokens // gpus
    # A stable sort of the negated logits orders by logit descending and keeps equal logits in
    # index order, i.e. ties go to the lower expert index.
    choices = np.argsort(-logits.astype(np.float64), axis=1, kind="stable")[:, :k]
    counts = np.zeros((gpus, experts), dtype=np.int64)
    for gpu in range(gpus):
        np.add.at(counts[gpu], choices[gpu * per_gpu:(gpu + 1) * per_gpu].ravel(), 1)
    return counts


class TestRectifyReplay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = rectify_binary()
        cls.dir = tempfile.mkdtemp(prefix="rectify-replay-test-")
        cls.capture = os.path.join(cls.dir, "capture")
        dist_helper.run_ranks(cls.capture, cls.dir, world=GPUS, steps=STEPS, layers=LAYERS, batch=2, seq=4)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def rectify(self, *args):
        return subprocess.run([self.bin, *args], capture_output=True, text=True, timeout=300)

    def run_json(self, *args):
        result = self.rectify("run", *args, "--steps", str(STEPS), "--mode", "all", "--format", "json", "--detail")
        self.assertEqual(result.returncode, 0, f"rectify run {' '.join(args)} failed:\n{result.stderr}")
        return json.loads(result.stdout)

    def check_against_numpy(self, report, layer):
        steps, logits, meta = read_capture(self.capture, layer)
        self.assertEqual(len(steps), STEPS)
        self.assertEqual((meta["worldSize"], meta["experts"], meta["topK"]), (GPUS, EXPERTS, TOP_K))
        self.assertEqual(meta["tokens"], GPUS * TOKENS_PER_GPU)
        modes = [run["mode"] for run in report["runs"]]
        self.assertEqual(sorted(modes), sorted(["vanilla", "ir", "fr", "ir+fr"]))
        for run in report["runs"]:
            self.assertEqual(len(run["steps"]), STEPS, run["mode"])
            for index, figures in enumerate(run["steps"]):
                with self.subTest(layer=layer, mode=run["mode"], step=index):
                    self.assertEqual(figures["requested"], GPUS * TOKENS_PER_GPU * TOP_K)
                    self.assertEqual(figures["tokens"], GPUS * TOKENS_PER_GPU)
                    want = reference_requests(logits[index], GPUS, TOP_K)
                    self.assertEqual(np.asarray(figures["requestedPerGpuExpert"]).tolist(), want.tolist())
        return logits

    def test_directory_replay_matches_numpy_and_merged_npy(self):
        report = self.run_json("--trace", self.capture)
        logits = self.check_against_numpy(report, 0)
        merged = os.path.join(self.dir, "merged-0.npy")
        np.save(merged, np.ascontiguousarray(logits, dtype="<f4"))
        flat = self.run_json("--trace", merged, "--gpus", str(GPUS), "--top-k", str(TOP_K))
        self.assertEqual(report["runs"], flat["runs"])

    def test_layer_by_index_and_name(self):
        by_index = self.run_json("--trace", self.capture, "--layer", "1")
        logits = self.check_against_numpy(by_index, 1)
        by_name = self.run_json("--trace", self.capture, "--layer", "layers.1.moe.gate")
        self.assertEqual(by_index["runs"], by_name["runs"])
        merged = os.path.join(self.dir, "merged-1.npy")
        np.save(merged, np.ascontiguousarray(logits, dtype="<f4"))
        flat = self.run_json("--trace", merged, "--gpus", str(GPUS), "--top-k", str(TOP_K))
        self.assertEqual(by_index["runs"], flat["runs"])

    def broken_copy(self, name):
        path = os.path.join(self.dir, name)
        shutil.copytree(self.capture, path)
        return path

    def assertRejected(self, capture, names):
        result = self.rectify("run", "--trace", capture, "--steps", str(STEPS), "--format", "json")
        self.assertIn(result.returncode, (1, 2), f"expected an error, got status {result.returncode}:\n{result.stderr}")
        self.assertEqual(result.stdout, "")
        self.assertTrue(any(name in result.stderr for name in names),
                        f"stderr names none of {names}:\n{result.stderr}")
        return result.stderr

    def test_missing_sidecar_key_is_rejected(self):
        capture = self.broken_copy("missing-key")
        sidecar, _ = shard_paths(capture, 0, 1, rank=1)
        edit_sidecar(sidecar, lambda meta: meta.pop("topK"))
        self.assertRejected(capture, [os.path.basename(sidecar)])

    def test_nan_logit_is_rejected(self):
        capture = self.broken_copy("nan")
        sidecar, npy = shard_paths(capture, 0, 1, rank=1)
        put_value(npy, 3, 5, np.nan)
        stderr = self.assertRejected(capture, [os.path.basename(npy), os.path.basename(sidecar)])
        self.assertIn("NaN", stderr)


if __name__ == "__main__":
    unittest.main()
