import TerminalCanvas

/// Figures three rows tall drawn with half and full blocks, readable from the back of a room.
///
/// Digits, `.`, `%` and `-` have block shapes; any other character (a unit such as `ms`) is drawn
/// as itself on the bottom row, so `1.50ms` reads as a big number with a small unit.
enum BigText {
    static let height = 3

    private static let shapes: [Character: [String]] = [
        "0": ["█▀█", "█ █", "█▄█"], "1": ["▀█ ", " █ ", "▄█▄"], "2": ["▀▀█", "█▀▀", "█▄▄"],
        "3": ["▀▀█", "▀▀█", "▄▄█"], "4": ["█ █", "▀▀█", "  █"], "5": ["█▀▀", "▀▀█", "▄▄█"],
        "6": ["█▀▀", "█▀█", "█▄█"], "7": ["▀▀█", "  █", "  █"], "8": ["█▀█", "█▀█", "█▄█"],
        "9": ["█▀█", "▀▀█", "▄▄█"], ".": [" ", " ", "▄"], "%": ["█ ▄", " █ ", "▀ █"],
        "-": ["   ", "▀▀▀", "   "], " ": [" ", " ", " "],
    ]

    /// Columns `text` takes: a block shape and one space after each, one column per other character.
    static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + (shapes[$1].map { $0[0].count + 1 } ?? 1) }
    }

    /// Draws `text` with its top-left at `column`, `row` of `rect`; returns the column after it.
    @discardableResult
    static func draw(_ text: String, in rect: Rect, column: Int, row: Int = 0, style: CellStyle,
                     into grid: inout CellGrid) -> Int {
        var x = column
        for character in text {
            if let shape = shapes[character] {
                for (line, part) in shape.enumerated() {
                    grid.put(part, in: rect, column: x, row: row + line, style: style)
                }
                x += shape[0].count + 1
            } else {
                grid.put(String(character), in: rect, column: x, row: row + height - 1, style: style)
                x += 1
            }
        }
        return x
    }
}
