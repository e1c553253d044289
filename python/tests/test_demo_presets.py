"""The TinyMoE demo writes presets that work wherever --presets-dir and --traces-dir point."""
import importlib.util
import json
import sys
import tempfile
import types
import unittest
from pathlib import Path

import _path  # noqa: F401  (puts python/ on sys.path)

DEMO = Path(__file__).resolve().parents[1] / "demo" / "train_tinymoe.py"


def load_demo():
    spec = importlib.util.spec_from_file_location("train_tinymoe_for_test", DEMO)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class WritePresetTests(unittest.TestCase):
    def setUp(self):
        try:
            import torch  # noqa: F401
        except ImportError:
            self.skipTest("torch is not installed")
        self.demo = load_demo()

    def args(self, traces: Path):
        return types.SimpleNamespace(world=4, experts=16, top_k=2, capture_batch=4, context=128, traces_dir=traces)

    def test_missing_presets_folder_is_created(self):
        with tempfile.TemporaryDirectory() as root:
            presets = Path(root) / "not" / "there"
            self.demo.write_preset(presets / "tinymoe-young.json", "tinymoe-young", "d", self.args(Path(root) / "traces"), 0)
            self.assertTrue((presets / "tinymoe-young.json").exists())

    def test_trace_path_is_relative_to_the_preset(self):
        with tempfile.TemporaryDirectory() as root:
            traces = Path(root) / "elsewhere" / "traces"
            (traces / "tinymoe-young").mkdir(parents=True)
            presets = Path(root) / "presets"
            self.demo.write_preset(presets / "tinymoe-young.json", "tinymoe-young", "d", self.args(traces), 0)
            preset = json.loads((presets / "tinymoe-young.json").read_text())
            resolved = (presets / preset["trace"]["path"]).resolve()
            self.assertEqual(resolved, (traces / "tinymoe-young").resolve())
            self.assertNotIn("quality", preset)

    def test_quality_file_is_named_when_present(self):
        with tempfile.TemporaryDirectory() as root:
            presets = Path(root)
            (presets / "quality").mkdir()
            (presets / "quality" / "tinymoe-young.json").write_text("{}")
            self.demo.write_preset(presets / "tinymoe-young.json", "tinymoe-young", "d", self.args(presets / "traces"), 0)
            preset = json.loads((presets / "tinymoe-young.json").read_text())
            self.assertEqual(preset["quality"], "quality/tinymoe-young.json")
            self.assertEqual(preset["trace"]["path"], "traces/tinymoe-young")


if __name__ == "__main__":
    unittest.main()
