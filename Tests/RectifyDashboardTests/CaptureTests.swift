import Foundation
import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The snapshot writers (text, SVG, JSON, the files and their names) and the asciinema recorder.
@Suite struct CaptureTests {
    /// A fresh empty folder under the temporary directory, removed by the caller.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "rectify-capture-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    static func smallGrid() -> CellGrid {
        var grid = CellGrid(width: 6, height: 2)
        grid.put("ab<&", x: 0, y: 0, style: CellStyle(foreground: .red, bold: true))
        grid.put("z", x: 5, y: 0, style: CellStyle(foreground: .cyan, reverse: true))
        grid.put("ok", x: 0, y: 1)
        return grid
    }

    @Test("text: one line per row, trailing spaces dropped")
    func text() {
        #expect(ScreenText.text(Self.smallGrid()) == "ab<& z\nok\n")
    }

    @Test("SVG: a background, each run's colour, bold, reverse video and escaped text, pinned to its cells")
    func svg() {
        let svg = ScreenSVG.svg(Self.smallGrid())
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"54\" height=\"36\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("<text x=\"0\" y=\"13\" fill=\"#e05252\" textLength=\"36\" lengthAdjust=\"spacingAndGlyphs\" font-weight=\"bold\" xml:space=\"preserve\">ab&lt;&amp;</text>"))
        // Reverse video: the cell takes the foreground colour, the text the screen's background.
        #expect(svg.contains("<rect x=\"45\" y=\"0\" width=\"9\" height=\"18\" fill=\"#40c0c0\"/>"))
        #expect(svg.contains("fill=\"#1c1c1c\" textLength=\"9\" lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">z</text>"))
        #expect(svg.contains(">ok</text>"))
        // Blank runs draw no text.
        #expect(svg.components(separatedBy: "<text").count - 1 == 3)
    }

    @Test("ANSI frame: each row placed, SGR colours when the style changes, reset at the end")
    func ansi() {
        let text = ANSIFrame.text(Self.smallGrid())
        #expect(text == "\u{1B}[1;1H\u{1B}[0;1;31;49mab<&\u{1B}[0;39;49m \u{1B}[0;7;36;49mz"
                      + "\u{1B}[2;1H\u{1B}[0;39;49mok    \u{1B}[0m")
    }

    @Test("JSON: step, settings and each mode's figures; null before the first step")
    func json() throws {
        let (state, snapshot) = Fixtures.workedScreen(steps: 1)
        let text = JSONWriter.write(StepReport.json(state: state, snapshot: snapshot), indent: 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["step"] as? Int == 1)
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["preset"] as? String == "worked")
        #expect(settings["mode"] as? String == "ir+fr")
        #expect(settings["topK"] as? Int == 1 && settings["gpus"] as? Int == 2 && settings["experts"] as? Int == 4)
        #expect(settings["dropPolicy"] as? String == "score")
        #expect((settings["capacityFactor"] as? NSNumber)?.doubleValue == 1)
        let modes = try #require(object["modes"] as? [String: Any])
        #expect(Set(modes.keys) == ["vanilla", "ir", "fr", "ir+fr"])
        let irfr = try #require(modes["ir+fr"] as? [String: Any])
        let step = try #require(irfr["step"] as? [String: Any])
        let figures = try #require(snapshot[.irfr].latest)
        #expect(step["dropped"] as? Int == figures.dropped)
        #expect(step["recovered"] as? Int == figures.recovered)
        #expect(step["filled"] as? Int == figures.filled)
        #expect(step["expertDropped"] as? [Int] == figures.expertDropped)
        let totals = try #require(irfr["totals"] as? [String: Any])
        #expect(totals["steps"] as? Int == 1)
        #expect((totals["dropRate"] as? NSNumber)?.doubleValue == 0.5)

        let preset = Fixtures.workedPreset()
        let empty = EngineSnapshot.empty(preset: preset)
        let blank = StepReport.json(state: DashboardState(preset: preset), snapshot: empty)
        #expect(blank["modes"]?["vanilla"]?["step"] == .null)
        #expect(blank["modes"]?["vanilla"]?["totals"]?["dropRate"] == .null)
        #expect(blank["stepsPerSecond"] == .null)
    }

    @Test("file names: preset, step, local date and time; unsafe characters replaced")
    func names() {
        var parts = DateComponents()
        (parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second) = (2025, 3, 7, 9, 5, 2)
        let date = Calendar(identifier: .gregorian).date(from: parts) ?? Date()
        #expect(SnapshotSaver.baseName(preset: "bursty-hot-expert", step: 42, date: date)
                == "rectify-bursty-hot-expert-step42-20250307-090502")
        #expect(SnapshotSaver.baseName(preset: "../my presets/x y.json", step: 0, date: date)
                == "rectify-x-y-step0-20250307-090502")
    }

    @Test("saving writes the three files, never overwrites, and refuses a missing or read-only folder")
    func save() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (state, snapshot) = Fixtures.workedScreen(steps: 1)
        let grid = Fixtures.render(state, snapshot, width: 60, height: 16)
        let saver = SnapshotSaver(directory: folder)
        let date = Date()
        let first = try saver.save(grid: grid, state: state, snapshot: snapshot, date: date)
        let second = try saver.save(grid: grid, state: state, snapshot: snapshot, date: date)
        #expect(second == first + "-2")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == [first, second].flatMap { name in ["json", "svg", "txt"].map { "\(name).\($0)" } }.sorted())
        let text = try String(contentsOfFile: "\(folder)/\(first).txt", encoding: .utf8)
        #expect(text == ScreenText.text(grid))

        #expect(throws: CaptureError("snapshot folder \(folder)/missing does not exist")) {
            try SnapshotSaver(directory: folder + "/missing").save(grid: grid, state: state, snapshot: snapshot)
        }
        #expect(throws: CaptureError("snapshot folder \(folder)/\(first).txt is not a folder")) {
            try SnapshotSaver(directory: "\(folder)/\(first).txt").save(grid: grid, state: state, snapshot: snapshot)
        }
        if getuid() != 0 {
            let locked = folder + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked)
            #expect(throws: CaptureError("snapshot folder \(locked) is not writable")) {
                try SnapshotSaver(directory: locked).save(grid: grid, state: state, snapshot: snapshot)
            }
        }
    }

    @Test("x in the program saves the last frame and names the files in the status line; errors too")
    func programSnapshot() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let preset = Fixtures.workedPreset()
        var options = DashboardOptions(display: .plain)
        options.snapshots = SnapshotSaver(directory: folder)
        let engine = Fixtures.engine(preset, steps: 1, openSource: Fixtures.workedFactory())
        let program = DashboardProgram(preset: preset, options: options, engine: engine)
        program.tick()
        var grid = CellGrid(width: 200, height: 50)
        program.render(into: &grid)
        #expect(program.handle(.character("x")))
        let notice = try #require(program.state.notice)
        #expect(notice.hasPrefix("saved \(folder)/rectify-worked-step1-") && notice.hasSuffix(".{txt,svg,json}"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 3)
        program.render(into: &grid)
        #expect(grid.lines[1].contains("saved \(folder)/rectify-worked-step1-"))

        var bad = DashboardOptions(display: .plain)
        bad.snapshots = SnapshotSaver(directory: folder + "/nope")
        let failing = DashboardProgram(preset: preset, options: bad, engine: engine)
        failing.render(into: &grid)
        #expect(failing.handle(.character("x")))
        #expect(failing.state.notice == "snapshot not saved: snapshot folder \(folder)/nope does not exist")
    }

    /// The lines of a cast file parsed as JSON, one value per line.
    static func castLines(_ path: String) throws -> [Any] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
    }

    @Test("cast: a v2 header, output events only for changed frames, a resize event; every line JSON")
    func cast() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/session.cast"
        let recorder = try CastRecorder(path: path, term: "xterm-256color", timestamp: 1_700_000_000)
        var grid = Self.smallGrid()
        recorder.record(grid, at: 0)
        recorder.record(grid, at: 0.1)
        grid.put("OK", x: 0, y: 1, style: CellStyle(foreground: .green))
        recorder.record(grid, at: 0.25)
        // Lines are on disk after each frame, before close.
        #expect(try Self.castLines(path).count == 3)
        recorder.record(CellGrid(width: 8, height: 3), at: 1.5)
        recorder.close()
        let lines = try Self.castLines(path)
        #expect(lines.count == 5)
        let header = try #require(lines[0] as? [String: Any])
        #expect(header["version"] as? Int == 2)
        #expect(header["width"] as? Int == 6 && header["height"] as? Int == 2)
        #expect(header["timestamp"] as? Int == 1_700_000_000)
        #expect((header["env"] as? [String: String])?["TERM"] == "xterm-256color")
        let events = try lines.dropFirst().map { try #require($0 as? [Any]) }
        #expect(events.map { ($0[0] as? NSNumber)?.doubleValue } == [0, 0.25, 1.5, 1.5])
        #expect(events.map { $0[1] as? String } == ["o", "o", "r", "o"])
        #expect(events[0][2] as? String == ANSIFrame.start + ANSIFrame.text(Self.smallGrid()))
        #expect(events[1][2] as? String == ANSIFrame.text(grid))
        #expect(events[2][2] as? String == "8x3")
    }

    @Test("cast: an unwritable path fails at once with the path and the reason")
    func castUnwritable() {
        #expect(throws: CaptureError("cannot write /nonexistent-rectify/x.cast: No such file or directory")) {
            try CastRecorder(path: "/nonexistent-rectify/x.cast", term: "xterm", timestamp: 0)
        }
    }
}
