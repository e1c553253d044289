#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TerminalCanvas

/// A terminal that passed the preflight, with the tier the program should draw in.
public struct PreparedTerminal: Sendable, Hashable {
    public let terminal: TerminalDescription
    public let tier: DisplayTier
    public let options: TerminalOptions

    public init(terminal: TerminalDescription, tier: DisplayTier, options: TerminalOptions) {
        self.terminal = terminal
        self.tier = tier
        self.options = options
    }
}

/// Runs a `TerminalProgram` full screen on the process's terminal.
///
/// Use: `let prepared = try TerminalRunner.prepare(options:)` (writes nothing; on
/// `TerminalUnavailable` print its message to stderr and exit 2), build the program for
/// `prepared.tier`, then `exit(try TerminalRunner.run(program, prepared: prepared))`.
///
/// `run` blocks the calling thread and makes every curses call on it. It returns 0 when the program
/// quits (`handle` returned false) and 128 + signo after SIGINT, SIGTERM, SIGHUP or SIGQUIT; the terminal is
/// restored on every path, and on crashes as far as a signal handler can (see `TerminalSignals`).
public enum TerminalRunner {
    /// Preflight plus tier: everything that can fail before the terminal is touched.
    public static func prepare(options: TerminalOptions = TerminalOptions()) throws(TerminalUnavailable) -> PreparedTerminal {
        let terminal = try TerminalPreflight.check(options: options)
        let tier = TerminalCapabilities.displayTier(for: terminal, options: options)
        return PreparedTerminal(terminal: terminal, tier: tier, options: options)
    }

    /// `prepare` and `run` in one, for programs that do not depend on the tier.
    public static func run(_ program: any TerminalProgram,
                           options: TerminalOptions = TerminalOptions()) throws(TerminalUnavailable) -> Int32 {
        try run(program, prepared: prepare(options: options))
    }

    /// Draws `program` until it quits or a terminating signal arrives; returns the exit status.
    /// Throws only if the screen cannot be set up (nothing has been drawn then).
    public static func run(_ program: any TerminalProgram, prepared: PreparedTerminal) throws(TerminalUnavailable) -> Int32 {
        guard active.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw TerminalUnavailable(.alreadyRunning, options: prepared.options)
        }
        defer { active.store(false, ordering: .releasing) }

        let signals = TerminalSignals(terminalDescriptor: STDOUT_FILENO)
        let screen: CursesScreen
        do {
            screen = try CursesScreen(terminal: prepared.terminal, tier: prepared.tier, options: prepared.options)
        } catch {
            signals.finish()
            throw error
        }
        signals.armCrashRestore(mouse: screen.mouseEnabled)

        var status = FrameLoop(program: program, screen: screen, signals: signals).run()
        screen.close()
        if status == 0, let signo = signals.pending { status = 128 + signo }
        signals.finish()
        program.didExit()
        return status
    }
}

/// Only one runner may own the terminal at a time.
private let active = Atomic<Bool>(false)
