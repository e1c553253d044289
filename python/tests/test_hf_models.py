"""Auto-detection on real Hugging Face MoE models (tiny random configs, nothing downloaded).

Skipped when ``transformers`` is not installed (CI installs it). Each model's routers are found
without names or patterns, top-k comes from the model config, and the captured logits equal the
``router_logits`` the model itself returns.
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _path  # noqa: E402,F401  (puts rectify_capture on sys.path)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rectify_capture import RouterCapture, find_moe_routers, read_capture  # noqa: E402

try:
    import transformers
except ImportError:  # pragma: no cover - depends on the machine
    transformers = None

SMALL = dict(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
             num_experts_per_tok=2, eos_token_id=None, bos_token_id=None, pad_token_id=None)


def models():
    """(name, model) for each MoE family the library detects."""
    t = transformers
    return [
        ("mixtral", t.MixtralForCausalLM(t.MixtralConfig(
            intermediate_size=64, num_key_value_heads=2, num_local_experts=8, **SMALL))),
        ("qwen2-moe", t.Qwen2MoeForCausalLM(t.Qwen2MoeConfig(
            intermediate_size=64, moe_intermediate_size=16, shared_expert_intermediate_size=32,
            num_key_value_heads=2, num_experts=8, **SMALL))),
        ("olmoe", t.OlmoeForCausalLM(t.OlmoeConfig(
            intermediate_size=16, num_key_value_heads=4, num_experts=8, **SMALL))),
    ]


@unittest.skipIf(transformers is None, "transformers is not installed")
class HuggingFaceModelTests(unittest.TestCase):
    def test_routers_found_and_logits_equal_the_models_own(self):
        for name, model in models():
            with self.subTest(model=name):
                torch.manual_seed(0)
                model.eval()
                found = [n for n, _ in find_moe_routers(model)]
                self.assertEqual(found, ["model.layers.0.mlp.gate", "model.layers.1.mlp.gate"])
                tokens = torch.randint(0, 64, (2, 5))
                with tempfile.TemporaryDirectory() as folder:
                    cap = RouterCapture(model, folder)
                    with cap:
                        with cap.step(0), torch.no_grad():
                            out = model(tokens, output_router_logits=True)
                    for layer in range(2):
                        steps, merged, meta = read_capture(folder, layer=layer)
                        self.assertEqual(merged.shape, (1, 10, 8))
                        self.assertEqual(meta["topK"], 2)
                        own = out.router_logits[layer].float().reshape(-1, 8).numpy()
                        np.testing.assert_allclose(merged[0], own, rtol=0, atol=1e-6)


if __name__ == "__main__":
    unittest.main()
