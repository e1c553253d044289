import TerminalCanvas

/// The compact view: one entry per GPU with one cell per expert, glyphed and coloured by how full
/// its buffer is (overflow marked), and a summary of the GPU's totals.
enum CompactGrid {
    enum CellClass: Equatable {
        case overflow, recovered, full, busy, light, idle
    }

    /// How an expert reads in the compact view: overflow when its demand as a whole exceeds its
    /// buffer (a few drops from one uneven source GPU alone do not mark it), else how full it is.
    static func classify(_ v: BarRow.Values) -> CellClass {
        if v.overflow > 0, v.kept + v.overflow > v.capacity { return v.allRecovered ? .recovered : .overflow }
        let used = v.kept + v.filled
        if used == 0 { return v.irWork > 0 ? .light : .idle }
        if used >= v.capacity { return .full }
        return 2 * used >= v.capacity ? .busy : .light
    }

    static func cell(_ v: BarRow.Values, theme: Theme) -> Cell {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        switch classify(v) {
        case .overflow: return Cell(glyphs.compactOverflow, style: palette.compactOverflow)
        case .recovered: return Cell(glyphs.compactRecovered, style: palette.recovered)
        case .idle: return Cell(glyphs.compactIdle, style: palette.compactIdle)
        case .full: return Cell(glyphs.compactLevels[glyphs.compactLevels.count - 1], style: palette.compactFull)
        case .busy, .light:
            let levels = glyphs.compactLevels.count
            let used = v.kept + v.filled
            let index = min(levels - 1, max(0, (used * levels + v.capacity - 1) / max(1, v.capacity) - 1))
            return Cell(glyphs.compactLevels[index], style: classify(v) == .busy ? palette.compactBusy : palette.compactLight)
        }
    }

    static func draw(_ arrangement: CompactArrangement, data: ExpertData, selectedGPU: Int, in body: Rect,
                     into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(body)
        let labelWidth = CompactArrangement.labelWidth(gpus: data.gpus)
        for (index, entry) in arrangement.entries.enumerated() {
            let gpu = arrangement.firstGPU + index
            let selected = gpu == selectedGPU
            let label = Format.left("g\(gpu)", labelWidth - 1)
            grid.put(label, in: entry, style: selected ? palette.selectedTitle : palette.title)
            let first = gpu * data.perGPU
            let perRow = max(1, arrangement.cellsPerRow)
            for e in 0..<data.perGPU {
                grid.set(cell(data.values(expert: first + e), theme: theme), in: entry,
                         column: labelWidth + e % perRow, row: e / perRow)
            }
            if arrangement.summaryWidth > 1 {
                let x = entry.x + labelWidth + perRow + 1
                let summary = Rect(x: x, y: entry.y, width: entry.maxX - x, height: 1)
                drawSummary(data.totals(gpu: gpu), in: summary, into: &grid, palette: palette)
            }
        }
        if let note = arrangement.note, !arrangement.entries.isEmpty {
            let last = arrangement.visibleGPUs.upperBound - 1
            let arrows = glyphs.unicode ? "← →" : "<- ->"
            grid.put("GPUs \(arrangement.firstGPU)-\(last) of \(data.gpus)  (\(arrows) PgUp PgDn scroll, z zooms)",
                     in: note, style: palette.label)
        }
    }

    /// `ovf 12 pad 3 IR 4 FR 5 ld 1.2k`, as many as fit.
    static func drawSummary(_ totals: GPUTotals, in rect: Rect, into grid: inout CellGrid, palette: Palette) {
        GPUPanel.drawFields([
            ("ovf", totals.overflow, totals.overflow > 0 ? palette.overflowNumber : palette.value),
            ("pad", totals.padding, palette.value),
            ("IR", totals.irWork, palette.value),
            ("FR", totals.filled, palette.value),
            ("ld", totals.load, palette.value),
        ], in: rect, into: &grid, palette: palette)
    }

    /// The body needs this many rows before it gives one to the legend.
    static let legendMinimumBodyHeight = 6

    /// The compact cells' key on one row: sample cell and word, as many as fit whole.
    static func drawLegend(in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        grid.clear(rect)
        var column = 0
        for item in LegendItem.compactItems {
            let sample = HelpOverlay.legendSample(item, theme: theme)
            let word = item.shortText
            guard column + sample.count + 1 + word.count <= rect.width else { break }
            for (index, cell) in sample.enumerated() { grid.set(cell, in: rect, column: column + index, row: 0) }
            grid.put(word, in: rect, column: column + sample.count + 1, style: theme.palette.label)
            column += sample.count + 1 + word.count + 2
        }
    }
}
