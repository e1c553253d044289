import Foundation
import RectifyEngine

/// `rectify sweep`: every figure per (routing scheme, capacity factor), on the same batches.
enum SweepCommand {
    /// More capacity factors than this is a usage error: each one routes every batch again.
    static let maxFactors = 64
    static let defaultFactors = "0.5:2.0:0.25"

    /// `sweep`'s own options; the workload options are `ScenarioOptions`' but those that a sweep sets itself.
    enum Keys {
        static let capacityFactors = OptionKey<[CapacityFactor]>("capacity-factors", "A:B:S|F,F...",
                                                                 "Capacity factors: from A to B (inclusive) in steps of S, or a comma list. Default \(defaultFactors); at most \(maxFactors) factors.") { text, command throws(CLIError) in
            do throws(UsageError) { return try parseFactors(text, command: command) } catch { throw .usage(error) }
        }
        static let modes = OptionKey<[RoutingScheme]>("modes", "M[,M...]",
                                                      "Schemes: vanilla, ir, fr, ir+fr, dropless, expert-choice, or all (default), comma-separated.") { text, command throws(CLIError) in
            do throws(UsageError) { return try parseSchemes(text, command: command) } catch { throw .usage(error) }
        }
        static let steps = OptionKey<Int>.int("steps", "N", in: 1...10_000, "Batches routed for every point, 1-10000. Default 4.")
        static let format = OptionKey<SweepFormat>.choice("format", "F", "Output: table (default), json or csv.")
        static let svg = OptionKey<String>.text("svg", "FILE", "Also write a self-contained SVG: drop rate, padding rate, the synthetic distortion proxy and step time against capacity factor.")
        static let threads = OptionKey<Int>.int("threads", "N", in: 1...256, "Worker threads for routing (default: all cores).")
        /// The workload options a sweep leaves out: it sets the capacity factor itself and reads
        /// its batches once.
        static let scenarioLeftOut: [any OptionDeclaration] = [ScenarioOptions.capacityFactor, ScenarioOptions.loop,
                                                               ScenarioOptions.noLoop, ScenarioOptions.follow]
    }

    static let spec = CommandSpec(
        name: "sweep",
        summary: "Sweep the capacity factor: every figure per (mode, capacity factor), averaged over the same batches.",
        usage: "rectify sweep [--preset NAME|FILE] [--trace FILE.npy] [--capacity-factors A:B:S|F,F...] [--modes M[,M...]] [--steps N] [--format table|json|csv] [--svg FILE]",
        options: workloadOptions + [Keys.capacityFactors, Keys.modes, Keys.steps, Keys.format, Keys.svg, Keys.threads],
        notes: """
        The N batches are generated (or read from the trace) once and routed again at every capacity factor, so
        every point sees the same tokens. Figures are means per step; a figure that does not apply to a scheme
        (drop rate of expert-choice, recovered of vanilla, output error of a trace) is '-' in the table, null in
        JSON and empty in CSV. intendedGateMass and substituteGateMass are router-side: the share of the tokens'
        top-k gate mass their intended experts compute, and the mass handed to substitutes. outputError is a
        layer-distortion proxy, not model quality: the relative L2 error of one MoE layer's output against dropless
        top-k+1 (or top-k, --fidelity-reference) on seeded synthetic expert networks (synthetic workloads only).
        Step time and throughput come from the cost model (--cost-profile, --dispatch, --ir-overlap).
        Exit status: 0 success, 2 usage or invalid input, 1 runtime error.
        """, readsConfig: true)

    /// The workload options of a sweep (and of `tune`, which runs one): the scenario's but those a
    /// sweep sets itself.
    static let workloadOptions = ScenarioOptions.declarations.filter { option in
        !Keys.scenarioLeftOut.contains { $0.spec.name == option.spec.name }
    }

    /// `--steps`, or the default of a sweep (and of `tune`).
    static func steps(_ args: ParsedArguments) throws(CLIError) -> Int { try args[Keys.steps] ?? 4 }

    /// `--capacity-factors`, or the default ones, checked as if given (`command` names the command in errors).
    static func factors(_ args: ParsedArguments, command: String) throws(CLIError) -> [CapacityFactor] {
        if let given = try args[Keys.capacityFactors] { return given }
        return try Keys.capacityFactors.parse(defaultFactors, command)
    }

