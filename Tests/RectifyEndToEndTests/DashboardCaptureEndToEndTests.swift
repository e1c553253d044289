import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Snapshots (x), recordings (--record), the mouse, the sort order and jump to GPU, in tmux.
extension DashboardTmuxTests {
    /// A fresh empty folder for files the dashboard writes; the caller removes it.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "rectify-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// The row and column where `text` first shows on `screen`, if it does.
    static func position(of text: String, in screen: String) -> (x: Int, y: Int)? {
        for (y, line) in screen.components(separatedBy: "\n").enumerated() {
            if let range = line.range(of: text) { return (line.distance(from: line.startIndex, to: range.lowerBound), y) }
        }
        return nil
    }

    @Test("x saves the screen as .txt and .svg and the figures as .json; the status line names them")
    func snapshotKey() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tmux = try await start(Self.quick + ["--snapshot-dir", folder, "--paused"], width: 200, height: 50,
                                   until: "the header") { $0.hasHeader }
        defer { tmux.kill() }
        try await tmux.type("s")
        try await wait(tmux, "step 1 drawn") { $0.step == 1 && $0.text.contains("[GPU 0]") }
        try await tmux.type("x")
        let screen = try await wait(tmux, "the status line names the snapshot") {
            $0.statusLine?.contains(".{txt,svg,json}") ?? false
        }
        let status = try #require(screen.statusLine)
        let named = try #require(status.range(of: "saved \(folder)/"))
        let name = String(status[named.upperBound...].prefix { $0 != "." && $0 != " " })
        #expect(name.hasPrefix("rectify-bursty-hot-expert-step1-"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == ["\(name).json", "\(name).svg", "\(name).txt"])
        let text = try String(contentsOfFile: "\(folder)/\(name).txt", encoding: .utf8)
        #expect(text.hasPrefix("Rectify  preset bursty-hot-expert"))
        #expect(text.contains("[GPU 0]"))
        let svg = try String(contentsOfFile: "\(folder)/\(name).svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg ") && svg.contains("[GPU 0]"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name).json")))
        let object = try #require(json as? [String: Any])
        #expect(object["step"] as? Int == 1)
        #expect((object["settings"] as? [String: Any])?["preset"] as? String == "bursty-hot-expert")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test("x with a missing snapshot folder says so in the status line and keeps running")
    func snapshotMissingFolder() async throws {
        let tmux = try await start(Self.quick + ["--snapshot-dir", "/nonexistent-rectify-snapshots"], width: 160, height: 40)
        defer { tmux.kill() }
        try await tmux.type("x")
        try await tmux.waitFor("snapshot not saved: snapshot folder /nonexistent-rectify-snapshots does not exist")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test("--record writes an asciinema v2 cast, valid JSON line by line, also when ended by a signal",
          arguments: ["q", "SIGTERM"])
    func record(_ ending: String) async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/session.cast"
        let tmux = try await start(Self.quick + ["--record", path], width: 100, height: 30)
        defer { tmux.kill() }
        try await tmux.type("o")
        try await tmux.waitFor("by load")
        if ending == "q" {
            try await tmux.type("q")
            #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
        } else {
            try await tmux.signal(SIGTERM)
            #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 143)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
        let header = try #require(lines.first as? [String: Any])
        #expect(header["version"] as? Int == 2)
        #expect(header["width"] as? Int == 100 && header["height"] as? Int == 30)
        #expect((header["env"] as? [String: String])?["TERM"] == TmuxSession.defaultPaneTerm)
        let events = lines.dropFirst().compactMap { $0 as? [Any] }
        #expect(events.count == lines.count - 1 && events.count >= 2)
        let outputs = events.filter { $0.count == 3 && $0[1] as? String == "o" }.compactMap { $0[2] as? String }
        // The first frame: the header's words between colour changes.
        let first = outputs.first ?? ""
        #expect(first.contains("Rectify") && first.contains("bursty-hot-expert") && first.contains("\u{1B}[1;1H"))
        #expect(outputs.contains { $0.contains("by load") }, "the sorted panels were recorded")
        let times = events.compactMap { ($0.first as? NSNumber)?.doubleValue }
        #expect(times == times.sorted())
    }

    @Test("--record to a folder that does not exist: one line, exit 2, the terminal untouched")
    func recordUnwritable() async throws {
        let tmux = try await TmuxSession(command: wrapped(Self.quick + ["--record", "/nonexistent-rectify/x.cast"]),
                                         width: 120, height: 40)
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(screen.contains("--record: cannot write /nonexistent-rectify/x.cast: No such file or directory"), "\(screen)")
        #expect(screen.contains("dashboard-exit=2"), "\(screen)")
    }

    /// The quick dashboard under a wrapper shell at 120x40, once every GPU panel shows; checks
    /// that it asked for mouse reports.
    func startWrappedWithMouse() async throws -> (TmuxSession, String) {
        let tmux = try await TmuxSession(command: wrapped(Self.quick), width: 120, height: 40)
        let screen = try await tmux.waitUntil("the dashboard runs", failingOn: ["dashboard-exit="], timeout: .seconds(20)) {
            DashboardScreen($0).hasHeader && $0.contains("[GPU 0]") && $0.contains("GPU 7")
        }
        #expect(try await tmux.display("#{mouse_any_flag}") == "1", "the dashboard asked for mouse reports")
        return (tmux, screen)
    }

    @Test("a click selects a GPU, a second click zooms; the wheel moves on; mouse reporting is off after q")
    func mouse() async throws {
        let (tmux, screen) = try await startWrappedWithMouse()
        defer { tmux.kill() }
        let target = try #require(Self.position(of: "GPU 3", in: screen))
        try await tmux.click(x: target.x + 1, y: target.y + 1)
        try await tmux.waitFor("[GPU 3]")
        try await tmux.click(x: target.x + 1, y: target.y + 1)
        try await tmux.waitFor("GPU 3 of 8")
        try await tmux.type("\u{1B}")
        try await tmux.waitFor("[GPU 3]")
        try await tmux.wheel(down: true, x: 10, y: 10)
        try await tmux.waitFor("[GPU 4]")
        try await tmux.type("q")
        let after = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(after.contains("dashboard-exit=0"), "\(after)")
        #expect(after.contains("tty=restored"), "\(after)")
        #expect(try await tmux.display("#{mouse_any_flag}") == "0", "mouse reporting turned off")
    }

    @Test("a signal turns mouse reporting off too; --no-mouse never turns it on")
    func mouseOffOnSignalAndNoMouse() async throws {
        let (tmux, _) = try await startWrappedWithMouse()
        defer { tmux.kill() }
        try tmux.signal(SIGTERM, to: try await tmux.processID(named: "rectify"))
        let screen = try await tmux.waitFor("dashboard-exit=", timeout: .seconds(30))
        #expect(screen.contains("dashboard-exit=143"), "\(screen)")
        #expect(try await tmux.display("#{mouse_any_flag}") == "0")

        let plain = try await start(Self.quick + ["--no-mouse"])
        defer { plain.kill() }
        #expect(try await plain.display("#{mouse_any_flag}") == "0")
    }

    @Test("g 5 Enter jumps to GPU 5; o sorts the panels and the titles say how")
    func jumpAndSort() async throws {
        let tmux = try await start(Self.quick, width: 80, height: 24)
        defer { tmux.kill() }
        try await tmux.type("g5")
        try await tmux.waitFor("jump to GPU: 5_")
        try await tmux.sendKeys("Enter")
        try await wait(tmux, "GPU 5 selected") { $0.text.contains("[GPU 5]") && !$0.text.contains("jump to GPU") }
        try await tmux.type("z")
        try await tmux.waitFor("GPU 5 of 8")
        try await tmux.type("o")
        try await tmux.waitFor("experts 20-23 by load")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }
}
