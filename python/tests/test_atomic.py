"""Atomic writes: a final-named capture file is never partial, and failures say what and where."""

import _path  # noqa: F401  (puts rectify_capture on sys.path)

import os
import shutil
import tempfile
import unittest
from unittest import mock

import numpy as np
import torch

import tiny_moe
from rectify_capture import CaptureWriteError, RouterCapture, read_capture
from rectify_capture import _atomic

torch.set_num_threads(1)


def all_files(root):
    return sorted(os.path.relpath(os.path.join(d, n), root) for d, _, names in os.walk(root) for n in names)


class TestAtomicWrites(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rectify-atomic-test-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.out = os.path.join(self.dir, "capture")
        self.model = tiny_moe.TinyMoE(layers=2)

    def capture_step(self, cap, step):
        with cap.step(step), torch.no_grad():
            self.model(tiny_moe.batch(step))

    def test_renames_complete_temp_files_npy_then_sidecar(self):
        real_replace = os.replace
        renames = []

        def watching_replace(src, dst):
            # At rename time the temp file is complete and the final name is not yet written.
            name = os.path.basename(src)
            self.assertTrue(name.startswith(".") and name.endswith(".tmp"), name)
            self.assertEqual(os.path.dirname(src), os.path.dirname(dst))
            if dst.endswith(".npy"):
                np.load(src)  # a full, valid .npy
                self.assertFalse(os.path.exists(dst[:-4] + ".json"))
            else:
                self.assertTrue(os.path.exists(dst[:-5] + ".npy"))
            self.assertFalse(os.path.exists(dst))
            renames.append(os.path.basename(dst))
            return real_replace(src, dst)

        with RouterCapture(self.model, self.out, pattern=r"moe\.gate$") as cap:
            with mock.patch.object(_atomic.os, "replace", watching_replace):
                self.capture_step(cap, 0)
        self.assertEqual(renames, ["step-00000000.rank-00000.npy", "step-00000000.rank-00000.json"] * 2)
        self.assertEqual(read_capture(self.out)[0], [0])

    def test_failing_npy_write_leaves_no_file(self):
        real_write = np.lib.format.write_array

        def half_then_fail(handle, array, **kwargs):
            handle.write(b"\x93NUMPY partial")
            raise OSError(28, "No space left on device")

        with RouterCapture(self.model, self.out, pattern=r"moe\.gate$") as cap:
            self.capture_step(cap, 0)
            before = all_files(self.out)
            with mock.patch.object(_atomic.np.lib.format, "write_array", half_then_fail):
                with self.assertRaises(CaptureWriteError) as caught:
                    self.capture_step(cap, 1)
            self.assertIs(np.lib.format.write_array, real_write)
            error = caught.exception
            want = os.path.join(self.out, "layer-000", "step-00000001.rank-00000.npy")
            self.assertEqual(error.path, want)
            self.assertIn(want, str(error))
            self.assertIn("No space left on device", str(error))
            self.assertIsInstance(error, OSError)
            # Nothing of step 1: no final file, no temporary left behind.
            self.assertEqual(all_files(self.out), before)
            # The capture goes on afterwards.
            self.capture_step(cap, 2)
        self.assertEqual(read_capture(self.out)[0], [0, 2])
        self.assertEqual(cap.stats["files_written"], 8)

    def test_failing_sidecar_keeps_step_invisible(self):
        real_json = _atomic.write_json_atomic
        calls = []

        def fail_second(path, obj):
            calls.append(path)
            if len(calls) == 2:
                raise CaptureWriteError(path, "simulated")
            return real_json(path, obj)

        with RouterCapture(self.model, self.out, pattern=r"moe\.gate$") as cap:
            with mock.patch("rectify_capture.capture.write_json_atomic", fail_second):
                with self.assertRaisesRegex(CaptureWriteError, "layer-001.*simulated"):
                    self.capture_step(cap, 0)
        # Layer 0 is complete; layer 1 has its .npy but no sidecar, so readers do not see step 0.
        self.assertEqual(read_capture(self.out, 0)[0], [0])
        with self.assertRaisesRegex(ValueError, "no complete step"):
            read_capture(self.out, 1)
        self.assertFalse(any(name.startswith(".") for name in os.listdir(os.path.join(self.out, "layer-001"))))

    def test_failing_fsync_and_rename(self):
        target = os.path.join(self.dir, "x.npy")
        for patched in ("fsync", "replace"):
            with self.subTest(patched=patched):
                with mock.patch.object(_atomic.os, patched, side_effect=OSError(5, "I/O error")):
                    with self.assertRaisesRegex(CaptureWriteError, r"x\.npy: could not write capture file: .*I/O error"):
                        _atomic.write_npy_atomic(target, np.zeros((2, 2), np.float32))
                self.assertEqual(os.listdir(self.dir), ["capture"] if os.path.exists(self.out) else [])

    def test_keyboard_interrupt_cleans_up(self):
        target = os.path.join(self.dir, "y.json")
        with mock.patch.object(_atomic.os, "fsync", side_effect=KeyboardInterrupt):
            with self.assertRaises(KeyboardInterrupt):
                _atomic.write_json_atomic(target, {"a": 1})
        self.assertEqual(os.listdir(self.dir), [])

    def test_unwritable_folder_is_a_clear_error(self):
        blocker = os.path.join(self.dir, "file-not-folder")
        with open(blocker, "w") as handle:
            handle.write("x")
        with self.assertRaisesRegex(CaptureWriteError, "file-not-folder"):
            _atomic.write_npy_atomic(os.path.join(blocker, "z.npy"), np.zeros(1, np.float32))


if __name__ == "__main__":
    unittest.main()
