"""``rectify_moe.RectifyMoE`` routes exactly as routing-spec.md says, checked three ways.

(a) The spec's worked example (section 8), by hand: every figure of the table and the IR+FR
    weights of token t1.
(b) Against the Swift engine (needs ``RECTIFY_BIN``, see test_rectify_replay.py): on the same
    logits, every figure and the per-(GPU, expert) requested / kept / filled / IR counts of the
    layer's forward equal ``rectify run --trace FILE --detail --format json --mode all``, for every
    mode and drop policy, on random small configurations and on the shipped TinyMoE capture.
    The layer sees the logits exactly: hidden size E and an identity gate make gate(x) == x.
(c) As a layer: with capacity to spare, vanilla equals the dense top-k MoE of the demo;
    gradients pass gradcheck in double precision.
"""

import _path  # noqa: F401  (puts the python/ folder on sys.path)

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

from rectify_capture import read_capture
from rectify_moe import MODES, RectifyMoE
from test_rectify_replay import rectify_binary

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACE = os.path.join(REPO, "Presets", "traces", "tinymoe-trained")
# Figures the engine reports that a routing layer has no counterpart for (cost model, fidelity).
# Figures the engine reports that the layer does not: the step index, the cost model and the
# layer-distortion proxy, and the router-side gate-mass figures (not computed by RectifyMoE).
NOT_ROUTING = {"step", "outputError", "stepTime", "usefulTokensPerSecond",
               "intendedGateMass", "substituteGateMass", "meanIRRank", "meanFRRank"}


def identity_layer(experts: int, top_k: int, groups: int, **kw) -> RectifyMoE:
    """A layer whose router logits are its input (hidden size E, identity gate)."""
    layer = RectifyMoE(experts, ffn=4, num_experts=experts, top_k=top_k, num_groups=groups, **kw)
    with torch.no_grad():
        layer.gate.weight.copy_(torch.eye(experts))
    return layer


def engine_run(binary: str, trace: str, steps: int, gpus: int | None, top_k: int | None, cf: float, policy: str,
               min_capacity: int = 1, ir_cf: float | None = None) -> dict:
    cmd = [binary, "run", "--trace", trace, "--steps", str(steps), "--detail", "--format", "json", "--mode", "all",
           "--capacity-factor", f"{cf:g}", "--drop-policy", policy, "--min-capacity", str(min_capacity)]
    if gpus is not None:
        cmd += ["--gpus", str(gpus)]
    if top_k is not None:
        cmd += ["--top-k", str(top_k)]
    if ir_cf is not None:
        cmd += ["--ir-capacity-factor", f"{ir_cf:g}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr}")
    return {run["mode"]: run["steps"] for run in json.loads(proc.stdout)["runs"]}


class EngineCase(unittest.TestCase):
    def assert_step_equal(self, engine: dict, ours: dict, label: str) -> None:
        for key, want in engine.items():
            if key in NOT_ROUTING:
                continue
            self.assertIn(key, ours, f"{label}: figure {key} missing")
            if key == "imbalance" and want is not None:
                self.assertAlmostEqual(ours[key], want, places=9, msg=f"{label}: {key}")
            else:
                self.assertEqual(ours[key], want, f"{label}: {key}")

    def compare(self, binary: str, trace_arg: str, logits: np.ndarray, gpus: int, top_k: int, cf: float,
                policy: str, min_capacity: int = 1, ir_cf: float | None = None, pass_shape: bool = True) -> None:
        """logits: [steps, tokens, experts] as the engine reads them (GPU-major tokens)."""
        engine = engine_run(binary, trace_arg, logits.shape[0], gpus if pass_shape else None, top_k if pass_shape else None,
                            cf, policy, min_capacity, ir_cf)
        layer = identity_layer(logits.shape[-1], top_k, gpus, capacity_factor=cf, drop_policy=policy,
                               min_capacity=min_capacity, ir_capacity_factor=ir_cf)
        for mode in MODES:
            layer.mode = mode
            for step, want in enumerate(engine[mode]):
                with torch.no_grad():
                    layer(torch.from_numpy(logits[step].astype(np.float32)))
                label = f"G={gpus} k={top_k} cf={cf} policy={policy} minC={min_capacity} irCF={ir_cf} {mode} step {step}"
                self.assert_step_equal(want, layer.last_figures, label)
            self.assertEqual(len(engine[mode]), logits.shape[0])


