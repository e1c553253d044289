"""RouterCapture on the tiny MoE model: files per the contract, exact logits, options, hooks."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import json
import os
import shutil
import tempfile
import time
import unittest
from types import SimpleNamespace

import numpy as np
import torch
from torch import nn

import tiny_moe
from rectify_capture import RouterCapture, find_moe_routers, read_capture

torch.set_num_threads(1)

SIDECAR_KEYS = ["format", "version", "session", "step", "layer", "layerName", "rank", "worldSize",
                "tokens", "experts", "topK", "dtype", "tokenOrder", "file", "writtenAt"]


def files_of(root):
    """All files under ``root``, relative, sorted."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            found.append(os.path.relpath(os.path.join(folder, name), root))
    return sorted(found)


class CaptureTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rectify-capture-test-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.out = os.path.join(self.dir, "capture")


class TestFilesAndValues(CaptureTestCase):
    def test_files_sidecars_and_exact_logits(self):
        model = tiny_moe.TinyMoE(layers=3)
        before = time.time()
        expected = {}  # (step, layer) -> rows
        with RouterCapture(model, self.out, pattern=r"moe\.gate$") as cap:
            for step in range(3):
                micro = [tiny_moe.batch(10 * step), tiny_moe.batch(10 * step + 1, batch_size=3, seq=2)]
                with cap.step(step):
                    for ids in micro:  # two micro-batches: concatenated in call order
                        tiny_moe.loss_of(model, ids).backward()
                refs = [model.reference_gate_logits(ids) for ids in micro]
                for layer in range(3):
                    expected[step, layer] = torch.cat([r[layer] for r in refs]).numpy()
        after = time.time()

        names = files_of(self.out)
        want = [f"layer-{layer:03d}/step-{step:08d}.rank-00000.{ext}"
                for layer in range(3) for step in range(3) for ext in ("json", "npy")]
        self.assertEqual(names, sorted(want))
        sessions = set()
        for layer in range(3):
            for step in range(3):
                stem = os.path.join(self.out, f"layer-{layer:03d}", f"step-{step:08d}.rank-00000")
                with open(stem + ".json") as handle:
                    meta = json.load(handle)
                self.assertEqual(list(meta), SIDECAR_KEYS)
                rows = expected[step, layer]
                self.assertEqual(meta["format"], "rectify-capture")
                self.assertEqual(meta["version"], 1)
                self.assertRegex(meta["session"], r"^[0-9a-f]{16}$")
                sessions.add(meta["session"])
                self.assertEqual((meta["step"], meta["layer"]), (step, layer))
                self.assertEqual(meta["layerName"], f"layers.{layer}.moe.gate")
                self.assertEqual((meta["rank"], meta["worldSize"]), (0, 1))
                self.assertEqual((meta["tokens"], meta["experts"]), (2 * 5 + 3 * 2, 8))
                self.assertEqual(meta["topK"], 2)
                self.assertEqual(meta["dtype"], "float32")
                self.assertEqual(meta["tokenOrder"], "batch-major")
                self.assertEqual(meta["file"], f"step-{step:08d}.rank-00000.npy")
                self.assertTrue(before <= meta["writtenAt"] <= after)
                array = np.load(stem + ".npy")
                self.assertEqual(array.dtype.str, "<f4")
                self.assertEqual(array.shape, rows.shape)
                self.assertTrue(array.flags.c_contiguous)
                np.testing.assert_array_equal(array, rows)
        self.assertEqual(len(sessions), 1)
        stats = cap.stats
        self.assertEqual(stats["steps_captured"], 3)
        self.assertEqual(stats["files_written"], 18)
        self.assertEqual(stats["hook_calls"], 18)
        self.assertEqual(stats["bytes_written"], sum(os.path.getsize(os.path.join(self.out, n)) for n in names))
        self.assertGreater(stats["hook_seconds"], 0)
        self.assertGreater(stats["write_seconds"], 0)

    def test_float16(self):
        model = tiny_moe.TinyMoE(layers=1)
        ids = tiny_moe.batch(3)
        with RouterCapture(model, self.out, modules=["layers.0.moe.gate"], dtype="float16") as cap:
            with cap.step(0), torch.no_grad():
                model(ids)
        stem = os.path.join(self.out, "layer-000", "step-00000000.rank-00000")
        array = np.load(stem + ".npy")
        self.assertEqual(array.dtype.str, "<f2")
        np.testing.assert_array_equal(array, model.reference_gate_logits(ids)[0].half().numpy())
        with open(stem + ".json") as handle:
            self.assertEqual(json.load(handle)["dtype"], "float16")

    def test_bfloat16_model_under_inference_mode(self):
        model = tiny_moe.TinyMoE(layers=1).to(torch.bfloat16)
        ids = tiny_moe.batch(5)
        with RouterCapture(model, self.out, pattern="gate$") as cap:
            with cap.step(0), torch.inference_mode():
                model(ids)
        want = model.reference_gate_logits(ids)[0].float().numpy()
        np.testing.assert_array_equal(read_capture(self.out)[1][0], want)

    def test_every_samples_steps(self):
        model = tiny_moe.TinyMoE(layers=1)
        with RouterCapture(model, self.out, pattern=r"gate$", every=3) as cap:
            for step in range(8):
                with cap.step(step) as sampled:
                    self.assertEqual(sampled, step % 3 == 0)
                    model(tiny_moe.batch(step))
        self.assertEqual(files_of(self.out), sorted(
            f"layer-000/step-{s:08d}.rank-00000.{e}" for s in (0, 3, 6) for e in ("json", "npy")))
        self.assertEqual(cap.stats["steps_captured"], 3)
        self.assertEqual(cap.stats["steps_skipped"], 5)
        self.assertEqual(cap.stats["hook_calls"], 3)

    def test_layer_filter_by_index_and_name_keeps_indices(self):
        model = tiny_moe.TinyMoE(layers=3)
        cap = RouterCapture(model, self.out, pattern=r"moe\.gate$", layers=[2, "layers.0.moe.gate"])
        self.assertEqual(cap.layers, [(0, "layers.0.moe.gate"), (2, "layers.2.moe.gate")])
        with cap:
            with cap.step(0):
                model(tiny_moe.batch(0))
        self.assertEqual(sorted(os.listdir(self.out)), ["layer-000", "layer-002"])
        _, logits, meta = read_capture(self.out, 2)
        np.testing.assert_array_equal(logits[0], model.reference_gate_logits(tiny_moe.batch(0))[2].numpy())
        self.assertEqual(meta["layerName"], "layers.2.moe.gate")
        with self.assertRaisesRegex(ValueError, "out of range"):
            RouterCapture(model, self.out, pattern=r"moe\.gate$", layers=[3])
        with self.assertRaisesRegex(ValueError, "not a selected router"):
            RouterCapture(model, self.out, pattern=r"moe\.gate$", layers=["nope"])

    def test_explicit_modules_in_model_order(self):
        model = tiny_moe.TinyMoE(layers=3)
        cap = RouterCapture(model, self.out, modules=["layers.2.moe.gate", "layers.1.moe.gate"])
        self.assertEqual(cap.layers, [(0, "layers.1.moe.gate"), (1, "layers.2.moe.gate")])
        with self.assertRaisesRegex(ValueError, "not found"):
            RouterCapture(model, self.out, modules=["layers.9.moe.gate"])
        with self.assertRaisesRegex(ValueError, "either modules= or pattern="):
            RouterCapture(model, self.out, modules=["layers.1.moe.gate"], pattern="gate")
        with self.assertRaisesRegex(ValueError, "matches no module"):
            RouterCapture(model, self.out, pattern=r"^router$")

    def test_sequence_major(self):
        model = tiny_moe.TinyMoE(layers=1)
        ids = tiny_moe.batch(4, batch_size=3, seq=4)
        with RouterCapture(model, self.out, pattern="gate$", token_order="sequence-major") as cap:
            with cap.step(0):
                model(ids)
        _, logits, meta = read_capture(self.out)
        ref = model.reference_gate_logits(ids)[0].reshape(3, 4, 8).transpose(0, 1).reshape(-1, 8)
        np.testing.assert_array_equal(logits[0], ref.numpy())
        self.assertEqual(meta["tokenOrder"], "sequence-major")

    def test_argument_errors(self):
        model = tiny_moe.TinyMoE(layers=1)
        for kwargs, message in [({"every": 0}, "every"), ({"dtype": "bfloat16"}, "dtype"),
                                ({"token_order": "random"}, "token_order"), ({"top_k": 0}, "top_k"),
                                ({"top_k": 9}, "exceeds")]:
            with self.subTest(kwargs=kwargs), self.assertRaisesRegex(ValueError, message):
                RouterCapture(model, self.out, pattern="gate$", **kwargs)


