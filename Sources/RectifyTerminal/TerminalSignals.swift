#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw

/// Signal handling around one curses session.
///
/// SIGINT, SIGTERM and SIGHUP get C handlers (in the shim) that only record the signal number; the
/// frame loop polls `pending`, restores the terminal with endwin and returns 128 + signo. A second
/// such signal while the first is pending (a stuck frame) restores the terminal from the handler and
/// dies with the default action.
///
/// Crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP; a Swift trap is SIGILL or SIGTRAP)
/// cannot wait for the loop and cannot call endwin, which is not async-signal-safe. Their handler
/// writes the reset sequences captured by `armCrashRestore()` with write(2), puts the saved tty
/// modes back with tcsetattr(3), then hands the signal to the previous handler (Swift's backtracer
/// or the default action), so the crash report lands on a usable screen.
///
/// SIGWINCH and SIGTSTP stay with ncurses: its own resize handling makes getch return KEY_RESIZE.
final class TerminalSignals {
    /// Shared with the C handlers. Never freed: a handler running on another thread may still read
    /// it after `finish()` has uninstalled them. One small allocation per run.
    private let state: UnsafeMutablePointer<rc_signal_state>
    private var previousMask = sigset_t()
    private var crashRestoreArmed = false

    /// Unblocks the signals in this thread and installs the flag handlers. Call before newterm, so
    /// ncurses finds non-default SIGINT/SIGTERM handlers and does not install its own.
    init(terminalDescriptor: Int32) {
        state = UnsafeMutablePointer<rc_signal_state>.allocate(capacity: 1)
        state.initialize(to: rc_signal_state())
        rc_signals_unblock(&previousMask)
        rc_restore_save_modes(state, terminalDescriptor)
        rc_signals_install(state)
    }

    /// Captures the terminal's reset sequences and installs the crash handlers. Call right after
    /// the screen is set up.
    func armCrashRestore() {
        rc_restore_capture(state)
        rc_crash_install(state)
        crashRestoreArmed = true
    }

    /// The terminating signal that has arrived, if any.
    var pending: Int32? {
        let signo = rc_signals_pending(state)
        return signo == 0 ? nil : signo
    }

    /// Puts every handler and the signal mask back. Call after endwin.
    func finish() {
        if crashRestoreArmed {
            rc_crash_uninstall(state)
            crashRestoreArmed = false
        }
        rc_restore_forget(state)
        rc_signals_uninstall(state)
        rc_signals_restore_mask(&previousMask)
    }
}
