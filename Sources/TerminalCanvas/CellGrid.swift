/// A colour a cell can take; terminals map these to their palette, monochrome ignores them.
public enum CellColor: UInt8, Sendable, Hashable, CaseIterable {
    case standard, black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell's character is drawn.
public struct CellStyle: Hashable, Sendable {
    public var foreground: CellColor
    public var background: CellColor
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(foreground: CellColor = .standard, background: CellColor = .standard,
                bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = CellStyle()
}

/// One character position on screen. Every glyph the dashboard uses is one column wide.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: CellStyle

    public init(_ character: Character, style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell(" ")
}

/// An in-memory screen: widgets draw here, never on the terminal, so tests can read frames back.
public struct CellGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, filler: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: filler, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// Writes `text` from (x, y) to the right, clipped at `limit` columns and at the grid's edge.
    /// Returns the column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var column = x
        for character in text {
            guard column < end else { break }
            if column >= 0 { cells[y * width + column] = Cell(character, style: style) }
            column += 1
        }
        return column
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with cell: Cell) {
        for row in max(0, y)..<min(height, y + h) where w > 0 {
            for column in max(0, x)..<min(width, x + w) { cells[row * width + column] = cell }
        }
    }

    /// The characters of each row, trailing spaces kept: what `capture-pane` would show.
    public var lines: [String] {
        (0..<height).map { row in String(cells[(row * width)..<((row + 1) * width)].map(\.character)) }
    }

    /// The whole grid as text, one line per row.
    public var text: String { lines.joined(separator: "\n") }
}
