import TerminalCanvas

/// The looks `Palette` can take: one value per colour theme and one for monochrome tiers.
extension Palette {
    private static func tint(_ color: CellColor, bold: Bool = false) -> CellStyle {
        CellStyle(foreground: color, bold: bold)
    }

    /// For a dark terminal background: the dashboard's original look.
    static let dark = Palette(
        plain: .plain, label: CellStyle(dim: true), value: CellStyle(bold: true),
        title: tint(.cyan, bold: true),
        selectedTitle: CellStyle(foreground: .black, background: .cyan, bold: true),
        key: tint(.cyan, bold: true), notice: tint(.yellow, bold: true), error: tint(.red, bold: true),
        running: tint(.green, bold: true), paused: tint(.yellow, bold: true), pending: tint(.yellow),
        kept: tint(.green), filled: tint(.cyan), irWork: tint(.yellow), overflow: tint(.red),
        capacityMarker: CellStyle(bold: true), overflowNumber: tint(.red, bold: true), paddingNumber: tint(.blue),
        compactOverflow: tint(.red, bold: true), compactFull: tint(.green), compactBusy: tint(.yellow),
        compactLight: tint(.blue), compactIdle: CellStyle(dim: true),
        seriesCurrent: tint(.magenta), seriesBaseline: tint(.white), border: tint(.cyan),
        recovered: tint(.magenta), headline: CellStyle(bold: true), better: tint(.green, bold: true),
        worse: tint(.red, bold: true), caption: tint(.yellow, bold: true))

    /// For a light (white) terminal background, on the terminal's own background and text colour:
    /// yellow, cyan, white and dim (grey) text read poorly on white, so their roles take blue,
    /// magenta or the terminal's text colour; green stays for bar segments only.
    static let light = Palette(
        plain: .plain, label: .plain, value: CellStyle(bold: true),
        title: tint(.blue, bold: true),
        selectedTitle: CellStyle(foreground: .white, background: .blue, bold: true),
        key: tint(.blue, bold: true), notice: tint(.magenta, bold: true), error: tint(.red, bold: true),
        running: tint(.blue, bold: true), paused: tint(.magenta, bold: true), pending: tint(.magenta),
        kept: tint(.green), filled: tint(.blue), irWork: tint(.magenta), overflow: tint(.red),
        capacityMarker: CellStyle(bold: true), overflowNumber: tint(.red, bold: true), paddingNumber: tint(.blue),
        compactOverflow: tint(.red, bold: true), compactFull: tint(.green), compactBusy: tint(.magenta),
        compactLight: tint(.blue), compactIdle: .plain,
        seriesCurrent: tint(.magenta), seriesBaseline: .plain, border: tint(.blue),
        recovered: tint(.magenta, bold: true), headline: CellStyle(bold: true), better: tint(.green, bold: true),
        worse: tint(.red, bold: true), caption: tint(.magenta, bold: true))

    /// Without colour (`--no-color`, `NO_COLOR`, a terminal without colours), under every theme:
    /// glyphs tell bar segments apart, bold, dim and reverse video the rest.
    static let monochrome = Palette(
        plain: .plain, label: CellStyle(dim: true), value: CellStyle(bold: true),
        title: CellStyle(bold: true), selectedTitle: CellStyle(bold: true, reverse: true),
        key: CellStyle(bold: true), notice: CellStyle(bold: true), error: CellStyle(bold: true),
        running: CellStyle(bold: true), paused: CellStyle(bold: true), pending: .plain,
        kept: .plain, filled: .plain, irWork: .plain, overflow: .plain,
        capacityMarker: CellStyle(bold: true), overflowNumber: CellStyle(bold: true), paddingNumber: .plain,
        compactOverflow: CellStyle(bold: true), compactFull: .plain, compactBusy: .plain,
        compactLight: .plain, compactIdle: CellStyle(dim: true),
        seriesCurrent: .plain, seriesBaseline: CellStyle(dim: true), border: .plain,
        recovered: .plain, headline: CellStyle(bold: true), better: CellStyle(bold: true),
        worse: CellStyle(bold: true), caption: CellStyle(bold: true))
}
