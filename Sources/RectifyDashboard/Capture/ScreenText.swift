import TerminalCanvas

/// A frame as plain text: one line per row, trailing spaces dropped (what a copy of the screen gives).
public enum ScreenText {
    public static func text(_ grid: CellGrid) -> String {
        grid.lines.map { line in
            var text = Substring(line)
            while text.last == " " { text = text.dropLast() }
            return String(text)
        }.joined(separator: "\n") + "\n"
    }
}
