import RectifyEngine

/// A failure that ends a command: its one-line message and the exit status it maps to.
enum CLIError: Error, Sendable {
    /// Bad command line or bad input (preset, trace header, configuration): exit status 2.
    case usage(UsageError)
    case invalid(String)
    /// Something failed while running: exit status 1.
    case runtime(String)

    var exitStatus: Int32 {
        switch self {
        case .usage, .invalid: return 2
        case .runtime: return 1
        }
    }

    /// One printable line of bounded length: messages quote files and arguments.
    var message: String {
        switch self {
        case .usage(let error): return TerminalText.line(error.description)
        case .invalid(let message), .runtime(let message): return TerminalText.line(message)
        }
    }
}
