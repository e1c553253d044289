import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

struct TmuxError: Error, CustomStringConvertible {
    let description: String
}

/// A private tmux server with one detached session running a command, for end-to-end tests of the
/// full-screen UI with no terminal attached.
///
/// Each session gets its own server (`tmux -L rectify-test-<pid>-<n>`) started with `-f /dev/null`,
/// so user configuration and other tests cannot interfere; `kill()` (also run on deinit) stops it.
/// tmux runs through `ChildProcess` (posix_spawn with a clean signal state), never Foundation.Process.
/// The pane stays after its command exits (`remain-on-exit`) so the exit status can be read.
final class TmuxSession {
    /// The tmux executable on PATH, if installed.
    static let executable: String? = ChildProcess.find("tmux")
    static var isInstalled: Bool { executable != nil }

    /// The session (and target) name inside the private server.
    let target = "rectify"
    let socketName: String
    private let tmux: String
    private let environment: [String: String]
    private var killed = false
    /// The server's socket file; tmux leaves it behind after kill-server.
    private var socketPath: String?

    private static let counter = Mutex(0)

    /// What programs in a pane should see as TERM: tmux's own entry (whose keys, e.g. Home = ESC[1~,
    /// match what tmux sends), else the older screen one.
    static let defaultPaneTerm: String = {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/nonexistent"
        let directories = ["\(home)/.terminfo", "/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"]
        let known = directories.contains { FileManager.default.fileExists(atPath: "\($0)/t/tmux-256color") }
        return known ? "tmux-256color" : "screen-256color"
    }()

