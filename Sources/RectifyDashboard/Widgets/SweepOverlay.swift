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

    static func draw(state: DashboardState, snapshot: EngineSnapshot, in screen: Rect, into grid: inout CellGrid,
                     theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        let box = frame(in: screen)
        guard box.width >= 20, box.height >= 6 else { return }
        grid.clear(box)
        HelpOverlay.drawBorder(box, into: &grid, theme: theme)
        grid.put(" Capacity-factor sweep ", in: box, column: 2, style: palette.title)
        grid.put(" Esc or w closes ", in: box, column: 2, row: box.height - 1, style: palette.label)
        let inner = box.insetBy(dx: 2, dy: 1)
        guard let chart = snapshot.sweep else {
            grid.put("starting the sweep" + (glyphs.unicode ? "…" : "..."), in: inner, style: palette.label)
            return
        }
        grid.put(status(chart, glyphs: glyphs), in: inner, style: chart.failure == nil ? palette.value : palette.error)
        drawLegend(in: inner.row(1), into: &grid, theme: theme)
        let area = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: max(0, inner.height - 2))
        let panes: [Rect]
        // Side by side when wide, or when stacking would leave each plot too few rows.
        if area.width >= 2 * 40 + 3 || (area.height < 12 && area.width >= 2 * 24 + 3) {
            panes = area.columns(2, gap: 3)
        } else {
            let split = area.splitTop((area.height + 1) / 2)
            panes = [split.top, split.rest]
        }
        let series: [(String, String, (SweepChart.Point) -> Double)] = [
            ("drop rate left after IR (lost / requested)", "drop rate left after IR", { $0.lost }),
            ("padding left after FR (empty slots / slots)", "padding left after FR", { $0.padding }),
        ]
        for ((long, short, value), pane) in zip(series, panes) {
            let title = pane.width >= long.count ? long : short
            drawChart(title: title, chart: chart, value: value, in: pane, into: &grid, theme: theme)
        }
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
        let note = "(where lines meet, the later mode shows)"
        if column + note.count <= rect.width { grid.put(note, in: rect, column: column, style: palette.label) }
    }

    /// A rounded-up top for the y axis: 1%, 2%, 5%, 10%, 20%, 50%, 100% of the largest value.
    static func scale(for maximum: Double) -> Double {
        for top in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5] where maximum <= top { return top }
        return max(1, maximum)
    }

    static func drawChart(title: String, chart: SweepChart, value: (SweepChart.Point) -> Double, in rect: Rect,
                          into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        guard rect.height >= 1 else { return }
        grid.put(title, in: rect, style: palette.title)
        // Title, plot, x axis, x labels.
        let plotHeight = rect.height - 3
        let plot = Rect(x: rect.x + axisWidth, y: rect.y + 1, width: rect.width - axisWidth, height: max(0, plotHeight))
        guard plotHeight >= 1, plot.width >= 4, let first = chart.factors.first, let last = chart.factors.last else { return }
        let top = scale(for: chart.points.flatMap { p in RectifyMode.allCases.map { value(p[$0]) } }.max() ?? 0)
        let vertical = glyphs.boxVertical
        for row in 0..<plotHeight {
            let label: String
            if row == 0 {
                label = Format.percent(top, unknown: glyphs.unknown)
            } else if row == plotHeight - 1 {
                label = "0%"
            } else if plotHeight >= 5 && row == plotHeight / 2 {
                label = Format.percent(top * Double(plotHeight - 1 - row) / Double(plotHeight - 1), unknown: glyphs.unknown)
            } else {
                label = ""
            }
            let line = Rect(x: rect.x, y: plot.y + row, width: axisWidth, height: 1)
            grid.put(Format.right(label, axisWidth - 1), in: line, style: palette.label)
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
            return Int((Double(factor.tenThousandths - first.tenThousandths) / span * Double(points - 1)).rounded())
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
        // The lines, then the markers on top.
        var canvas = DotCanvas(columns: plot.width, rows: plotHeight, braille: glyphs.unicode)
        let width = canvas.width, height = canvas.height
        var owner = [RectifyMode?](repeating: nil, count: plot.width * plotHeight)
        func pixel(_ index: Int, _ point: PerMode<SweepChart.Point>, _ mode: RectifyMode) -> (Int, Int) {
            let x = column(of: chart.factors[index], points: width)
            let fraction = min(1, max(0, value(point[mode]) / top))
            return (x, Int((fraction * Double(height - 1)).rounded()))
        }
        func plotDot(_ x: Int, _ y: Int, _ mode: RectifyMode) {
            guard canvas.set(x: x, y: y) else { return }
            let cell = canvas.cell(x: x, y: y)
            owner[cell.row * plot.width + cell.column] = mode
        }
        for mode in RectifyMode.allCases {
            for index in 1..<max(1, chart.points.count) {
                let (x0, y0) = pixel(index - 1, chart.points[index - 1], mode)
                let (x1, y1) = pixel(index, chart.points[index], mode)
                let steps = max(abs(x1 - x0), abs(y1 - y0), 1)
                for s in 0...steps {
                    let t = Double(s) / Double(steps)
                    plotDot(x0 + Int((Double(x1 - x0) * t).rounded()), y0 + Int((Double(y1 - y0) * t).rounded()), mode)
                }
            }
        }
        for cell in 0..<owner.count {
            let cellColumn = cell % plot.width, cellRow = cell / plot.width
            guard let mode = owner[cell], let character = canvas.character(column: cellColumn, row: cellRow) else { continue }
            grid.set(Cell(character, style: style(mode, palette: palette)), in: plot, column: cellColumn, row: cellRow)
        }
        for mode in RectifyMode.allCases {
            for (index, point) in chart.points.enumerated() {
                let (x, y) = pixel(index, point, mode)
                let cell = canvas.cell(x: x, y: y)
                grid.set(Cell(marker(mode), style: style(mode, palette: palette)), in: plot,
                         column: cell.column, row: cell.row)
            }
        }
    }
}
