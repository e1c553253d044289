"""read_capture: round trip of what was captured, and the checks it shares with rectify's reader."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import os
import shutil
import tempfile
import unittest

import numpy as np
import torch

from capture_fixtures import edit_sidecar, put_value, shard_paths, write_tiny_capture
from rectify_capture import CaptureFormatError, read_capture, scan_layer
from rectify_capture.capture import RouterCapture
import tiny_moe

torch.set_num_threads(1)


class ReaderTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rectify-reader-test-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.out = os.path.join(self.dir, "capture")


class TestRoundTrip(ReaderTestCase):
    def test_round_trip(self):
        cap, expected = write_tiny_capture(self.out, steps=4, layers=2)
        for layer in (0, 1):
            for selector in (layer, f"layers.{layer}.moe.gate"):
                steps, logits, meta = read_capture(self.out, selector)
                self.assertEqual(steps, [0, 1, 2, 3])
                self.assertEqual(logits.dtype, np.float32)
                np.testing.assert_array_equal(logits, np.stack([expected[s][layer] for s in steps]))
                self.assertEqual(meta["layer"], layer)
                self.assertEqual(meta["layerName"], f"layers.{layer}.moe.gate")
                self.assertEqual((meta["experts"], meta["topK"], meta["worldSize"]), (8, 2, 1))
                self.assertEqual((meta["tokensPerRank"], meta["tokens"]), (10, 10))
                self.assertEqual((meta["dtype"], meta["tokenOrder"]), ("float32", "batch-major"))
                self.assertEqual(meta["sessions"], [cap.session] * 4)
                self.assertEqual(meta["incompleteSteps"], [])
        # Without a layer: the lowest.
        self.assertEqual(read_capture(self.out)[2]["layer"], 0)

    def test_float16_round_trip(self):
        _, expected = write_tiny_capture(self.out, steps=2, layers=1, dtype="float16")
        steps, logits, meta = read_capture(self.out)
        self.assertEqual(logits.dtype, np.float16)
        self.assertEqual(meta["dtype"], "float16")
        np.testing.assert_array_equal(logits, np.stack([expected[s][0] for s in steps]).astype(np.float16))

    def test_every_and_sessions_and_temp_files(self):
        write_tiny_capture(self.out, steps=5, layers=1, every=2)
        first = read_capture(self.out)
        self.assertEqual(first[0], [0, 2, 4])
        # A restarted job (new session) writing steps again: both sessions are read, step order,
        # and session= picks one.
        cap, _ = write_tiny_capture(self.out + "-2", steps=1, layers=1)
        src, _ = shard_paths(self.out + "-2", 0, 0)
        shutil.copy(src, os.path.join(self.out, "layer-000", "step-00000000.rank-00000.restart.json"))
        shutil.copy(src[:-5] + ".npy", os.path.join(self.out, "layer-000", "restart.npy"))
        edit_sidecar(os.path.join(self.out, "layer-000", "step-00000000.rank-00000.restart.json"),
                     lambda m: m.update(file="restart.npy"))
        steps, _, meta = read_capture(self.out)
        self.assertEqual(steps, [0, 0, 2, 4])
        self.assertEqual(meta["sessions"][1], cap.session)
        self.assertEqual(read_capture(self.out, session=cap.session)[0], [0])
        # Dot files (temporaries) are ignored, as are unknown sidecar keys.
        with open(os.path.join(self.out, "layer-000", ".step-00000006.rank-00000.json.tmp"), "w") as handle:
            handle.write("{partial")
        edit_sidecar(shard_paths(self.out, 0, 2)[0], lambda m: m.update(futureKey=[1, 2]))
        self.assertEqual(read_capture(self.out)[0], [0, 0, 2, 4])

    def test_incomplete_steps_are_skipped(self):
        write_tiny_capture(self.out, steps=3, layers=1)
        # Pretend a 2-rank job where rank 1 only wrote step 1.
        for step in range(3):
            edit_sidecar(shard_paths(self.out, 0, step)[0], lambda m: m.update(worldSize=2))
        json_path, npy_path = shard_paths(self.out, 0, 1)
        rank1_json, rank1_npy = shard_paths(self.out, 0, 1, rank=1)
        shutil.copy(npy_path, rank1_npy)
        shutil.copy(json_path, rank1_json)
        edit_sidecar(rank1_json, lambda m: m.update(rank=1, file=os.path.basename(rank1_npy)))
        steps, logits, meta = read_capture(self.out)
        self.assertEqual(steps, [1])
        self.assertEqual(logits.shape, (1, 20, 8))
        np.testing.assert_array_equal(logits[0, :10], logits[0, 10:])
        self.assertEqual([(s, r) for _, s, r in meta["incompleteSteps"]], [(0, [0]), (2, [0])])


class TestBadCaptures(ReaderTestCase):
    def setUp(self):
        super().setUp()
        write_tiny_capture(self.out, steps=2, layers=1)
        self.json, self.npy = shard_paths(self.out, 0, 1)

    def assertRejected(self, *words):
        with self.assertRaises(ValueError) as caught:
            read_capture(self.out)
        message = str(caught.exception)
        for word in words:
            self.assertIn(word, message)
        return message

    def test_missing_keys(self):
        for key in ["format", "version", "session", "step", "layer", "layerName", "rank", "worldSize",
                    "tokens", "experts", "topK", "dtype", "tokenOrder", "file", "writtenAt"]:
            with self.subTest(key=key):
                shutil.copy(self.json, self.json + ".bak")
                edit_sidecar(self.json, lambda m: m.pop(key))
                self.assertRejected(self.json, f"missing key '{key}'")
                os.replace(self.json + ".bak", self.json)
        read_capture(self.out)

    def test_wrong_values(self):
        cases = [
            ("format", "rectify-trace"), ("version", 2), ("version", True), ("session", 7),
            ("step", -1), ("step", 1.5), ("layer", 3), ("rank", 1), ("worldSize", 0), ("tokens", 0),
            ("experts", "8"), ("topK", 9), ("topK", 0), ("dtype", "bfloat16"), ("dtype", "float16"),
            ("tokenOrder", "random"), ("file", "missing.npy"), ("file", "/abs/x.npy"), ("file", "sub/x.npy"), ("file", ".."),
            ("writtenAt", "yesterday"), ("tokens", 11), ("experts", 4),
        ]
        for key, value in cases:
            with self.subTest(key=key, value=value):
                shutil.copy(self.json, self.json + ".bak")
                edit_sidecar(self.json, lambda m: m.update({key: value}))
                message = self.assertRejected(f"'{key}'")
                self.assertTrue(self.json in message or self.npy in message, message)
                os.replace(self.json + ".bak", self.json)

    def test_shape_and_dtype_of_the_npy(self):
        np.save(self.npy, np.zeros((10, 7), dtype="<f4"))
        self.assertRejected(self.npy, "'tokens' x 'experts'", "(10, 7)")
        np.save(self.npy, np.zeros((10, 8), dtype="<f8"))
        self.assertRejected(self.npy, "'dtype'", "<f8")
        np.save(self.npy, np.zeros((10, 8), dtype=">f4"))
        self.assertRejected(self.npy, "'dtype'", ">f4")
        np.save(self.npy, np.zeros((10, 8, 1), dtype="<f4"))
        self.assertRejected(self.npy, "(10, 8, 1)")
        with open(self.npy, "wb") as handle:
            handle.write(b"not numpy")
        self.assertRejected(self.npy, "not a readable .npy")

    def test_not_json(self):
        with open(self.json, "w") as handle:
            handle.write("{\"format\": ")
        self.assertRejected(self.json, "unreadable sidecar")
        with open(self.json, "w") as handle:
            handle.write("[1, 2]")
        self.assertRejected(self.json, "not a JSON object")

    def test_disagreeing_ranks_and_duplicates(self):
        rank1_json, rank1_npy = shard_paths(self.out, 0, 1, rank=1)
        for step in range(2):
            edit_sidecar(shard_paths(self.out, 0, step)[0], lambda m: m.update(worldSize=2))
        shutil.copy(self.npy, rank1_npy)
        shutil.copy(self.json, rank1_json)
        edit_sidecar(rank1_json, lambda m: m.update(rank=1, file=os.path.basename(rank1_npy), topK=3))
        self.assertRejected(rank1_json, "'topK'")
        edit_sidecar(rank1_json, lambda m: m.update(rank=0, topK=2))
        self.assertRejected("'rank'", "also claimed")

    def test_no_complete_step_and_no_layer(self):
        with self.assertRaisesRegex(ValueError, "no layer 5"):
            read_capture(self.out, 5)
        with self.assertRaisesRegex(ValueError, "no layer named 'x'"):
            read_capture(self.out, "x")
        with self.assertRaisesRegex(ValueError, "not a capture"):
            read_capture(self.dir)
        for step in range(2):
            edit_sidecar(shard_paths(self.out, 0, step)[0], lambda m: m.update(worldSize=2))
        with self.assertRaisesRegex(ValueError, "no complete step"):
            read_capture(self.out)

    def test_nan_is_written_but_rejected_on_read(self):
        # The writer records whatever the model produced, NaN included (rectify rejects it when
        # replaying, naming the step, token and expert); read_capture does the same by default.
        model = tiny_moe.TinyMoE(layers=1)
        with torch.no_grad():
            model.layers[0].moe.gate.weight[3, 0] = float("nan")
        out = os.path.join(self.dir, "nan")
        with RouterCapture(model, out, pattern="gate$") as cap, cap.step(0), torch.no_grad():
            model(tiny_moe.batch(0))
        json_path, npy_path = shard_paths(out, 0, 0)
        self.assertTrue(os.path.exists(json_path))
        self.assertTrue(np.isnan(np.load(npy_path)[:, 3]).all())
        with self.assertRaisesRegex(ValueError, r"token 0, expert 3: logit is NaN"):
            read_capture(out)
        _, logits, _ = read_capture(out, allow_nonfinite=True)
        self.assertTrue(np.isnan(logits[0, :, 3]).all())
        put_value(self.npy, 2, 5, -np.inf)
        self.assertRejected(self.npy, "token 2, expert 5: logit is -Inf")

    def test_scan_collects_errors(self):
        edit_sidecar(self.json, lambda m: m.pop("topK"))
        errors = []
        steps = scan_layer(os.path.join(self.out, "layer-000"), 0, errors)
        self.assertEqual([s.step for s in steps], [0])
        self.assertEqual(len(errors), 1)
        self.assertIsInstance(errors[0], CaptureFormatError)


if __name__ == "__main__":
    unittest.main()
