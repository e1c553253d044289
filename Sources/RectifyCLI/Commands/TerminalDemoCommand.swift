import RectifyTerminal

/// `rectify terminal-demo` (hidden): a minimal full-screen program that exercises the terminal
/// backend alone, so end-to-end tests can tell backend faults from dashboard faults.
enum TerminalDemoCommand {
    static let noColor = FlagKey("no-color", "Monochrome.")

    static let spec = CommandSpec(
        name: "terminal-demo",
        summary: "A minimal full-screen program that exercises the terminal backend alone (for tests); q quits.",
        usage: "rectify terminal-demo [--no-color]",
        options: [noColor])

    static func run(_ arguments: [String]) throws(CLIError) -> Int32 {
        guard let args = try spec.parseOptions(arguments) else {
            return StandardStreams.writeOutput(spec.help) ? 0 : 1
        }
        let options = TerminalOptions(noColor: try args[noColor])
        do {
            let prepared = try TerminalRunner.prepare(options: options)
            return try TerminalRunner.run(TerminalDemoProgram(tier: prepared.tier), prepared: prepared)
        } catch {
            StandardStreams.writeError(error.message)
            return TerminalUnavailable.exitCode
        }
    }
}
