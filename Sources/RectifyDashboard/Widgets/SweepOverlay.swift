import RectifyEngine
import TerminalCanvas

/// The `w` overlay: a capacity-factor sweep of the current workload as two terminal charts, the
/// drop rate left after IR and the padding left after FR, one line per mode against capacity factor.
///
/// Lines are braille dots in Unicode (two by four points a cell) and dots in ASCII; every computed
/// point carries its mode's marker letter, so the lines tell apart without colour too.
enum SweepOverlay {
    /// The marker letter of each mode at its points, and in the legend (the scheme table's).
    static func marker(_ mode: RectifyMode) -> Character { mode.style.marker }

    static func style(_ mode: RectifyMode, palette: Palette) -> CellStyle { palette.style(.rectify(mode)) }

    /// The box: the screen less a one-cell margin.
    static func frame(in screen: Rect) -> Rect { screen.insetBy(dx: 1, dy: 1) }

    /// Width of the y-axis labels (`100%` plus the axis line).
    static let axisWidth = 6

    /// One chart of the overlay: its titles, how its y axis reads, and the value of a point.
    struct Series {
        let long: String
        let short: String
        let axis: Axis
        let value: (SweepChart.Point) -> Double?
    }

    /// How a chart's y axis runs and labels itself.
    enum Axis {
        /// From 0 to a rounded-up share (`scale(for:)`).
        case percent
        /// From 0 to the largest step time, rounded up.
        case seconds
        /// From the smallest value to the largest (a quality file's metric).
        case plain
    }

    /// The charts in order of importance; fewer show when the screen is small.
    static func series(_ chart: SweepChart) -> [Series] {
        var all = [
            Series(long: "drop rate left after IR (lost / requested)", short: "drop rate left after IR", axis: .percent) { $0.lost },
            Series(long: "padding left after FR (empty slots / slots)", short: "padding left after FR", axis: .percent) { $0.padding },
            Series(long: "est. step time (cost model)", short: "est. step time", axis: .seconds) { $0.stepSeconds },
        ]
        let measured = chart.points.contains { row in RectifyMode.allCases.contains { row[$0].measuredQuality != nil } }
        let proxy = chart.points.contains { row in RectifyMode.allCases.contains { row[$0].outputError != nil } }
        if measured {
            all.append(Series(long: "measured quality (the preset's quality file)", short: "measured quality", axis: .plain) { $0.measuredQuality })
        } else if proxy {
            all.append(Series(long: "output error: a proxy, not model quality", short: "output error (proxy)", axis: .percent) { $0.outputError })
        }
        return all
    }

    /// The order lines are drawn in: vanilla last, so it stays visible where lines overlap.
    static let drawOrder: [RectifyMode] = RectifyMode.allCases.filter { $0 != .vanilla } + [.vanilla]

