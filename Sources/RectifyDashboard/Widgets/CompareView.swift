import RectifyEngine
import TerminalCanvas

/// All four modes side by side on the same batches: the latest step and the run so far, then
/// both sparklines on one scale across the modes so their heights compare directly.
enum CompareView {
    struct Figure: Sendable {
        let label: String
        let step: @Sendable (StepFigures, String) -> String
        let run: @Sendable (SchemeTotals, String) -> String
    }

    static let figures: [Figure] = [
        Figure(label: "drop", step: { f, u in Format.percent(f.dropRate, unknown: u) },
               run: { t, u in Format.percent(t.dropRate, unknown: u) }),
        Figure(label: "lost", step: { f, u in Format.percent(f.lostRate, unknown: u) },
               run: { t, u in Format.percent(t.lostRate, unknown: u) }),
        Figure(label: "padding", step: { f, u in Format.percent(f.paddingRate, unknown: u) },
               run: { t, u in Format.percent(t.paddingRate, unknown: u) }),
        Figure(label: "recovered", step: { f, _ in Format.count(f.recovered) }, run: { t, u in t.recovered.map(Format.count) ?? u }),
        Figure(label: "IR tokens", step: { f, _ in Format.count(f.irTokens) }, run: { t, u in t.irTokens.map(Format.count) ?? u }),
        Figure(label: "filled", step: { f, _ in Format.count(f.filled) }, run: { t, u in t.filled.map(Format.count) ?? u }),
        Figure(label: "covered", step: { f, u in Format.percent(f.coverageRate, unknown: u) },
               run: { t, u in Format.percent(t.coverageRate, unknown: u) }),
        Figure(label: "cross-GPU", step: { f, _ in Format.count(f.crossGPU) }, run: { t, _ in Format.count(t.crossGPU) }),
        Figure(label: "imbalance", step: { f, u in Format.ratio(f.imbalance, unknown: u) },
               run: { t, u in Format.ratio(t.imbalance, unknown: u) }),
        // Router-side quality: gate mass kept and handed to substitutes, how far down the IR experts rank.
        Figure(label: "intended", step: { f, u in Format.percent(f.gateMass.intendedShare, unknown: u) },
               run: { t, u in Format.percent(t.gateMass.intendedShare, unknown: u) }),
        Figure(label: "subst.", step: { f, u in Format.percent(f.gateMass.substituteShare, unknown: u) },
               run: { t, u in Format.percent(t.gateMass.substituteShare, unknown: u) }),
        Figure(label: "IR rank", step: { f, u in Format.ratio(f.gateMass.meanIntraGPURank, unknown: u) },
               run: { t, u in Format.ratio(t.gateMass.meanIntraGPURank, unknown: u) }),
    ]

    static let labelWidth = 10
    static let valueWidth = 7

    static func draw(state: DashboardState, snapshot: EngineSnapshot, layout: ScreenLayout.Compare,
                     into grid: inout CellGrid, theme: Theme) {
        let glyphs = theme.glyphs
        let modes = RectifyMode.allCases
        let graphWidth = layout.modes.map(\.width).min() ?? 0
        let points = graphWidth * glyphs.sparkline.pointsPerCell
        let lostScale = Sparkline.scale(for: modes.map { snapshot[$0].lostHistory }, points: points)
        let paddingScale = Sparkline.scale(for: modes.map { snapshot[$0].paddingHistory }, points: points)
        for (mode, rect) in zip(modes, layout.modes) {
            drawMode(snapshot[mode], selected: mode == state.mode, lostScale: lostScale, paddingScale: paddingScale,
                     in: rect, into: &grid, theme: theme)
        }
    }

    static func drawMode(_ data: ModeSnapshot, selected: Bool, lostScale: Float, paddingScale: Float, in rect: Rect,
                         into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(rect)
        let title = selected ? "[\(data.mode.label)]" : data.mode.label
        grid.put(title, in: rect, style: selected ? palette.selectedTitle : palette.title)
        let stepColumn = labelWidth + 1
        let runColumn = stepColumn + valueWidth + 1
        grid.put(Format.right("step", valueWidth), in: rect, column: stepColumn, row: 1, style: palette.label)
        grid.put(Format.right("run", valueWidth), in: rect, column: runColumn, row: 1, style: palette.label)
        let unknown = glyphs.unknown
        for (index, figure) in figures.enumerated() {
            let row = 2 + index
            guard row < rect.height else { break }
            grid.put(figure.label, in: rect, row: row, style: palette.label)
            let step = data.latest.map { figure.step($0, unknown) } ?? unknown
            let run = data.totals.steps > 0 ? figure.run(data.totals, unknown) : unknown
            grid.put(Format.right(step, valueWidth), in: rect, column: stepColumn, row: row, style: palette.value)
            grid.put(Format.right(run, valueWidth), in: rect, column: runColumn, row: row, style: palette.value)
        }
        // What is left below the figures: two sparklines with a label row each.
        let top = 2 + figures.count
        let remaining = rect.height - top
        guard remaining >= 4 else { return }
        let graphRows = (remaining - 2) / 2
        let bound = glyphs.unicode ? "≤" : "<="
        let series: [(String, SeriesHistory, Float)] = [
            ("lost %", data.lostHistory, lostScale), ("padding %", data.paddingHistory, paddingScale),
        ]
        for (index, (label, history, scale)) in series.enumerated() {
            let y = rect.y + top + index * (graphRows + 1)
            let labelRow = Rect(x: rect.x, y: y, width: rect.width, height: 1)
            grid.put(label, in: labelRow, style: palette.label)
            let value = history.last.map { Format.percent(Double($0), unknown: unknown) } ?? unknown
            grid.putRight("\(value)  \(bound)\(Sparkline.label(scale))", in: labelRow, style: palette.value)
            let graph = Rect(x: rect.x, y: y + 1, width: rect.width, height: graphRows)
            Sparkline.draw(history, scale: scale, in: graph, into: &grid, glyphs: glyphs.sparkline,
                           style: selected ? palette.seriesCurrent : palette.seriesBaseline)
        }
    }
}
