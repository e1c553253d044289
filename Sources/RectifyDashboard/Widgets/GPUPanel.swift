import TerminalCanvas

/// One GPU: a title row (with the number column headings), one bar per expert it holds, and a
/// totals row (overflow, padding, IR work, FR fills, load).
enum GPUPanel {
    static func draw(gpu: Int, data: ExpertData, selected: Bool, sort: ExpertSort = .index, in rect: Rect,
                     into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        grid.clear(rect)
        guard rect.height >= 1 else { return }
        let labelWidth = PanelArrangement.expertLabelWidth(experts: data.experts)
        let columns = BarRow.Columns(width: rect.width, labelWidth: labelWidth)
        drawTitle(gpu: gpu, columns: columns, selected: selected, sort: sort, in: rect.row(0), into: &grid, palette: palette)
        // Presenter panels may give each expert several rows: the bar repeats below its numbers.
        let rowsPerExpert = max(1, (rect.height - 2) / max(1, data.perGPU))
        let bars = min(data.perGPU, (rect.height - 2) / rowsPerExpert)
        for (index, expert) in data.experts(gpu: gpu, sortedBy: sort).prefix(max(0, bars)).enumerated() {
            let values = data.values(expert: expert)
            let first = 1 + index * rowsPerExpert
            BarRow.draw(values, expert: expert, columns: columns, scale: data.scale, in: rect.row(first),
                        into: &grid, theme: theme)
            for extra in 1..<rowsPerExpert {
                BarRow.drawBar(values, scale: data.scale, in: columns.barRect(in: rect.row(first + extra)), into: &grid,
                               theme: theme)
            }
        }
        if rect.height >= 2 {
            drawTotals(data.totals(gpu: gpu), in: rect.row(rect.height - 1), into: &grid, palette: palette)
        }
    }

    static func drawTitle(gpu: Int, columns: BarRow.Columns, selected: Bool, sort: ExpertSort, in rect: Rect,
                          into grid: inout CellGrid, palette: Palette) {
        let name = "GPU \(gpu)"
        let end = grid.put(selected ? "[\(name)]" : name, in: rect, style: selected ? palette.selectedTitle : palette.title)
        // The sort order, when not by index, only where it fits before the number headings (which
        // are right-aligned, so a space always remains between).
        let order = " by " + sort.label
        if sort != .index, end + order.count <= columns.loadColumn {
            grid.put(order, in: rect, column: end, style: palette.label)
        }
        var column = columns.loadColumn
        let headings = [("load", true), ("ovf", columns.showOverflow), ("pad", columns.showPadding)]
        for (heading, shown) in headings where shown {
            grid.put(Format.right(heading, BarRow.numberWidth), in: rect, column: column, style: palette.label)
            column += BarRow.numberWidth + 1
        }
    }

    /// `ovf 123 pad 45 IR 67 FR 8 load 1.2k`, as many fields as fit whole.
    static func drawTotals(_ totals: GPUTotals, in rect: Rect, into grid: inout CellGrid, palette: Palette) {
        let fields: [(String, Int, CellStyle)] = [
            ("ovf", totals.overflow, totals.overflow > 0 ? palette.overflowNumber : palette.value),
            ("pad", totals.padding, palette.value),
            ("IR", totals.irWork, palette.value),
            ("FR", totals.filled, palette.value),
            ("load", totals.load, palette.value),
        ]
        drawFields(fields, in: rect, into: &grid, palette: palette)
    }

    /// Label-value pairs separated by two spaces, or one when that keeps more of them. A field shows
    /// when it would fit even if every count so far were as wide as any can be (`Format.count` is at
    /// most five characters), so which fields show depends on the width only, never on the numbers
    /// from frame to frame.
    static func drawFields(_ fields: [(String, Int, CellStyle)], in rect: Rect, into grid: inout CellGrid,
                           palette: Palette) {
        let widths = fields.map { $0.0.count + 1 + BarRow.numberWidth }
        func shown(gap: Int) -> Int {
            var used = -gap
            return widths.prefix { used += gap + $0; return used <= rect.width }.count
        }
        let (one, two) = (shown(gap: 1), shown(gap: 2))
        let gap = one > two ? 1 : 2
        var column = 0
        for (label, value, style) in fields.prefix(max(one, two)) {
            let number = Format.count(value)
            grid.put(label, in: rect, column: column, style: palette.label)
            grid.put(number, in: rect, column: column + label.count + 1, style: style)
            column += label.count + 1 + number.count + gap
        }
    }
}
