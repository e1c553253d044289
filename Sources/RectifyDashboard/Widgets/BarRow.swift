import TerminalCanvas

/// One expert's bar: kept and FR-filled tokens inside capacity, the capacity marker, then IR work
/// and overflow demand beyond it; the load and, when there is room, overflow and padding counts.
///
///     e12 ██████▒▒   │▓▓░░    812    40     7
///         kept filled  IR overflow  load   ovf   pad
struct BarRow {
    /// The numbers an expert's bar shows.
    struct Values: Equatable {
        var kept: Int
        var filled: Int
        var irWork: Int
        var overflow: Int
        /// Tokens the expert's buffer holds: `G * C`.
        var capacity: Int
        /// Of `overflow`, the drops IR recovered (drawn apart from the drops still lost).
        var recovered = 0

        init(kept: Int, filled: Int, irWork: Int, overflow: Int, capacity: Int, recovered: Int = 0) {
            self.kept = kept
            self.filled = filled
            self.irWork = irWork
            self.overflow = overflow
            self.capacity = capacity
            self.recovered = recovered
        }

        var load: Int { kept + filled + irWork }
        var padding: Int { max(0, capacity - kept - filled) }
        /// IR recovered every drop (none lost); the bar's clip mark and the compact cell show it.
        var allRecovered: Bool { recovered >= overflow }
    }

    /// How much of the capacity the part beyond the marker represents; one scale for every bar
    /// on screen, moving in coarse steps so bars do not jump about from step to step.
    struct Scale: Equatable {
        var capacity: Int
        var beyond: Int

        /// Beyond-capacity share of the bar: a quarter, half or all of the capacity, so the
        /// capacity marker always sits in the right half; larger overflow is clipped (`»`).
        static let ladder: [(Int, Int)] = [(1, 4), (1, 2), (1, 1)]

        init(capacity: Int, peakBeyond: Int) {
            self.capacity = max(1, capacity)
            let cap = self.capacity
            var chosen = cap
            for (numerator, denominator) in Self.ladder {
                let candidate = (cap * numerator + denominator - 1) / denominator
                if candidate >= peakBeyond { chosen = candidate; break }
            }
            beyond = max(1, chosen)
        }
    }

    /// Number columns (load, overflow, padding) are this wide.
    static let numberWidth = 5

    /// Which number columns fit beside a bar in a row `width` wide.
    struct Columns: Equatable {
        var label: Int
        var bar: Int
        var showOverflow: Bool
        var showPadding: Bool

        init(width: Int, labelWidth: Int) {
            label = labelWidth
            var bar = width - labelWidth - 1 - 1 - BarRow.numberWidth
            showOverflow = bar - (BarRow.numberWidth + 1) >= 12
            if showOverflow { bar -= BarRow.numberWidth + 1 }
            showPadding = bar - (BarRow.numberWidth + 1) >= 12
            if showPadding { bar -= BarRow.numberWidth + 1 }
            self.bar = max(0, bar)
        }

        /// Where the load column starts, relative to the row.
        var loadColumn: Int { label + 1 + bar + 1 }

        /// The bar's cells in `row` (a panel row): after the label, at most `bar` wide.
        func barRect(in row: Rect) -> Rect {
            Rect(x: row.x + label + 1, y: row.y, width: min(bar, max(0, row.width - label - 1)), height: 1)
        }
    }

    /// Draws expert `expert`'s row into `rect` (one row).
    static func draw(_ values: Values, expert: Int, columns: Columns, scale: Scale, in rect: Rect,
                     into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        grid.clear(rect)
        grid.put(Format.left("e\(expert)", columns.label), in: rect, style: palette.label)
        drawBar(values, scale: scale, in: columns.barRect(in: rect), into: &grid, theme: theme)
        var column = columns.loadColumn
        grid.put(Format.right(Format.count(values.load), numberWidth), in: rect, column: column, style: palette.value)
        column += numberWidth + 1
        if columns.showOverflow {
            if values.overflow > 0 {
                grid.put(Format.right(Format.count(values.overflow), numberWidth), in: rect, column: column,
                         style: palette.overflowNumber)
            }
            column += numberWidth + 1
        }
        if columns.showPadding, values.padding > 0 {
            grid.put(Format.right(Format.count(values.padding), numberWidth), in: rect, column: column,
                     style: palette.paddingNumber)
        }
    }

