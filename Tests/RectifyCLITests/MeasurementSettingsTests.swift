import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `run` and `sweep` with the settings of issue 10: expert similarity, fidelity reference, cost
/// profile, dispatch, IR overlap, and a preset's quality file.
@Suite("rectify run and sweep: measurement settings and measured quality")
struct MeasurementSettingsTests {
    static let small = ["--tokens-per-gpu", "128", "--seed", "3"]

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try foundationJSON(text) as? [String: Any])
    }

    static func run(_ document: [String: Any], _ mode: String) throws -> [String: Any] {
        try #require(document.objects("runs")?.first { $0["mode"] as? String == mode })
    }

    @Test("bad settings are usage errors naming the option and what is allowed", arguments: [
        (["--expert-similarity", "2"], ["invalid --expert-similarity '2'", "a number from 0"]),
        (["--fidelity-reference", "topk+2"], ["invalid --fidelity-reference 'topk+2'", "topk, topk+1"]),
        (["--cost-profile", "v100"], ["invalid --cost-profile 'v100'", "h100, a100 or a FILE.json"]),
        (["--dispatch", "full"], ["invalid --dispatch 'full'", "padded, unpadded"]),
        (["--cost-profile", "/nonexistent/p.json"], ["/nonexistent/p.json", "a readable UTF-8 JSON file"]),
    ])
    func usageErrors(arguments: [String], fragments: [String]) throws {
        let error = try #require(UsageErrorTests.runError(arguments))
        #expect(error.exitStatus == 2)
        #expect(!error.message.contains("\n"))
        for fragment in fragments { #expect(error.message.contains(fragment), "\(error.message)") }
    }

    @Test("the settings show in run's config and table header")
    func shown() throws {
        let document = try Self.json(try runOutput(["--steps", "1", "--format", "json", "--expert-similarity", "0.25",
                                                    "--cost-profile", "a100", "--dispatch", "unpadded", "--ir-overlap"] + Self.small))
        let config = try #require(document.object("config"))
        #expect(config.object("fidelity")?.double("expertSimilarity") == 0.25)
        #expect(config.object("fidelity")?["reference"] as? String == "topk+1")
        #expect(config.object("costProfile")?["name"] as? String == "a100")
        #expect(config.object("costProfile")?["dispatch"] as? String == "unpadded")
        #expect(config.object("costProfile")?["irOverlap"] as? Bool == true)
        #expect(config.object("costParameters")?.double("peakFLOPS") == 312e12)
        let table = try runOutput(["--steps", "1", "--expert-similarity", "0.25", "--cost-profile", "a100"] + Self.small)
        #expect(table.contains("expert similarity 0.25"))
        #expect(table.contains("profile a100"))
    }

    @Test("unpadded dispatch makes FR cost its slots; IR overlap never lengthens a step")
    func costSwitches() throws {
        func total(_ extra: [String], _ mode: String) throws -> Double {
            let document = try Self.json(try runOutput(["--steps", "1", "--format", "json"] + extra + Self.small))
            return try #require(try Self.run(document, mode).object("total")?.double("stepTime"))
        }
        #expect(try total([], "fr") == total([], "vanilla"))
        #expect(try total(["--dispatch", "unpadded"], "fr") > total(["--dispatch", "unpadded"], "vanilla"))
        #expect(try total(["--ir-overlap"], "ir") <= total([], "ir"))
        #expect(try total(["--cost-profile", "a100"], "vanilla") > total([], "vanilla"))
    }

    /// A preset of the default workload at top-2, capacity factor 1, score, beside a quality file
    /// with points for vanilla and ir+fr only.
    static func presetWithQuality(_ folder: ScratchFolder) throws -> String {
        try FileManager.default.createDirectory(atPath: folder.path + "/quality", withIntermediateDirectories: true)
        _ = try folder.write("quality/fixture.json", Array(QualityFixture.text.utf8))
        let preset = BuiltInPresets.defaultJSON.replacingOccurrences(
            of: "\"mode\": \"ir+fr\",", with: "\"mode\": \"ir+fr\", \"quality\": \"quality/fixture.json\",")
        return try folder.write("with-quality.json", Array(preset.utf8))
    }

    @Test("measured quality: the value per mode for exactly these settings, null otherwise")
    func measuredQuality() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let preset = try Self.presetWithQuality(folder)
        let document = try Self.json(try runOutput(["--preset", preset, "--steps", "1", "--format", "json"] + Self.small))
        let vanilla = try #require(try Self.run(document, "vanilla").object("measuredQuality"))
        #expect(vanilla["metric"] as? String == "bitsPerByte" && vanilla.double("value") == 2.10)
        #expect(vanilla.double("dropless") == 2.03 && vanilla["source"] as? String == folder.path + "/quality/fixture.json")
        #expect(try Self.run(document, "ir+fr").object("measuredQuality")?.double("value") == 2.05)
        #expect(try Self.run(document, "ir")["measuredQuality"] is NSNull, "no point for ir")
        #expect(document.object("config")?.object("quality")?["metric"] as? String == "bitsPerByte")
        let table = try runOutput(["--preset", preset, "--steps", "1"] + Self.small)
        #expect(table.contains("measured quality (bitsPerByte, lower is better, dropless 2.03"))
        #expect(table.contains("vanilla 2.1, ir -, fr -, ir+fr 2.05"))
        // Another capacity factor: no measurement for these settings.
        let other = try Self.json(try runOutput(["--preset", preset, "--steps", "1", "--format", "json",
                                                 "--capacity-factor", "1.25"] + Self.small))
        for run in try #require(other.objects("runs")) { #expect(run["measuredQuality"] is NSNull) }
        #expect(try runOutput(["--preset", preset, "--steps", "1", "--capacity-factor", "1.25"] + Self.small)
            .contains("no measurement for top-2, cf 1.25, policy score"))
        // Without a quality file: null, and the table says so.
        let plain = try Self.json(try runOutput(["--steps", "1", "--format", "json"] + Self.small))
        #expect(try Self.run(plain, "vanilla")["measuredQuality"] is NSNull)
        #expect(try runOutput(["--steps", "1"] + Self.small).contains("measured quality: none"))
    }

    @Test("sweep --expert-similarity 0 --format json works and carries the gate-mass figures")
    func sweepSimilarityZero() throws {
        let text = try SweepTests.sweep(["--expert-similarity", "0", "--format", "json", "--capacity-factors", "1"] + SweepTests.small)
        let document = try Self.json(text)
        #expect(document.object("config")?.object("fidelity")?.double("expertSimilarity") == 0)
        let points = try #require(document.objects("points"))
        for point in points {
            #expect(point.double("intendedGateMass") != nil, "\(point)")
            #expect(point.double("outputError") != nil)
        }
        let dropless = try #require(points.first { $0["mode"] as? String == "dropless" })
        #expect(dropless.double("intendedGateMass") == 1 && dropless.double("substituteGateMass") == 0)
        #expect(dropless["meanIRRank"] is NSNull && dropless["meanFRRank"] is NSNull)
        let fr = try #require(points.first { $0["mode"] as? String == "fr" })
        #expect(fr.double("meanFRRank") == 3 && fr["meanIRRank"] is NSNull)
    }

    @Test("sweep --cost-profile a100 works and is slower than h100")
    func sweepA100() throws {
        let a100 = try Self.json(try SweepTests.sweep(["--cost-profile", "a100", "--format", "json", "--capacity-factors", "1"] + SweepTests.small))
        let h100 = try Self.json(try SweepTests.sweep(["--format", "json", "--capacity-factors", "1"] + SweepTests.small))
        #expect(a100.object("config")?.object("costProfile")?["name"] as? String == "a100")
        let slow = try #require(a100.objects("points")?.first?.double("stepTime"))
        let fast = try #require(h100.objects("points")?.first?.double("stepTime"))
        #expect(slow > fast)
        _ = try SweepTests.sweep(["--cost-profile", "a100", "--capacity-factors", "1"] + SweepTests.small)
    }
}

/// A small quality file: vanilla and ir+fr at top-2, capacity factor 1.0, score.
enum QualityFixture {
    static let text = """
        {"about": "Fixture for tests: not a measurement.", "metric": "bitsPerByte", "lowerIsBetter": true, "dropless": 2.03,
         "points": [{"topK": 2, "capacityFactor": 1.0, "dropPolicy": "score", "mode": "vanilla", "value": 2.10},
                    {"topK": 2, "capacityFactor": 1.0, "dropPolicy": "score", "mode": "ir+fr", "value": 2.05}]}
        """
}
