"""Two real processes (torch.distributed, gloo on 127.0.0.1) capture one job together."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import json
import os
import shutil
import tempfile
import unittest

import numpy as np

import dist_helper
from rectify_capture import read_capture


class TestTwoRanks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rectify-dist-test-")
        cls.out = os.path.join(cls.dir, "capture")
        cls.expected, cls.sessions = dist_helper.run_ranks(cls.out, cls.dir, world=2, steps=3, layers=2)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_session_shared_and_sidecars(self):
        self.assertEqual(self.sessions[0], self.sessions[1])
        self.assertRegex(self.sessions[0], r"^[0-9a-f]{16}$")
        for layer in range(2):
            names = sorted(os.listdir(os.path.join(self.out, f"layer-{layer:03d}")))
            self.assertEqual(names, sorted(f"step-{s:08d}.rank-{r:05d}.{e}"
                                           for s in range(3) for r in range(2) for e in ("json", "npy")))
            for step in range(3):
                for rank in range(2):
                    path = os.path.join(self.out, f"layer-{layer:03d}", f"step-{step:08d}.rank-{rank:05d}.json")
                    with open(path) as handle:
                        meta = json.load(handle)
                    self.assertEqual((meta["rank"], meta["worldSize"], meta["session"]), (rank, 2, self.sessions[0]))
                    self.assertEqual((meta["tokens"], meta["experts"], meta["topK"]), (8, 8, 2))

    def test_ranks_saw_different_tokens(self):
        self.assertFalse(np.array_equal(self.expected[0], self.expected[1]))

    def test_merge_is_gpu_major(self):
        for layer in range(2):
            steps, logits, meta = read_capture(self.out, layer)
            self.assertEqual(steps, [0, 1, 2])
            self.assertEqual((meta["worldSize"], meta["tokensPerRank"], meta["tokens"]), (2, 8, 16))
            want = np.concatenate([self.expected[0][:, layer], self.expected[1][:, layer]], axis=1)
            np.testing.assert_array_equal(logits, want)


if __name__ == "__main__":
    unittest.main()
