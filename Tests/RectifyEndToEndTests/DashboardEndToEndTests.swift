import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// End-to-end tests of the live dashboard (`rectify`, `rectify dash`) in a real terminal through tmux:
// the header follows the keys, pause and single step, overlays and views, the too-small screen,
// quitting and signals with the terminal restored, the non-terminal paths and the display tiers.
// Every check polls the captured screen with a timeout; nothing depends on a fixed sleep except
// the checks that something does *not* change. A capture can land in the middle of a frame (tmux
// reads the pane in chunks), so whatever must hold together goes into one wait condition instead
// of being expected of the screen that satisfied only part of it.

@Suite("dashboard without a terminal")
struct DashboardHeadlessTests {
    static let redirected = "rectify: not a terminal (stdout is redirected); use 'rectify run' for headless output\n"

    @Test("stdout redirected: exit 2, one line on stderr suggesting rectify run, stdout empty, no escapes",
          arguments: [[], ["dash"], ["dash", "--preset", "bursty-hot-expert", "--ascii", "--no-color"]])
    func redirectedStdout(_ arguments: [String]) async throws {
        let rectify = try RectifyExecutable.path()
        let result = try await ChildProcess.run(rectify, arguments: arguments,
                                                environment: ChildProcess.environment(["TERM": "xterm-256color"]),
                                                timeout: .seconds(30))
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(!result.stderr.contains(0x1B), "escape byte on stderr: \(result)")
        #expect(result.standardError == Self.redirected, "\(result)")
    }

    @Test("TERM=dumb and stdout redirected: exit 2, one line suggesting rectify run, no escapes")
    func dumbTerminal() async throws {
        let rectify = try RectifyExecutable.path()
        let result = try await ChildProcess.run(rectify, arguments: [],
                                                environment: ChildProcess.environment(["TERM": "dumb"]),
                                                timeout: .seconds(30))
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(!result.stderr.contains(0x1B) && !result.stdout.contains(0x1B), "escape byte: \(result)")
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "exactly one line expected: \(result)")
        #expect(result.standardError.hasPrefix("rectify: "), "\(result)")
        #expect(result.standardError.contains("use 'rectify run' for headless output"), "\(result)")
    }
}

@Suite("dashboard in tmux", .serialized,
       .enabled(if: TmuxSession.isInstalled, "tmux is not installed: skipping the dashboard end-to-end tests"))
struct DashboardTmuxTests {
    let rectify: String

    init() throws {
        rectify = try RectifyExecutable.path()
    }

    /// A small preset (8 GPUs x 4 experts each, 512 tokens per GPU) throttled to 20 steps per second: quick
    /// to start even in debug builds, light on the CPU, and the step counter moves at a known pace.
    static let quick = ["dash", "--preset", "bursty-hot-expert", "--steps-per-second", "20"]

    /// `rectify` with `arguments`, quoted for `sh -c`.
    func command(_ arguments: [String]) -> String {
        ([rectify] + arguments).map(TmuxSession.shellQuote).joined(separator: " ")
    }

    /// The dashboard as the pane's own process (its pid is the pane's pid).
    func dashboard(_ arguments: [String]) -> String { "exec " + command(arguments) }

    /// The dashboard between marker lines under a shell that survives it and reports whether the
    /// tty modes came back and the exit status.
    func wrapped(_ arguments: [String], prefix: String = "") -> String {
        """
        trap : INT TERM HUP; printf 'before-dashboard\\n'; modes=$(stty -g); \
        \(prefix)\(command(arguments)); code=$?; \
        if [ "$(stty -g)" = "$modes" ]; then echo tty=restored; else echo tty=changed; fi; \
        echo dashboard-exit=$code; exec sleep 600
        """
    }

    /// `alternate_on cursor_flag keypad_cursor_flag`: "1 0 1" while the dashboard runs, "0 1 0" after.
    static let terminalState = TerminalDemoTmuxTests.terminalState

