#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys typed while a command waits before its screen starts (`dash --follow` waiting for a
/// capture's first step). Without it the terminal echoes them and keeps them queued, and the
/// dashboard replays them once it starts (a queued `q` would quit at once). Here they are read as
/// they come and dropped, except `q`, which ends the wait. Echo and line editing are off meanwhile;
/// Ctrl+C and the other signal keys still work.
public final class WaitingKeys {
    private var saved: termios?
    /// `q` was typed: the caller should end the wait and quit.
    public private(set) var quitTyped = false

    /// Takes standard input over if it is a terminal; otherwise reads nothing.
    public init() {
        var settings = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        saved = settings
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
        // Reads return at once with what is there, never wait.
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    /// Reads (and drops) what was typed since the last look; true once `q` has been typed.
    public func poll() -> Bool {
        guard saved != nil, !quitTyped else { return quitTyped }
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            guard count > 0 else { break }
            if buffer[0..<count].contains(UInt8(ascii: "q")) {
                quitTyped = true
                break
            }
        }
        return quitTyped
    }

    /// Drops anything typed and not read yet and puts the terminal's settings back. Idempotent.
    public func finish() {
        guard var settings = saved else { return }
        tcflush(STDIN_FILENO, TCIFLUSH)
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        saved = nil
    }

    deinit { finish() }
}
