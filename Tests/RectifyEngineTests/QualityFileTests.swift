import Foundation
import Testing
@testable import RectifyEngine

/// Quality files: the schema, exact matching of settings, and one-line errors naming the key.
@Suite("Quality file")
struct QualityFileTests {
    static let text = """
        {"about": "Fixture: two modes at cf 1.0.", "metric": "bitsPerByte", "lowerIsBetter": true, "dropless": 2.03,
         "points": [{"topK": 2, "capacityFactor": 1.0, "dropPolicy": "score", "mode": "vanilla", "value": 2.10},
                    {"topK": 2, "capacityFactor": 1.0, "dropPolicy": "score", "mode": "ir+fr", "value": 2.05}]}
        """

    @Test("reads the schema; a value only for exactly matching top-k, capacity factor, policy and mode")
    func lookup() throws {
        let quality = try QualityFileReader.parse(Self.text, source: "q.json")
        #expect(quality.metric == "bitsPerByte" && quality.lowerIsBetter && quality.dropless == 2.03)
        #expect(quality.points.count == 2 && quality.source == "q.json")
        let config = RoutingConfig(gpus: 4, experts: 16, topK: 2, tokensPerGPU: 512)
        #expect(quality.value(config: config, mode: .vanilla) == 2.10)
        #expect(quality.value(config: config, mode: .irfr) == 2.05)
        #expect(quality.value(config: config, mode: .ir) == nil)
        var other = config
        other.capacityFactor = CapacityFactor(tenThousandths: 12_500)
        #expect(quality.value(config: other, mode: .vanilla) == nil)
        other = config
        other.dropPolicy = .position
        #expect(quality.value(config: other, mode: .vanilla) == nil)
        other = config
        other.topK = 1
        #expect(quality.value(config: other, mode: .vanilla) == nil)
    }

    @Test("errors name the key and what is allowed", arguments: [
        ("\"metric\": \"bitsPerByte\", ", "", "invalid metric (missing): expected a string"),
        ("\"dropless\": 2.03", "\"dropless\": \"low\"", "invalid dropless \"low\": expected a number"),
        ("\"lowerIsBetter\": true", "\"lowerIsBetter\": 1", "invalid lowerIsBetter 1: expected true or false"),
        ("\"mode\": \"ir+fr\"", "\"mode\": \"rectify\"", "invalid points[1].mode \"rectify\": expected one of vanilla, ir, fr, ir+fr"),
        ("\"mode\": \"ir+fr\"", "\"mode\": \"vanilla\"", "invalid points[1] (a repeat): expected one point per (topK, capacityFactor, dropPolicy, mode)"),
        ("\"topK\": 2, \"capacityFactor\": 1.0, \"dropPolicy\": \"score\", \"mode\": \"vanilla\"", "\"topK\": 0, \"capacityFactor\": 1.0, \"dropPolicy\": \"score\", \"mode\": \"vanilla\"", "invalid points[0].topK 0: expected an integer from 1 to 64"),
        ("\"value\": 2.10}", "\"value\": 2.10, \"loss\": 3}", "unknown key \"points[0].loss\": expected one of topK, capacityFactor, dropPolicy, mode, value"),
        ("\"points\": [", "\"points\": 3, \"x\": [", "unknown key \"x\": expected one of about, metric, lowerIsBetter, dropless, points"),
    ])
    func errors(old: String, new: String, message: String) throws {
        try #require(Self.text.contains(old))
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("q.json", Array(Self.text.replacingOccurrences(of: old, with: new).utf8))
        do {
            let quality = try QualityFileReader.read(file: path)
            Issue.record("should be rejected: \(quality)")
        } catch {
            #expect(error.description == "\(path): \(message)")
        }
    }

    @Test("a preset names its quality file, cost profile and fidelity settings, paths relative to the preset")
    func presetKeys() throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("quality"), withIntermediateDirectories: true)
        _ = try folder.write("quality/fixture.json", Array(Self.text.utf8))
        _ = try folder.write("slow.json", Array(CostSettingsTests.fileText.utf8))
        let preset = BuiltInPresets.defaultJSON.replacingOccurrences(
            of: "\"mode\": \"ir+fr\",",
            with: "\"mode\": \"ir+fr\", \"quality\": \"quality/fixture.json\", \"costProfile\": \"slow.json\", \"fidelity\": {\"expertSimilarity\": 0, \"reference\": \"topk\"},")
        let path = try folder.write("p.json", Array(preset.utf8))
        let read = try PresetReader.read(file: path)
        #expect(read.quality?.source == folder.url.path + "/quality/fixture.json")
        #expect(read.quality?.points.count == 2)
        #expect(read.cost.profile.parameters == CostModelTests.parameters(gpusPerNode: 1))
        #expect(read.fidelity.expertSimilarity == 0 && read.fidelity.reference == .topk)
        // Without the keys: the defaults.
        let plain = try PresetReader.parse(BuiltInPresets.defaultJSON, name: "default", source: nil)
        #expect(plain.quality == nil && plain.cost == CostSettings() && plain.fidelity == FidelityOptions())
    }

    @Test("preset errors for the new keys name the key", arguments: [
        ("\"fidelity\": {\"expertSimilarity\": 1.5},", "invalid fidelity.expertSimilarity 1.5: expected a number from 0 to 1"),
        ("\"fidelity\": {\"reference\": \"topk+2\"},", "invalid fidelity.reference \"topk+2\" (did you mean topk+1?): expected one of topk, topk+1"),
        ("\"fidelity\": {\"similarity\": 1},", "unknown key \"fidelity.similarity\": expected one of expertSimilarity, reference"),
        ("\"costProfile\": \"v100\",", "invalid costProfile v100: expected h100, a100 or a FILE.json"),
    ])
    func presetErrors(insert: String, message: String) throws {
        let text = BuiltInPresets.defaultJSON.replacingOccurrences(of: "\"mode\": \"ir+fr\",", with: "\"mode\": \"ir+fr\", " + insert)
        do {
            _ = try PresetReader.parse(text, name: "x", source: "x.json")
            Issue.record("should be rejected")
        } catch {
            #expect(error.description == "x.json: " + message)
        }
    }
}