    static func run(_ arguments: [String]) throws(CLIError) -> String {
        guard let args = try spec.parseOptions(arguments) else { return spec.help }
        let steps = try Self.steps(args)
        let format = try args[Keys.format] ?? .table
        let threads = try args[Keys.threads]
        let factors = try Self.factors(args, command: spec.name)
        let schemes = try args[Keys.modes] ?? RoutingScheme.allCases
        let svgPath = try args[Keys.svg]
        if let svg = svgPath {
            guard !svg.isEmpty else { throw .usage(UsageError("--svg needs a file name", command: spec.name)) }
            let folder = URL(fileURLWithPath: svg).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw .invalid("--svg \(TerminalText.path(svg)): the folder \(TerminalText.path(folder)) does not exist")
            }
        }
        let scenario = try ScenarioOptions.resolve(args, traceLoopDefault: false)
        // Every batch is read once and kept for all the factors.
        try MemoryCheck.check(args, scenario: scenario, batchesHeld: steps, hidden: true)
        let report = try sweep(scenario: scenario, factors: factors, schemes: schemes, steps: steps, threads: threads)
        if let path = svgPath {
            try SVGChart.writeAtomically(SVGChart.document(report), to: path)
        }
        return report.render(format)
    }

    // MARK: Parsing

    /// `A:B:S` (inclusive, exact decimal steps) or `F,F,...`; sorted, without repeats.
    static func parseFactors(_ text: String, command: String = spec.name) throws(UsageError) -> [CapacityFactor] {
        func factor(_ word: Substring) throws(UsageError) -> CapacityFactor {
            guard let parsed = CapacityFactor.parse(word) else {
                throw UsageError("invalid --capacity-factors \(UsageError.quoted(text)): \(UsageError.quoted(word)) is not \(CapacityFactor.allowed)", command: command)
            }
            return parsed
        }
        var values: [Int] = []
        if text.contains(":") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw UsageError("invalid --capacity-factors \(UsageError.quoted(text)): expected START:END:STEP such as 0.5:2.0:0.25, or a comma list", command: command)
            }
            let start = try factor(parts[0]).tenThousandths
            let end = try factor(parts[1]).tenThousandths
            let step = try factor(parts[2]).tenThousandths
            guard start <= end else {
                throw UsageError("invalid --capacity-factors \(UsageError.quoted(text)): the start is above the end", command: command)
            }
            let count = (end - start) / step + 1
            guard count <= maxFactors else {
                throw UsageError("invalid --capacity-factors \(UsageError.quoted(text)): \(count) factors, at most \(maxFactors)", command: command)
            }
            values = (0..<count).map { start + $0 * step }
        } else {
            for word in text.split(separator: ",", omittingEmptySubsequences: false) {
                values.append(try factor(word).tenThousandths)
            }
        }
        let unique = Array(Set(values)).sorted()
        guard unique.count <= maxFactors else {
            throw UsageError("invalid --capacity-factors \(UsageError.quoted(text)): \(unique.count) factors, at most \(maxFactors)", command: command)
        }
        return unique.map(CapacityFactor.init(tenThousandths:))
    }

    /// Comma-separated scheme labels or `all`, in the order given, without repeats.
    static func parseSchemes(_ text: String, command: String = spec.name) throws(UsageError) -> [RoutingScheme] {
        if text == "all" { return RoutingScheme.allCases }
        var schemes: [RoutingScheme] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let scheme = RoutingScheme(label: String(word)) else {
                let hint = Spelling.suggestion(for: String(word), in: RoutingScheme.allCases.map(\.label) + ["all"])
                throw UsageError("invalid --modes \(UsageError.quoted(word))\(hint): expected vanilla, ir, fr, ir+fr, dropless, expert-choice (comma-separated) or all", command: command)
            }
            if !schemes.contains(scheme) { schemes.append(scheme) }
        }
        return schemes
    }

    // MARK: Sweeping

    /// Reads `steps` batches once, then evaluates all of them at every factor with every scheme.
    static func sweep(scenario: Scenario, factors: [CapacityFactor], schemes: [RoutingScheme], steps: Int,
                      threads: Int?, costSettings: CostSettings? = nil,
                      fidelityOptions: FidelityOptions? = nil) throws(CLIError) -> SweepReport {
        let preset = scenario.preset
        let costSettings = costSettings ?? preset.cost
        let fidelityOptions = fidelityOptions ?? preset.fidelity
        let workers = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let source: any BatchSource
        do { source = try scenario.source(threads: workers, includeHidden: true) } catch { throw .invalid(error.description) }
        let batches: [RoutingBatch]
        do { batches = try CapacitySweep.readBatches(from: source, count: steps) } catch { throw .runtime(error.description) }
        guard !batches.isEmpty else { throw .runtime("the workload gave no batches to sweep") }
        let settings = StepEvaluation.Settings(schemes: schemes, cost: costSettings, quality: preset.quality, threads: workers)
        var sweep = CapacitySweep(batches: batches, config: preset.routing, factors: factors,
                                  evaluator: StepEvaluator(settings: settings, fidelity: fidelityOptions,
                                                           router: Router(threads: workers)))
        do {
            try sweep.run()
        } catch let error as ConfigError {
            throw .invalid(error.description)
        } catch {
            throw .runtime(String(describing: error))
        }
        return SweepReport(preset: preset, factors: factors, schemes: schemes, steps: batches.count,
                           costSettings: costSettings, fidelityOptions: fidelityOptions,
                           measuredFidelity: sweep.measuresFidelity, points: sweep.allPoints)
    }
}