class TestWorkedExample(unittest.TestCase):
    """Spec section 8: G=2, E=4, k=1, n=4, cf 1.0."""

    LOGITS = [[3.0, 1.0, 2.0, 0.0], [2.5, 0.5, 0.0, 2.0], [0.0, 1.5, 3.0, 1.0], [1.0, 0.0, 2.5, 2.0],
              [0.5, 2.0, 1.0, 3.0], [1.0, 2.5, 0.0, 3.5], [2.0, 0.0, 1.0, 3.0], [0.0, 3.0, 2.0, 1.0]]
    TABLE = {  # kept dropped recovered irTokens filled residualPadding crossGPU coveredTokens gpuLoad
        "vanilla": (4, 4, 0, 0, 0, 4, 2, 4, [2, 2]),
        "ir": (4, 4, 4, 4, 0, 4, 2, 8, [4, 4]),
        "fr": (4, 4, 0, 0, 4, 0, 4, 6, [4, 4]),
        "ir+fr": (4, 4, 4, 4, 4, 0, 4, 8, [6, 6]),
    }
    KEYS = ("kept", "dropped", "recovered", "irTokens", "filled", "residualPadding", "crossGPU",
            "coveredTokens", "gpuLoad")

    def test_table(self):
        layer = identity_layer(4, 1, 2)
        for mode, row in self.TABLE.items():
            layer.mode = mode
            with torch.no_grad():
                layer(torch.tensor(self.LOGITS))
            self.assertEqual(tuple(layer.last_figures[k] for k in self.KEYS), row, mode)

    def test_position_policy_keeps_t4(self):
        layer = identity_layer(4, 1, 2, drop_policy="position")
        with torch.no_grad():
            layer(torch.tensor(self.LOGITS))
        self.assertEqual(layer.last_routing.kept.view(-1).tolist(), [True, False, True, False, True, False, False, True])

    def test_t1_weights_under_ir_fr(self):
        from rectify_moe import combination_weights
        layer = identity_layer(4, 1, 2, mode="ir+fr")
        with torch.no_grad():
            layer(torch.tensor(self.LOGITS))
        r = layer.last_routing
        w_kept, w_ir, w_fill = combination_weights(torch.tensor(self.LOGITS).view(2, 4, 4), r)
        self.assertEqual((r.ir_expert[0, 1].item(), r.next_expert[0, 1].item(), bool(r.filled[0, 1])), (0, 3, True))
        self.assertAlmostEqual(w_ir[0, 1].item(), 0.622459, places=5)
        self.assertAlmostEqual(w_fill[0, 1].item(), 0.377541, places=5)
        self.assertEqual(w_kept[0, 1].item(), 0.0)


class TestAgainstEngineRandom(EngineCase):
    """Random small configurations, ties-free random logits, every mode and drop policy."""

    CONFIGS = [  # gpus, experts, tokens per GPU, top-k, cf, min capacity, IR capacity factor
        (2, 4, 8, 1, 1.0, 1, None),
        (4, 8, 16, 2, 0.75, 1, None),
        (4, 16, 24, 2, 1.5, 1, None),
        (2, 8, 10, 1, 0.3, 3, None),     # min capacity above the computed C
        (1, 4, 12, 2, 1.25, 1, None),
        (4, 8, 12, 3, 0.6, 1, 0.5),      # bounded IR
        (2, 6, 9, 1, 2.0, 1, None),
    ]

    @classmethod
    def setUpClass(cls):
        cls.binary = rectify_binary()
        cls.dir = tempfile.mkdtemp(prefix="rectify-moe-test-")

    def test_random_configurations(self):
        rng = np.random.default_rng(20260311)
        configs = list(self.CONFIGS)
        for _ in range(4):   # and a few drawn at random
            g = int(rng.choice([1, 2, 4]))
            e = g * int(rng.integers(1, 5))
            k = int(rng.integers(1, min(e, 3) + 1))
            configs.append((g, e, int(rng.integers(3, 20)), k, float(rng.choice([0.5, 0.8, 1.0, 1.1, 1.75])),
                            int(rng.integers(0, 3)), None))
        for i, (g, e, n, k, cf, min_c, ir_cf) in enumerate(configs):
            logits = (rng.standard_normal((2, g * n, e)) * 2).astype(np.float32)
            path = os.path.join(self.dir, f"logits-{i}.npy")
            np.save(path, logits)
            for policy in ("score", "position", "choice"):
                with self.subTest(config=(g, e, n, k, cf, min_c, ir_cf), policy=policy):
                    self.compare(self.binary, path, logits, g, k, cf, policy, min_c, ir_cf)


