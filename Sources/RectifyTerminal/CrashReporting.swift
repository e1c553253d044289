#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CTerminalSignals

/// Crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP; a Swift trap is SIGILL or SIGTRAP)
/// and SIGQUIT outside a terminal session end the process promptly, with the terminal restored
/// first when a session has the screen.
///
/// Why not leave them to the Swift runtime's crash reporter alone: undecided (SWIFT_BACKTRACE
/// unset) it is interactive on a terminal and keeps the screen for 30 s; and handed a signal sent
/// by kill it prints its report and lets the process run on. So the process restarts itself once
/// with interaction off (`BacktraceSetting`), and the handlers in CTerminalSignals restore the
/// terminal, print one line, let the (now non-interactive) reporter print a short backtrace to
/// stderr, and then die with the signal's default action. If the restart cannot happen, the
/// reporter is skipped rather than allowed to wait.
public enum CrashReporting {
    /// Call first thing in `main`, before any thread starts: may replace the process image.
    public static func prepareProcess() {
        if let value = BacktraceSetting(environmentValue()).nonInteractiveValue {
            restart(settingBacktraceTo: value)
        }
        installHandlers()
    }

    /// Installs the crash handlers (once per process; a later call only re-reads the setting).
    static func installHandlers() {
        ts_crash_install(BacktraceSetting(environmentValue()).allowsChaining ? 1 : 0)
    }

    private static func environmentValue() -> String? {
        getenv(BacktraceSetting.variable).map { String(cString: $0) }
    }

    /// Executes this program again with the same arguments and `SWIFT_BACKTRACE=value`; returns
    /// only if that fails, with the environment as it was.
    private static func restart(settingBacktraceTo value: String) {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4097)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return }
        // The resolved path, not /proc/self/exe: the process name (comm) comes from it.
        let path = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let previous = environmentValue()
        setenv(BacktraceSetting.variable, value, 1)
        let arguments = CommandLine.arguments.map { strdup($0) }
        execv(path, arguments + [nil])
        arguments.forEach { free($0) }
        if let previous {
            setenv(BacktraceSetting.variable, previous, 1)
        } else {
            unsetenv(BacktraceSetting.variable)
        }
        #endif
    }
}
