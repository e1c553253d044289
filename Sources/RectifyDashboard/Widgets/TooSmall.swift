import TerminalCanvas

/// Shown instead of the dashboard below the minimum size; `q` still quits.
enum TooSmall {
    static func message(width: Int, height: Int) -> String {
        "terminal too small: have \(width)x\(height), need \(ScreenLayout.minimumWidth)x\(ScreenLayout.minimumHeight)"
    }

    static func draw(in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        grid.clear(rect)
        let lines = wrap(message(width: rect.width, height: rect.height), width: rect.width) + wrap("q quits", width: rect.width)
        let top = max(0, (rect.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            grid.putCentered(line, in: rect, row: top + index, style: index == lines.count - 1 ? palette.label : palette.notice)
        }
    }

    /// Breaks `text` at spaces into lines at most `width` long (longer words are cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let piece = String(word.prefix(width))
            if line.isEmpty {
                line = piece
            } else if line.count + 1 + piece.count <= width {
                line += " " + piece
            } else {
                lines.append(line)
                line = piece
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
