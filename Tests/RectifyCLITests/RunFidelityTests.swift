import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// The issue 4 figures `rectify run` adds after the spec's, in this order.
let runEstimateFields = ["outputError", "stepTime", "usefulTokensPerSecond"]

/// The router-side quality figures that follow them.
let runGateMassFields = ["intendedGateMass", "substituteGateMass", "meanIRRank", "meanFRRank"]

/// Every field of a `rectify run` step object (without `--detail`).
let runStepFields = specStepFields + runEstimateFields + runGateMassFields

/// `rectify run`: output error against dropless top-k and the cost model's step time, per step and in total.
@Suite("rectify run: output error and step time")
struct RunFidelityTests {
    static let small = ["--tokens-per-gpu", "128", "--seed", "3"]

    static func document(_ arguments: [String]) throws -> [String: Any] {
        try #require(try foundationJSON(try runOutput(arguments + ["--format", "json"])) as? [String: Any])
    }

    static func run(_ document: [String: Any], _ mode: String) throws -> [String: Any] {
        try #require(document.objects("runs")?.first { $0["mode"] as? String == mode }, "run \(mode)")
    }

    static func keys(_ value: JSONValue) -> [String] {
        guard case .object(let members) = value else { return [] }
        return members.map(\.key)
    }

    @Test("the new fields follow imbalance in steps and paddingRate in totals; config names their parameters")
    func order() throws {
        let preset = try PresetCatalog.load("default")
        var small = preset
        small.routing.tokensPerGPU = 64
        let report = try RunCommand.route(scenario: Scenario(preset: small), modes: [.ir], steps: 1, detail: false, threads: 1)
        guard case .object(let top) = report.json(detail: false),
              case .array(let runs)? = top.first(where: { $0.key == "runs" })?.value,
              case .object(let run)? = runs.first,
              let steps = run.first(where: { $0.key == "steps" })?.value,
              case .array(let stepList) = steps, let step = stepList.first,
              let total = run.first(where: { $0.key == "total" })?.value,
              let config = top.first(where: { $0.key == "config" })?.value else {
            Issue.record("unexpected JSON shape")
            return
        }
        #expect(Self.keys(step) == runStepFields)
        let totalKeys = Self.keys(total)
        #expect(Array(totalKeys.suffix(9)) == ["dropRate", "paddingRate"] + runEstimateFields + runGateMassFields)
        let configKeys = Self.keys(config)
        #expect(Array(configKeys.suffix(4)) == ["costParameters", "fidelity", "costProfile", "quality"])
        #expect(configKeys.prefix(configKeys.count - 4).last == "modes", "the existing config fields keep their order")
    }

