import RectifyTerminal

/// `rectify terminal-demo` (hidden): a minimal full-screen program that exercises the terminal
/// backend alone, so end-to-end tests can tell backend faults from dashboard faults.
enum TerminalDemoCommand {
    static func run(_ arguments: [String]) throws(CLIError) -> Int32 {
        let options = TerminalOptions(noColor: arguments.contains("--no-color"))
        do {
            let prepared = try TerminalRunner.prepare(options: options)
            return try TerminalRunner.run(TerminalDemoProgram(tier: prepared.tier), prepared: prepared)
        } catch {
            StandardStreams.writeError(error.message)
            return TerminalUnavailable.exitCode
        }
    }
}
