import TerminalCanvas

/// A frame as the bytes a terminal needs to show it: each row placed with a cursor move, styles as
/// SGR colours. A recorded session (`--record`) replays as a sequence of these.
public enum ANSIFrame {
    /// Clears the screen and hides the cursor: what a recording starts (and a resize restarts) with.
    public static let start = "\u{1B}[0m\u{1B}[2J\u{1B}[?25l"

    public static func text(_ grid: CellGrid) -> String {
        var out = ""
        for y in 0..<grid.height {
            out += "\u{1B}[\(y + 1);1H"
            var current: CellStyle?
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if cell.style != current {
                    out += "\u{1B}[\(CellColors.sgr(cell.style))m"
                    current = cell.style
                }
                let value = cell.character.unicodeScalars.first?.value ?? 0x20
                out.append(value < 0x20 || value == 0x7F ? " " : cell.character)
            }
        }
        return out + "\u{1B}[0m"
    }
}
