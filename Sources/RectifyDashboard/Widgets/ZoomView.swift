import TerminalCanvas

/// One GPU's bars over the whole body, in several columns when its experts do not fit one below the other.
enum ZoomView {
    /// `scroll` skips that many expert rows (clamped) when they do not all fit; `sort` orders them.
    static func draw(gpu: Int, data: ExpertData, sort: ExpertSort = .index, scroll: Int = 0, in body: Rect,
                     into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(body)
        let arrangement = ZoomArrangement.arrange(in: body, experts: data.perGPU, totalExperts: data.experts)
        let labelWidth = PanelArrangement.expertLabelWidth(experts: data.experts)
        let arrows = glyphs.unicode ? "← →" : "<- ->"
        var column = grid.put("GPU \(gpu)", in: arrangement.title, style: palette.selectedTitle)
        column = grid.put(" of \(data.gpus)  experts \(gpu * data.perGPU)-\(gpu * data.perGPU + data.perGPU - 1)"
                          + (sort == .index ? "" : " by \(sort.label)"),
                          in: arrangement.title, column: column, style: palette.label)
        // Number column headings over the last column of bars come before the key hint.
        let hint = "  (\(arrows) other GPU, Esc back)"
        if let last = arrangement.columns.last {
            let columns = BarRow.Columns(width: last.width, labelWidth: labelWidth)
            var x = last.x - arrangement.title.x + columns.loadColumn
            if x > column + hint.count + 1 { column = grid.put(hint, in: arrangement.title, column: column, style: palette.label) }
            if x > column + 1 {
                let headings = [("load", true), ("ovf", columns.showOverflow), ("pad", columns.showPadding)]
                for (heading, shown) in headings where shown {
                    grid.put(Format.right(heading, BarRow.numberWidth), in: arrangement.title, column: x, style: palette.label)
                    x += BarRow.numberWidth + 1
                }
            }
        }
        let skipped = min(max(0, scroll), data.perGPU - arrangement.shown)
        let experts = Array(data.experts(gpu: gpu, sortedBy: sort).dropFirst(skipped))
        for (index, rect) in arrangement.columns.enumerated() {
            let columns = BarRow.Columns(width: rect.width, labelWidth: labelWidth)
            for row in 0..<rect.height {
                let offset = index * arrangement.barsPerColumn + row
                guard offset < arrangement.shown, offset < experts.count else { break }
                let expert = experts[offset]
                BarRow.draw(data.values(expert: expert), expert: expert, columns: columns,
                            scale: data.scale, in: rect.row(row), into: &grid, theme: theme)
            }
        }
        var totals = arrangement.totals
        if arrangement.shown < data.perGPU {
            let note = "(\(data.perGPU - arrangement.shown) more experts: wheel scrolls, or enlarge the terminal)  "
            let end = grid.put(note, in: totals, style: palette.notice)
            totals = Rect(x: totals.x + end, y: totals.y, width: totals.width - end, height: totals.height)
        }
        GPUPanel.drawTotals(data.totals(gpu: gpu), in: totals, into: &grid, palette: palette)
    }
}
