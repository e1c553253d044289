/// Presets compiled into the binary so `rectify` works from any folder with no files.
enum BuiltInPresets {
    /// Byte for byte the contents of `Presets/default.json` (a test keeps the two identical).
    static let defaultJSON = """
{
  "description": "8 GPUs x 8 experts each, top-2, capacity factor 1.0: a trained router with a balancing loss and step-to-step drift",
  "gpus": 8,
  "experts": 64,
  "topK": 2,
  "tokensPerGPU": 4096,
  "capacityFactor": 1.0,
  "minCapacity": 1,
  "dropPolicy": "score",
  "gateNormalization": "topk",
  "mode": "ir+fr",
  "synthetic": {
    "seed": 1,
    "hiddenSize": 16,
    "topics": 16,
    "topicSpread": 0.3,
    "tokenNoise": 1.0,
    "shardSpecialization": 0.3,
    "popularitySkew": 0.03,
    "temperature": 1.0,
    "drift": 0.05
  }
}
"""
}
