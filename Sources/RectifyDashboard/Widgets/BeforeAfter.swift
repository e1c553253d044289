import RectifyEngine
import TerminalCanvas

/// Before and after (`b`): vanilla's bars beside the mode shown's, for the same GPUs and the same
/// batch, on one scale so a bar's length means the same tokens on both sides.
enum BeforeAfter {
    static let gap = 3

    static func draw(state: DashboardState, snapshot: EngineSnapshot, in body: Rect, into grid: inout CellGrid,
                     theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(body)
        let halves = body.columns(2, gap: gap)
        guard halves.count == 2 else { return }
        let config = snapshot.config
        let peak = max(snapshot[.vanilla].peakBeyondCapacity, snapshot[state.mode].peakBeyondCapacity)
        let sides: [(RectifyMode, String)] = [(.vanilla, "before: vanilla"),
                                              (state.mode, "after: \(state.mode.label), same batch")]
        for ((mode, title), half) in zip(sides, halves) {
            let (titleRow, panels) = half.splitTop(1)
            grid.put(title, in: titleRow, style: palette.title)
            let data = ExpertData(snapshot[mode], config: config, peakBeyond: peak)
            DashboardRenderer.drawPanels(data: data, state: state, snapshot: snapshot, in: panels, into: &grid,
                                         theme: theme)
        }
        // A rule between the two sides.
        let x = halves[0].maxX + gap / 2
        for y in body.y..<body.maxY {
            grid.set(Cell(glyphs.boxVertical, style: palette.border), in: body, column: x - body.x, row: y - body.y)
        }
    }
}
