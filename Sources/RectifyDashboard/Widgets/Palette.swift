import TerminalCanvas

/// The styles widgets draw with; colours only when the display tier has them.
struct Palette {
    let color: Bool

    init(_ options: DisplayOptions) { color = options.color }

    private func tint(_ c: CellColor, bold: Bool = false, dim: Bool = false) -> CellStyle {
        CellStyle(foreground: color ? c : .standard, bold: bold, dim: dim)
    }

    var plain: CellStyle { .plain }
    var label: CellStyle { CellStyle(dim: true) }
    var value: CellStyle { CellStyle(bold: true) }
    var title: CellStyle { tint(.cyan, bold: true) }
    var selectedTitle: CellStyle { CellStyle(foreground: color ? .black : .standard, background: color ? .cyan : .standard,
                                             bold: true, reverse: !color) }
    var key: CellStyle { tint(.cyan, bold: true) }
    var notice: CellStyle { tint(.yellow, bold: true) }
    var error: CellStyle { tint(.red, bold: true) }
    var running: CellStyle { tint(.green, bold: true) }
    var paused: CellStyle { tint(.yellow, bold: true) }
    var pending: CellStyle { tint(.yellow) }

    var kept: CellStyle { tint(.green) }
    var filled: CellStyle { tint(.cyan) }
    var irWork: CellStyle { tint(.yellow) }
    var overflow: CellStyle { tint(.red) }
    var capacityMarker: CellStyle { CellStyle(bold: true) }
    var overflowNumber: CellStyle { tint(.red, bold: true) }
    var paddingNumber: CellStyle { tint(.blue) }

    var compactOverflow: CellStyle { tint(.red, bold: true) }
    var compactFull: CellStyle { tint(.green) }
    var compactBusy: CellStyle { tint(.yellow) }
    var compactLight: CellStyle { tint(.blue) }
    var compactIdle: CellStyle { CellStyle(dim: true) }

    /// The selected mode's series and the vanilla baseline in sparklines.
    var seriesCurrent: CellStyle { tint(.magenta) }
    var seriesBaseline: CellStyle { tint(.white, dim: !color) }
    var border: CellStyle { tint(.cyan) }

    /// Overflow IR recovered, apart from the overflow still lost (red).
    var recovered: CellStyle { tint(.magenta) }
    /// The headline strip: its figures, the shown mode's better or worse than vanilla, and the
    /// tour's caption.
    var headline: CellStyle { CellStyle(bold: true) }
    var better: CellStyle { tint(.green, bold: true) }
    var worse: CellStyle { tint(.red, bold: true) }
    var caption: CellStyle { tint(.yellow, bold: true) }
}
