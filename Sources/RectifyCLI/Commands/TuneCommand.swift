import Foundation
import RectifyEngine

/// `rectify tune`: a capacity-factor sweep that answers "which factor and mode?" for targets the
/// user sets, with the figures behind the answer.
enum TuneCommand {
    /// Exit status when no (factor, mode) meets the targets: the output still names the closest.
    static let notMetStatus: Int32 = 3

    enum Keys {
        static let maxLost = percentLimit("max-lost", "Target: at most PCT% of the requests lost (unrecovered), 0-100, or none. Default 1.")
        static let maxPadding = percentLimit("max-padding", "Target: at most PCT% of the slots padding, 0-100, or none. Default 10.")
        static let goal = OptionKey<TuningGoal>.choice("goal", "G", "smallest-cf (default): the smallest factor meeting the targets; throughput: the best estimated useful tokens/s meeting them.")
        static let format = OptionKey<TuneFormat>.choice("format", "F", "Output: table (default) or json.")

        /// A percentage from 0 to 100 as a ratio, or `none` (`nil`: no target).
        static func percentLimit(_ name: String, _ help: String) -> OptionKey<Double?> {
            OptionKey<Double?>(name, "PCT|none", help) { text, command throws(CLIError) in
                if text == "none" { return nil }
                guard let number = Double(text), number.isFinite, (0...100).contains(number) else {
                    throw OptionKey<Double?>.invalid(name, text, ": expected a percentage from 0 to 100, or none", command)
                }
                return number / 100
            }
        }
    }

    static let spec = CommandSpec(
        name: "tune",
        summary: "Recommend a capacity factor and mode: the smallest factor (or best throughput) meeting lost and padding targets.",
        usage: "rectify tune [--preset NAME|FILE] [--trace FILE.npy] [--max-lost PCT] [--max-padding PCT] [--goal smallest-cf|throughput] [--capacity-factors A:B:S|F,F...] [--modes M[,M...]] [--steps N] [--format table|json]",
        options: sweepOptions + [Keys.maxLost, Keys.maxPadding, Keys.goal, Keys.format],
        notes: """
        Runs the same sweep as 'rectify sweep' (the batches read once, routed again at every factor) and picks among
        the rectify modes (vanilla, ir, fr, ir+fr; dropless and expert-choice are shown for reference only): with
        --goal smallest-cf the smallest factor with a mode meeting the targets, and at it the mode with the best
        estimated useful tokens/s; with --goal throughput the (factor, mode) with the best estimate among those
        meeting the targets. Ties go to the lower lost share, the smaller factor, then the simpler mode. The table
        shows every scheme at the chosen factor and its neighbours. Useful tokens/s and step time come from the
        cost model (--cost-profile, --dispatch, --ir-overlap).
        Exit status: 0 a recommendation meets the targets, 3 nothing meets them (the closest is named: the least
        total overshoot), 2 usage or invalid input, 1 runtime error.
        """)

    /// The sweep's options but its output ones (`--format` differs, no `--svg`).
    private static var sweepOptions: [any OptionDeclaration] {
        SweepCommand.workloadOptions
            + [SweepCommand.Keys.capacityFactors, SweepCommand.Keys.modes, SweepCommand.Keys.steps, SweepCommand.Keys.threads]
    }

    /// `--max-lost` and `--max-padding` (`tune` and `dash`), the standard targets where not given.
    static func targets(_ args: ParsedArguments) throws(CLIError) -> TuningTargets {
        TuningTargets(maxLost: try args[Keys.maxLost] ?? TuningTargets.standard.maxLost,
                      maxPadding: try args[Keys.maxPadding] ?? TuningTargets.standard.maxPadding)
    }

    /// Writes the output; exit status 0, or `notMetStatus` when nothing meets the targets.
    static func main(_ arguments: [String]) throws(CLIError) -> Int32 {
        let (text, met) = try run(arguments)
        guard StandardStreams.writeOutput(text) else { return 1 }
        return met ? 0 : notMetStatus
    }

    /// The output and whether the recommendation meets the targets (`--help`: the help, true).
    static func run(_ arguments: [String]) throws(CLIError) -> (String, Bool) {
        guard let args = try spec.parseOptions(arguments) else { return (spec.help, true) }
        let steps = try SweepCommand.steps(args)
        let threads = try args[SweepCommand.Keys.threads]
        let factors = try SweepCommand.factors(args, command: spec.name)
        let schemes = try args[SweepCommand.Keys.modes] ?? RoutingScheme.allCases
        guard schemes.contains(where: { $0.mode != nil }) else {
            throw .usage(UsageError("--modes needs at least one rectify mode to recommend: vanilla, ir, fr or ir+fr", command: spec.name))
        }
        let targets = try Self.targets(args)
        let goal = try args[Keys.goal] ?? .smallestFactor
        let format = try args[Keys.format] ?? .table
        let scenario = try ScenarioOptions.resolve(args, traceLoopDefault: false)
        try MemoryCheck.check(args, scenario: scenario, batchesHeld: steps, hidden: true)
        let sweep = try SweepCommand.sweep(scenario: scenario, factors: factors, schemes: schemes, steps: steps, threads: threads)
        guard let recommendation = Recommendation(points: sweep.points.map(\.tuningPoint), targets: targets, goal: goal) else {
            throw .runtime("the sweep gave no rectify-mode point to recommend")
        }
        let report = TuneReport(sweep: sweep, recommendation: recommendation)
        return (format == .json ? report.json() : report.table(), recommendation.meetsTargets)
    }
}

/// The output formats of `rectify tune`.
enum TuneFormat: String, CaseIterable {
    case table, json
}