    @Test("json: figures present, equal to the engine's fidelity and cost model, config says how they were made")
    func json() throws {
        let document = try Self.document(["--steps", "2", "--mode", "vanilla,ir+fr"] + Self.small)
        let config = try #require(document.object("config"))
        let cost = try #require(config.object("costParameters"))
        #expect(cost.int("hiddenSize") == CostParameters().hiddenSize)
        #expect(cost.int("gpusPerNode") == CostParameters().gpusPerNode)
        let fidelityConfig = try #require(config.object("fidelity"))
        #expect(fidelityConfig.int("sampleTokens") == 256)
        #expect(fidelityConfig.double("expertSimilarity") == FidelityOptions().expertSimilarity)

        // The same steps, measured directly with the engine.
        var preset = try PresetCatalog.load("default")
        preset.routing.tokensPerGPU = 128
        guard case .synthetic(var parameters) = preset.workload else { Issue.record("synthetic default"); return }
        parameters.seed = 3
        preset.workload = .synthetic(parameters)
        let source = try preset.makeSource(includeHidden: true, threads: 1)
        let router = Router(threads: 1)
        var analyses: [StepAnalysis] = []
        var measured: [StepFidelity] = []
        for _ in 0..<2 {
            let batch = try #require(try source.nextBatch())
            let hidden = try #require(batch.hidden)
            let analysis = try router.route(batch, config: preset.routing, modes: [.vanilla, .irfr], keepTokenRouting: true)
            let fidelity = OutputFidelity(experts: preset.routing.experts, dimension: hidden.dimension)
            analyses.append(analysis)
            measured.append(try #require(fidelity.measure(batch: batch, config: preset.routing, analysis: analysis)))
        }
        for mode in [RectifyMode.vanilla, .irfr] {
            let run = try Self.run(document, mode.rawValue)
            let steps = try #require(run.objects("steps"))
            #expect(steps.count == 2)
            var score = FidelityScore()
            var costs = CostTotals()
            for (index, step) in steps.enumerated() {
                let stepScore = try #require(measured[index].scores[.rectify(mode)])
                score.add(stepScore)
                let work = try #require(StepWork(analysis: analyses[index], mode: mode))
                let stepCost = CostModel.estimate(work, parameters: CostParameters())
                costs.add(stepCost)
                expectClose(step.double("outputError"), stepScore.relativeError, "\(mode) step \(index) outputError")
                expectClose(step.double("stepTime"), stepCost.stepSeconds, "\(mode) step \(index) stepTime")
                expectClose(step.double("usefulTokensPerSecond"), stepCost.usefulTokensPerSecond, "\(mode) step \(index) throughput")
                let covered = try #require(step.int("coveredTokens"))
                let seconds = try #require(step.double("stepTime"))
                #expect(seconds > 0)
                expectClose(step.double("usefulTokensPerSecond"), Double(covered) / seconds, "\(mode) step \(index) covered / time")
            }
            let total = try #require(run.object("total"))
            expectClose(total.double("outputError"), score.relativeError, "\(mode) total outputError (summed squares)")
            expectClose(total.double("stepTime"), costs.meanStepSeconds, "\(mode) total stepTime (mean)")
            expectClose(total.double("usefulTokensPerSecond"), costs.usefulTokensPerSecond, "\(mode) total throughput")
        }
    }

    @Test("nothing dropped, top-k reference: vanilla and IR output error is exactly 0")
    func noDrops() throws {
        let document = try Self.document(["--steps", "2", "--capacity-factor", "100", "--mode", "vanilla,ir",
                                          "--fidelity-reference", "topk"] + Self.small)
        for mode in ["vanilla", "ir"] {
            let run = try Self.run(document, mode)
            for step in try #require(run.objects("steps")) {
                #expect(step.int("dropped") == 0)
                #expect(step.double("outputError") == 0, "\(mode) step \(step.int("step") ?? -1)")
            }
            let total = try #require(run.object("total"))
            #expect(total.int("dropped") == 0)
            #expect(total.double("outputError") == 0, "\(mode) total")
        }
    }