class TestDetection(CaptureTestCase):
    def test_auto_detects_hf_named_blocks(self):
        model = tiny_moe.FakeHFModel()
        names = [name for name, _ in find_moe_routers(model)]
        self.assertEqual(names, [f"layers.{i}.block_sparse_moe.gate" for i in range(3)])
        ids = tiny_moe.batch(7)
        with RouterCapture(model, self.out) as cap:  # top_k and experts detected
            with cap.step(0), torch.no_grad():
                model(ids)
        # Recompute independently: the gates see the outputs of the preceding layers.
        with torch.no_grad():
            h = model.embed(ids)
            want = []
            for layer in model.layers:
                x = layer.mlp_gate(h).reshape(-1, tiny_moe.HIDDEN)
                gate_out = layer.block_sparse_moe.gate(x)
                want.append((gate_out[0] if isinstance(gate_out, tuple) else gate_out).numpy())
                h = layer(h)
        for index in range(3):
            steps, logits, meta = read_capture(self.out, index)
            self.assertEqual(steps, [0])
            self.assertEqual((meta["experts"], meta["topK"]), (8, 2))
            np.testing.assert_array_equal(logits[0], want[index])

    def test_top_k_from_config_and_missing(self):
        class PlainMoeBlock(nn.Module):
            def __init__(self):
                super().__init__()
                self.gate = nn.Linear(4, 6, bias=False)

            def forward(self, h):
                return self.gate(h)

        model = nn.Sequential(PlainMoeBlock())
        with self.assertRaisesRegex(ValueError, "top_k is unknown"):
            RouterCapture(model, self.out)
        model.config = SimpleNamespace(top_k=3)
        cap = RouterCapture(model, self.out)
        self.assertEqual(cap.layers, [(0, "0.gate")])
        with cap, cap.step(0):
            model(torch.randn(5, 4))
        _, logits, meta = read_capture(self.out)
        self.assertEqual((meta["topK"], meta["experts"], logits.shape), (3, 6, (1, 5, 6)))
        self.assertEqual(RouterCapture(model, self.out, top_k=1).layers, [(0, "0.gate")])

    def test_no_routers_is_a_clear_error(self):
        with self.assertRaisesRegex(ValueError, "no MoE routers found"):
            RouterCapture(nn.Sequential(nn.Linear(2, 2)), self.out, top_k=1)