    /// Starts the dashboard and waits until its header (and, by default, the first GPU panel) shows.
    func start(_ arguments: [String] = quick, width: Int = 120, height: Int = 40,
               environment: [String: String] = [:], until what: String = "the header and the first GPU panel",
               timeout: Duration = .seconds(20),
               _ ready: (DashboardScreen) -> Bool = { $0.hasHeader && $0.text.contains("[GPU 0]") })
        async throws -> TmuxSession {
        let tmux = try await TmuxSession(command: dashboard(arguments), width: width, height: height,
                                         environment: environment)
        try await wait(tmux, what, timeout: timeout, ready)
        return tmux
    }

    @discardableResult
    func wait(_ tmux: TmuxSession, _ what: String, timeout: Duration = .seconds(10),
              _ condition: (DashboardScreen) -> Bool) async throws -> DashboardScreen {
        DashboardScreen(try await tmux.waitUntil(what, timeout: timeout) { condition(DashboardScreen($0)) })
    }

    /// Waits until the header shows `value` for `label` (pending or applied; only applied if asked).
    @discardableResult
    func waitForHeader(_ tmux: TmuxSession, _ label: String, _ value: String, applied: Bool = false,
                       timeout: Duration = .seconds(10)) async throws -> DashboardScreen {
        try await wait(tmux, "the header shows \(label) \(value)\(applied ? " applied" : "")", timeout: timeout) {
            $0.value(label) == value && (!applied || !$0.isPending(label))
        }
    }

    func screen(_ tmux: TmuxSession) async throws -> DashboardScreen {
        DashboardScreen(try await tmux.capture())
    }

    /// The step counter once it has stopped moving: the same value on every capture for 600 ms
    /// (a batch already running when the pause arrived may still be published).
    func settledStep(_ tmux: TmuxSession, timeout: Duration = .seconds(10)) async throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last: Int?
        var since = clock.now
        var screen = DashboardScreen("")
        while clock.now < deadline {
            screen = try await self.screen(tmux)
            if let step = screen.step, step == last {
                if clock.now - since >= .milliseconds(600) { return step }
            } else {
                last = screen.step
                since = clock.now
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TmuxError(description: "the step counter did not settle within \(timeout); last screen:\n\(screen.text)")
    }

    // MARK: - Starting

    @Test("rectify with no arguments starts the dashboard on the default preset")
    func startsWithDefaultPreset() async throws {
        let tmux = try await TmuxSession(command: dashboard([]), width: 120, height: 40)
        defer { tmux.kill() }
        let header = "Rectify  preset default  mode ir+fr  top-k 2  cf 1  C/(GPU,expert) 128  policy score  GPUs x experts 8x64"
        try await wait(tmux, "the default preset's header", timeout: .seconds(20)) {
            $0.lines[0] == header && $0.isRunning
        }
        let panels = try await wait(tmux, "the GPU panels, the totals and the footer", timeout: .seconds(20)) {
            $0.text.contains("[GPU 0]") && $0.text.contains("GPU 7") && $0.text.contains("totals")
                && ($0.lines.last { !$0.isEmpty } ?? "").hasSuffix("q quit")
        }
        let step = panels.step ?? 0
        try await wait(tmux, "the step counter passes \(step)", timeout: .seconds(20)) { ($0.step ?? 0) > step }
        #expect(try await tmux.display(Self.terminalState) == "1 0 1")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }

    // MARK: - Keys change the header

    @Test("1-4 and m switch the mode shown")
    func modeKeys() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        #expect(try await screen(tmux).value("mode") == "ir+fr")
        for (key, mode) in [("1", "vanilla"), ("3", "fr"), ("m", "ir+fr"), ("m", "vanilla"), ("m", "ir"),
                            ("2", "ir"), ("4", "ir+fr")] {
            try await tmux.type(key)
            // The mode is a view setting, never pending; the totals table's first row follows it.
            try await wait(tmux, "mode \(mode) in the header and the totals") { screen in
                screen.header["mode"] == mode
                    && screen.lines.firstIndex { $0.hasPrefix("totals ") }.map { index in
                        index + 1 < screen.lines.count && screen.lines[index + 1].hasPrefix(mode + " ")
                    } == true
            }
        }
    }

    @Test("+ - ] [ move the capacity factor by 0.05 and 0.25 within 0.25 to 4, and C follows")
    func capacityFactorKeys() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        let initial = try await waitForHeader(tmux, "cf", "1", applied: true)
        let capacity = try #require(initial.value("C/(GPU,expert)").flatMap { Int($0) }, "\(initial.text)")
        try await tmux.type("+")
        try await waitForHeader(tmux, "cf", "1.05")
        // The engine applies it at its next batch: the mark goes and the capacity grows.
        let raised = try await waitForHeader(tmux, "cf", "1.05", applied: true)
        let raisedCapacity = try #require(raised.value("C/(GPU,expert)").flatMap { Int($0) }, "\(raised.text)")
        #expect(raisedCapacity > capacity, "\(raised.text)")
        for (key, factor) in [("]", "1.3"), ("-", "1.25"), ("[", "1"), ("[", "0.75")] {
            try await tmux.type(key)
            try await waitForHeader(tmux, "cf", factor)
        }
        // At the lower bound the factor stays and a notice says why.
        try await tmux.type("[[[")
        let bottom = try await wait(tmux, "cf 0.25 and the limit notice") {
            $0.value("cf") == "0.25" && ($0.statusLine ?? "").contains("capacity factor stays within 0.25 to 4 by keys")
        }
        #expect(bottom.value("cf") == "0.25", "\(bottom.text)")
        try await tmux.type("]]]")
        let back = try await waitForHeader(tmux, "cf", "1", applied: true)
        #expect(back.value("C/(GPU,expert)") == String(capacity), "\(back.text)")
        // Keys typed faster than frames are drawn all count.
        try await tmux.type("++++++")
        try await waitForHeader(tmux, "cf", "1.3")
        // One by one: `TmuxSession.type` passes its text as an argument, and tmux takes "--..." for flags.
        for _ in 0..<6 { try await tmux.type("-") }
        try await waitForHeader(tmux, "cf", "1", applied: true)
    }