    @Test("output error grows as the capacity factor drops")
    func grows() throws {
        var errors: [Double] = []
        for factor in ["2.0", "1.0", "0.5"] {
            let document = try Self.document(["--steps", "2", "--capacity-factor", factor, "--mode", "vanilla"] + Self.small)
            let total = try #require(try Self.run(document, "vanilla").object("total"))
            errors.append(try #require(total.double("outputError"), "cf \(factor)"))
        }
        #expect(errors[0] < errors[1] && errors[1] < errors[2], "vanilla output error at cf 2.0, 1.0, 0.5: \(errors)")
        #expect(errors[2] > 0.1, "at cf 0.5 many requests are dropped: \(errors)")
    }

    @Test("trace: output error is null (no hidden states), step time is still estimated")
    func trace() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(RunTraceTests.logits, shape: [2, 8, 4]))
        let arguments = ["--trace", path, "--gpus", "2", "--steps", "2"]
        let document = try Self.document(arguments)
        #expect(document.object("config")?["fidelity"] is NSNull)
        #expect(document.object("config")?.object("costParameters") != nil)
        for run in try #require(document.objects("runs")) {
            for step in try #require(run.objects("steps")) {
                #expect(Set(step.keys) == Set(runStepFields))
                #expect(step["outputError"] is NSNull)
                #expect((step.double("stepTime") ?? 0) > 0)
                #expect(step.double("usefulTokensPerSecond") != nil)
            }
            let total = try #require(run.object("total"))
            #expect(total["outputError"] is NSNull)
            #expect((total.double("stepTime") ?? 0) > 0)
        }
        // CSV: empty outputError cells, filled step times.
        let csv = try runOutput(arguments + ["--format", "csv"])
        let columns = RunReport.csvColumns
        let error = try #require(columns.firstIndex(of: "outputError"))
        let time = try #require(columns.firstIndex(of: "stepTime"))
        for line in csv.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cells.count == columns.count, "\(line)")
            #expect(cells[error].isEmpty, "\(line)")
            #expect(Double(String(cells[time])) != nil, "\(line)")
        }
        // Table: '-' for output error.
        let table = try runOutput(arguments)
        #expect(table.contains("distort %: layer-distortion proxy, not measured"))
        let vanilla = try #require(table.split(separator: "\n").first { $0.hasPrefix("vanilla ") })
        let cells = vanilla.split(separator: " ")
        #expect(cells.count >= 2 && cells[cells.count - 2] == "-", "\(vanilla)")
    }

    @Test("csv: three columns appended at the end, one cell each in every row")
    func csv() throws {
        let text = try runOutput(["--steps", "2", "--format", "csv"] + Self.small)
        let lines = text.split(separator: "\n").map(String.init)
        let columns = RunReport.csvColumns
        #expect(Array(columns.suffix(8)) == ["gpuLoad"] + runEstimateFields + runGateMassFields)
        #expect(lines.first == columns.joined(separator: ","))
        #expect(columns.count == 27)
        #expect(lines.count == 1 + 4 * (2 + 1))
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == columns.count, "\(line)")
            for name in runEstimateFields {
                let index = try #require(columns.firstIndex(of: name))
                #expect(Double(cells[index]) != nil, "\(name) in \(line)")
            }
        }
        // The JSON and the CSV agree.
        let document = try Self.document(["--steps", "2"] + Self.small)
        let total = try #require(try Self.run(document, "ir+fr").object("total"))
        let row = try #require(lines.first { $0.hasPrefix("ir+fr,total,") }).split(separator: ",", omittingEmptySubsequences: false)
        let error = try #require(columns.firstIndex(of: "outputError"))
        expectClose(Double(String(row[error])), total.double("outputError"), "csv vs json outputError")
    }

    @Test("jsonl: every step line and every total carries the new figures")
    func jsonl() throws {
        let text = try runOutput(["--steps", "2", "--format", "jsonl", "--mode", "vanilla,fr"] + Self.small)
        let objects = try text.split(separator: "\n").map { line in
            try #require(try foundationJSON(String(line)) as? [String: Any])
        }
        #expect(objects.count == 1 + 2 * 2 + 2)
        #expect(objects[0].object("config")?.object("fidelity")?.int("sampleTokens") == 256)
        for object in objects.dropFirst() {
            let figures = object.object("total") ?? object
            for name in runEstimateFields {
                #expect(figures.double(name) != nil, "\(name) in \(object)")
            }
        }
        // The same numbers as the json format.
        let document = try Self.document(["--steps", "2", "--mode", "vanilla,fr"] + Self.small)
        let steps = try #require(try Self.run(document, "fr").objects("steps"))
        let lines = objects.filter { $0["mode"] as? String == "fr" && $0["step"] != nil }
        #expect(lines.count == 2)
        for (line, step) in zip(lines, steps) {
            for name in runEstimateFields {
                #expect(line.double(name) == step.double(name), "\(name)")
            }
        }
    }

    @Test("table: distort % (a proxy, so labelled) and step ms columns, with the measurement named")
    func table() throws {
        let text = try runOutput(["--steps", "1", "--mode", "vanilla"] + Self.small)
        #expect(text.contains("distort %"))
        #expect(text.contains("step ms"))
        #expect(text.contains("distort %: layer-distortion proxy, not model quality: relative L2 against dropless topk+1 on seeded synthetic experts, expert similarity 0.6, 256 sampled tokens per step"))
        let document = try Self.document(["--steps", "1", "--mode", "vanilla"] + Self.small)
        let total = try #require(try Self.run(document, "vanilla").object("total"))
        let error = try #require(total.double("outputError"))
        let ms = try #require(total.double("stepTime")) * 1e3
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("vanilla ") })
        let cells = row.split(separator: " ").map(String.init)
        #expect(cells.suffix(2) == [String(format: "%.2f", error * 100), String(format: "%.3f", ms)], "\(row)")
    }
}
