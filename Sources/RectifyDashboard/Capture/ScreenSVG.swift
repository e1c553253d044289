import TerminalCanvas

/// A frame as an SVG picture that looks like the screen: each cell's background as a rectangle,
/// its character in a monospace font in its colour, bold and dim as drawn.
///
/// Runs of cells with one style become one rectangle and one `<text>` whose `textLength` pins it
/// to the cells it covers, so a font of other proportions cannot shift the columns.
public enum ScreenSVG {
    public static let cellWidth = 9
    public static let cellHeight = 18
    static let fontSize = 15

    /// The frame painted in `theme`'s snapshot colours.
    public static func svg(_ grid: CellGrid, theme: ThemeName = .dark) -> String {
        let colors = CellColors(theme)
        let width = grid.width * cellWidth
        let height = grid.height * cellHeight
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
        viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" \
        font-size="\(fontSize)">
        <rect width="100%" height="100%" fill="\(colors.background)"/>

        """
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let start = x
                let style = grid[x, y].style
                var run = ""
                while x < grid.width, grid[x, y].style == style {
                    run.append(grid[x, y].character)
                    x += 1
                }
                out += cells(run, x: start, y: y, style: style, colors: colors)
            }
        }
        return out + "</svg>\n"
    }

    /// The background rectangle (if not the screen's) and the text (if not blank) of one run.
    static func cells(_ run: String, x: Int, y: Int, style: CellStyle, colors: CellColors) -> String {
        let (text, cell) = colors.fills(style)
        var out = ""
        let left = x * cellWidth
        let top = y * cellHeight
        if cell != colors.background {
            out += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(run.count * cellWidth)\" height=\"\(cellHeight)\" fill=\"\(cell)\"/>\n"
        }
        // Trailing blanks draw nothing; leading ones keep their cells.
        var shown = Substring(run)
        while shown.last == " " { shown = shown.dropLast() }
        guard !shown.isEmpty else { return out }
        var attributes = "x=\"\(left)\" y=\"\(top + cellHeight - 5)\" fill=\"\(text)\""
        attributes += " textLength=\"\(shown.count * cellWidth)\" lengthAdjust=\"spacingAndGlyphs\""
        if style.bold { attributes += " font-weight=\"bold\"" }
        if style.dim { attributes += " opacity=\"0.6\"" }
        return out + "<text \(attributes) xml:space=\"preserve\">\(escaped(String(shown)))</text>\n"
    }

    /// Text safe inside an XML element (control characters become spaces: XML 1.0 forbids them).
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
            }
        }
        return out
    }
}
