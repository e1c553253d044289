import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child process ended and what it wrote.
struct ChildResult: Sendable, CustomStringConvertible {
    /// The exit code, or nil if a signal ended it.
    let exitCode: Int32?
    /// The signal that ended it, if any.
    let signal: Int32?
    let stdout: [UInt8]
    let stderr: [UInt8]

    var standardOutput: String { String(decoding: stdout, as: UTF8.self) }
    var standardError: String { String(decoding: stderr, as: UTF8.self) }

    var description: String {
        let end = exitCode.map { "exit \($0)" } ?? "signal \(signal ?? 0)"
        return "\(end); stdout: \(standardOutput.debugDescription); stderr: \(standardError.debugDescription)"
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
}

/// Runs programs with posix_spawn: stdin from /dev/null, stdout and stderr into temporary files,
/// an empty signal mask, default signal handlers and every other descriptor closed, then waitpid.
///
/// Not Foundation.Process: it passes the test thread's blocked signal mask on (the program under
/// test would never see SIGINT/SIGWINCH) and hangs on `tmux new-session`, whose server keeps a
/// descriptor Process watches. Files instead of pipes: nothing can block on a full pipe or wait
/// for an EOF that a daemon holding the descriptor never sends.
enum ChildProcess {
    /// Runs `executable` (an absolute path) with exactly `environment`, waiting at most `timeout`;
    /// a child still running then is killed and reported as an error.
    static func run(_ executable: String, arguments: [String], environment: [String: String],
                    timeout: Duration = .seconds(30)) async throws -> ChildResult {
        try await start(executable, arguments: arguments, environment: environment).finish(timeout: timeout)
    }

    /// Starts `executable` like `run` and returns at once, for tests that signal it while it runs.
    static func start(_ executable: String, arguments: [String], environment: [String: String]) throws -> RunningChild {
        let output = try TemporaryFile()
        let errors = try TemporaryFile()
        let pid = try spawn(executable, arguments: arguments, environment: environment,
                            stdoutDescriptor: output.descriptor, stderrDescriptor: errors.descriptor)
        return RunningChild(pid: pid, label: ([executable] + arguments).joined(separator: " "), output: output, errors: errors)
    }

    /// The process environment with `changes` applied (a nil value removes the variable).
    static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in changes { environment[key] = value }
        return environment
    }

    /// An executable called `name` on PATH, if any.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    // MARK: - Spawning

    private static func spawn(_ executable: String, arguments: [String], environment: [String: String],
                              stdoutDescriptor: Int32, stderrDescriptor: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrDescriptor, 2)
        closeDescriptors(from: 3, in: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        guard result == 0 else {
            throw ChildProcessError(description: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Closes every descriptor from `first` up in the child: glibc's addclosefrom_np when present
    /// (looked up at run time; the Glibc module hides it), else each descriptor open right now.
    private static func closeDescriptors(from first: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let handle = dlopen(nil, RTLD_NOW),
           let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, first) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        // glibc ignores EBADF from these closes, so a descriptor closed meanwhile is harmless.
        for descriptor in open.compactMap(Int32.init) where descriptor >= first {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    // MARK: - Waiting

    fileprivate struct Status {
        let exitCode: Int32?
        let signal: Int32?
    }

    fileprivate static func wait(for pid: pid_t, timeout: Duration, label: String) async throws -> Status {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == -1 && errno != EINTR {
                throw ChildProcessError(description: "waitpid \(label): \(String(cString: strerror(errno)))")
            }
            if clock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw ChildProcessError(description: "\(label) still running after \(timeout); killed")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7F
        return signal == 0 ? Status(exitCode: (status >> 8) & 0xFF, signal: nil) : Status(exitCode: nil, signal: signal)
    }
}

/// A child started by `ChildProcess.start`: its pid, what it has written so far, and its end.
final class RunningChild {
    let pid: pid_t
    private let label: String
    private let output: TemporaryFile
    private let errors: TemporaryFile
    private var finished = false

    fileprivate init(pid: pid_t, label: String, output: TemporaryFile, errors: TemporaryFile) {
        self.pid = pid
        self.label = label
        self.output = output
        self.errors = errors
    }

    /// Standard output and standard error written so far.
    var standardOutput: String { String(decoding: (try? output.contents()) ?? [], as: UTF8.self) }
    var standardError: String { String(decoding: (try? errors.contents()) ?? [], as: UTF8.self) }

    /// Sends `signo` to the child.
    func signal(_ signo: Int32) throws {
        guard kill(pid, signo) == 0 else {
            throw ChildProcessError(description: "kill(\(pid), \(signo)): \(String(cString: strerror(errno)))")
        }
    }

    /// Polls until `condition` holds for (stdout, stderr); throws with both at the timeout.
    func waitUntil(_ what: String, timeout: Duration = .seconds(20),
                   _ condition: (_ stdout: String, _ stderr: String) -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition(standardOutput, standardError) {
            if clock.now >= deadline {
                throw ChildProcessError(description: "\(label): not \(what) after \(timeout); stdout: \(standardOutput.debugDescription); stderr: \(standardError.debugDescription)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the child to end, at most `timeout` (then kills it and throws); returns how it ended.
    func finish(timeout: Duration) async throws -> ChildResult {
        finished = true
        let status = try await ChildProcess.wait(for: pid, timeout: timeout, label: label)
        return ChildResult(exitCode: status.exitCode, signal: status.signal,
                           stdout: try output.contents(), stderr: try errors.contents())
    }

    deinit {
        // A test that failed before finish() must not leave the child running.
        if !finished {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }
}

/// A file in the temporary directory, open read-write and close-on-exec, removed when released.
final class TemporaryFile {
    let path: String
    let descriptor: Int32

    init() throws {
        let directory = NSTemporaryDirectory()
        var template = Array("\(directory)/rectify-e2e-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            throw ChildProcessError(description: "mkstemp: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        self.descriptor = descriptor
        self.path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func contents() throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChildProcessError(description: "cannot read \(path)")
        }
        return [UInt8](data)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}
