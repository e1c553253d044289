"""``python -m rectify_capture inspect DIR``: report and exit status."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from capture_fixtures import edit_sidecar, shard_paths, write_tiny_capture

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args):
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "rectify_capture", *args], capture_output=True, text=True,
                          env=env, timeout=60)


class TestInspect(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rectify-cli-test-")
        cls.out = os.path.join(cls.dir, "capture")
        cls.cap, _ = write_tiny_capture(cls.out, steps=12, layers=2, every=5, dtype="float16")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_help(self):
        result = cli("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("inspect", result.stdout)
        result = cli("inspect", "--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("DIR", result.stdout)

    def test_report(self):
        result = cli("inspect", self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = result.stdout
        for expected in ["2 layers", "layer-000  layers.0.moe.gate", "layer-001  layers.1.moe.gate",
                         "complete steps   3  (0, 5, 10)", "[10, 8] per rank", "top-k            2",
                         "float16, token order batch-major", self.cap.session, "3 shards"]:
            self.assertIn(expected, text)

    def test_json_report(self):
        result = cli("inspect", "--json", self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual([layer["completeSteps"] for layer in report["layers"]], [[0, 5, 10]] * 2)
        self.assertEqual(report["errors"], [])

    def test_invalid_files_and_not_a_capture(self):
        bad = os.path.join(self.dir, "bad")
        shutil.copytree(self.out, bad)
        json_path, _ = shard_paths(bad, 1, 5)
        edit_sidecar(json_path, lambda m: m.pop("session"))
        result = cli("inspect", bad)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{json_path}: missing key 'session'", result.stdout)
        self.assertIn("complete steps   2  (0, 10)", result.stdout)
        result = cli("inspect", self.dir)
        self.assertEqual(result.returncode, 2)
        self.assertIn("not a capture", result.stderr)
        result = cli("inspect", os.path.join(self.dir, "missing"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("not a directory", result.stderr)


if __name__ == "__main__":
    unittest.main()
