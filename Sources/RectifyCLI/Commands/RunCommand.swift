import Foundation
import RectifyEngine

/// `rectify run`: route a number of steps headless and print the figures.
enum RunCommand {
    /// `run`'s own options; the workload options are `ScenarioOptions`'.
    enum Keys {
        static let steps = OptionKey<Int>.int("steps", "N", in: 1...1_000_000, "Steps (batches) to route, 1-1000000. Default 10; with --follow, until stopped.")
        static let idleTimeout = OptionKey<Double>.number("idle-timeout", "S", in: 0.1...31_536_000, "With --follow: stop when no new step arrives for S seconds (also bounds the wait for the first).")
        static let mode = ScenarioOptions.modes("mode", "M[,M...]", "Modes to report: vanilla, ir, fr, ir+fr, or all (default), comma-separated.")
        static let format = OptionKey<OutputFormat>.choice("format", "F", "Output: table (default), json, jsonl or csv.")
        static let detail = FlagKey("detail", "Add per-step rows (table) or the G x E matrices (json, jsonl).")
        static let threads = OptionKey<Int>.int("threads", "N", in: 1...256, "Worker threads for routing (default: all cores).")
    }

    static let spec = CommandSpec(
        name: "run",
        summary: "Route batches headless and print every figure of the routing spec, per step and in total.",
        usage: "rectify run [--preset NAME|FILE] [--trace FILE.npy|DIR | --follow DIR] [--steps N] [--mode M[,M...]] [options]",
        options: ScenarioOptions.declarations + [Keys.steps, Keys.idleTimeout, Keys.mode, Keys.format, Keys.detail, Keys.threads],
        notes: """
        All modes are routed on the very same batches. A trace that ends before --steps stops the run
        (say --loop to start it again). Beside the spec figures each step and total carries the router-side
        quality figures intendedGateMass, substituteGateMass, meanIRRank and meanFRRank (see the README),
        outputError (a layer-distortion proxy, not model quality: relative L2 error of the MoE layer output
        against dropless top-k+1 or top-k on seeded synthetic expert networks, over \(FidelityOptions().sampleTokens)
        sampled tokens per step; synthetic workloads only: '-' in the table, null in JSON and empty in CSV
        for traces), stepTime (seconds, cost model with --cost-profile) and usefulTokensPerSecond. When the
        preset names a quality file with a measurement for these exact settings, each mode's measured
        quality is shown (JSON: measuredQuality per run; null where there is none).
        With --follow the run ends after --steps routed steps, after --idle-timeout without a new step,
        or at Ctrl+C, SIGTERM, SIGHUP or SIGQUIT; it then prints everything routed (exit 0), with a "follow"
        section (JSON) or line (table) saying how many steps were routed, skipped and rejected. With
        --format jsonl it streams instead: the config line (steps null), each routed step's lines as it
        is routed (with a "follow" object: captureStep, session, lag, skippedBefore), then the follow
        summary and the totals.
        Exit status: 0 success, 2 usage or invalid input, 1 runtime error; on error nothing is written to
        standard output.
        """, readsConfig: true)

    /// `run`'s own options, checked; the workload options are checked by `ScenarioOptions.resolve`.
    struct Options {
        let args: ParsedArguments
        let steps: Int?
        let format: OutputFormat
        let threads: Int?
        let idleTimeout: Double?
        let modes: [RectifyMode]
    }

    /// Reads the command line without routing anything; `nil` means `--help` was asked for.
    static func options(_ arguments: [String]) throws(CLIError) -> Options? {
        guard let args = try spec.parseOptions(arguments) else { return nil }
        let steps = try args[Keys.steps]
        let format = try args[Keys.format] ?? .table
        let threads = try args[Keys.threads]
        let idleTimeout = try args[Keys.idleTimeout]
        let follows = try args[ScenarioOptions.follow] != nil
        if idleTimeout != nil && !follows {
            throw .usage(UsageError("--idle-timeout applies to --follow", command: spec.name))
        }
        let modes = try args[Keys.mode] ?? RectifyMode.allCases
        return Options(args: args, steps: steps, format: format, threads: threads, idleTimeout: idleTimeout, modes: modes)
    }