    static func draw(state: DashboardState, snapshot: EngineSnapshot, in screen: Rect, into grid: inout CellGrid,
                     theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        let box = frame(in: screen)
        guard box.width >= 20, box.height >= 6 else { return }
        grid.clear(box)
        HelpOverlay.drawBorder(box, into: &grid, theme: theme)
        grid.put(" Capacity-factor sweep ", in: box, column: 2, style: palette.title)
        let arrows = glyphs.unicode ? "←→" : "<>"
        let keys = " \(arrows) cf  Enter apply  R tune  Esc or w closes "
        grid.put(box.width - 4 >= keys.count ? keys : " Esc or w closes ", in: box, column: 2, row: box.height - 1, style: palette.label)
        let inner = box.insetBy(dx: 2, dy: 1)
        guard let chart = snapshot.sweep else {
            grid.put("starting the sweep" + (glyphs.unicode ? "…" : "..."), in: inner, style: palette.label)
            return
        }
        grid.put(status(chart, glyphs: glyphs), in: inner, style: chart.failure == nil ? palette.value : palette.error)
        drawLegend(in: inner.row(1), into: &grid, theme: theme)
        let recommendation = state.sweepRecommending ? chart.recommendation(state.tuningTargets) : nil
        let cursor = recommendation.flatMap { r in chart.factors.firstIndex(of: r.choice.capacityFactor) }
            ?? SweepTuning.cursor(state, in: chart.factors)
        let hasLine = inner.height >= 5
        if hasLine {
            drawCursorLine(state: state, chart: chart, cursor: cursor, recommendation: recommendation,
                           in: inner.row(inner.height - 1), into: &grid, theme: theme)
        }
        let area = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: max(0, inner.height - 2 - (hasLine ? 1 : 0)))
        let all = series(chart)
        // Two columns when they fit; rows of charts as the height allows (each wants 6 rows).
        let columns = area.width >= 2 * 24 + 3 ? 2 : 1
        let rows = max(1, min((all.count + columns - 1) / columns, (area.height + 1) / 7))
        var panes: [Rect] = []
        var rest = area
        for row in 0..<rows {
            let split = rest.splitTop(row == rows - 1 ? rest.height : (rest.height - (rows - row - 1)) / (rows - row))
            panes += columns == 2 ? split.top.columns(2, gap: 3) : [split.top]
            rest = Rect(x: split.rest.x, y: split.rest.y + 1, width: split.rest.width, height: max(0, split.rest.height - 1))
        }
        let marks = Marks(current: state.config.capacityFactor, cursor: chart.factors.indices.contains(cursor) ? chart.factors[cursor] : nil)
        for (series, pane) in zip(all, panes) {
            let title = pane.width >= series.long.count ? series.long : series.short
            drawChart(title: title, chart: chart, series: series, marks: marks, in: pane, into: &grid, theme: theme)
        }
    }

    /// The current factor's marker line and the cursor's highlighted column.
    struct Marks {
        let current: CapacityFactor
        let cursor: CapacityFactor?
    }

    /// The figures of every mode at the cursor's factor, or the recommendation `R` asked for.
    static func drawCursorLine(state: DashboardState, chart: SweepChart, cursor: Int, recommendation: Recommendation?,
                               in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        if state.sweepRecommending {
            let full = recommendation.map { "R: \($0.summary) Enter applies" }
            let short = recommendation.map { r in
                "R: cf \(r.choice.capacityFactor) \(r.mode.label)\(r.meetsTargets ? "" : " (closest)") lost \(Recommendation.percent(r.choice.lost)) "
                    + "pad \(Recommendation.percent(r.choice.padding)), Enter applies"
            }
            let text = (full.map { $0.count <= rect.width } ?? false ? full : short)
                ?? (chart.failure == nil ? "R: the recommendation comes when the sweep completes (\(chart.done)/\(chart.factors.count))"
                                         : "R: no recommendation, the sweep failed")
            grid.put(text, in: rect, style: recommendation?.meetsTargets == false ? palette.error : palette.notice)
            return
        }
        guard chart.factors.indices.contains(cursor) else { return }
        let factor = chart.factors[cursor]
        var column = grid.put("cf \(factor)\(factor == state.config.capacityFactor ? " (now)" : ""): ", in: rect, style: palette.value)
        guard cursor < chart.points.count else {
            grid.put("not computed yet", in: rect, column: column, style: palette.label)
            return
        }
        let row = chart.points[cursor]
        let unknown = glyphs.unknown
        // Long: `vanilla lost 3.1% pad 8.0% 92µs`; short: `v 3.1%/8.0%`.
        let long = RectifyMode.allCases.map { mode in
            "\(mode.label) lost \(Format.percent(row[mode].lost, unknown: unknown)) pad \(Format.percent(row[mode].padding, unknown: unknown)) "
                + Format.duration(row[mode].stepSeconds, glyphs: glyphs)
        }
        let short = RectifyMode.allCases.map { mode in
            "\(marker(mode)) \(Format.percent(row[mode].lost, unknown: unknown))/\(Format.percent(row[mode].padding, unknown: unknown))"
        }
        let fitsLong = column + long.reduce(0) { $0 + $1.count + 2 } <= rect.width
        let parts = fitsLong ? long : short
        for (mode, text) in zip(RectifyMode.allCases, parts) {
            column = grid.put(text, in: rect, column: column, style: style(mode, palette: palette)) + 2
        }
        if !fitsLong { grid.put("(lost/pad)", in: rect, column: column, style: palette.label) }
    }

    /// `computing 5/12 factors [#####.....]`, or what was swept once complete.
    static func status(_ chart: SweepChart, glyphs: Glyphs) -> String {
        if let failure = chart.failure { return "sweep failed: \(failure)" }
        let total = chart.factors.count
        let what = "\(chart.presetName), \(chart.batches) batches per factor"
        guard !chart.isComplete else { return "\(total) capacity factors, \(what)" }
        let width = 12
        let filled = total > 0 ? chart.done * width / total : 0
        let bar = String(repeating: glyphs.unicode ? "█" : "#", count: filled)
            + String(repeating: glyphs.unicode ? "░" : ".", count: width - filled)
        return "computing \(chart.done)/\(total) factors [\(bar)] \(what)"
    }

    static func drawLegend(in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        var column = 0
        for mode in RectifyMode.allCases {
            let text = "\(marker(mode)) \(mode.label)"
            grid.put(text, in: rect, column: column, style: style(mode, palette: palette))
            column += text.count + 3
        }
        // Vanilla and FR lose the same drops, vanilla and IR leave the same padding: say which shows.
        let note = "(vanilla drawn on top; \(currentMark(theme.glyphs)) current cf)"
        if column + note.count <= rect.width { grid.put(note, in: rect, column: column, style: palette.label) }
    }

    /// A rounded-up top for the y axis: 1%, 2%, 5%, 10%, 20%, 50%, 100% of the largest value.
    static func scale(for maximum: Double) -> Double {
        for top in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5] where maximum <= top { return top }
        return max(1, maximum)
    }

    /// The y range of a chart and its labels.
    static func range(_ axis: Axis, values: [Double]) -> (low: Double, top: Double) {
        let maximum = values.max() ?? 0
        switch axis {
        case .percent: return (0, scale(for: maximum))
        case .seconds: return (0, maximum > 0 ? maximum * 1.1 : 1e-3)
        case .plain:
            let minimum = values.min() ?? 0
            return minimum < maximum ? (minimum, maximum) : (minimum - 1, maximum + 1)
        }
    }

    static func label(_ value: Double, _ axis: Axis, glyphs: Glyphs) -> String {
        switch axis {
        case .percent: return Format.percent(value, unknown: glyphs.unknown)
        case .seconds: return Format.duration(value, glyphs: glyphs)
        case .plain: return Format.decimal(value, places: abs(value) >= 100 ? 0 : 2)
        }
    }

    static func drawChart(title: String, chart: SweepChart, series: Series, marks: Marks, in rect: Rect,
                          into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        guard rect.height >= 1 else { return }
        grid.put(title, in: rect, style: palette.title)
        // Title, plot, x axis, x labels.
        let plotHeight = rect.height - 3
        let plot = Rect(x: rect.x + axisWidth, y: rect.y + 1, width: rect.width - axisWidth, height: max(0, plotHeight))
        guard plotHeight >= 1, plot.width >= 4, let first = chart.factors.first, let last = chart.factors.last else { return }
        let (low, top) = range(series.axis, values: chart.points.flatMap { p in RectifyMode.allCases.compactMap { series.value(p[$0]) } })
        let vertical = glyphs.boxVertical
        for row in 0..<plotHeight {
            let text: String
            if row == 0 {
                text = label(top, series.axis, glyphs: glyphs)
            } else if row == plotHeight - 1 {
                text = label(low, series.axis, glyphs: glyphs)
            } else if plotHeight >= 5 && row == plotHeight / 2 {
                text = label(low + (top - low) * Double(plotHeight - 1 - row) / Double(plotHeight - 1), series.axis, glyphs: glyphs)
            } else {
                text = ""
            }
            let line = Rect(x: rect.x, y: plot.y + row, width: axisWidth, height: 1)
            grid.put(Format.right(text, axisWidth - 1), in: line, style: palette.label)
            grid.set(Cell(vertical, style: palette.label), in: line, column: axisWidth - 1, row: 0)
        }
        // The x axis and its labels: first, last, and 1.0 where it falls inside.
        let axisRow = Rect(x: rect.x, y: plot.maxY, width: rect.width, height: 1)
        let corner = glyphs.boxCorners[2]
        grid.set(Cell(corner, style: palette.label), in: axisRow, column: axisWidth - 1, row: 0)
        for column in 0..<plot.width {
            grid.set(Cell(glyphs.boxHorizontal, style: palette.label), in: axisRow, column: axisWidth + column, row: 0)
        }
        let labelRow = Rect(x: rect.x, y: plot.maxY + 1, width: rect.width, height: 1)
        let span = Double(last.tenThousandths - first.tenThousandths)
        func column(of factor: CapacityFactor, points: Int) -> Int {
            guard span > 0 else { return 0 }
            let fraction = min(1, max(0, Double(factor.tenThousandths - first.tenThousandths) / span))
            return Int((fraction * Double(points - 1)).rounded())
        }
        grid.put(first.description, in: labelRow, column: axisWidth, style: palette.label)
        let lastText = last.description
        grid.put(lastText, in: labelRow, column: max(axisWidth, rect.width - lastText.count), style: palette.label)
        let one = CapacityFactor(tenThousandths: 10_000)
        if one > first, one < last {
            let x = axisWidth + column(of: one, points: plot.width)
            if x - 1 > axisWidth + first.description.count, x + 3 < rect.width - lastText.count {
                grid.put(one.description, in: labelRow, column: x - 1, style: palette.label)
            }
        }
        let name = "capacity factor"
        let middle = axisWidth + (plot.width - name.count) / 2
        if middle > axisWidth + first.description.count + 1, middle + name.count < rect.width - lastText.count - 1 {
            grid.put(name, in: labelRow, column: middle, style: palette.label)
        }
        // The lines, vanilla last, then the markers on top.
        var canvas = DotCanvas(columns: plot.width, rows: plotHeight, braille: glyphs.unicode)
        let width = canvas.width, height = canvas.height
        var owner = [RectifyMode?](repeating: nil, count: plot.width * plotHeight)
        func pixel(_ index: Int, _ mode: RectifyMode) -> (Int, Int)? {
            guard let value = series.value(chart.points[index][mode]) else { return nil }
            let x = column(of: chart.factors[index], points: width)
            let fraction = min(1, max(0, (value - low) / (top - low)))
            return (x, Int((fraction * Double(height - 1)).rounded()))
        }
        func plotDot(_ x: Int, _ y: Int, _ mode: RectifyMode) {
            guard canvas.set(x: x, y: y) else { return }
            let cell = canvas.cell(x: x, y: y)
            owner[cell.row * plot.width + cell.column] = mode
        }
        for mode in drawOrder {
            for index in 1..<max(1, chart.points.count) {
                guard let (x0, y0) = pixel(index - 1, mode), let (x1, y1) = pixel(index, mode) else { continue }
                let steps = max(abs(x1 - x0), abs(y1 - y0), 1)
                for s in 0...steps {
                    let t = Double(s) / Double(steps)
                    plotDot(x0 + Int((Double(x1 - x0) * t).rounded()), y0 + Int((Double(y1 - y0) * t).rounded()), mode)
                }
            }
        }
        // The current factor: a dotted vertical line where no curve passes.
        let currentColumn = canvas.cell(x: column(of: marks.current, points: width), y: 0).column
        let currentInside = marks.current >= first && marks.current <= last
        for cell in 0..<owner.count {
            let cellColumn = cell % plot.width, cellRow = cell / plot.width
            if let mode = owner[cell], let character = canvas.character(column: cellColumn, row: cellRow) {
                grid.set(Cell(character, style: style(mode, palette: palette)), in: plot, column: cellColumn, row: cellRow)
            } else if currentInside, cellColumn == currentColumn {
                grid.set(Cell(currentMark(glyphs), style: palette.notice), in: plot, column: cellColumn, row: cellRow)
            }
        }
        for mode in drawOrder {
            for index in chart.points.indices {
                guard let (x, y) = pixel(index, mode) else { continue }
                let cell = canvas.cell(x: x, y: y)
                grid.set(Cell(marker(mode), style: style(mode, palette: palette)), in: plot,
                         column: cell.column, row: cell.row)
            }
        }
        // The cursor: its column in reverse video, whatever is drawn there.
        if let cursor = marks.cursor {
            let cursorColumn = canvas.cell(x: column(of: cursor, points: width), y: 0).column
            for row in 0..<plotHeight {
                let x = plot.x + cursorColumn, y = plot.y + row
                guard grid.contains(x: x, y: y) else { continue }
                var cell = grid[x, y]
                cell.style.reverse = true
                grid[x, y] = cell
            }
        }
    }

    /// The glyph of the current factor's line.
    static func currentMark(_ glyphs: Glyphs) -> Character { glyphs.unicode ? "┊" : ":" }
}
