/// Dots plotted on a block of cells: in braille two dots across and four down a cell, otherwise one
/// dot a cell shown as `.`. The sweep charts draw their lines on it and sparklines take their braille
/// bars from it, so how dots become characters is decided here only.
struct DotCanvas {
    let columns: Int
    let rows: Int
    let braille: Bool
    /// One byte per cell, row by row: the braille dot bits that are set (any bit in the ASCII tier).
    private var bits: [UInt8]

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        self.braille = braille
        bits = [UInt8](repeating: 0, count: self.columns * self.rows)
    }

    var dotsAcross: Int { braille ? 2 : 1 }
    var dotsDown: Int { braille ? 4 : 1 }
    /// The canvas's width in dots.
    var width: Int { columns * dotsAcross }
    /// The canvas's height in dots.
    var height: Int { rows * dotsDown }

    /// The cell holding dot (`x`, `y`), `y` counted up from the bottom.
    func cell(x: Int, y: Int) -> (column: Int, row: Int) {
        (x / dotsAcross, (height - 1 - y) / dotsDown)
    }

    /// Sets dot (`x`, `y`), `y` counted up from the bottom; returns `false`, setting nothing, outside the canvas.
    @discardableResult
    mutating func set(x: Int, y: Int) -> Bool {
        guard x >= 0, x < width, y >= 0, y < height else { return false }
        let (column, row) = cell(x: x, y: y)
        bits[row * columns + column] |= braille ? Self.bit(column: x % 2, row: (height - 1 - y) % 4) : 1
        return true
    }

    /// The character for a cell, `nil` when none of its dots is set.
    func character(column: Int, row: Int) -> Character? {
        let value = bits[row * columns + column]
        guard value != 0 else { return nil }
        return braille ? Self.braille(value) : "."
    }

    /// A braille cell whose left and right dot columns are filled `left` and `right` dots up from the
    /// bottom (0 to 4 each); a blank when both are empty.
    static func bars(left: Int, right: Int) -> Character {
        var value: UInt8 = 0
        for dot in 0..<min(max(0, left), 4) { value |= bit(column: 0, row: 3 - dot) }
        for dot in 0..<min(max(0, right), 4) { value |= bit(column: 1, row: 3 - dot) }
        return value == 0 ? " " : braille(value)
    }

    /// Braille dot bits by dot column, then dot row from the top: dots 1, 2, 3, 7 left; 4, 5, 6, 8 right.
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    private static func bit(column: Int, row: Int) -> UInt8 { dotBits[column][row] }

    private static func braille(_ value: UInt8) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(value)) ?? " ")
    }
}
