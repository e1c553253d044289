#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw

/// What the preflight learned about the terminal from terminfo.
public struct TerminalDescription: Sendable, Hashable {
    /// The value of `TERM`.
    public let name: String
    /// Whether the terminfo entry has colours (what `has_colors()` would say).
    public let hasColors: Bool

    public init(name: String, hasColors: Bool) {
        self.name = name
        self.hasColors = hasColors
    }
}

/// Checks, before anything is written, that a full-screen program can draw here.
///
/// Without it ncurses garbles or exits on its own: escape codes land in a redirected file, stdin
/// from /dev/null makes `getch` spin, `TERM=dumb` smears every frame on one line and an unknown
/// `TERM` makes `initscr` print its own message and exit.
public enum TerminalPreflight {
    /// Runs every check against this process: stdin and stdout are ttys, `TERM` is set, is not
    /// `dumb`, is in terminfo and can address the cursor. Writes nothing.
    public static func check(options: TerminalOptions = TerminalOptions()) throws(TerminalUnavailable) -> TerminalDescription {
        let term = try checkEnvironment(stdinIsTerminal: isatty(STDIN_FILENO) == 1,
                                        stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
                                        term: getenv("TERM").map { String(cString: $0) },
                                        options: options)
        var hasColors: Int32 = 0
        switch rc_terminfo_check(term, STDOUT_FILENO, &hasColors) {
        case RC_TERMINFO_OK:
            return TerminalDescription(name: term, hasColors: hasColors != 0)
        case RC_TERMINFO_NO_DATABASE:
            throw TerminalUnavailable(.terminfoMissing(term), options: options)
        case RC_TERMINFO_UNKNOWN:
            throw TerminalUnavailable(.termUnknown(term), options: options)
        default:
            throw TerminalUnavailable(.noCursorAddressing(term), options: options)
        }
    }

    /// The checks that need no terminfo lookup, in the order they are reported. Returns `TERM`.
    public static func checkEnvironment(stdinIsTerminal: Bool, stdoutIsTerminal: Bool, term: String?,
                                        options: TerminalOptions = TerminalOptions()) throws(TerminalUnavailable) -> String {
        guard stdoutIsTerminal else { throw TerminalUnavailable(.stdoutNotTerminal, options: options) }
        guard stdinIsTerminal else { throw TerminalUnavailable(.stdinNotTerminal, options: options) }
        guard let term, !term.allSatisfy(\.isWhitespace) else {
            throw TerminalUnavailable(.termNotSet, options: options)
        }
        guard term != "dumb" else { throw TerminalUnavailable(.termDumb, options: options) }
        return term
    }
}