    /// The bar alone: `inside` cells for capacity, one marker cell, `outside` cells beyond.
    static func drawBar(_ values: Values, scale: Scale, in rect: Rect, into grid: inout CellGrid,
                        theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        guard rect.width >= 3 else { return }
        let usable = rect.width - 1
        let inside = max(1, min(usable - 1, (usable * scale.capacity + (scale.capacity + scale.beyond) / 2)
                                                / (scale.capacity + scale.beyond)))
        let outside = usable - inside
        // Cumulative rounding so segments add up exactly; a non-zero segment gets at least one cell.
        /// Segments from `start`, each up to its end (ends in order), then padding up to `width` cells.
        func paintSegments(_ segments: [(cell: Cell, end: Int)], width: Int, from start: Int) {
            for column in 0..<max(0, width) {
                let cell = segments.first { column < $0.end }?.cell ?? Cell(glyphs.padding)
                grid.set(cell, in: rect, column: start + column, row: 0)
            }
        }
        func cells(_ amount: Int, of total: Int, width: Int) -> Int {
            guard amount > 0, total > 0 else { return 0 }
            return min(width, max(1, (amount * width + total / 2) / total))
        }
        let keptEnd = cells(values.kept, of: scale.capacity, width: inside)
        var filledEnd = cells(values.kept + values.filled, of: scale.capacity, width: inside)
        if values.filled > 0, filledEnd == keptEnd, filledEnd < inside { filledEnd += 1 }
        paintSegments([(Cell(glyphs.kept, style: palette.kept), keptEnd),
                       (Cell(glyphs.filled, style: palette.filled), filledEnd)], width: inside, from: 0)
        grid.set(Cell(glyphs.capacityMarker, style: palette.capacityMarker), in: rect, column: inside, row: 0)
        let beyondTotal = values.irWork + values.overflow
        let clipped = beyondTotal > scale.beyond
        var irEnd = cells(values.irWork, of: scale.beyond, width: outside)
        var overflowEnd = cells(beyondTotal, of: scale.beyond, width: outside)
        if values.overflow > 0 {
            // Overflow keeps at least one cell of its own, before the clip mark if there is one.
            let reserve = clipped ? 1 : 0
            irEnd = min(irEnd, max(0, outside - reserve - 1))
            overflowEnd = max(overflowEnd, min(outside, irEnd + 1 + reserve))
        }
        // The recovered part of the overflow first, in its own colour and glyph; a part still lost
        // keeps at least one red cell.
        let overflowCells = min(overflowEnd, outside) - irEnd
        var recoveredCells = 0
        if values.recovered > 0, values.overflow > 0, overflowCells > 0 {
            recoveredCells = cells(values.recovered, of: values.overflow, width: overflowCells)
            if !values.allRecovered { recoveredCells = min(recoveredCells, overflowCells - 1) }
        }
        paintSegments([(Cell(glyphs.irWork, style: palette.irWork), irEnd),
                       (Cell(glyphs.recovered, style: palette.recovered), irEnd + max(0, recoveredCells)),
                       (Cell(glyphs.overflow, style: palette.overflow), overflowEnd)], width: outside, from: inside + 1)
        if clipped, outside > 0 {
            let style = values.overflow == 0 ? palette.irWork
                : values.allRecovered ? palette.recovered : palette.overflow
            grid.set(Cell(glyphs.clipped, style: style), in: rect, column: inside + outside, row: 0)
        }
    }
}