class TestAgainstEngineShippedTrace(EngineCase):
    """The shipped TinyMoE capture (4 ranks x 512 tokens, 16 experts, top-2, float16)."""

    def test_shipped_trace(self):
        binary = rectify_binary()
        steps, logits, meta = read_capture(TRACE, 0)
        self.assertEqual((meta["worldSize"], logits.shape[1:]), (4, (2048, 16)))
        for policy, cf in (("score", 1.0), ("position", 0.5), ("choice", 1.5)):
            with self.subTest(policy=policy, cf=cf):
                self.compare(binary, TRACE, logits, 4, 2, cf, policy, pass_shape=False)


class TestAsLayer(unittest.TestCase):
    def test_vanilla_with_room_equals_dense_top_k(self):
        sys.path.insert(0, os.path.join(REPO, "python", "demo"))
        import train_tinymoe as tt
        torch.manual_seed(3)
        dense = tt.MoE(tt.ModelConfig(d_model=12, experts=8, top_k=2, expert_hidden=10))
        x = torch.randn(4, 16, 12)
        for groups in (1, 2, 4):
            layer = RectifyMoE(12, ffn=10, num_experts=8, top_k=2, capacity_factor=4.0, num_groups=groups)
            layer.load_state_dict(dense.state_dict())
            torch.testing.assert_close(layer(x), dense(x), rtol=1e-5, atol=1e-6)
            self.assertEqual(layer.last_figures["dropped"], 0)
            self.assertAlmostEqual(layer.aux_loss.item(), dense.aux_loss.item(), places=5)

    def test_gradcheck_double(self):
        torch.manual_seed(5)
        for mode in MODES:
            layer = RectifyMoE(6, ffn=5, num_experts=4, top_k=2, capacity_factor=0.5, mode=mode, num_groups=2).double()
            x = torch.randn(2, 5, 6, dtype=torch.float64, requires_grad=True)
            layer(x)
            self.assertGreater(layer.last_figures["dropped"], 0)   # the interesting case
            # Routing depends on x and the gate; gradients must match finite differences in both.
            self.assertTrue(torch.autograd.gradcheck(lambda x: layer(x), (x,), eps=1e-6, atol=1e-5), mode)
            w = layer.gate.weight.detach().clone().requires_grad_(True)
            self.assertTrue(torch.autograd.gradcheck(lambda w: self._with_gate(layer, x.detach(), w), (w,),
                                                     eps=1e-6, atol=1e-5), mode)

    @staticmethod
    def _with_gate(layer, x, w):
        """The layer's output as a function of its gate weight (swapped in functionally)."""
        return torch.func.functional_call(layer, {"gate.weight": w}, (x,))

    def test_gate_gets_gradient(self):
        torch.manual_seed(1)
        layer = RectifyMoE(8, ffn=6, num_experts=8, top_k=1, capacity_factor=0.75, mode="ir+fr", num_groups=4)
        layer(torch.randn(32, 8)).pow(2).sum().backward()
        self.assertGreater(layer.gate.weight.grad.abs().sum().item(), 0)
        self.assertTrue(all(p.grad is not None for p in layer.experts.parameters()))


if __name__ == "__main__":
    unittest.main()
