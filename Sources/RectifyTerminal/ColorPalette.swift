import CNcursesw
import TerminalCanvas

/// Colour pairs for the `CellColor` palette, allocated the first time a combination is drawn.
struct ColorPalette {
    /// `use_default_colors()` succeeded: `.standard` is the terminal's own colour (-1).
    let defaultColors: Bool
    /// `COLOR_PAIRS`; combinations beyond it fall back to pair 0.
    let pairLimit: Int
    private var pairs: [Int: Int32] = [:]
    private var nextPair: Int32 = 1

    init(defaultColors: Bool, pairLimit: Int) {
        self.defaultColors = defaultColors
        self.pairLimit = pairLimit
    }

    /// The pair number for a foreground/background combination.
    mutating func pair(foreground: CellColor, background: CellColor) -> Int32 {
        if foreground == .standard && background == .standard { return 0 }
        let key = Int(foreground.rawValue) << 8 | Int(background.rawValue)
        if let known = pairs[key] { return known }
        guard Int(nextPair) < pairLimit, nextPair <= Int32(Int16.max) else { return 0 }
        let number = nextPair
        init_pair(Int16(number), code(foreground, isForeground: true), code(background, isForeground: false))
        pairs[key] = number
        nextPair += 1
        return number
    }

    private func code(_ color: CellColor, isForeground: Bool) -> Int16 {
        let value: Int32
        switch color {
        case .standard: value = defaultColors ? -1 : (isForeground ? COLOR_WHITE : COLOR_BLACK)
        case .black: value = COLOR_BLACK
        case .red: value = COLOR_RED
        case .green: value = COLOR_GREEN
        case .yellow: value = COLOR_YELLOW
        case .blue: value = COLOR_BLUE
        case .magenta: value = COLOR_MAGENTA
        case .cyan: value = COLOR_CYAN
        case .white: value = COLOR_WHITE
        }
        return Int16(value)
    }
}
