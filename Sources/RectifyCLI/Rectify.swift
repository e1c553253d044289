import Foundation
import RectifyEngine
import RectifyTerminal

/// The `rectify` command line: dispatches to the subcommands and maps failures to exit statuses.
public enum Rectify {
    public static let version = "0.1.0"

    static let overview = """
    rectify \(version): top-k MoE routing with expert capacity and the Rectify-Router
    (Intra-GPU Rectification and Fill-in Rectification, Zeng et al., EMNLP 2024).

    Usage: rectify [COMMAND] [OPTIONS]

    Commands:
      dash        Live terminal dashboard (the default when no command is given)
      run         Route batches headless; table, json, jsonl or csv output
      sweep       Sweep the capacity factor per mode and baseline; table, json, csv, --svg chart
      bench       Measure routing speed per mode
      presets     List presets
      validate    Check preset files

    Options:
      --version   Print the version and exit
      --help      Show this help; 'rectify COMMAND --help' for a command's options

    Exit status: 0 success, 2 usage or invalid input, 1 runtime error.

    """

    /// The commands `rectify` knows, for suggestions when one is misspelt.
    static let commands = ["dash", "run", "sweep", "bench", "presets", "validate", "help", "version"]

    /// Makes crashes and SIGQUIT end the process promptly, with the terminal restored, instead of
    /// waiting in the Swift runtime's interactive crash reporter (see `CrashReporting`). Call
    /// first thing in `main`: it may start the program again.
    public static func prepareProcess() {
        CrashReporting.prepareProcess()
    }

    /// Runs one command line and returns the process exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        let command = arguments.first ?? "dash"
        let rest = Array(arguments.dropFirst())
        let output: String
        do {
            switch command {
            case "--help", "-h", "help": output = overview
            case "--version", "version": output = "rectify \(version)\n"
            case "run":
                // Written in pieces: a long csv or jsonl run is read back from its spool.
                var failed = false
                try RunCommand.run(rest) { (piece: Data) in
                    if !failed && !StandardStreams.writeOutput(piece) { failed = true }
                }
                return failed ? 1 : 0
            case "sweep": output = try SweepCommand.run(rest)
            case "bench": output = try BenchCommand.run(rest)
            case "presets": output = try PresetsCommand.list(rest)
            case "validate": output = try PresetsCommand.validate(rest)
            case "dash": return try DashCommand.run(rest)
            case "terminal-demo": return try TerminalDemoCommand.run(rest)
            default:
                if command.hasPrefix("-") { return try DashCommand.run(arguments) }
                let hint = Spelling.suggestion(for: command, in: commands)
                throw CLIError.usage(UsageError("unknown command \(UsageError.quoted(command))\(hint)"))
            }
        } catch let error as CLIError {
            StandardStreams.writeError("rectify: \(error.message)")
            return error.exitStatus
        } catch {
            StandardStreams.writeError("rectify: \(error)")
            return 1
        }
        return StandardStreams.writeOutput(output) ? 0 : 1
    }
}

/// Whole-output writes, so that an error never leaves half a document on standard output.
enum StandardStreams {
    static func writeOutput(_ text: String) -> Bool { writeOutput(Data(text.utf8)) }

    static func writeOutput(_ data: Data) -> Bool {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
            return true
        } catch {
            writeError("rectify: cannot write output: \(error.localizedDescription)")
            return false
        }
    }

    /// Where this task's standard-error lines go instead of the process's stream: tests run
    /// commands in-process and keep their notes out of the test log (and can check them).
    @TaskLocal static var errorLines: ErrorLines?

    /// Every message to standard error goes through here: one line, printable and bounded in
    /// length, whatever file or argument it quotes.
    static func writeError(_ line: String) {
        let text = TerminalText.line(line)
        if let errorLines {
            errorLines.append(text)
            return
        }
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }
}
