import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// End-to-end tests of the terminal runner through the hidden `rectify terminal-demo` command, which
// runs `TerminalDemoProgram`: a border, the terminal size, a frame counter and the last key; `q` quits.

@Suite("terminal-demo without a terminal")
struct TerminalDemoHeadlessTests {
    @Test("stdout redirected: one line on stderr, exit 2, no escape codes")
    func redirectedStdout() async throws {
        let rectify = try RectifyExecutable.path()
        let result = try await ChildProcess.run(rectify, arguments: ["terminal-demo"],
                                                environment: ChildProcess.environment(["TERM": "xterm-256color"]),
                                                timeout: .seconds(30))
        #expect(result.exitCode == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(!result.stderr.contains(0x1B), "escape byte on stderr: \(result)")
        #expect(result.standardError ==
            "rectify: not a terminal (stdout is redirected); use 'rectify run' for headless output\n")
    }
}

@Suite("terminal-demo in tmux", .serialized,
       .enabled(if: TmuxSession.isInstalled, "tmux is not installed: skipping the terminal end-to-end tests"))
struct TerminalDemoTmuxTests {
    let rectify: String

    init() throws {
        rectify = try RectifyExecutable.path()
    }

    /// The demo as the pane's own process (its pid is the pane's pid; the pane closes when it exits).
    var demo: String { "exec \(TmuxSession.shellQuote(rectify)) terminal-demo" }

    /// The demo between marker lines under a shell that survives it: after the demo exits the screen
    /// must show the shell's output again, the tty modes must be back and the exit status is printed.
    func wrapped(prefix: String = "") -> String {
        """
        trap : INT TERM HUP; printf 'before-demo\\n'; modes=$(stty -g); \
        \(prefix)\(TmuxSession.shellQuote(rectify)) terminal-demo; code=$?; \
        if [ "$(stty -g)" = "$modes" ]; then echo tty=restored; else echo tty=changed; fi; \
        echo demo-exit=$code; exec sleep 600
        """
    }

    /// `alternate_on cursor_flag keypad_cursor_flag`: "1 0 1" while the demo runs, "0 1 0" after.
    static let terminalState = "#{alternate_on} #{cursor_flag} #{keypad_cursor_flag}"

    @Test("draws a border, the terminal size and an advancing frame counter")
    func draws() async throws {
        let tmux = try await TmuxSession(command: demo, width: 80, height: 24)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("size: 80x24")
        let lines = screen.components(separatedBy: "\n")
        #expect(lines.first == "┌" + String(repeating: "─", count: 78) + "┐", "\(screen)")
        #expect(lines.count >= 24 && lines[23] == "└" + String(repeating: "─", count: 78) + "┘", "\(screen)")
        #expect(screen.contains("rectify terminal demo"))
        #expect(screen.contains("last key: none"))
        let first = try #require(Self.frame(in: screen), "\(screen)")
        try await tmux.waitUntil("the frame counter passes \(first + 2)") { (Self.frame(in: $0) ?? 0) > first + 2 }
        #expect(try await tmux.display(Self.terminalState) == "1 0 1")
    }

