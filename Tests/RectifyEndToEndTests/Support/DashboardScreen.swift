import Foundation

/// Reads the dashboard's screen as captured from tmux: the two header lines, the step counter and
/// the engine state, without depending on the exact column each field lands in.
///
/// The first header line is `Rectify  preset default  mode ir+fr  top-k 2  cf 1  C/(GPU,expert) 128
/// policy score  GPUs x experts 8x64`: items two spaces apart, each a label, a space and a value;
/// a value the engine has not applied yet ends in `*`. The second line starts `step 179  ▶ running`.
struct DashboardScreen {
    let text: String
    let lines: [String]

    init(_ text: String) {
        self.text = text
        lines = text.components(separatedBy: "\n")
    }

    /// Header items by label (`preset`, `mode`, `top-k`, `cf`, `C/(GPU,expert)`, `policy`, `GPUs x experts`),
    /// values as shown (a pending one keeps its `*`); empty when the header is not on screen.
    var header: [String: String] {
        guard let first = lines.first, first.hasPrefix("Rectify  ") else { return [:] }
        var fields: [String: String] = [:]
        for item in first.components(separatedBy: "  ").dropFirst() where !item.isEmpty {
            guard let space = item.lastIndex(of: " ") else { continue }
            fields[String(item[..<space])] = String(item[item.index(after: space)...])
        }
        return fields
    }

    var hasHeader: Bool { !header.isEmpty }

    /// A header value without the pending mark.
    func value(_ label: String) -> String? {
        header[label].map { $0.hasSuffix("*") ? String($0.dropLast()) : $0 }
    }

    /// Whether the header shows `label` as requested but not yet applied by the engine.
    func isPending(_ label: String) -> Bool {
        header[label]?.hasSuffix("*") ?? false
    }

    /// The second header line.
    var statusLine: String? {
        guard hasHeader, lines.count > 1, lines[1].hasPrefix("step ") else { return nil }
        return lines[1]
    }

    /// The engine's step counter.
    var step: Int? {
        guard let line = statusLine else { return nil }
        return Int(line.dropFirst("step ".count).prefix { $0.isNumber })
    }

    var isPaused: Bool { statusLine?.contains("paused") ?? false }
    var isRunning: Bool { statusLine?.contains("running") ?? false }

    /// The throttle as shown after `limit ` (`unlimited`, `20/s`).
    var limit: String? {
        guard let line = statusLine, let range = line.range(of: "  limit ") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != " " })
    }

    /// The whitespace-separated words of each line.
    var words: [[String]] {
        lines.map { $0.split(separator: " ").map(String.init) }
    }
}
