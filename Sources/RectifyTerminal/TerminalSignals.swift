#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CTerminalSignals

/// Signal handling around one curses session (the handlers themselves are in CTerminalSignals).
///
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT get handlers that only record the signal number; the frame
/// loop polls `pending`, restores the terminal with endwin and returns 128 + signo. SIGQUIT is among
/// them so that Ctrl+\ never reaches the Swift runtime's crash reporter, which would take the
/// screen. A second such signal while the first is pending (a stuck frame) restores the terminal
/// from the handler and dies with the default action.
///
/// Crashes cannot wait for the loop and cannot call endwin, which is not async-signal-safe: the
/// process-wide crash handlers (`CrashReporting`) write the reset bytes captured by
/// `armCrashRestore()` with write(2) and put the saved tty modes back with tcsetattr(3) first.
///
/// SIGWINCH and SIGTSTP/SIGCONT stay with ncurses: its own resize handling makes getch return
/// KEY_RESIZE, and its suspend handling leaves and re-enters the screen.
final class TerminalSignals {
    private var previousMask = sigset_t()

    /// Unblocks the signals in this thread and installs the flag handlers. Call before newterm, so
    /// ncurses finds non-default SIGINT/SIGTERM handlers and does not install its own.
    init(terminalDescriptor: Int32) {
        // Crash handlers first: SIGQUIT's flag handler must sit on top of the crash handler and
        // give it back in `finish()`.
        CrashReporting.installHandlers()
        ts_signals_unblock(&previousMask)
        ts_restore_save_modes(terminalDescriptor)
        ts_termination_install()
    }

    /// Captures the terminal's reset sequences for the crash handlers. Call right after the screen
    /// is set up (they come from its terminfo entry).
    func armCrashRestore(mouse: Bool) {
        let bytes = TerminalResetSequence.current(mouse: mouse)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { ts_restore_set_sequences($0.baseAddress, $0.count) }
        }
    }

    /// The terminating signal that has arrived, if any.
    var pending: Int32? {
        let signo = ts_termination_pending()
        return signo == 0 ? nil : signo
    }

    /// Puts the terminating signals' handlers and the signal mask back. Call after endwin.
    func finish() {
        ts_restore_forget()
        ts_termination_uninstall()
        ts_signals_restore_mask(&previousMask)
    }
}