    static let keys: [(tmuxKey: String, expected: String)] = [
        ("x", #"character("x")"#),
        ("Up", "up"), ("Down", "down"), ("Left", "left"), ("Right", "right"),
        ("PageUp", "pageUp"), ("PageDown", "pageDown"), ("Home", "home"), ("End", "end"),
        ("Enter", "enter"), ("Escape", "escape"), ("Tab", "tab"), ("BTab", "backTab"),
        ("BSpace", "backspace"), ("F1", "function(1)"), ("F5", "function(5)"), ("F12", "function(12)"),
        ("C-a", #"control("a")"#), ("C-l", #"control("l")"#), ("Q", #"character("Q")"#),
    ]

    @Test("keys arrive as KeyEvents")
    func keysArrive() async throws {
        let tmux = try await TmuxSession(command: demo)
        defer { tmux.kill() }
        try await tmux.waitFor("last key: none")
        for (key, expected) in Self.keys {
            try await tmux.sendKeys(key)
            try await tmux.waitUntil("last key is \(expected) after \(key)") { Self.lastKey(in: $0) == expected }
        }
        try await tmux.type("é")
        try await tmux.waitUntil("last key is character(\"é\")") { Self.lastKey(in: $0) == #"character("é")"# }
        // Ctrl+L repaints everything; the frame must be intact afterwards.
        try await tmux.sendKeys("C-l")
        let screen = try await tmux.waitFor("size: 80x24")
        #expect(screen.hasPrefix("┌─"))
    }

    @Test("a resize redraws at the new size")
    func resize() async throws {
        let tmux = try await TmuxSession(command: demo, width: 80, height: 24)
        defer { tmux.kill() }
        try await tmux.waitFor("size: 80x24")
        for (width, height) in [(100, 30), (40, 10), (80, 24)] {
            try await tmux.resize(width: width, height: height)
            // Wait for the whole frame: a capture can land before its last rows are drawn.
            let screen = try await tmux.waitUntil("the frame at \(width)x\(height)") { text in
                let rows = text.components(separatedBy: "\n")
                return text.contains("size: \(width)x\(height)") && rows.count >= height && rows[height - 1].hasSuffix("┘")
            }
            let lines = screen.components(separatedBy: "\n")
            #expect(lines.first == "┌" + String(repeating: "─", count: width - 2) + "┐", "\(screen)")
            #expect(lines.count >= height && lines[height - 1].hasSuffix("┘"), "\(screen)")
        }
    }

    @Test("q exits 0 and restores the terminal")
    func quit() async throws {
        let tmux = try await TmuxSession(command: wrapped())
        defer { tmux.kill() }
        try await tmux.waitFor("size: 80x24", failingOn: ["demo-exit="])
        #expect(try await tmux.display(Self.terminalState) == "1 0 1")
        try await tmux.sendKeys("q")
        let screen = try await tmux.waitFor("demo-exit=")
        #expect(screen.contains("demo-exit=0"), "\(screen)")
        #expect(screen.contains("before-demo"), "\(screen)")
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(!screen.contains("rectify terminal demo"), "\(screen)")
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("a terminating signal restores the terminal and exits 128 + signo",
          arguments: [SIGTERM, SIGHUP, SIGINT])
    func terminatingSignal(_ signo: Int32) async throws {
        let tmux = try await TmuxSession(command: wrapped())
        defer { tmux.kill() }
        try await tmux.waitFor("size: 80x24", failingOn: ["demo-exit="])
        if signo == SIGINT {
            try await tmux.sendKeys("C-c")  // through the tty, as a user would
        } else {
            try tmux.signal(signo, to: try await tmux.processID(named: "rectify"))
        }
        let screen = try await tmux.waitFor("demo-exit=")
        #expect(screen.contains("demo-exit=\(128 + signo)"), "\(screen)")
        #expect(screen.contains("before-demo"), "\(screen)")
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(!screen.contains("rectify terminal demo"), "\(screen)")
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("SIGTERM to the pane's own process: exit status 143, terminal restored")
    func sigtermExitStatus() async throws {
        let tmux = try await TmuxSession(command: demo)
        defer { tmux.kill() }
        try await tmux.waitFor("size: 80x24")
        try await tmux.signal(SIGTERM)
        #expect(try await tmux.waitForExit() == 143)
        // A dead pane reports no cursor, so only the screen can be checked here.
        #expect(try await tmux.display("#{alternate_on}") == "0")
    }

    static let unusableTerminals: [(prefix: String, message: String)] = [
        ("env TERM=dumb ", "rectify: TERM=dumb cannot draw the dashboard; use 'rectify run' for headless output"),
        ("env -u TERM ", "rectify: TERM is not set"),
        ("env TERM=no-such-terminal ", "rectify: TERM=no-such-terminal is not in the terminfo database"),
        ("</dev/null ", "rectify: not a terminal (stdin is redirected); use 'rectify run' for headless output"),
    ]

    @Test("an unusable terminal gets one line and exit 2, nothing drawn", arguments: unusableTerminals)
    func unusableTerminal(_ prefix: String, _ message: String) async throws {
        // Wide enough that the message does not wrap.
        let tmux = try await TmuxSession(command: wrapped(prefix: prefix), width: 200, height: 24)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("demo-exit=")
        #expect(screen.contains("demo-exit=2"), "\(screen)")
        #expect(screen.contains(message), "\(screen)")
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(!screen.contains("rectify terminal demo"), "\(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(lines == ["before-demo", lines[1], "tty=restored", "demo-exit=2"] && lines[1].hasPrefix(message),
                "exactly one line of output expected: \(screen)")
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("stdout redirected from a terminal: message on the terminal, the file stays empty")
    func redirectedFromTerminal() async throws {
        let output = try TemporaryFile()
        let tmux = try await TmuxSession(command: wrapped(prefix: ">\(TmuxSession.shellQuote(output.path)) "),
                                         width: 200, height: 24)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("demo-exit=")
        #expect(screen.contains("demo-exit=2"), "\(screen)")
        #expect(screen.contains("rectify: not a terminal (stdout is redirected); use 'rectify run' for headless output"),
                "\(screen)")
        #expect(try output.contents().isEmpty)
        #expect(try await tmux.display(Self.terminalState) == "0 1 0")
    }

    @Test("colour by default; NO_COLOR gives monochrome")
    func noColor() async throws {
        let colored = try await TmuxSession(command: demo)
        defer { colored.kill() }
        try await colored.waitFor("tier: unicode color")
        #expect(Self.hasColorEscapes(try await colored.capture(escapes: true)))

        let mono = try await TmuxSession(command: demo, environment: ["NO_COLOR": "1"])
        defer { mono.kill() }
        try await mono.waitFor("tier: unicode mono")
        let escaped = try await mono.capture(escapes: true)
        #expect(!Self.hasColorEscapes(escaped), "\(escaped.debugDescription)")
    }

    // MARK: - Reading the demo's screen

    static func frame(in screen: String) -> Int? {
        field("frame: ", in: screen).flatMap { Int($0) }
    }

    static func lastKey(in screen: String) -> String? {
        field("last key: ", in: screen)
    }

    /// The text after `label` on its line, without the trailing padding and border.
    static func field(_ label: String, in screen: String) -> String? {
        for line in screen.split(separator: "\n") {
            guard let range = line.range(of: label) else { continue }
            var value = line[range.upperBound...]
            while let last = value.last, last == " " || last == "│" || last == "|" { value.removeLast() }
            return String(value)
        }
        return nil
    }

    /// Whether `capture-pane -e` output sets a foreground or background colour (SGR 30-38, 40-48,
    /// 90-107; 39 and 49, "default colour", which tmux emits after every attribute, do not count).
    static func hasColorEscapes(_ text: String) -> Bool {
        var index = text.startIndex
        while let start = text[index...].range(of: "\u{1B}[") {
            guard let end = text[start.upperBound...].firstIndex(of: "m") else { break }
            let codes = text[start.upperBound..<end].split(separator: ";").compactMap { Int($0) }
            if codes.contains(where: { (30...48).contains($0) && $0 != 39 || (90...107).contains($0) }) { return true }
            index = end
        }
        return false
    }
}
