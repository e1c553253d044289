"""End to end: ``rectify run --follow DIR`` follows a capture while this process writes it.

Needs a built ``rectify`` binary: set ``RECTIFY_BIN=/path/to/rectify`` (e.g.
``../.build/debug/rectify`` from python/). Without it these tests are skipped, unless
``RECTIFY_REQUIRE_BIN=1`` is set (CI), which turns the missing binary into an error.

The test process is the writer (``RouterCapture`` on the tiny MoE model); the follower is a real
``rectify run --follow`` subprocess started before (or while) the steps are written:

1. a writer appending steps (two ranks, rank 1 written a moment after rank 0): every step is
   either routed or counted as skipped, none rejected, capture steps in order, the last one
   routed, and every routed step's figures equal a ``--trace`` replay of exactly those steps'
   logits (so no step was routed half-written);
2. a writer pausing for less than ``--idle-timeout``: following survives;
3. a restarted writer (new session, step numbers from 0 again) is followed;
4. a writer that stops: ``--idle-timeout`` ends the run and everything routed is printed;
   SIGTERM/SIGINT/SIGHUP/SIGQUIT to a waiting follower end it with status 0 and valid JSON;
5. steps written before the follower started: only the newest is routed, the rest skipped;
6. bad steps (a NaN logit, another token count) are rejected and following goes on.

Timing is generous (the machines running this are small and noisy): no assertion depends on
how many polls fit between two writes, only on what ``--follow`` promises whatever the timing.
"""

import os
import sys

# Importable both as ``tests.test_follow`` (from python/) and by ``discover -s tests``: the
# helpers beside this file (_path, tiny_moe, ...) are imported as top-level modules.
_TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

import _path  # noqa: E402,F401  (puts rectify_capture on sys.path)

import json  # noqa: E402
import math  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rectify_capture import RouterCapture, read_capture  # noqa: E402
from test_rectify_replay import rectify_binary  # noqa: E402
from tiny_moe import TinyMoE, batch  # noqa: E402

TOP_K = 2
SEQ = 8            # tokens per rank = batch 2 x SEQ
ROUTER_PATTERN = r"moe\.gate$"
IDLE = 3.0         # --idle-timeout of most runs: far above the writer's gaps
WAIT = 60          # seconds a follower may take to finish before the test fails


class Writer:
    """Writes capture steps of the tiny MoE model into ``out_dir`` as a training job would.

    ``world_size`` > 1 writes every step once per rank (same session, rank override), rank by
    rank with ``rank_gap`` seconds between, so the follower sees incomplete steps."""

    def __init__(self, model, out_dir, world_size=1, session=None, rank_gap=0.02):
        self.model = model
        self.world_size = world_size
        self.rank_gap = rank_gap
        if world_size == 1:
            self.caps = [RouterCapture(model, out_dir, pattern=ROUTER_PATTERN, session=session)]
        else:
            session = session or f"test{os.getpid()}{time.monotonic_ns() % 10**8}"
            self.caps = [RouterCapture(model, out_dir, pattern=ROUTER_PATTERN, session=session,
                                       rank=rank, world_size=world_size)
                         for rank in range(world_size)]
        for cap in self.caps:
            cap.attach()
        self.session = self.caps[0].session

    def close(self):
        for cap in self.caps:
            cap.detach()

    def write(self, step, seq=SEQ, nan=False):
        """Writes step ``step`` of every rank; ``nan`` puts NaN in expert 1's logits of layer 0."""
        gate = self.model.layers[0].moe.gate
        with torch.no_grad():
            saved = gate.weight.clone()
            if nan:
                gate.weight[1, :] = float("nan")
            try:
                for rank, cap in enumerate(self.caps):
                    if rank:
                        time.sleep(self.rank_gap)
                    with cap.step(step):
                        self.model(batch(1000 * step + rank, 2, seq))
            finally:
                gate.weight.copy_(saved)

    def write_steps(self, steps, gap):
        for step in steps:
            self.write(step)
            time.sleep(gap)


class FollowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = rectify_binary()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="rectify-follow-test-")
        self.addCleanup(self.tmp.cleanup)
        self.capture = os.path.join(self.tmp.name, "capture")
        self.model = TinyMoE(layers=2)
        self.procs = []
        self.writers = []

    def tearDown(self):
        for writer in self.writers:
            writer.close()
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.communicate(timeout=10)
            except Exception:
                pass

    # ------------------------------------------------------------------ helpers

    def writer(self, **kw):
        writer = Writer(self.model, self.capture, **kw)
        self.writers.append(writer)
        return writer

    def start_follow(self, *args, idle=IDLE):
        """Starts ``rectify run --follow``. Before anything is written it returns only once the
        follower says it is waiting: it is then polling, however slowly the machine started it,
        so the tests' writers never race its start-up."""
        waits = not os.path.exists(self.capture)
        proc = subprocess.Popen(
            [self.bin, "run", "--follow", self.capture, "--idle-timeout", str(idle),
             "--format", "json", "--detail", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(proc)
        proc.first_line = ""
        if waits:
            proc.first_line = proc.stderr.readline()
            self.assertIn("waiting for a complete step", proc.first_line)
        return proc

    def finish(self, proc):
        """Waits for the follower; asserts status 0; returns (report, stderr)."""
        try:
            out, err = proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail(f"rectify --follow did not stop within {WAIT} s; stderr:\n{proc.first_line}{err}")
        err = proc.first_line + err
        self.assertEqual(proc.returncode, 0, f"rectify --follow exited {proc.returncode}; stderr:\n{err}")
        try:
            report = json.loads(out)
        except json.JSONDecodeError as error:
            self.fail(f"standard output is not JSON ({error}):\n{out[:2000]}\nstderr:\n{err}")
        return report, err

    def check_report_shape(self, report):
        """Invariants of every follow report: counts agree with the per-step lists."""
        follow = report["follow"]
        self.assertEqual(follow["path"], self.capture)
        self.assertEqual(follow["layer"], 0)
        self.assertEqual(follow["layerName"], "layers.0.moe.gate")
        self.assertEqual(len(follow["steps"]), follow["routed"])
        self.assertEqual([s["step"] for s in follow["steps"]], list(range(follow["routed"])))
        self.assertLessEqual(sum(s["skippedBefore"] for s in follow["steps"]), follow["skipped"])
        for entry in follow["steps"]:
            self.assertIsInstance(entry["lag"], (int, float))
            self.assertTrue(math.isfinite(entry["lag"]) and entry["lag"] > -1.0, entry)
        self.assertTrue(report["runs"], "no runs in the report")
        for run in report["runs"]:
            self.assertEqual(len(run["steps"]), follow["routed"], run["mode"])
        return follow

    def routed_keys(self, follow):
        return [(s["session"], s["captureStep"]) for s in follow["steps"]]

    def check_figures_match_trace(self, report, gpus):
        """Every routed step's figures equal a --trace replay of exactly those steps' merged logits."""
        follow = report["follow"]
        steps, logits, meta = read_capture(self.capture, 0)
        self.assertEqual(meta["worldSize"], gpus)
        self.assertTrue(all(s == meta["sessions"][0] for s in meta["sessions"]))
        index = {step: i for i, step in enumerate(steps)}
        routed = [s["captureStep"] for s in follow["steps"]]
        merged = np.stack([logits[index[step]] for step in routed])
        path = os.path.join(self.tmp.name, "merged.npy")
        np.save(path, np.ascontiguousarray(merged, dtype="<f4"))
        result = subprocess.run(
            [self.bin, "run", "--trace", path, "--gpus", str(gpus), "--top-k", str(TOP_K),
             "--steps", str(len(routed)), "--mode", "all", "--format", "json", "--detail"],
            capture_output=True, text=True, timeout=WAIT)
        self.assertEqual(result.returncode, 0, result.stderr)
        trace = json.loads(result.stdout)
        followed = {run["mode"]: run for run in report["runs"]}
        replayed = {run["mode"]: run for run in trace["runs"]}
        self.assertEqual(sorted(followed), sorted(["vanilla", "ir", "fr", "ir+fr"]))
        self.assertEqual(sorted(followed), sorted(replayed))
        for mode, run in followed.items():
            self.assertEqual(len(run["steps"]), len(routed), mode)
            for i, (got, want) in enumerate(zip(run["steps"], replayed[mode]["steps"])):
                with self.subTest(mode=mode, step=i, captureStep=routed[i]):
                    self.assertEqual(got["requested"], gpus * 2 * SEQ * TOP_K)
                    self.assertEqual(np.asarray(got["requestedPerGpuExpert"]).shape, (gpus, meta["experts"]))
                    self.assertEqual(got, want)

    # ------------------------------------------------------------------ 1, 4

    def test_follows_appending_writer_and_matches_trace(self):
        steps = 15
        writer = self.writer(world_size=2)
        proc = self.start_follow()
        writer.write_steps(range(steps), gap=0.08)
        written_at = time.monotonic()
        report, err = self.finish(proc)
        stopped_after = time.monotonic() - written_at
        follow = self.check_report_shape(report)

        self.assertEqual(follow["stoppedBy"], "--idle-timeout", err)
        self.assertEqual(follow["rejected"], 0, follow["lastProblem"])
        self.assertIsNone(follow["lastProblem"])
        self.assertEqual(follow["routed"] + follow["skipped"], steps, follow)
        self.assertGreaterEqual(follow["routed"], 2, follow)
        captured = [s["captureStep"] for s in follow["steps"]]
        self.assertEqual(captured, sorted(set(captured)), "captureStep not strictly increasing")
        self.assertEqual(captured[-1], steps - 1)
        self.assertEqual({s["session"] for s in follow["steps"]}, {writer.session})
        # skippedBefore accounts for every skipped step (all are older than a later routed one).
        self.assertEqual(sum(s["skippedBefore"] for s in follow["steps"]), follow["skipped"])
        # Stopped by the idle timeout, not much earlier (it saw no new step for IDLE seconds).
        self.assertGreaterEqual(stopped_after, IDLE - 1.0)
        self.assertEqual(report["config"]["gpus"], 2)
        self.assertEqual(report["config"]["topK"], TOP_K)
        self.check_figures_match_trace(report, gpus=2)

    # ------------------------------------------------------------------ 2

    def test_pause_shorter_than_idle_timeout_is_survived(self):
        writer = self.writer()
        proc = self.start_follow(idle=2.5)
        writer.write_steps(range(4), gap=0.1)
        time.sleep(1.0)
        writer.write_steps(range(4, 8), gap=0.1)
        report, err = self.finish(proc)
        follow = self.check_report_shape(report)
        self.assertEqual(follow["stoppedBy"], "--idle-timeout")
        self.assertEqual(follow["rejected"], 0, follow["lastProblem"])
        self.assertEqual(follow["routed"] + follow["skipped"], 8, follow)
        captured = [s["captureStep"] for s in follow["steps"]]
        self.assertTrue(any(step < 4 for step in captured), f"nothing routed before the pause: {captured}")
        self.assertTrue(any(step >= 4 for step in captured), f"nothing routed after the pause: {captured}")
        self.assertEqual(captured[-1], 7)
        self.check_figures_match_trace(report, gpus=1)

    # ------------------------------------------------------------------ 3

    def test_restarted_writer_is_followed(self):
        first = self.writer()
        proc = self.start_follow()
        first.write_steps(range(5), gap=0.1)
        first.close()
        time.sleep(1.5)                 # step 4 stays the newest for 15 polls: it is routed
        second = self.writer()          # a restarted job: a new session, steps from 0 again
        self.assertNotEqual(first.session, second.session)
        second.write_steps(range(4), gap=0.5)
        report, err = self.finish(proc)
        follow = self.check_report_shape(report)
        self.assertEqual(follow["rejected"], 0, follow["lastProblem"])
        self.assertEqual(follow["routed"] + follow["skipped"], 9, follow)
        keys = self.routed_keys(follow)
        self.assertEqual(len(keys), len(set(keys)), keys)
        self.assertEqual(keys[-1], (second.session, 3))
        self.assertIn((first.session, 4), keys)  # routed while the first writer was the newest
        sessions = [session for session, _ in keys]
        self.assertEqual(sessions, sorted(sessions, key=lambda s: s == second.session),
                         "the old session appears after the new one")
        new_steps = [step for session, step in keys if session == second.session]
        self.assertGreaterEqual(len(new_steps), 2, keys)
        self.assertEqual(new_steps, sorted(new_steps))

    # ------------------------------------------------------------------ 4

    def test_writer_disappears_idle_timeout_prints_everything(self):
        writer = self.writer()
        proc = self.start_follow(idle=2.0)
        writer.write_steps(range(3), gap=0.3)
        writer.close()
        started = time.monotonic()
        report, err = self.finish(proc)
        waited = time.monotonic() - started
        follow = self.check_report_shape(report)
        self.assertEqual(follow["stoppedBy"], "--idle-timeout")
        self.assertGreaterEqual(follow["routed"], 1)
        self.assertEqual(follow["routed"] + follow["skipped"], 3)
        self.assertEqual(follow["steps"][-1]["captureStep"], 2)
        self.assertGreaterEqual(waited, 1.0)
        self.assertLess(waited, 2.0 + 20)
        self.assertIn("stopped by --idle-timeout", err)

    def test_signal_to_waiting_follower_exits_zero_with_json(self):
        writer = self.writer()
        writer.write_steps(range(2), gap=0.05)
        for step, name in enumerate(("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"), start=2):
            with self.subTest(signal=name):
                proc = self.start_follow(idle=60)
                time.sleep(0.3)
                writer.write(step)
                # Let it route (poll every 0.1 s; generous for a busy machine), then wait idle.
                time.sleep(1.5)
                self.assertIsNone(proc.poll(), "the follower ended before the signal")
                proc.send_signal(getattr(signal, name))
                report, err = self.finish(proc)
                follow = self.check_report_shape(report)
                self.assertEqual(follow["stoppedBy"], name)
                self.assertGreaterEqual(follow["routed"], 1)
                self.assertEqual(follow["steps"][-1]["captureStep"], step)
                self.assertEqual(follow["rejected"], 0)

    # ------------------------------------------------------------------ 5

    def test_steps_written_before_start_are_skipped_to_the_newest(self):
        writer = self.writer()
        writer.write_steps(range(5), gap=0.02)
        proc = self.start_follow("--steps", "1", idle=10)
        report, err = self.finish(proc)
        follow = self.check_report_shape(report)
        self.assertEqual(follow["stoppedBy"], "--steps")
        self.assertEqual(follow["routed"], 1)
        self.assertEqual(follow["skipped"], 4)
        self.assertEqual(follow["rejected"], 0)
        first = follow["steps"][0]
        self.assertEqual((first["captureStep"], first["skippedBefore"], first["session"]),
                         (4, 4, writer.session))
        self.check_figures_match_trace(report, gpus=1)

    # ------------------------------------------------------------------ 6

    def test_bad_steps_are_rejected_and_following_continues(self):
        writer = self.writer()
        proc = self.start_follow()
        writer.write_steps(range(3), gap=0.1)
        # The follower takes its shape from the first step it opens: give a slow starter a second
        # to open a good one before step 3 (another token count) is written.
        time.sleep(1.0)
        # Each bad step stays the newest for a second (ten polls), so it is read, not skipped.
        writer.write(3, seq=SEQ // 2)            # another token count: refused
        time.sleep(1.0)
        writer.write_steps([4], gap=1.0)         # the newest for a second too, so it is routed
        writer.write(5, nan=True)                # a NaN logit, as the model produced it
        time.sleep(1.0)
        report, err = self.finish(proc)
        follow = self.check_report_shape(report)
        self.assertEqual(follow["stoppedBy"], "--idle-timeout")
        self.assertEqual(follow["rejected"], 2, follow)
        self.assertEqual(follow["routed"] + follow["skipped"] + follow["rejected"], 6, follow)
        captured = [s["captureStep"] for s in follow["steps"]]
        self.assertNotIn(3, captured)
        self.assertNotIn(5, captured)
        self.assertEqual(captured[-1], 4, "following did not continue after the step of another shape")
        problem = follow["lastProblem"]            # the NaN step is the last thing seen
        self.assertIsInstance(problem, str)
        self.assertIn(os.path.join("layer-000", "step-00000005.rank-00000.npy"), problem)
        self.assertIn("NaN", problem)
        self.assertIn("last problem", err)
        # The routed steps replay exactly. read_capture refuses the NaN step and cannot stack the
        # step of another shape, so drop their sidecars (the follower has ended) first.
        for name in ("step-00000003.rank-00000.json", "step-00000005.rank-00000.json"):
            os.remove(os.path.join(self.capture, "layer-000", name))
        self.check_figures_match_trace(report, gpus=1)

    def test_last_problem_kept_after_a_later_good_step(self):
        """``lastProblem`` keeps a rejected step's reason after later good steps are routed."""
        writer = self.writer()
        proc = self.start_follow()
        writer.write_steps(range(2), gap=0.1)
        writer.write(2, nan=True)
        time.sleep(1.0)
        writer.write_steps(range(3, 5), gap=0.3)
        report, err = self.finish(proc)
        follow = report["follow"]
        self.assertEqual(follow["rejected"], 1, follow)
        self.assertIsInstance(follow["lastProblem"], str)
        self.assertIn("step-00000002.rank-00000.npy", follow["lastProblem"])
        self.assertIn("NaN", follow["lastProblem"])

    def test_signal_before_the_first_step_ends_cleanly(self):
        """A signal while waiting for the first complete step: exit 1, one line naming it."""
        proc = self.start_follow(idle=60)   # returns once it says it is waiting: the signal lands in the wait
        self.assertIn("waiting for a complete step", proc.first_line)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=WAIT)
        self.assertEqual(proc.returncode, 1, err)
        self.assertEqual(out, "")
        self.assertIn("stopped by SIGTERM before a complete step arrived", err)

    def test_jsonl_streams_each_step_as_it_is_routed(self):
        """``--format jsonl`` writes a step's lines when it is routed, before the run ends."""
        writer = self.writer()
        proc = subprocess.Popen(
            [self.bin, "run", "--follow", self.capture, "--idle-timeout", "2", "--format", "jsonl",
             "--mode", "vanilla,ir+fr"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(proc)
        writer.write_steps([0], gap=0)
        header = json.loads(proc.stdout.readline())
        self.assertIsNone(header["config"]["steps"])
        first = [json.loads(proc.stdout.readline()) for _ in range(2)]
        # Both lines of step 0 arrived while the follower is still running.
        self.assertIsNone(proc.poll())
        self.assertEqual([line["mode"] for line in first], ["vanilla", "ir+fr"])
        self.assertEqual(first[0]["follow"]["captureStep"], 0)
        for step in (1, 2):
            # Write the next step only once this one is streamed: a follower that is slow to
            # poll would otherwise see only the newest and skip this one.
            writer.write(step)
            routed = [json.loads(proc.stdout.readline()) for _ in range(2)]
            self.assertEqual([line["follow"]["captureStep"] for line in routed], [step, step])
        out, err = proc.communicate(timeout=WAIT)
        self.assertEqual(proc.returncode, 0, err)
        lines = [json.loads(line) for line in out.splitlines()]
        follow = [line["follow"] for line in lines if "follow" in line and "mode" not in line]
        self.assertEqual(len(follow), 1)
        self.assertEqual(follow[0]["routed"], 3)
        self.assertEqual(follow[0]["stoppedBy"], "--idle-timeout")
        totals = [line for line in lines if "total" in line]
        self.assertEqual([t["mode"] for t in totals], ["vanilla", "ir+fr"])
        self.assertEqual(totals[0]["total"]["steps"], 3)


if __name__ == "__main__":
    unittest.main()
