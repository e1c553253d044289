import Foundation

/// One command `rectify` knows: its name, its line in the overview, its spec (options and `--help`)
/// and how it runs.
struct Command: Sendable {
    let spec: CommandSpec
    /// The overview's line for it; `nil` for a hidden command (not listed, not suggested).
    let overview: String?
    /// Runs the command line after the command's name; writes its output and returns the exit status.
    let run: @Sendable (_ arguments: [String]) throws(CLIError) -> Int32

    var name: String { spec.name }

    /// A command whose whole output is one text, written once it has all succeeded.
    init(_ spec: CommandSpec, overview: String?, text: @escaping @Sendable ([String]) throws(CLIError) -> String) {
        self.init(spec, overview: overview) { arguments throws(CLIError) in
            StandardStreams.writeOutput(try text(arguments)) ? 0 : 1
        }
    }

    init(_ spec: CommandSpec, overview: String?, run: @escaping @Sendable ([String]) throws(CLIError) -> Int32) {
        self.spec = spec
        self.overview = overview
        self.run = run
    }
}

/// Every command of `rectify`, in the overview's order: dispatch, the overview, suggestions for a
/// misspelt command and each command's `--help` all come from this list.
///
/// To add a command: write its `CommandSpec` (name, summary, usage, its option keys) and its run
/// function, and add one entry here, e.g.
///
///     Command(TuneCommand.spec, overview: "Search settings for the best step time", text: TuneCommand.run),
///
/// The overview's test checks that it lists exactly these commands.
enum CommandRegistry {
    static let all: [Command] = [
        Command(DashCommand.spec, overview: "Live terminal dashboard (the default when no command is given)", run: DashCommand.run),
        Command(RunCommand.spec, overview: "Route batches headless; table, json, jsonl or csv output") { arguments throws(CLIError) in
            // Written in pieces: a long csv or jsonl run is read back from its spool.
            var failed = false
            try RunCommand.run(arguments) { (piece: Data) in
                if !failed && !StandardStreams.writeOutput(piece) { failed = true }
            }
            return failed ? 1 : 0
        },
        Command(SweepCommand.spec, overview: "Sweep the capacity factor per mode and baseline; table, json, csv, --svg chart", text: SweepCommand.run),
        Command(TuneCommand.spec, overview: "Recommend a capacity factor and mode for lost / padding targets", run: TuneCommand.main),
        Command(BenchCommand.spec, overview: "Measure routing speed per mode", text: BenchCommand.run),
        Command(PresetsCommand.listSpec, overview: "List presets", text: PresetsCommand.list),
        Command(PresetsCommand.validateSpec, overview: "Check preset files", text: PresetsCommand.validate),
        Command(TerminalDemoCommand.spec, overview: nil, run: TerminalDemoCommand.run),
    ]

    /// The commands the overview lists.
    static var listed: [Command] { all.filter { $0.overview != nil } }

    static func named(_ name: String) -> Command? { all.first { $0.name == name } }
}