class TestHooks(CaptureTestCase):
    def test_detach_removes_hooks(self):
        model = tiny_moe.TinyMoE(layers=2)
        cap = RouterCapture(model, self.out, pattern=r"moe\.gate$")
        cap.attach()
        cap.attach()  # idempotent
        self.assertEqual(sum(len(m._forward_hooks) for m in model.modules()), 2)
        with cap.step(0):
            model(tiny_moe.batch(0))
        cap.detach()
        cap.detach()
        self.assertEqual(sum(len(m._forward_hooks) for m in model.modules()), 0)
        before = files_of(self.out)
        with cap.step(1):
            model(tiny_moe.batch(1))
        self.assertEqual(files_of(self.out), before)
        self.assertEqual(len(before), 4)
        cap.attach()  # re-attaching keeps the session
        session = cap.session
        with cap.step(2):
            model(tiny_moe.batch(2))
        cap.detach()
        self.assertEqual(read_capture(self.out)[0], [0, 2])
        self.assertEqual(set(read_capture(self.out)[2]["sessions"]), {session})

    def test_nothing_recorded_outside_steps(self):
        model = tiny_moe.TinyMoE(layers=1)
        with RouterCapture(model, self.out, pattern="gate$") as cap:
            model(tiny_moe.batch(0))  # outside any step
            self.assertEqual(files_of(self.out), [])
            with cap.step(4):
                model(tiny_moe.batch(1))
            model(tiny_moe.batch(2))
        steps, logits, _ = read_capture(self.out)
        self.assertEqual(steps, [4])
        np.testing.assert_array_equal(logits[0], model.reference_gate_logits(tiny_moe.batch(1))[0].numpy())
        self.assertEqual(cap.stats["hook_calls"], 1)

    def test_failed_step_writes_nothing(self):
        model = tiny_moe.TinyMoE(layers=1)
        with RouterCapture(model, self.out, pattern="gate$") as cap:
            with self.assertRaises(RuntimeError):
                with cap.step(0):
                    model(tiny_moe.batch(0))
                    raise RuntimeError("out of memory")
            with self.assertRaisesRegex(RuntimeError, "do not nest"):
                with cap.step(1):
                    with cap.step(2):
                        pass
        self.assertEqual(files_of(self.out), [])

    def test_outputs_and_gradients_unchanged(self):
        ids = tiny_moe.batch(11, batch_size=3, seq=6)

        def run(capture):
            model = tiny_moe.TinyMoE(layers=3, seed=5)
            if capture:
                cap = RouterCapture(model, self.out, pattern=r"moe\.gate$").attach()
                context = cap.step(0)
            else:
                context = torch.enable_grad()
            with context:
                loss = tiny_moe.loss_of(model, ids)
                loss.backward()
                with torch.no_grad():
                    out = model(ids)
            grads = {name: p.grad.clone() for name, p in model.named_parameters()}
            return loss.detach(), out, grads

        loss_a, out_a, grads_a = run(False)
        loss_b, out_b, grads_b = run(True)
        self.assertTrue(torch.equal(loss_a, loss_b))
        self.assertTrue(torch.equal(out_a, out_b))
        self.assertEqual(grads_a.keys(), grads_b.keys())
        for name in grads_a:
            self.assertTrue(torch.equal(grads_a[name], grads_b[name]), name)
        # Both the autograd forward and the no_grad one were recorded, in call order.
        _, logits, _ = read_capture(self.out)
        self.assertEqual(logits.shape, (1, 2 * 18, 8))

    def test_stored_rows_are_copies(self):
        class InPlace(nn.Module):
            def __init__(self):
                super().__init__()
                self.gate = nn.Linear(4, 4, bias=False)

            def forward(self, x):
                logits = self.gate(x)
                logits.mul_(0)  # a model that reuses its logits buffer
                return logits

        model = InPlace()
        x = torch.randn(3, 4)
        with torch.no_grad():
            want = model.gate(x).numpy()
        with RouterCapture(model, self.out, modules=["gate"], top_k=1) as cap, cap.step(0), torch.no_grad():
            model(x)
        np.testing.assert_array_equal(read_capture(self.out)[1][0], want)


if __name__ == "__main__":
    unittest.main()
