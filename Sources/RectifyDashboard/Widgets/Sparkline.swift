import TerminalCanvas

/// A history drawn as a sparkline, newest point at the right edge, one or more rows high.
enum Sparkline {
    /// Top of the vertical scale: the smallest of these fractions that holds every visible point.
    static let scales: [Float] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]

    static func scale(for series: [SeriesHistory], points: Int) -> Float {
        var peak: Float = 0
        for history in series {
            let n = min(points, history.count)
            for i in (history.count - n)..<history.count { peak = max(peak, history[i]) }
        }
        return scales.first { $0 >= peak } ?? 1
    }

    /// `1%`, `5%`, `50%`: the scale as printed.
    static func label(_ scale: Float) -> String {
        "\(Int((scale * 100).rounded()))%"
    }

    /// Draws the newest points of `history` that fit into `rect`. With `markStyle`, a column holding
    /// a point that began a segment (new settings) gets a tick in its empty cells.
    static func draw(_ history: SeriesHistory, scale: Float, in rect: Rect, into grid: inout CellGrid,
                     glyphs: SparklineGlyphs, style: CellStyle, markStyle: CellStyle? = nil) {
        grid.clear(rect)
        guard rect.width > 0, rect.height > 0 else { return }
        let perCell = glyphs.pointsPerCell
        let levels = glyphs.levelsPerRow
        let totalLevels = levels * rect.height
        let points = min(history.count, rect.width * perCell)
        // Point p (0 = oldest shown) sits in column `offset + p / perCell` so the newest is rightmost.
        let slots = rect.width * perCell
        let firstSlot = slots - points
        func units(_ point: Int) -> Int {
            guard point >= 0, point < points else { return 0 }
            let value = history[history.count - points + point]
            guard value > 0, scale > 0 else { return 0 }
            let scaled = Int((value / scale * Float(totalLevels)).rounded())
            return min(totalLevels, max(1, scaled))
        }
        func startsSegment(_ point: Int) -> Bool {
            point >= 0 && point < points && history.startsSegment(history.count - points + point)
        }
        for column in 0..<rect.width {
            let leftSlot = column * perCell
            if let markStyle, startsSegment(leftSlot - firstSlot) || (perCell > 1 && startsSegment(leftSlot + 1 - firstSlot)) {
                for row in 0..<rect.height {
                    grid.set(Cell(glyphs.segmentMark, style: markStyle), in: rect, column: column, row: row)
                }
            }
            let left = units(leftSlot - firstSlot)
            let right = perCell > 1 ? units(leftSlot + 1 - firstSlot) : 0
            guard left > 0 || right > 0 else { continue }
            for row in 0..<rect.height {
                let base = (rect.height - 1 - row) * levels
                let l = min(levels, max(0, left - base))
                let r = min(levels, max(0, right - base))
                guard l > 0 || r > 0 else { continue }
                grid.set(Cell(glyphs.character(left: l, right: r), style: style), in: rect, column: column, row: row)
            }
        }
    }
}

extension SparklineGlyphs {
    /// The tick drawn in a sparkline column where a new segment begins.
    var segmentMark: Character { self == .ascii ? "'" : "┆" }
}
