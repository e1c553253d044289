"""``python/demo/quality.py --smoke`` runs the whole quality pipeline end to end on a tiny model:
training under every scheme, the capacity-factor sweep and the report. Checks that the files are
written in the schema the Swift side reads (Presets/quality/*.json), not the numbers."""

import _path  # noqa: F401

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "python", "demo", "quality.py")


class TestQualitySmoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rectify-quality-smoke-")
        env = dict(os.environ, OMP_NUM_THREADS="1")
        cls.proc = subprocess.run([sys.executable, SCRIPT, "--smoke", "--out", cls.dir], capture_output=True,
                                  text=True, timeout=600, env=env)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def load(self, name):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-3000:])
        with open(os.path.join(self.dir, name)) as handle:
            return json.load(handle)

    def test_preset_schema(self):
        preset = self.load("tinymoe-smoke.json")   # the smoke sweep's --name
        self.assertEqual(list(preset), ["about", "metric", "lowerIsBetter", "dropless", "points"])
        self.assertEqual((preset["metric"], preset["lowerIsBetter"]), ("bitsPerByte", True))
        self.assertIsInstance(preset["about"], str)
        self.assertTrue(math.isfinite(preset["dropless"]))
        seen = set()
        for p in preset["points"]:
            self.assertEqual(list(p), ["topK", "capacityFactor", "dropPolicy", "mode", "value"])
            self.assertEqual(p["dropPolicy"], "score")
            self.assertTrue(math.isfinite(p["value"]))
            self.assertEqual(round(p["value"], 4), p["value"])
            seen.add((p["topK"], p["capacityFactor"], p["mode"]))
        want = {(k, cf, m) for k in (1, 2) for cf in (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
                for m in ("vanilla", "ir", "fr", "ir+fr")}
        self.assertEqual(seen, want)
        self.assertEqual(len(preset["points"]), len(want))

    def test_results(self):
        res = self.load("quality.json")
        schemes = {(r["gate"], r["topK"], r["scheme"]) for r in res["runs"]}
        topk = {(1, "vanilla"), (1, "ir"), (1, "fr"), (1, "ir+fr"), (2, "vanilla"), (2, "ir+fr")}
        softmax = {(1, "vanilla"), (1, "ir"), (1, "fr"), (1, "ir+fr")}
        self.assertEqual(schemes, {("topk", k, m) for k, m in topk} | {("softmax", k, m) for k, m in softmax})
        for r in res["runs"]:
            self.assertTrue(math.isfinite(r["bitsPerByte"]) and r["bitsPerByte"] > 0)
            for key in ("seed", "steps", "minutes", "capacityFactor"):
                self.assertIn(key, r)
        self.assertEqual(len(res["summary"]), 10)
        self.assertEqual(set(res["gateNotes"]), {"topk", "softmax"})
        self.assertEqual(list(res["sweeps"]), ["tinymoe-smoke"])
        self.assertIn("torch", res)
        self.assertIn("machine", res)


if __name__ == "__main__":
    unittest.main()
