/// Drawing helpers that keep widgets inside their rectangle: every write is clipped to it.
extension CellGrid {
    /// Paints every cell of `rect` with `cell` (a widget clears its own area before drawing).
    public mutating func clear(_ rect: Rect, with cell: Cell = .blank) {
        fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, with: cell)
    }

    /// Writes `text` at column `column` (relative to `rect`) of row `row`, clipped to the rectangle.
    /// Returns the relative column after the last character that fitted.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, column: Int = 0, row: Int = 0,
                             style: CellStyle = .plain) -> Int {
        guard row >= 0, row < rect.height, column < rect.width else { return column }
        let start = max(0, column)
        var skipped = start - column
        var x = rect.x + start
        let end = rect.maxX
        let y = rect.y + row
        guard y >= 0, y < height else { return column }
        for character in text {
            if skipped > 0 { skipped -= 1; continue }
            guard x < end else { break }
            if x >= 0, x < width { self[x, y] = Cell(character, style: style) }
            x += 1
        }
        return x - rect.x
    }

    /// Writes `text` so that it ends at the right edge of row `row` of `rect` (its tail wins when too long).
    public mutating func putRight(_ text: String, in rect: Rect, row: Int = 0, style: CellStyle = .plain) {
        let count = text.count
        if count <= rect.width {
            put(text, in: rect, column: rect.width - count, row: row, style: style)
        } else {
            put(String(text.suffix(rect.width)), in: rect, column: 0, row: row, style: style)
        }
    }

    /// Writes `text` centred on row `row` of `rect`.
    public mutating func putCentered(_ text: String, in rect: Rect, row: Int = 0, style: CellStyle = .plain) {
        let count = text.count
        put(text, in: rect, column: max(0, (rect.width - count) / 2), row: row, style: style)
    }

    /// Sets one cell if it lies inside both `rect` and the grid.
    public mutating func set(_ cell: Cell, in rect: Rect, column: Int, row: Int) {
        guard column >= 0, row >= 0, column < rect.width, row < rect.height else { return }
        let x = rect.x + column
        let y = rect.y + row
        guard contains(x: x, y: y) else { return }
        self[x, y] = cell
    }
}
