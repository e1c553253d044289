import RectifyEngine
import TerminalCanvas

/// Writes the session as an asciinema v2 cast (`--record FILE`), for replaying on slides.
///
/// The first frame writes the header line (version, size, start time, TERM); every frame that
/// differs from the previous one becomes an output event `[seconds, "o", text]` holding the ANSI
/// text of the whole frame, and a size change a resize event `[seconds, "r", "WxH"]`. Lines are
/// written whole and unbuffered, so a cast cut short by a signal is still valid JSON line by line.
public final class CastRecorder {
    private let file: CaptureFile
    private let term: String
    private let timestamp: Int
    private var last: CellGrid?
    /// Why recording stopped, if a write failed (the session goes on without it).
    public private(set) var failure: CaptureError?

    /// Creates the file at once, so a bad path fails before the terminal is taken over.
    /// `timestamp` is the start in Unix seconds, `term` the TERM the header names.
    public init(path: String, term: String, timestamp: Int) throws(CaptureError) {
        file = try CaptureFile(creating: path)
        self.term = term
        self.timestamp = timestamp
    }

    /// Records `grid` as shown `seconds` after the start, unless it equals the previous frame.
    public func record(_ grid: CellGrid, at seconds: Double) {
        guard failure == nil, grid != last else { return }
        var lines = ""
        if let last {
            if last.width != grid.width || last.height != grid.height {
                lines += event(seconds, "r", "\(grid.width)x\(grid.height)")
                lines += event(seconds, "o", ANSIFrame.start + ANSIFrame.text(grid))
            } else {
                lines += event(seconds, "o", ANSIFrame.text(grid))
            }
        } else {
            lines += JSONWriter.write(.object([
                ("version", .int(2)), ("width", .int(grid.width)), ("height", .int(grid.height)),
                ("timestamp", .int(timestamp)), ("title", .string("rectify dash")),
                ("env", .object([("TERM", .string(term))])),
            ])) + "\n"
            lines += event(seconds, "o", ANSIFrame.start + ANSIFrame.text(grid))
        }
        last = grid
        do {
            try file.write(lines)
        } catch {
            failure = error
            file.close()
        }
    }

    /// Ends the recording (the file is complete after every frame; this only closes it).
    public func close() {
        file.close()
    }

    private func event(_ seconds: Double, _ kind: String, _ data: String) -> String {
        let time = (max(0, seconds) * 1_000_000).rounded() / 1_000_000
        return JSONWriter.write(.array([.double(time), .string(kind), .string(data)])) + "\n"
    }
}
