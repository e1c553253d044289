import TerminalCanvas

/// A framed box over the screen listing every key binding by group, then the colour and glyph legend.
enum HelpOverlay {
    static let keyColumn = 12
    /// A column of the overlay: key or legend sample, then text.
    static let columnWidth = 54
    static let singleWidth = 60
    static let doubleWidth = 2 * columnWidth + 3 + 4

    /// The keys and the legend side by side when the screen is wide enough, else one after the other.
    static func columns(for screen: Rect) -> [[HelpLine]] {
        screen.width - 2 >= doubleWidth ? HelpContent.twoPanes : [HelpContent.lines]
    }

    static func contentHeight(_ columns: [[HelpLine]]) -> Int { columns.map(\.count).max() ?? 0 }

    /// The box for a screen of this size.
    static func frame(in screen: Rect) -> Rect {
        let content = columns(for: screen)
        let width = min(content.count > 1 ? doubleWidth : singleWidth, screen.width - 2)
        let height = min(contentHeight(content) + 2, screen.height - 2)
        return Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2,
                    width: width, height: height)
    }

    /// Lines visible at once.
    static func visibleLines(in frame: Rect) -> Int { max(0, frame.height - 2) }

    /// The first line shown for a requested scroll position.
    static func firstLine(scroll: Int, visible: Int, total: Int) -> Int {
        min(max(0, scroll), max(0, total - visible))
    }

    static func draw(state: DashboardState, in screen: Rect, into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        let box = frame(in: screen)
        guard box.width >= 4, box.height >= 3 else { return }
        let content = columns(for: screen)
        let total = contentHeight(content)
        grid.clear(box)
        drawBorder(box, into: &grid, theme: theme)
        let visible = visibleLines(in: box)
        let first = firstLine(scroll: state.helpScroll, visible: visible, total: total)
        grid.put(" Keys and legend ", in: box, column: 2, style: palette.title)
        if first + visible < total || first > 0 {
            let position = " lines \(first + 1)-\(min(total, first + visible)) of \(total) "
            // Inside the top edge: the corner stays.
            let edge = Rect(x: box.x + 1, y: box.y, width: max(0, box.width - 2), height: 1)
            grid.putRight(position + String(glyphs.boxHorizontal), in: edge, style: palette.label)
        }
        grid.put(" Esc or ? closes ", in: box, column: 2, row: box.height - 1, style: palette.label)
        let inner = box.insetBy(dx: 2, dy: 1)
        let panes = inner.columns(content.count, gap: 3)
        for (lines, pane) in zip(content, panes) {
            for index in 0..<visible where first + index < lines.count {
                drawLine(lines[first + index], in: pane.row(index), into: &grid, theme: theme)
            }
        }
    }

    /// The box's frame, with the column on each side of it cleared: fragments of the screen below
    /// (a cut-off figure, a panel's first letter) would otherwise touch the frame and read as its part.
    static func drawBorder(_ box: Rect, into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(Rect(x: box.x - 1, y: box.y, width: 1, height: box.height))
        grid.clear(Rect(x: box.maxX, y: box.y, width: 1, height: box.height))
        let h = Cell(glyphs.boxHorizontal, style: palette.border)
        let v = Cell(glyphs.boxVertical, style: palette.border)
        for column in 1..<(box.width - 1) {
            grid.set(h, in: box, column: column, row: 0)
            grid.set(h, in: box, column: column, row: box.height - 1)
        }
        for row in 1..<(box.height - 1) {
            grid.set(v, in: box, column: 0, row: row)
            grid.set(v, in: box, column: box.width - 1, row: row)
        }
        let corners = glyphs.boxCorners
        grid.set(Cell(corners[0], style: palette.border), in: box, column: 0, row: 0)
        grid.set(Cell(corners[1], style: palette.border), in: box, column: box.width - 1, row: 0)
        grid.set(Cell(corners[2], style: palette.border), in: box, column: 0, row: box.height - 1)
        grid.set(Cell(corners[3], style: palette.border), in: box, column: box.width - 1, row: box.height - 1)
    }

    static func drawLine(_ line: HelpLine, in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        switch line {
        case .blank:
            break
        case .heading(let text):
            grid.put(text, in: rect, style: palette.title)
        case .binding(let binding):
            grid.put(binding.label(unicode: glyphs.unicode), in: rect, style: palette.key)
            grid.put(binding.help, in: rect, column: keyColumn, style: palette.plain)
        case .legend(let item):
            let sample = legendSample(item, theme: theme)
            for (index, cell) in sample.enumerated() { grid.set(cell, in: rect, column: index, row: 0) }
            grid.put(item.text, in: rect, column: keyColumn, style: palette.plain)
        }
    }

    /// A few cells showing the item exactly as the dashboard draws it.
    static func legendSample(_ item: LegendItem, theme: Theme) -> [Cell] {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        func repeated(_ c: Character, _ style: CellStyle, _ n: Int = 3) -> [Cell] {
            [Cell](repeating: Cell(c, style: style), count: n)
        }
        let levels = glyphs.compactLevels
        switch item {
        case .kept: return repeated(glyphs.kept, palette.kept)
        case .filled: return repeated(glyphs.filled, palette.filled)
        case .irWork: return repeated(glyphs.irWork, palette.irWork)
        case .overflow: return repeated(glyphs.overflow, palette.overflow)
        case .recovered: return repeated(glyphs.recovered, palette.recovered)
        case .padding: return repeated(glyphs.padding, palette.plain, 2) + [Cell(glyphs.capacityMarker, style: palette.capacityMarker)]
        case .capacityMarker: return [Cell(glyphs.capacityMarker, style: palette.capacityMarker)]
        case .clipped: return [Cell(glyphs.clipped, style: palette.overflow)]
        case .compactOverflow: return [Cell(glyphs.compactOverflow, style: palette.compactOverflow)]
        case .compactRecovered: return [Cell(glyphs.compactRecovered, style: palette.recovered)]
        case .compactFull: return [Cell(levels[levels.count - 1], style: palette.compactFull)]
        case .compactBusy: return [Cell(levels[levels.count / 2], style: palette.compactBusy),
                                   Cell(levels[levels.count - 2], style: palette.compactBusy)]
        case .compactLight: return [Cell(levels[0], style: palette.compactLight),
                                    Cell(levels[levels.count / 2 - 1], style: palette.compactLight)]
        case .compactIdle: return [Cell(glyphs.compactIdle, style: palette.compactIdle)]
        case .sparkline:
            let g = glyphs.sparkline
            let top = g.levelsPerRow
            return (1...top).map { Cell(g.character(left: $0, right: min(top, $0 + 1)), style: palette.seriesCurrent) }
        }
    }
}