    /// The whole output as one text (tests and callers that want it whole).
    static func run(_ arguments: [String]) throws(CLIError) -> String {
        var data = Data()
        try run(arguments) { (piece: Data) throws(CLIError) in data.append(piece) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Routes, then hands the output to `out` in pieces once the whole run has succeeded.
    static func run(_ arguments: [String], to out: (Data) throws(CLIError) -> Void) throws(CLIError) {
        guard let options = try options(arguments) else { return try out(Data(spec.help.utf8)) }
        let (args, steps, format, threads, idleTimeout, modes) =
            (options.args, options.steps, options.format, options.threads, options.idleTimeout, options.modes)
        // Following runs until told to stop: a signal ends it cleanly, from the first wait on.
        let stop = try args[ScenarioOptions.follow] != nil ? StopRequest() : nil
        defer { stop?.finish() }
        let scenario = try ScenarioOptions.resolve(args, traceLoopDefault: false, followWait: idleTimeout, stop: stop)
        let preset = scenario.preset
        let detail = try args[Keys.detail]
        // csv and jsonl rows wait in a spool, a table without --detail needs only totals: only json
        // and a detailed table keep every step in memory.
        let keeps = format == .json || (format == .table && detail)
        let keptSteps = keeps ? (steps ?? 10) : 0
        try MemoryCheck.check(args, scenario: scenario, batchesHeld: 1, hidden: true, keptSteps: keptSteps,
                              bytesPerKeptStep: MemoryCheck.reportBytesPerStep(preset.routing, modes: modes.count, detail: detail))
        let report: RunReport
        if let stop, case .follow = preset.workload {
            let storage = format == .jsonl ? .latestOnly : try storage(format, keeps: keeps, modes: modes)
            report = try FollowRun.route(scenario: scenario, modes: modes, steps: steps, idleTimeout: idleTimeout,
                                         detail: detail, threads: threads, stop: stop, storage: storage,
                                         stream: format == .jsonl)
            if let summary = report.followSummary() { StandardStreams.writeError("rectify: " + summary) }
            if format == .jsonl { return try out(Data(report.streamFooter().utf8)) }
        } else {
            report = try route(scenario: scenario, modes: modes, steps: steps ?? 10, detail: detail, threads: threads,
                               storage: try storage(format, keeps: keeps, modes: modes))
            if report.stepsRun < steps ?? 10 {
                StandardStreams.writeError("rectify: note: the trace ended after \(report.stepsRun) of the \(steps ?? 10) steps asked for (--loop starts it again)")
            }
        }
        try report.write(format, detail: detail, to: out)
    }

    private static func storage(_ format: OutputFormat, keeps: Bool, modes: [RectifyMode]) throws(CLIError) -> RunReport.StepStorage {
        if keeps { return .keep }
        if format == .table { return .latestOnly }
        return .spool(try StepSpool(modes: modes.count), format)
    }

    /// Routes `steps` batches in `modes`. Synthetic batches carry hidden states, so every step's
    /// output error is measured on `fidelityOptions.sampleTokens` tokens; traces leave it `nil`.
    static func route(scenario: Scenario, modes: [RectifyMode], steps: Int, detail: Bool, threads: Int?,
                      storage: RunReport.StepStorage = .keep,
                      costSettings: CostSettings? = nil,
                      fidelityOptions: FidelityOptions? = nil) throws(CLIError) -> RunReport {
        let preset = scenario.preset
        let fidelityOptions = fidelityOptions ?? preset.fidelity
        let workers = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let source: any BatchSource
        do { source = try scenario.source(threads: workers, includeHidden: true) } catch { throw .invalid(error.description) }
        var report = RunReport(preset: preset, modes: modes, requestedSteps: steps, storage: storage,
                               costSettings: costSettings ?? preset.cost, fidelityOptions: fidelityOptions)
        var evaluator = StepEvaluator(settings: report.evaluationSettings(threads: workers), fidelity: fidelityOptions,
                                      router: Router(threads: workers))
        for _ in 0..<steps {
            let batch: RoutingBatch?
            do { batch = try source.nextBatch() } catch { throw .runtime(error.description) }
            guard let batch else { break }
            try report.record(batch, evaluator: &evaluator, keepDetail: detail)
        }
        return report
    }
}
