import Foundation
import RectifyEngine
import RectifyTerminal

/// The `rectify` command line: dispatches to the subcommands and maps failures to exit statuses.
public enum Rectify {
    public static let version = "0.1.0"

    /// `rectify --help`: the commands listed from `CommandRegistry`, each with its overview line.
    static var overview: String {
        let commands = CommandRegistry.listed.compactMap { command in command.overview.map { overviewLine(command.name, $0) } }
        return """
        rectify \(version): top-k MoE routing with expert capacity and the Rectify-Router
        (Intra-GPU Rectification and Fill-in Rectification, Zeng et al., EMNLP 2024).

        Usage: rectify [COMMAND] [OPTIONS]

        Commands:
        \(commands.joined(separator: "\n"))

        Options:
        \(overviewLine("--version", "Print the version and exit"))
        \(overviewLine("--help", "Show this help; 'rectify COMMAND --help' for a command's options"))

        Exit status: 0 success, 2 usage or invalid input, 1 runtime error.

        """
    }

    private static func overviewLine(_ name: String, _ text: String) -> String {
        "  " + name + String(repeating: " ", count: max(2, 12 - name.count)) + text
    }

    /// The commands `rectify` knows, for suggestions when one is misspelt.
    static var commands: [String] { CommandRegistry.listed.map(\.name) + ["help", "version"] }

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
            default:
                if let known = CommandRegistry.named(command) { return try known.run(rest) }
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
