import CNcursesw
import TerminalCanvas

extension CursesScreen {
    /// Draws a whole frame: erase, every cell in runs of equal style, refresh. ncurses compares
    /// with what is on screen and sends only the differences.
    func draw(_ grid: CellGrid) {
        werase(window)
        let (columns, rows) = size
        let width = min(grid.width, columns)
        for y in 0..<min(grid.height, rows) {
            var x = 0
            while x < width {
                let start = x
                let style = grid[x, y].style
                var run = ""
                while x < width, grid[x, y].style == style {
                    run.append(Self.displayable(grid[x, y].character, unicode: tier.unicode))
                    x += 1
                }
                apply(style)
                // Writing the bottom-right cell reports ERR (the cursor cannot move on) but draws it.
                mvwaddstr(window, Int32(y), Int32(start), run)
            }
        }
        rc_set_style(window, rc_attr_normal(), 0)
        wrefresh(window)
    }

    private func apply(_ style: CellStyle) {
        var attributes = rc_attr_normal()
        if style.bold { attributes |= rc_attr_bold() }
        if style.reverse { attributes |= rc_attr_reverse() }
        if style.dim { attributes |= rc_attr_dim() }
        let pair = palette?.pair(foreground: style.foreground, background: style.background) ?? 0
        rc_set_style(window, attributes, pair)
    }

    /// A character that occupies exactly one column in this tier: control characters become
    /// spaces; wide, zero-width and (in ASCII) non-ASCII characters become `?`, so a stray glyph
    /// can never shift the rest of the row.
    static func displayable(_ character: Character, unicode: Bool) -> Character {
        guard let first = character.unicodeScalars.first else { return " " }
        let value = first.value
        if value < 0x20 || value == 0x7F { return " " }
        if value < 0x80 && character.unicodeScalars.count == 1 { return character }
        guard unicode, value >= 0xA0, rc_wcwidth(value) == 1 else { return "?" }
        return character
    }
}
