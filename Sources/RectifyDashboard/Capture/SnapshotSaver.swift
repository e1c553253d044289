import Foundation
import RectifyEngine
import TerminalCanvas

/// Saves what is on screen (`x`): the frame as plain text and as an SVG with its colours, and the
/// step, settings and figures as JSON, as `rectify-<preset>-step<N>-<yyyymmdd-hhmmss>.{txt,svg,json}`
/// in one folder. The folder is never created: a missing or read-only one is an error the status
/// line shows, and an existing snapshot is never overwritten (a second one in the same second
/// gets `-2`, `-3`, ...).
public struct SnapshotSaver: Sendable, Equatable {
    public var directory: String
    public static let extensions = ["txt", "svg", "json"]

    public init(directory: String = ".") {
        self.directory = directory.isEmpty ? "." : directory
    }

    /// Writes the three files; returns their common name without extension.
    public func save(grid: CellGrid, state: DashboardState, snapshot: EngineSnapshot,
                     date: Date = Date()) throws(CaptureError) -> String {
        try checkDirectory()
        let contents = [ScreenText.text(grid), ScreenSVG.svg(grid, theme: state.display.theme),
                        JSONWriter.write(StepReport.json(state: state, snapshot: snapshot), indent: 2) + "\n"]
        let base = Self.baseName(preset: snapshot.presetName, step: snapshot.step, date: date)
        for attempt in 1...100 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            let paths = Self.extensions.map { path(name + "." + $0) }
            if paths.contains(where: { FileManager.default.fileExists(atPath: $0) }) { continue }
            for (path, text) in zip(paths, contents) {
                let file = try CaptureFile(creating: path, exclusive: true)
                try file.write(text)
                file.close()
            }
            return name
        }
        throw CaptureError("snapshot: too many snapshots named \(base) in \(directory)")
    }

    /// `rectify-<preset>-step<N>-<yyyymmdd-hhmmss>` in local time; the preset name keeps only
    /// letters, digits, `.`, `_` and `-` (a preset given as a path keeps its file name).
    public static func baseName(preset: String, step: Int, date: Date) -> String {
        let file = preset.split(separator: "/").last.map(String.init) ?? preset
        let stem = file.hasSuffix(".json") ? String(file.dropLast(5)) : file
        let safe = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
        let parts = Calendar(identifier: .gregorian).dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : String(v) }
        let stamp = "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))-\(two(parts.hour))\(two(parts.minute))\(two(parts.second))"
        return "rectify-\(safe.isEmpty ? "preset" : safe)-step\(step)-\(stamp)"
    }

    func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The folder exists, is a folder and can be written to.
    private func checkDirectory() throws(CaptureError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw CaptureError("snapshot folder \(directory) does not exist")
        }
        guard isDirectory.boolValue else { throw CaptureError("snapshot folder \(directory) is not a folder") }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw CaptureError("snapshot folder \(directory) is not writable")
        }
    }
}
