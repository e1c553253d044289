import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `rectify tune`: the recommendation agrees with the sweep's own points, its formats, exit statuses and errors.
@Suite("rectify tune")
struct TuneTests {
    static let small = ["--tokens-per-gpu", "128", "--steps", "2", "--capacity-factors", "0.5:1.5:0.25"]

    static func tune(_ arguments: [String]) throws -> (text: String, met: Bool) {
        do {
            return try TuneCommand.run(arguments)
        } catch {
            Issue.record("rectify tune \(arguments.joined(separator: " ")) failed: \(error.message)")
            throw error
        }
    }

    @Test("JSON: the recommendation is the one the engine picks from the sweep's points, which are all listed")
    func json() throws {
        let (text, met) = try Self.tune(Self.small + ["--format", "json", "--max-lost", "1", "--max-padding", "10"])
        let json = try #require(try foundationJSON(text) as? [String: Any])
        let points = try #require(json.objects("points"))
        #expect(points.count == 5 * 6)
        let tuning = try points.map { p in
            let label = try #require(p["mode"] as? String)
            let factor = try #require(p.double("capacityFactor"))
            return TuningPoint(scheme: try #require(RoutingScheme(label: label)),
                        capacityFactor: try #require(CapacityFactor(exactly: factor)),
                        lost: p.double("unrecoveredRate"), padding: p.double("paddingRate"),
                        stepSeconds: p.double("stepTime"), usefulTokensPerSecond: p.double("usefulTokensPerSecond"))
        }
        let expected = try #require(Recommendation(points: tuning, targets: .standard))
        let recommendation = try #require(json.object("recommendation"))
        #expect(recommendation["mode"] as? String == expected.choice.scheme.label)
        #expect(recommendation.double("capacityFactor") == Double(expected.choice.capacityFactor.description))
        #expect(recommendation["meetsTargets"] as? Bool == met && met == expected.meetsTargets)
        #expect((recommendation["summary"] as? String) == expected.summary)
        let targets = try #require(json.object("targets"))
        #expect(targets.double("maxLost") == 0.01 && targets.double("maxPadding") == 0.1 && targets["goal"] as? String == "smallest-cf")
        #expect(json.object("config")?["capacityFactors"] != nil)
    }

    @Test("table: the one-line recommendation first, then the schemes at the chosen factor and its neighbours, vanilla included")
    func table() throws {
        let (text, met) = try Self.tune(Self.small)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(met)
        #expect(lines[0].hasPrefix("cf ") && lines[0].contains("lost ") && lines[0].contains("<= 1%")
                && lines[0].contains("<= 10%") && lines[0].hasSuffix("useful tok/s est."), "\(lines[0])")
        #expect(lines.contains { $0.hasSuffix("<- recommended") })
        #expect(lines.contains { $0.contains(" vanilla ") })
        #expect(lines.contains { $0.contains(" dropless ") && $0.contains(" ref ") })
        #expect(!lines.contains { $0.hasSuffix(" ") }, "no trailing blanks")
    }

    @Test("nothing meets: says so, names the closest, exit status 3 from the binary")
    func nothingMeets() throws {
        let arguments = Self.small + ["--max-lost", "0", "--max-padding", "0"]
        let (text, met) = try Self.tune(arguments)
        #expect(!met)
        #expect(text.hasPrefix("nothing meets the targets; closest: cf "), "\(text.prefix(120))")
        #expect(text.contains("<- closest"))
        #expect(try runBinary(["tune"] + arguments).status == TuneCommand.notMetStatus)
    }

    @Test("throughput goal and a lone padding target")
    func goals() throws {
        let (text, _) = try Self.tune(Self.small + ["--goal", "throughput", "--max-lost", "none", "--format", "json"])
        let json = try #require(try foundationJSON(text) as? [String: Any])
        #expect(json.object("targets")?["maxLost"] is NSNull)
        #expect(json.object("targets")?["goal"] as? String == "throughput")
        let best = try #require(json.objects("points")).filter { RoutingScheme(label: $0["mode"] as? String ?? "")?.mode != nil }
            .filter { ($0.double("paddingRate") ?? 1) <= 0.1 }.compactMap { $0.double("usefulTokensPerSecond") }.max()
        #expect(json.object("recommendation")?.double("usefulTokensPerSecond") == best)
    }

    @Test("bad targets, goal and modes are usage errors naming the allowed values")
    func errors() {
        let cases: [([String], String)] = [
            (["--max-lost", "101"], "invalid --max-lost '101': expected a percentage from 0 to 100, or none; see 'rectify tune --help'"),
            (["--max-padding", "-1"], "invalid --max-padding '-1': expected a percentage from 0 to 100, or none; see 'rectify tune --help'"),
            (["--max-lost", "nan"], "invalid --max-lost 'nan': expected a percentage from 0 to 100, or none; see 'rectify tune --help'"),
            (["--goal", "fastest"], "invalid --goal 'fastest': expected one of smallest-cf, throughput; see 'rectify tune --help'"),
            (["--modes", "dropless"], "--modes needs at least one rectify mode to recommend: vanilla, ir, fr or ir+fr; see 'rectify tune --help'"),
            (["--format", "csv"], "invalid --format 'csv': expected one of table, json; see 'rectify tune --help'"),
            // The sweep's own parsers, shared with `sweep`, name the command that was typed.
            (["--capacity-factors", "2:1:0.5"], "invalid --capacity-factors '2:1:0.5': the start is above the end; see 'rectify tune --help'"),
            (["--modes", "zz"], "invalid --modes 'zz': expected vanilla, ir, fr, ir+fr, dropless, expert-choice (comma-separated) or all; see 'rectify tune --help'"),
        ]
        for (arguments, message) in cases {
            let error = cliError { () throws(CLIError) -> String in try TuneCommand.run(arguments).0 }
            #expect(error?.message == message, "\(arguments)")
            #expect(error?.exitStatus == 2)
        }
    }

    @Test("--help lists the targets, the goal and the exit statuses")
    func help() throws {
        let (text, met) = try Self.tune(["--help"])
        #expect(met)
        for part in ["--max-lost PCT|none", "--max-padding PCT|none", "--goal G", "--capacity-factors", "--modes", "3 nothing meets"] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(!text.contains("--svg"))
    }
}
