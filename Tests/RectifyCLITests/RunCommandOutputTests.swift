import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `rectify run` output in every format, checked against the engine routing the same preset directly.
@Suite("rectify run: output")
struct RunCommandOutputTests {
    /// A smaller step than the default preset's (debug builds), with every routing override exercised.
    static let overrides = ["--tokens-per-gpu", "512", "--seed", "7", "--capacity-factor", "1.25", "--drop-policy", "position"]

    /// The default preset with the same overrides applied by hand.
    static func expectedPreset() throws -> Preset {
        var preset = try PresetCatalog.load("default")
        preset.routing.tokensPerGPU = 512
        preset.routing.capacityFactor = try #require(CapacityFactor(parsing: "1.25"))
        preset.routing.dropPolicy = .position
        guard case .synthetic(var parameters) = preset.workload else {
            Issue.record("the default preset is synthetic")
            return preset
        }
        parameters.seed = 7
        preset.workload = .synthetic(parameters)
        return preset
    }

    @Test("json: config, runs in the requested modes, every spec field, figures equal to the engine's")
    func json() throws {
        let text = try runOutput(["--steps", "3", "--format", "json"] + Self.overrides)
        let document = try #require(try foundationJSON(text) as? [String: Any])
        #expect(Set(document.keys) == ["config", "runs"])

        let config = try #require(document.object("config"))
        #expect(config["preset"] as? String == "default")
        #expect(config.int("gpus") == 8)
        #expect(config.int("experts") == 64)
        #expect(config.int("expertsPerGPU") == 8)
        #expect(config.int("topK") == 2)
        #expect(config.int("tokensPerGPU") == 512)
        #expect(config.int("tokens") == 4096)
        #expect(config.double("capacityFactor") == 1.25)
        #expect(config.int("capacity") == 20)   // ceil(512 * 2 * 1.25 / 64)
        #expect(config.int("slots") == 8 * 64 * 20)
        #expect(config.int("minCapacity") == 1)
        #expect(config["dropPolicy"] as? String == "position")
        #expect(config["irCapacityFactor"] is NSNull)
        #expect(config["gateNormalization"] as? String == "topk")
        #expect(config.int("steps") == 3)
        #expect(config["modes"] as? [String] == ["vanilla", "ir", "fr", "ir+fr"])
        let workload = try #require(config.object("workload"))
        #expect(workload["kind"] as? String == "synthetic")
        #expect(workload.int("seed") == 7)

        let preset = try Self.expectedPreset()
        let direct = try routeDirectly(preset, modes: RectifyMode.allCases, steps: 3)
        let runs = try #require(document.objects("runs"))
        #expect(runs.map { $0["mode"] as? String } == ["vanilla", "ir", "fr", "ir+fr"])
        for run in runs {
            let mode = try #require(RectifyMode(rawValue: run["mode"] as? String ?? ""))
            let steps = try #require(run.objects("steps"))
            let expected = try #require(direct.figures[mode])
            #expect(steps.count == 3)
            var totals = SchemeTotals(mode: mode)
            for (index, step) in steps.enumerated() {
                #expect(Set(step.keys) == Set(runStepFields), "\(mode) step \(index): \(step.keys.sorted())")
                expectStep(step, equals: expected[index], "\(mode) step \(index)")
                totals.add(expected[index])
            }
            let total = try #require(run.object("total"))
            #expect(Set(total.keys) == Set(specStepFields.filter { $0 != "step" } + ["steps", "dropRate", "paddingRate"] + runEstimateFields + runGateMassFields),
                    "\(mode) total: \(total.keys.sorted())")
            expectTotal(total, equals: totals, "\(mode)")
        }
        // The relations hold in the output too.
        for run in runs {
            let total = try #require(run.object("total"))
            #expect(total.int("kept")! + total.int("dropped")! == total.int("requested")!)
            #expect(total.int("recovered")! + total.int("unrecovered")! == total.int("dropped")!)
        }
    }

    @Test("--mode picks the runs, in the order given", arguments: [
        ("vanilla,ir+fr", ["vanilla", "ir+fr"]), ("fr", ["fr"]), ("ir+fr,ir,ir+fr", ["ir+fr", "ir"]), ("all", ["vanilla", "ir", "fr", "ir+fr"]),
    ])
    func modes(argument: String, expected: [String]) throws {
        let text = try runOutput(["--steps", "2", "--format", "json", "--tokens-per-gpu", "64", "--mode", argument])
        let document = try #require(try foundationJSON(text) as? [String: Any])
        #expect(document.objects("runs")?.map { $0["mode"] as? String } == expected)
        #expect(document.object("config")?["modes"] as? [String] == expected)
        for run in document.objects("runs") ?? [] {
            #expect(run.objects("steps")?.count == 2)
        }
    }

    @Test("--detail adds the G x E matrices and irPerExpert, equal to the engine's")
    func detail() throws {
        let text = try runOutput(["--steps", "2", "--format", "json", "--detail", "--mode", "vanilla,ir,ir+fr"] + Self.overrides)
        let document = try #require(try foundationJSON(text) as? [String: Any])
        let preset = try Self.expectedPreset()
        let direct = try routeDirectly(preset, modes: [.vanilla, .ir, .irfr], steps: 2)
        let g = preset.routing.gpus, e = preset.routing.experts
        func rows(_ flat: [Int32]) -> [[Int]] { (0..<g).map { row in flat[(row * e)..<((row + 1) * e)].map(Int.init) } }
        for run in try #require(document.objects("runs")) {
            let mode = try #require(RectifyMode(rawValue: run["mode"] as? String ?? ""))
            for (index, step) in try #require(run.objects("steps")).enumerated() {
                let analysis = direct.analyses[index]
                #expect(Set(step.keys) == Set(runStepFields + ["requestedPerGpuExpert", "keptPerGpuExpert", "filledPerGpuExpert", "irPerExpert"]))
                let requested = try #require(step["requestedPerGpuExpert"] as? [[Int]])
                let kept = try #require(step["keptPerGpuExpert"] as? [[Int]])
                let filled = try #require(step["filledPerGpuExpert"] as? [[Int]])
                let ir = try #require(step.ints("irPerExpert"))
                #expect(requested.count == g && requested.allSatisfy { $0.count == e })
                #expect(kept.count == g && kept.allSatisfy { $0.count == e })
                #expect(filled.count == g && filled.allSatisfy { $0.count == e })
                #expect(ir.count == e)
                #expect(requested == rows(analysis.requestedPerGpuExpert), "\(mode) step \(index)")
                #expect(kept == rows(analysis.keptPerGpuExpert), "\(mode) step \(index)")
                if mode.usesFR {
                    #expect(filled == rows(analysis.filledPerGpuExpert), "\(mode) step \(index)")
                    #expect(filled.joined().reduce(0, +) == step.int("filled"))
                } else {
                    #expect(filled.joined().allSatisfy { $0 == 0 }, "\(mode) fills nothing")
                }
                if mode.usesIR {
                    #expect(ir == analysis.irPerExpert.map(Int.init), "\(mode) step \(index)")
                    #expect(ir.reduce(0, +) == step.int("irTokens"))
                } else {
                    #expect(ir.allSatisfy { $0 == 0 }, "\(mode) has no IR work")
                }
                #expect(requested.joined().reduce(0, +) == step.int("requested"))
                #expect(kept.joined().reduce(0, +) == step.int("kept"))
            }
        }
    }

    @Test("jsonl: every line parses; config first, then (mode, step) lines, then each mode's total")
    func jsonl() throws {
        let text = try runOutput(["--steps", "3", "--format", "jsonl", "--mode", "vanilla,ir+fr"] + Self.overrides)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 1 + 2 * 3 + 2)
        let objects = try lines.map { line in try #require(try foundationJSON(line) as? [String: Any], "\(line)") }
        #expect(Set(objects[0].keys) == ["config"])
        #expect(objects[0].object("config")?.int("tokensPerGPU") == 512)
        let preset = try Self.expectedPreset()
        let direct = try routeDirectly(preset, modes: [.vanilla, .irfr], steps: 3)
        for (offset, mode) in [RectifyMode.vanilla, .irfr].enumerated() {
            for step in 0..<3 {
                let object = objects[1 + offset * 3 + step]
                #expect(object["mode"] as? String == mode.rawValue)
                #expect(Set(object.keys) == Set(runStepFields + ["mode"]))
                expectStep(object, equals: direct.figures[mode]![step], "jsonl \(mode) step \(step)")
            }
            let total = objects[7 + offset]
            #expect(Set(total.keys) == ["mode", "total", "measuredQuality"])
            #expect(total["mode"] as? String == mode.rawValue)
            var totals = SchemeTotals(mode: mode)
            direct.figures[mode]!.forEach { totals.add($0) }
            expectTotal(try #require(total.object("total")), equals: totals, "jsonl \(mode)")
        }
    }

    @Test("csv: a header and a row per (mode, step) plus a total row per mode")
    func csv() throws {
        let text = try runOutput(["--steps", "3", "--format", "csv"] + Self.overrides)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == RunReport.csvColumns.joined(separator: ","))
        for name in specStepFields + ["dropRate", "paddingRate"] {
            #expect(RunReport.csvColumns.contains(name), "csv column \(name)")
        }
        #expect(lines.count == 1 + 4 * (3 + 1))
        let columns = RunReport.csvColumns
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.allSatisfy { $0.count == columns.count })
        #expect(rows.filter { $0[1] == "total" }.map { $0[0] } == ["vanilla", "ir", "fr", "ir+fr"])
        // A step row holds the engine's figures.
        let direct = try routeDirectly(try Self.expectedPreset(), modes: [.irfr], steps: 3)
        let f = direct.figures[.irfr]![1]
        let row = try #require(rows.first { $0[0] == "ir+fr" && $0[1] == "1" })
        func cell(_ name: String) -> String { row[columns.firstIndex(of: name)!] }
        #expect(cell("kept") == String(f.kept))
        #expect(cell("dropped") == String(f.dropped))
        #expect(cell("recovered") == String(f.recovered))
        #expect(cell("filled") == String(f.filled))
        #expect(cell("crossGPU") == String(f.crossGPU))
        #expect(cell("gpuLoad") == f.gpuLoad.map(String.init).joined(separator: ";"))
    }

    @Test("table: the configuration line and a row per mode")
    func table() throws {
        let text = try runOutput(["--steps", "2"] + Self.overrides)
        #expect(text.hasPrefix("preset default: synthetic (seed 7"))
        #expect(text.contains("capacity factor 1.25 -> C = 20 per (GPU, expert), policy position, 2 steps of 4096 tokens"))
        let rows = text.split(separator: "\n").map(String.init)
        for mode in RectifyMode.allCases {
            #expect(rows.contains { $0.hasPrefix(mode.rawValue + " ") }, "row for \(mode)")
        }
        let detailed = try runOutput(["--steps", "2", "--detail", "--mode", "ir"] + Self.overrides)
        #expect(detailed.split(separator: "\n").filter { $0.hasPrefix("ir ") }.count == 3, "two step rows and the total")
    }

    @Test("the same command twice gives the same output")
    func deterministic() throws {
        let arguments = ["--steps", "2", "--format", "json", "--tokens-per-gpu", "128", "--threads", "1"]
        let once = try runOutput(arguments)
        #expect(try runOutput(arguments) == once)
        #expect(try runOutput(["--steps", "2", "--format", "json", "--tokens-per-gpu", "128", "--threads", "2"]) == once)
    }
}
