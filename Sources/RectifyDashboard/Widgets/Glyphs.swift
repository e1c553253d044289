/// The characters widgets draw with, per display tier.
///
/// Colour tiers draw every bar segment solid and tell them apart by colour (like htop); mono
/// tiers give each segment its own character so the screen reads without colour.
struct Glyphs {
    let unicode: Bool
    let kept: Character
    let filled: Character
    let irWork: Character
    let overflow: Character
    /// Overflow IR recovered: own character in monochrome, like every other bar segment.
    let recovered: Character
    /// Headline figures drawn three rows tall with block characters (Unicode tiers only).
    var bigFigures: Bool { unicode }
    let padding: Character
    let capacityMarker: Character
    let clipped: Character
    /// Compact cells by utilisation, from a little to full.
    let compactLevels: [Character]
    let compactOverflow: Character
    /// Compact cell of an expert whose demand beyond capacity IR recovered in full.
    let compactRecovered: Character
    let compactIdle: Character
    let running: String
    let paused: String
    let stopped: String
    let unknown: String
    let separator: Character
    let boxHorizontal: Character
    let boxVertical: Character
    let boxCorners: [Character]
    let sparkline: SparklineGlyphs

    init(_ options: DisplayOptions) {
        unicode = options.unicode
        if options.unicode {
            let solid: Character = "█"
            kept = solid
            filled = options.color ? solid : "▒"
            irWork = options.color ? solid : "▓"
            overflow = options.color ? solid : "░"
            recovered = options.color ? solid : "▚"
            capacityMarker = "│"
            clipped = "»"
            compactLevels = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
            compactOverflow = "▲"
            compactRecovered = "△"
            compactIdle = "·"
            running = "▶ running"
            paused = "‖ paused"
            stopped = "■ end of trace"
            unknown = "—"
            separator = "│"
            boxHorizontal = "─"
            boxVertical = "│"
            boxCorners = ["┌", "┐", "└", "┘"]
            sparkline = options.braille ? .braille : .blocks
        } else {
            kept = "#"
            filled = options.color ? "#" : "="
            irWork = options.color ? "#" : "+"
            overflow = options.color ? "#" : "!"
            recovered = options.color ? "#" : "x"
            capacityMarker = "|"
            clipped = ">"
            compactLevels = [".", ":", "-", "=", "+", "*", "#", "#"]
            compactOverflow = "!"
            compactRecovered = "^"
            compactIdle = "_"
            running = "> running"
            paused = "|| paused"
            stopped = "[] end of trace"
            unknown = "-"
            separator = "|"
            boxHorizontal = "-"
            boxVertical = "|"
            boxCorners = ["+", "+", "+", "+"]
            sparkline = .ascii
        }
        padding = " "
    }
}

/// How a sparkline turns values into characters.
enum SparklineGlyphs {
    /// Two points per cell, four dots high.
    case braille
    /// One point per cell, eight levels high.
    case blocks
    /// One point per cell, three levels high.
    case ascii

    var pointsPerCell: Int { self == .braille ? 2 : 1 }
    var levelsPerRow: Int {
        switch self {
        case .braille: return 4
        case .blocks: return 8
        case .ascii: return 3
        }
    }

    private static let blockLevels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    private static let asciiLevels: [Character] = [" ", ".", ":", "|"]

    /// The character for a cell whose point(s) reach `left` and `right` levels (0 ... levelsPerRow).
    func character(left: Int, right: Int) -> Character {
        switch self {
        case .blocks: return Self.blockLevels[min(max(0, left), 8)]
        case .ascii: return Self.asciiLevels[min(max(0, left), 3)]
        case .braille: return DotCanvas.bars(left: left, right: right)
        }
    }
}