    @Test("K k move top-k within 1 to 16; d cycles the drop policy")
    func topKAndPolicyKeys() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await waitForHeader(tmux, "top-k", "2", applied: true)
        for (key, k) in [("K", "3"), ("k", "2"), ("k", "1")] {
            try await tmux.type(key)
            try await waitForHeader(tmux, "top-k", k)
        }
        try await tmux.type("k")
        try await wait(tmux, "the top-k limit notice") {
            $0.value("top-k") == "1" && ($0.statusLine ?? "").contains("top-k stays within 1 to 16")
        }
        try await tmux.type("K")
        try await waitForHeader(tmux, "top-k", "2", applied: true)

        try await waitForHeader(tmux, "policy", "score", applied: true)
        for policy in ["position", "choice", "score"] {
            try await tmux.type("d")
            try await waitForHeader(tmux, "policy", policy)
        }
        try await tmux.type("d")
        try await waitForHeader(tmux, "policy", "position", applied: true)
    }

    @Test("p and n switch presets and the engine follows")
    func presetKeys() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.type("p")
        // Shown at once with the new cluster shape, marked pending until the engine switches.
        try await wait(tmux, "the previous preset requested") {
            $0.value("preset") == "default" && $0.value("GPUs x experts") == "8x64"
        }
        try await wait(tmux, "the previous preset applied", timeout: .seconds(20)) {
            $0.header["preset"] == "default" && $0.header["GPUs x experts"] == "8x64" && $0.text.contains("GPU 7")
        }
        try await tmux.type("n")
        try await wait(tmux, "the next preset applied", timeout: .seconds(20)) {
            $0.header["preset"] == "bursty-hot-expert" && $0.header["GPUs x experts"] == "8x32"
        }
    }

    @Test("> < change the speed limit; r resets the statistics; Ctrl+L redraws")
    func speedResetAndRedraw() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        #expect(try await screen(tmux).limit == "20/s")
        for (key, limit) in [(">", "50/s"), ("<", "20/s"), ("<", "10/s")] {
            try await tmux.type(key)
            try await wait(tmux, "the limit reads \(limit)") { $0.limit == limit }
        }
        try await tmux.type("r")
        try await wait(tmux, "the reset notice") { ($0.statusLine ?? "").contains("statistics reset") }
        try await tmux.sendKeys("C-l")
        // A capture can land while the redraw is half written: wait for the whole frame (footer last).
        let redrawn = try await wait(tmux, "the notice cleared and the frame redrawn whole") {
            $0.hasHeader && !($0.statusLine ?? "").contains("statistics reset")
                && ($0.lines.last { !$0.isEmpty } ?? "").hasSuffix("q quit")
        }
        #expect(redrawn.text.contains("[GPU 0]") && redrawn.text.contains("totals"), "\(redrawn.text)")
        #expect((redrawn.lines.last { !$0.isEmpty } ?? "").hasSuffix("q quit"), "\(redrawn.text)")
    }

    // MARK: - Pause and single step

    @Test("space pauses and the step counter stops; s steps exactly one batch; space resumes")
    func pauseAndSingleStep() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        let running = try await wait(tmux, "the engine routes") { ($0.step ?? 0) > 0 && $0.isRunning }
        let before = running.step ?? 0
        try await wait(tmux, "the step counter passes \(before)") { ($0.step ?? 0) > before }

        try await tmux.sendKeys("Space")
        try await wait(tmux, "the paused indicator and no rate") { $0.statusLine?.contains("‖ paused  — steps/s") == true }
        let step = try await settledStep(tmux)
        try await Task.sleep(for: .milliseconds(400))
        let still = try await screen(tmux)
        #expect(still.step == step && still.isPaused, "the counter moved while paused: \(still.text)")

        try await tmux.type("s")
        // A counter that skipped past step + 1 fails here by the timeout.
        try await wait(tmux, "exactly one step, still paused") { $0.step == step + 1 && $0.isPaused }
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await screen(tmux).step == step + 1)

        // Two presses, two batches.
        try await tmux.type("ss")
        try await wait(tmux, "two more steps") { $0.step == step + 3 }
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await screen(tmux).step == step + 3)

        try await tmux.sendKeys("Space")
        try await wait(tmux, "running again") { $0.isRunning && ($0.step ?? 0) > step + 4 }

        // s while running pauses first.
        try await tmux.type("s")
        try await wait(tmux, "s pauses a running engine") { $0.isPaused }
    }

    @Test("--paused shows the first batch, then stays paused; s routes one more")
    func startPaused() async throws {
        let tmux = try await start(Self.quick + ["--paused"], until: "the first batch, paused") {
            $0.isPaused && $0.step == 1 && $0.text.contains("[GPU 0]")
        }
        defer { tmux.kill() }
        #expect(try await settledStep(tmux) == 1)
        #expect(try await !screen(tmux).text.contains("waiting for the first batch"))
        #expect(try await screen(tmux).text.contains("1 step  since step 1"))
        try await tmux.type("s")
        try await wait(tmux, "step 2, still paused") { $0.step == 2 && $0.isPaused }
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await screen(tmux).step == 2)
    }

    // MARK: - Overlays and views

    @Test("? opens the help overlay; Esc, ? or another key close it; Esc on the dashboard does not quit")
    func helpOverlay() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.type("?")
        try await wait(tmux, "the help overlay") { screen in
            ["Keys and legend", "Esc or ? closes", "quit (from anywhere)", "close help/sweep/zoom/compare; never quits"]
                .allSatisfy { screen.text.contains($0) }
        }

        try await tmux.sendKeys("Escape")
        try await wait(tmux, "the help closes on Esc") { $0.hasHeader && !$0.text.contains("Keys and legend") }

        // Esc again: nothing to close, and the dashboard keeps running.
        try await tmux.sendKeys("Escape")
        let step = try await screen(tmux).step ?? 0
        try await wait(tmux, "the dashboard still runs after Esc") {
            ($0.step ?? 0) > step + 2 && $0.isRunning && $0.text.contains("[GPU 0]")
        }
        #expect(try await tmux.display("#{pane_dead}") == "0")

        // ? closes it too.
        try await tmux.type("?")
        try await tmux.waitFor("Keys and legend")
        try await tmux.type("?")
        try await wait(tmux, "the help closes on ?") { $0.hasHeader && !$0.text.contains("Keys and legend") }

        // Any other key only closes it: `1` does not switch the mode while the help is open.
        try await tmux.type("?")
        try await tmux.waitFor("Keys and legend")
        try await tmux.type("1")
        let closed = try await wait(tmux, "the help closes on 1") {
            $0.hasHeader && !$0.text.contains("Keys and legend") && $0.text.contains("[GPU 0]")
        }
        #expect(closed.header["mode"] == "ir+fr", "\(closed.text)")
    }

    @Test("at the minimum size the help scrolls with the arrow keys")
    func helpScrolls() async throws {
        let tmux = try await start(width: 60, height: 16, until: "the dashboard at 60x16") {
            $0.lines[0].hasPrefix("Rectify") && $0.step != nil
        }
        defer { tmux.kill() }
        try await tmux.type("?")
        try await wait(tmux, "the help with its scroll position") {
            $0.text.contains("Keys and legend") && $0.text.contains(" lines 1-")
        }
        try await tmux.sendKeys("Down", "Down")
        try await tmux.waitFor(" lines 3-")
        try await tmux.sendKeys("Up")
        try await tmux.waitFor(" lines 2-")
        // Wide enough for everything: no scroll position, keys and legend side by side.
        try await tmux.resize(width: 120, height: 40)
        try await wait(tmux, "the help in two columns") {
            $0.text.contains("Keys and legend") && $0.text.contains("Legend") && !$0.text.contains(" lines ")
                && $0.text.contains("quit (from anywhere)")
        }
        try await tmux.sendKeys("Escape")
        try await wait(tmux, "the help closes") { $0.hasHeader && !$0.text.contains("Keys and legend") }
    }

    @Test("c compares the four modes side by side; Esc goes back")
    func compareView() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.type("c")
        // Each figure once per mode, for the latest step and the run so far, and no GPU panels.
        try await wait(tmux, "the four modes side by side with their figures") { screen in
            screen.words.contains(["vanilla", "ir", "fr", "[ir+fr]"])
                && ["drop", "lost", "padding", "recovered", "covered", "imbalance"].allSatisfy { figure in
                    screen.words.contains { $0.filter { $0 == figure }.count == 4 }
                }
                && !screen.text.contains("[GPU 0]")
        }
        // The mode keys move the selection inside the compare view.
        try await tmux.type("1")
        try await wait(tmux, "vanilla selected") {
            $0.words.contains(["[vanilla]", "ir", "fr", "ir+fr"]) && $0.header["mode"] == "vanilla"
        }
        try await tmux.sendKeys("Escape")
        try await wait(tmux, "the main view again, still on vanilla") {
            $0.text.contains("[GPU 0]") && !$0.text.contains("[vanilla]") && $0.header["mode"] == "vanilla"
        }
        // c toggles.
        try await tmux.type("c")
        try await wait(tmux, "compare again") { $0.words.contains(["[vanilla]", "ir", "fr", "ir+fr"]) }
        try await tmux.type("c")
        try await wait(tmux, "the main view after c") { $0.text.contains("[GPU 0]") }
    }

    @Test("z zooms into the selected GPU, → picks the next one, Esc goes back with it selected")
    func zoomView() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.type("z")
        try await tmux.waitFor("GPU 0 of 8  experts 0-3")
        try await tmux.sendKeys("Right")
        try await tmux.waitFor("GPU 1 of 8  experts 4-7")
        try await tmux.sendKeys("Escape")
        try await wait(tmux, "the main view with GPU 1 selected") {
            $0.text.contains("[GPU 1]") && $0.text.contains("GPU 0 ") && !$0.text.contains("[GPU 0]")
        }
    }

    @Test("--present shows the headline strip at a calm pace; t starts the tour and advances its caption")
    func presenterAndTour() async throws {
        let tmux = try await start(["dash", "--preset", "bursty-hot-expert", "--present"], width: 100, height: 30) {
            $0.hasHeader && $0.text.contains("[GPU 0]") && $0.lines.count > 2 && $0.lines[2].hasPrefix("lost")
                && $0.lines[2].contains("vanilla ")
        }
        defer { tmux.kill() }
        #expect(try await screen(tmux).limit == "3/s")
        #expect(!(try await screen(tmux).text.contains("totals")), "the headline replaces the totals table")
        try await tmux.type("t")
        try await wait(tmux, "the tour's first caption, mode vanilla") {
            $0.text.contains("1/4 vanilla: tokens beyond an expert's capacity are dropped") && $0.lines[0].contains("  vanilla  ")
        }
        try await tmux.type("t")
        try await wait(tmux, "the tour's IR caption with lost before and after, mode ir") {
            $0.text.contains("2/4 IR: dropped tokens go to the best expert on their own GPU — lost ")
                && $0.text.contains("% → ") && $0.lines[0].contains("  ir  ")
        }
        try await tmux.sendKeys("Escape")
        try await wait(tmux, "the caption gone") { !$0.text.contains("2/4 IR:") && $0.hasHeader }
    }

    // MARK: - Resizing

    @Test("smaller than 60x16 shows what is needed; back to full size the dashboard returns")
    func tooSmall() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.resize(width: 40, height: 10)
        // 40 columns wrap the message after "need"; nothing of the dashboard is left.
        try await wait(tmux, "the too-small message at 40x10") { screen in
            screen.text.contains("terminal too small: have 40x10, need") && screen.text.contains("60x16")
                && screen.text.contains("q quits") && !screen.text.contains("Rectify")
        }
        try await tmux.resize(width: 59, height: 16)
        try await tmux.waitFor("terminal too small: have 59x16, need 60x16")
        try await tmux.resize(width: 60, height: 15)
        try await tmux.waitFor("terminal too small: have 60x15, need 60x16")
        try await tmux.resize(width: 60, height: 16)
        try await wait(tmux, "the dashboard at 60x16") {
            $0.lines[0].hasPrefix("Rectify") && !$0.text.contains("terminal too small")
        }
        try await tmux.resize(width: 120, height: 40)
        try await wait(tmux, "the full dashboard again") {
            $0.header["preset"] == "bursty-hot-expert" && $0.text.contains("[GPU 0]") && $0.text.contains("GPU 7")
                && !$0.text.contains("terminal too small")
        }
        #expect(try await tmux.display("#{pane_dead}") == "0")
    }

    @Test("q quits from the too-small screen with exit status 0")
    func quitWhileTooSmall() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.resize(width: 40, height: 10)
        try await tmux.waitFor("terminal too small: have 40x10")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }

    // MARK: - Leaving

    @Test("q exits 0, leaves nothing behind and restores the terminal")
    func quit() async throws {
        let tmux = try await TmuxSession(command: wrapped(Self.quick), width: 120, height: 40)
        defer { tmux.kill() }
        try await tmux.waitUntil("the dashboard runs", failingOn: ["dashboard-exit="], timeout: .seconds(20)) {
            DashboardScreen($0).hasHeader && $0.contains("[GPU 0]")
        }
        #expect(try await tmux.display(Self.terminalState) == "1 0 1")
        try await tmux.type("q")
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(screen.contains("dashboard-exit=0"), "\(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(lines == ["before-dashboard", "tty=restored", "dashboard-exit=0"],
                "the dashboard must leave nothing on the screen: \(screen)")
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("q quits from the help overlay and from the compare view", arguments: ["?", "c"])
    func quitFromOverlay(_ key: String) async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.type(key)
        try await tmux.waitFor(key == "?" ? "Keys and legend" : "[ir+fr]")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test("a terminating signal restores the terminal and exits 128 + signo",
          arguments: [SIGTERM, SIGINT, SIGHUP])
    func terminatingSignal(_ signo: Int32) async throws {
        let tmux = try await TmuxSession(command: wrapped(Self.quick), width: 120, height: 40)
        defer { tmux.kill() }
        try await tmux.waitUntil("the dashboard runs", failingOn: ["dashboard-exit="], timeout: .seconds(20)) {
            DashboardScreen($0).hasHeader && $0.contains("[GPU 0]")
        }
        if signo == SIGINT {
            try await tmux.sendKeys("C-c")  // through the tty, as a user would
        } else {
            try tmux.signal(signo, to: try await tmux.processID(named: "rectify"))
        }
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(screen.contains("dashboard-exit=\(128 + signo)"), "\(screen)")
        #expect(screen.contains("before-dashboard"), "\(screen)")
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(!screen.contains("Rectify"), "\(screen)")
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("SIGTERM to the dashboard process: exit status 143, alternate screen left")
    func sigtermExitStatus() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await tmux.signal(SIGTERM)
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 143)
        // A dead pane reports no cursor, so only the screen can be checked here.
        #expect(try await tmux.display("#{alternate_on}") == "0")
    }

    // MARK: - Terminals the dashboard cannot use

    static let unusableTerminals: [(prefix: String, message: String)] = [
        ("env TERM=dumb ", "rectify: TERM=dumb cannot draw the dashboard; use 'rectify run' for headless output"),
        ("env -u TERM ", "rectify: TERM is not set, so the dashboard cannot draw; set TERM (e.g. TERM=xterm-256color) or use 'rectify run' for headless output"),
        ("env TERM=no-such-terminal ", "rectify: TERM=no-such-terminal is not in the terminfo database"),
        ("</dev/null ", "rectify: not a terminal (stdin is redirected); use 'rectify run' for headless output"),
    ]

    @Test("an unusable terminal gets one line on the terminal and exit 2, nothing drawn",
          arguments: unusableTerminals)
    func unusableTerminal(_ prefix: String, _ message: String) async throws {
        // Wide enough that the message does not wrap.
        let tmux = try await TmuxSession(command: wrapped([], prefix: prefix), width: 220, height: 24)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(screen.contains("dashboard-exit=2"), "\(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines[0] == "before-dashboard" && lines[1].hasPrefix(message)
                && lines[2] == "tty=restored" && lines[3] == "dashboard-exit=2",
                "exactly one line of output expected: \(screen)")
        #expect(lines.count > 1 && lines[1].contains("rectify run"), "\(screen)")
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("stdout redirected from a terminal: the message on the terminal, the file stays empty")
    func redirectedFromTerminal() async throws {
        let output = try TemporaryFile()
        let tmux = try await TmuxSession(command: wrapped(["dash"], prefix: ">\(TmuxSession.shellQuote(output.path)) "),
                                         width: 200, height: 24)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(screen.contains("dashboard-exit=2"), "\(screen)")
        #expect(screen.contains("rectify: not a terminal (stdout is redirected); use 'rectify run' for headless output"),
                "\(screen)")
        #expect(try output.contents().isEmpty)
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    // MARK: - Display tiers

    /// The rows of the GPU panels' bars (`e12 ####|+!  ...`), each up to its load column.
    static func barRows(_ screen: DashboardScreen) -> [String] {
        screen.lines.filter { line in
            guard line.first == "e", let space = line.firstIndex(of: " ") else { return false }
            return line[line.index(after: line.startIndex)..<space].allSatisfy(\.isNumber)
        }
    }

    static func isASCII(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(\.isASCII) }

    @Test("--ascii --no-color: only ASCII on screen, bars of # = + x ! and |, no colour escapes")
    func asciiMonochrome() async throws {
        let tmux = try await start(Self.quick + ["--ascii", "--no-color"])
        defer { tmux.kill() }
        // ir+fr at capacity factor 1 on the bursty preset shows every segment kind once batches come in;
        // IR recovers its overflow there, drawn x (overflow still lost, !, shows under vanilla below).
        let main = try await wait(tmux, "bars with kept, filled, IR work, recovered overflow and the capacity marker") { screen in
            let bars = Self.barRows(screen).joined()
            return ["#", "=", "+", "x", "|"].allSatisfy { bars.contains($0) }
        }
        #expect(Self.isASCII(main.text), "non-ASCII characters: \(main.text)")
        #expect(main.statusLine?.contains("> running") == true, "\(main.text)")
        let escaped = try await tmux.capture(escapes: true)
        #expect(!TerminalDemoTmuxTests.hasColorEscapes(escaped), "\(escaped.debugDescription)")

        try await tmux.type("1")
        try await wait(tmux, "vanilla's lost overflow") { Self.barRows($0).joined().contains("!") }
        try await tmux.type("4")
        try await tmux.sendKeys("Space")
        try await wait(tmux, "the ASCII paused indicator") { $0.statusLine?.contains("|| paused  - steps/s") == true }

        try await tmux.type("?")
        let help = try await wait(tmux, "the help with an ASCII frame") {
            $0.text.contains("+- Keys and legend") && $0.text.contains("+- Esc or ? closes")
        }
        #expect(Self.isASCII(help.text), "non-ASCII characters in the help: \(help.text)")
        try await tmux.sendKeys("Escape")
        try await wait(tmux, "the help closes") { !$0.text.contains("Keys and legend") }

        try await tmux.type("c")
        let compare = try await wait(tmux, "the compare view") { $0.words.contains(["vanilla", "ir", "fr", "[ir+fr]"]) }
        #expect(Self.isASCII(compare.text), "non-ASCII characters in the compare view: \(compare.text)")
        #expect(!TerminalDemoTmuxTests.hasColorEscapes(try await tmux.capture(escapes: true)))

        try await tmux.type("cz")
        let zoom = try await tmux.waitFor("GPU 0 of 8  experts 0-3  (<- -> other GPU, Esc back)")
        #expect(Self.isASCII(zoom), "non-ASCII characters in the zoom view: \(zoom)")

        try await tmux.resize(width: 40, height: 10)
        let small = try await tmux.waitFor("terminal too small")
        #expect(Self.isASCII(small), "\(small)")
    }

    @Test("colour by default; NO_COLOR=1 gives no colour escapes and distinct bar glyphs")
    func noColorEnvironment() async throws {
        let colored = try await start()
        defer { colored.kill() }
        #expect(TerminalDemoTmuxTests.hasColorEscapes(try await colored.capture(escapes: true)))
        colored.kill()

        let mono = try await start(environment: ["NO_COLOR": "1"])
        defer { mono.kill() }
        let screen = try await waitForMonochromeBars(mono)
        #expect(screen.statusLine?.contains("▶ running") == true, "\(screen.text)")
        let escaped = try await mono.capture(escapes: true)
        #expect(!TerminalDemoTmuxTests.hasColorEscapes(escaped), "\(escaped.debugDescription)")
        try await mono.type("c")
        try await mono.waitFor("[ir+fr]")
        let compare = try await mono.capture(escapes: true)
        #expect(!TerminalDemoTmuxTests.hasColorEscapes(compare), "\(compare.debugDescription)")
    }

    /// Waits for unicode monochrome bars: kept █, filled ▒, IR work ▓, recovered overflow ▚ and the
    /// marker │ (ir+fr recovers this preset's overflow; the lost overflow's ░ shows under vanilla).
    private func waitForMonochromeBars(_ tmux: TmuxSession) async throws -> DashboardScreen {
        let screen = try await wait(tmux, "monochrome bars with every segment kind") { screen in
            let bars = Self.barRows(screen).joined()
            return ["█", "▒", "▓", "▚", "│"].allSatisfy { bars.contains($0) }
        }
        try await tmux.type("1")
        try await wait(tmux, "vanilla's lost overflow") { Self.barRows($0).joined().contains("░") }
        try await tmux.type("4")
        return screen
    }

    // MARK: - The largest preset

    @Test("deepseek-v3-top8 (64 GPUs x 256 experts) shows the compact view and answers keys at once")
    func largestPreset() async throws {
        // Debug builds route a batch of this size in seconds; only the UI's responsiveness is checked.
        // One entry per GPU (`g0  ▆▇▇▲ ovf 1098  pad 1393 ...`), no bar panels.
        let tmux = try await start(["dash", "--preset", "deepseek-v3-top8"], until: "the compact view of all 64 GPUs",
                                   timeout: .seconds(90)) { screen in
            screen.header["preset"] == "deepseek-v3-top8" && screen.header["GPUs x experts"] == "64x256"
                && screen.lines.contains { $0.hasPrefix("g0 ") && $0.contains("ovf") }
                && screen.text.contains("g63 ") && !screen.text.contains("[GPU 0]")
        }
        defer { tmux.kill() }

        let clock = ContinuousClock()
        for (key, label, value) in [("1", "mode", "vanilla"), ("K", "top-k", "9"), ("4", "mode", "ir+fr")] {
            let sent = clock.now
            try await tmux.type(key)
            try await waitForHeader(tmux, label, value, timeout: .seconds(10))
            let elapsed = clock.now - sent
            #expect(elapsed < .seconds(2), "\(key) took \(elapsed) to show \(label) \(value)")
        }
        try await tmux.type("q")
        // The engine finishes the batch it is routing before the process exits.
        #expect(try await tmux.waitForExit(timeout: .seconds(60)) == 0)
    }
}