    /// Starts a server and a `width`x`height` session running `command` with `sh -c`.
    /// `paneTerm` is the TERM programs in the pane see; `environment` adds variables for them.
    init(command: String, width: Int = 80, height: Int = 24, paneTerm: String = TmuxSession.defaultPaneTerm,
         environment extra: [String: String] = [:]) async throws {
        guard let tmux = Self.executable else { throw TmuxError(description: "tmux is not installed") }
        self.tmux = tmux
        let number = Self.counter.withLock { value -> Int in
            value += 1
            return value
        }
        socketName = "rectify-test-\(getpid())-\(number)"
        // A small explicit environment: the test process's own leaks otherwise (`swift test` sets
        // NO_COLOR=1, for one). The tmux client needs a TERM of its own; the server copies this
        // environment into the session, so the pane starts from it too, with TERM = `paneTerm`.
        let inherited = ProcessInfo.processInfo.environment
        var environment = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": inherited["HOME"] ?? "/tmp",
            "TERM": "xterm-256color",
            "SHELL": "/bin/sh",
            "LANG": "C.UTF-8",
            "SWIFT_BACKTRACE": "interactive=no",
        ]
        for key in ["TMPDIR", "TMUX_TMPDIR"] { environment[key] = inherited[key] }
        for (key, value) in extra { environment[key] = value }
        self.environment = environment
        try await run([
            "start-server", ";",
            "set-option", "-g", "default-terminal", paneTerm, ";",
            "set-option", "-g", "remain-on-exit", "on", ";",
            "set-option", "-g", "history-limit", "1000", ";",
            "new-session", "-d", "-s", target, "-x", String(width), "-y", String(height), command,
        ])
        socketPath = try await display("#{socket_path}")
    }

    deinit {
        kill()
    }

    /// Stops the private server and everything running in it.
    func kill() {
        guard !killed else { return }
        killed = true
        // Synchronous on purpose (deinit cannot await): kill-server returns at once.
        var pid = pid_t()
        let arguments = [tmux, "-L", socketName, "kill-server"]
        let argv = arguments.map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let result = posix_spawn(&pid, tmux, &actions, nil, argv + [nil], envp + [nil])
        if result == 0 {
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        if let socketPath, socketPath.contains(socketName) { unlink(socketPath) }
    }

    // MARK: - Driving the pane

    /// Sends keys by tmux name (`q`, `Up`, `PageDown`, `C-l`, `BTab`, `F5`, `Escape`, `Enter`).
    func sendKeys(_ keys: String...) async throws {
        try await run(["send-keys", "-t", target] + keys)
    }

    /// Types `text` literally (UTF-8 included).
    func type(_ text: String) async throws {
        // `--` ends the flags, so text starting with `-` is typed rather than parsed.
        try await run(["send-keys", "-t", target, "-l", "--", text])
    }

    /// Sends raw bytes to the pane as if typed (`send-keys -H`): for reports tmux has no key name for.
    func sendBytes(_ bytes: [UInt8]) async throws {
        let hex = bytes.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
        try await run(["send-keys", "-t", target, "-H"] + hex)
    }

    /// A left click at column `x`, row `y` (0-based) as the terminal reports it in the X10/normal
    /// encoding (`ESC [ M` and three bytes) that ncurses expects when terminfo's kmous is `\E[M`, as
    /// for tmux-256color and screen-256color: a press, then a release. Cells up to 94 only (one byte).
    func click(x: Int, y: Int) async throws {
        precondition(x < 95 && y < 95, "the one-byte encoding reaches column and row 94")
        let position = [UInt8(33 + x), UInt8(33 + y)]
        try await sendBytes([0x1B, 0x5B, 0x4D, 32] + position + [0x1B, 0x5B, 0x4D, 32 + 3] + position)
    }

    /// The wheel turned one notch down (`down`) or up at column `x`, row `y`, X10 encoding as `click`.
    func wheel(down: Bool, x: Int, y: Int) async throws {
        try await sendBytes([0x1B, 0x5B, 0x4D, UInt8(32 + 64 + (down ? 1 : 0)), UInt8(33 + x), UInt8(33 + y)])
    }

    /// Resizes the window (and the pane in it); the program sees SIGWINCH.
    func resize(width: Int, height: Int) async throws {
        try await run(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    /// The visible screen as text (trailing spaces trimmed by tmux), optionally with the history
    /// above it, or with escape sequences for colours and attributes.
    func capture(includeHistory: Bool = false, escapes: Bool = false) async throws -> String {
        var arguments = ["capture-pane", "-p", "-t", target]
        if includeHistory { arguments += ["-S", "-"] }
        if escapes { arguments.append("-e") }
        return try await run(arguments)
    }

    /// Expands a tmux format for the pane, e.g. `#{pane_dead} #{pane_dead_status}`.
    func display(_ format: String) async throws -> String {
        try await run(["display-message", "-p", "-t", target, format])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The pid of the pane's first process (the command itself if it was started with `exec`).
    func panePID() async throws -> pid_t {
        let text = try await display("#{pane_pid}")
        guard let pid = pid_t(text) else { throw TmuxError(description: "no pane pid in \(text.debugDescription)") }
        return pid
    }

    /// Sends a signal to the pane's first process (the program itself if started with `exec`).
    func signal(_ signo: Int32) async throws {
        try signal(signo, to: try await panePID())
    }

    /// The pid of a process called `name` (its `comm`) among the pane's processes, waiting until
    /// it has started: for signalling a program that runs under a wrapper shell.
    func processID(named name: String, timeout: Duration = .seconds(10)) async throws -> pid_t {
        let root = try await panePID()
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let found = Self.descendant(of: root, named: name) { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TmuxError(description: "no process called \(name) under pane process \(root)")
    }

    /// Sends a signal to a process in the pane.
    func signal(_ signo: Int32, to pid: pid_t) throws {
        guard deliverSignal(pid, signo) == 0 else {
            throw TmuxError(description: "kill(\(pid), \(signo)): \(String(cString: strerror(errno)))")
        }
    }

    /// Depth-first through /proc/<pid>/task/<pid>/children (Linux).
    private static func descendant(of pid: pid_t, named name: String) -> pid_t? {
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        if comm.trimmingCharacters(in: .whitespacesAndNewlines) == name { return pid }
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ pid_t($0) }) {
            if let found = descendant(of: child, named: name) { return found }
        }
        return nil
    }

    // MARK: - Waiting

    /// Polls the screen until it contains `text`; returns that screen. Fails early if the pane's
    /// command exits or the screen shows one of `failingOn` first; the error shows the last screen.
    @discardableResult
    func waitFor(_ text: String, failingOn: [String] = [], includeHistory: Bool = false,
                 timeout: Duration = .seconds(10)) async throws -> String {
        try await waitUntil("screen contains \(text.debugDescription)", failingOn: failingOn,
                            includeHistory: includeHistory, timeout: timeout) { $0.contains(text) }
    }

    /// Polls the screen until `condition` holds; returns that screen. Fails early like `waitFor`.
    @discardableResult
    func waitUntil(_ what: String, failingOn: [String] = [], includeHistory: Bool = false,
                   timeout: Duration = .seconds(10), _ condition: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = ""
        var reason = "timed out after \(timeout)"
        while true {
            let dead = try await display("#{pane_dead}") == "1"
            screen = try await capture(includeHistory: includeHistory)
            if condition(screen) { return screen }
            if dead {
                reason = "the pane's command exited"
                // tmux moves a dead pane's last output into the history.
                screen = (try? await capture(includeHistory: true)) ?? screen
                break
            }
            if let marker = failingOn.first(where: { screen.contains($0) }) {
                reason = "the screen shows \(marker.debugDescription)"
                break
            }
            if clock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TmuxError(description: "\(reason) while waiting until \(what); last screen:\n\(screen)")
    }

    /// Waits for the pane's command to exit; returns its exit status (`pane_dead_status`),
    /// or throws if a signal killed it or it is still running at the timeout.
    func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let fields = try await display("#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}")
                .split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            // The pane counts as dead once its tty closes; status or signal follow when tmux reaps it.
            if fields.count == 3, fields[0] == "1" {
                if let status = Int32(fields[1]) { return status }
                if !fields[2].isEmpty { throw TmuxError(description: "pane command was killed by signal \(fields[2])") }
                // tmux 3.3a sometimes loses the SIGCHLD and leaves the command a zombie with no
                // status (seen with plain `sh` too); another SIGCHLD makes the server reap it.
                if let server = pid_t(try await run(["display-message", "-p", "#{pid}"])
                    .trimmingCharacters(in: .whitespacesAndNewlines)) {
                    _ = deliverSignal(server, SIGCHLD)
                }
            }
            if clock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let screen = (try? await capture()) ?? ""
        throw TmuxError(description: "pane command still running after \(timeout); last screen:\n\(screen)")
    }

    // MARK: - Running tmux

    @discardableResult
    private func run(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(tmux, arguments: ["-L", socketName, "-f", "/dev/null"] + arguments,
                                                environment: environment, timeout: .seconds(10))
        guard result.exitCode == 0 else {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result.standardOutput
    }

    /// `text` quoted for `sh -c`.
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// `kill(2)`, out of reach inside `TmuxSession`, whose `kill()` shadows it.
private func deliverSignal(_ pid: pid_t, _ signo: Int32) -> Int32 {
    kill(pid, signo)
}
