/// Why the dashboard cannot use this terminal. Nothing has been written to the terminal when this is
/// thrown: the caller prints `message` to stderr and exits with `TerminalUnavailable.exitCode`.
public struct TerminalUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// stdout is a file or pipe.
        case stdoutNotTerminal
        /// stdin is a file, pipe or /dev/null (getch would never block and keys could not arrive).
        case stdinNotTerminal
        case termNotSet
        case termDumb
        /// TERM names no terminfo entry.
        case termUnknown(String)
        /// No terminfo database could be read at all.
        case terminfoMissing(String)
        /// The entry cannot place the cursor (generic, hardcopy or no `cup`).
        case noCursorAddressing(String)
        /// newterm failed although the checks passed.
        case cannotOpen(String)
        /// A runner is already driving the terminal in this process.
        case alreadyRunning
    }

    /// The exit status for a terminal that cannot be used (a usage problem, not a crash).
    public static let exitCode: Int32 = 2

    public let reason: Reason
    /// One line, no trailing newline, suggesting the headless command.
    public let message: String

    public init(_ reason: Reason, options: TerminalOptions = TerminalOptions()) {
        self.reason = reason
        self.message = Self.message(for: reason, options: options)
    }

    public var description: String { message }

    static func message(for reason: Reason, options: TerminalOptions) -> String {
        let name = options.programName
        let headless = "use '\(options.headlessCommand)' for headless output"
        switch reason {
        case .stdoutNotTerminal:
            return "\(name): not a terminal (stdout is redirected); \(headless)"
        case .stdinNotTerminal:
            return "\(name): not a terminal (stdin is redirected); \(headless)"
        case .termNotSet:
            return "\(name): TERM is not set, so the dashboard cannot draw; set TERM (e.g. TERM=xterm-256color) or \(headless)"
        case .termDumb:
            return "\(name): TERM=dumb cannot draw the dashboard; \(headless)"
        case .termUnknown(let term):
            return "\(name): TERM=\(term) is not in the terminfo database; set TERM to a known terminal (e.g. xterm-256color) or \(headless)"
        case .terminfoMissing(let term):
            return "\(name): no terminfo database found to look up TERM=\(term); install ncurses-base or \(headless)"
        case .noCursorAddressing(let term):
            return "\(name): TERM=\(term) cannot move the cursor, so it cannot draw the dashboard; \(headless)"
        case .cannotOpen(let term):
            return "\(name): could not open the terminal (TERM=\(term)); \(headless)"
        case .alreadyRunning:
            return "\(name): the terminal is already in use by this process; \(headless)"
        }
    }
}
