import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Ctrl+\ (SIGQUIT) and crash signals in the dashboard, and SIGQUIT to `rectify run --follow`, with
// SWIFT_BACKTRACE unset as on a user's machine: the Swift runtime's crash reporter is then
// interactive on a terminal and used to keep the screen for 30 s. Each case must end within a
// generous bound (a wait with a timeout, not a measurement) with the terminal restored.

@Suite("quit and crash signals in tmux", .serialized,
       .enabled(if: TmuxSession.isInstalled, "tmux is not installed: skipping the quit and crash end-to-end tests"))
struct QuitAndCrashTmuxTests {
    let rectify: String

    init() throws {
        rectify = try RectifyExecutable.path()
    }

    /// Far longer than a prompt exit takes, far shorter than the crash reporter's 30 s wait.
    static let promptly = Duration.seconds(10)

    /// The dashboard under a shell that survives Ctrl+\ (it is in the same process group), with
    /// SWIFT_BACKTRACE removed and no core files, reporting the tty modes and the exit status.
    func wrapped() -> String {
        let command = ([rectify] + DashboardTmuxTests.quick).map(TmuxSession.shellQuote).joined(separator: " ")
        return """
        trap : INT TERM HUP QUIT; ulimit -c 0; printf 'before-dashboard\\n'; modes=$(stty -g); \
        env -u SWIFT_BACKTRACE \(command); code=$?; \
        if [ "$(stty -g)" = "$modes" ]; then echo tty=restored; else echo tty=changed; fi; \
        echo dashboard-exit=$code; exec sleep 600
        """
    }

    func startDashboard() async throws -> TmuxSession {
        let tmux = try await TmuxSession(command: wrapped(), width: 120, height: 40)
        try await tmux.waitUntil("the dashboard runs", failingOn: ["dashboard-exit="], timeout: .seconds(20)) {
            DashboardScreen($0).hasHeader && $0.contains("[GPU 0]")
        }
        return tmux
    }

    @Test("Ctrl+\\ exits 131 promptly with the terminal restored and no crash report")
    func controlBackslash() async throws {
        let tmux = try await startDashboard()
        defer { tmux.kill() }
        try await tmux.sendKeys("C-\\")  // through the tty, as a user would
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: Self.promptly)
        #expect(screen.contains("dashboard-exit=131"), "\(screen)")
        #expect(screen.contains("before-dashboard"), "\(screen)")
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(!screen.contains("Rectify") && !screen.contains("crashed"), "\(screen)")
        #expect(try await tmux.display(TerminalDemoTmuxTests.terminalState) == "0 1 0")
    }

    @Test("a crash signal restores the terminal and ends the process promptly", arguments: [SIGSEGV, SIGABRT, SIGILL])
    func crashSignal(_ signo: Int32) async throws {
        let tmux = try await startDashboard()
        defer { tmux.kill() }
        try tmux.signal(signo, to: try await tmux.processID(named: "rectify"))
        // A short backtrace may follow the restore and push the first lines into the history.
        let screen = try await tmux.waitFor("dashboard-exit=", includeHistory: true, timeout: Self.promptly)
        #expect(screen.contains("dashboard-exit=\(128 + signo)"), "\(screen)")
        #expect(screen.contains("before-dashboard"), "\(screen)")
        #expect(screen.contains("rectify: crashed (signal \(signo)"), "\(screen)")
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(try await tmux.display(TerminalDemoTmuxTests.terminalState) == "0 1 0")
    }
}

@Suite("run --follow and SIGQUIT")
struct FollowQuitTests {
    @Test("SIGQUIT stops run --follow like SIGTERM: exit 0, the routed steps and the summary")
    func quitStopsFollowing() async throws {
        let rectify = try RectifyExecutable.path()
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = FollowEndToEndTests.Writer(folder: root + "/capture")
        try writer.write(step: 0, session: "quit")
        // An idle timeout no busy machine reaches: only the signal may end this run.
        let child = try ChildProcess.start(
            rectify, arguments: ["run", "--follow", writer.folder, "--idle-timeout", "3600", "--format", "jsonl"],
            environment: ChildProcess.environment(["SWIFT_BACKTRACE": nil]))
        // The stop request listens before the capture is opened, so once step 0 streams out it is live.
        try await child.waitUntil("streaming step 0", timeout: .seconds(60)) { output, _ in output.contains("\"captureStep\"") }
        try child.signal(SIGQUIT)
        let result = try await child.finish(timeout: QuitAndCrashTmuxTests.promptly)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.standardError.contains("stopped by SIGQUIT"), "\(result)")
        #expect(result.standardOutput.contains("SIGQUIT"), "the footer names the signal: \(result)")
    }
}
