import TerminalCanvas

/// A tiny full-screen program that proves the runner: a border, the terminal size, a frame counter
/// and the last key. `q` quits. Wired to the hidden `rectify terminal-demo` command and used by the
/// end-to-end tests.
public final class TerminalDemoProgram: TerminalProgram {
    public let tier: DisplayTier
    public let framesPerSecond: Int
    /// Frames drawn so far (one `tick` per frame).
    public private(set) var frames = 0
    public private(set) var lastKey: KeyEvent?
    /// Whether `didExit` has been called.
    public private(set) var exited = false

    public init(tier: DisplayTier = .full, framesPerSecond: Int = 10) {
        self.tier = tier
        self.framesPerSecond = framesPerSecond
    }

    public func tick() {
        frames += 1
    }

    public func handle(_ key: KeyEvent) -> Bool {
        lastKey = key
        return key != .character("q")
    }

    public func didExit() {
        exited = true
    }

    public func render(into grid: inout CellGrid) {
        let width = grid.width
        let height = grid.height
        guard width > 0, height > 0 else { return }
        let frameStyle = CellStyle(foreground: tier.color ? .cyan : .standard)
        drawBorder(into: &grid, style: frameStyle)
        let titleStyle = CellStyle(foreground: tier.color ? .yellow : .standard, bold: true)
        let lines: [(String, CellStyle)] = [
            ("rectify terminal demo", titleStyle),
            ("size: \(width)x\(height)", .plain),
            ("frame: \(frames)", .plain),
            ("last key: \(lastKey.map { String(describing: $0) } ?? "none")", .plain),
            ("tier: \(tier)", CellStyle(dim: true)),
            ("press q to quit", CellStyle(reverse: true)),
        ]
        for (index, line) in lines.enumerated() where index + 1 < height - 1 {
            grid.put(line.0, x: 2, y: index + 1, style: line.1, limit: max(0, width - 4))
        }
    }

    private func drawBorder(into grid: inout CellGrid, style: CellStyle) {
        let width = grid.width
        let height = grid.height
        guard width >= 2, height >= 2 else { return }
        let glyphs: (horizontal: Character, vertical: Character, corners: [Character]) =
            tier.unicode ? ("─", "│", ["┌", "┐", "└", "┘"]) : ("-", "|", ["+", "+", "+", "+"])
        grid.fill(x: 1, y: 0, width: width - 2, height: 1, with: Cell(glyphs.horizontal, style: style))
        grid.fill(x: 1, y: height - 1, width: width - 2, height: 1, with: Cell(glyphs.horizontal, style: style))
        grid.fill(x: 0, y: 1, width: 1, height: height - 2, with: Cell(glyphs.vertical, style: style))
        grid.fill(x: width - 1, y: 1, width: 1, height: height - 2, with: Cell(glyphs.vertical, style: style))
        grid[0, 0] = Cell(glyphs.corners[0], style: style)
        grid[width - 1, 0] = Cell(glyphs.corners[1], style: style)
        grid[0, height - 1] = Cell(glyphs.corners[2], style: style)
        grid[width - 1, height - 1] = Cell(glyphs.corners[3], style: style)
    }
}
