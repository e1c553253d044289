import RectifyEngine
import TerminalCanvas

/// The main screen's histories: lost drops % and padding %, for the selected mode and its
/// baseline (vanilla; IR+FR when vanilla itself is selected), two series sharing one scale.
enum SparklinePanel {
    static let labelWidth = 14
    static let valueWidth = 7

    /// The mode a mode is compared with on screen: the first mode (no rectification), or the last
    /// (every rectification) when the first is the one selected.
    static func baseline(for mode: RectifyMode) -> RectifyMode {
        let modes = RectifyMode.allCases
        guard let first = modes.first, let last = modes.last else { return mode }
        return mode == first ? last : first
    }

    static func draw(snapshot: EngineSnapshot, mode: RectifyMode, seriesHeight: Int, in rect: Rect,
                     into grid: inout CellGrid, theme: Theme) {
        grid.clear(rect)
        let halves = rect.columns(2, gap: 2)
        let other = baseline(for: mode)
        let current = snapshot[mode]
        let reference = snapshot[other]
        drawPair(kind: "lost", current.lostHistory, reference.lostHistory, mode: mode, other: other,
                 seriesHeight: seriesHeight, in: halves[0], into: &grid, theme: theme)
        drawPair(kind: "pad", current.paddingHistory, reference.paddingHistory, mode: mode, other: other,
                 seriesHeight: seriesHeight, in: halves[1], into: &grid, theme: theme)
    }

    static func drawPair(kind: String, _ first: SeriesHistory, _ second: SeriesHistory, mode: RectifyMode,
                         other: RectifyMode, seriesHeight: Int, in rect: Rect, into grid: inout CellGrid,
                         theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        let graphWidth = max(0, rect.width - labelWidth - valueWidth)
        let scale = Sparkline.scale(for: [first, second], points: graphWidth * glyphs.sparkline.pointsPerCell)
        let bound = (glyphs.unicode ? "≤" : "<=") + Sparkline.label(scale)
        let rows: [(String, RectifyMode, SeriesHistory, CellStyle)] = [
            (kind, mode, first, palette.seriesCurrent),
            (bound, other, second, palette.seriesBaseline),
        ]
        for (index, (tag, seriesMode, history, style)) in rows.enumerated() {
            let top = rect.y + index * seriesHeight
            guard top < rect.maxY else { break }
            let block = Rect(x: rect.x, y: top, width: rect.width, height: min(seriesHeight, rect.maxY - top))
            grid.put(tag, in: block, style: palette.label)
            grid.put(seriesMode.label, in: block, column: 7, style: index == 0 ? palette.value : palette.label)
            let graph = Rect(x: block.x + labelWidth, y: block.y, width: graphWidth, height: block.height)
            Sparkline.draw(history, scale: scale, in: graph, into: &grid, glyphs: glyphs.sparkline, style: style,
                           markStyle: palette.pending)
            let value = history.last.map { Format.percent(Double($0), unknown: glyphs.unknown) } ?? glyphs.unknown
            grid.putRight(value, in: Rect(x: block.maxX - valueWidth, y: block.maxY - 1, width: valueWidth, height: 1),
                          style: palette.value)
        }
    }
}
