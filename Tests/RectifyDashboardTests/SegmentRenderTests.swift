import Testing
import RectifyEngine
import TerminalCanvas
@testable import RectifyDashboard

/// The totals table with the previous segment's row and the sparkline tick where a segment
/// began, compared cell by cell (character and style) at the sizes people use.
@Suite struct SegmentRenderTests {
    static let sizes = [(60, 16), (80, 24), (100, 30), (120, 40), (200, 60)]
    static let labelWidth = 8
    static let columnWidths = [6, 6, 7, 9, 6, 7, 9, 9]

    /// Three worked steps at cf 1, then three at cf 2: the segment began at step 4 (history point 3).
    static func screen(display: DisplayOptions) -> (DashboardState, EngineSnapshot) {
        let engine = Fixtures.workedEngine(steps: 3)
        engine.send(.setConfig(SegmentTests.config(cf: "2")))
        engine.pump(steps: 3)
        let snapshot = engine.snapshot()
        var state = DashboardState(preset: Fixtures.workedPreset(), display: display)
        state.config = snapshot.config
        state.sync(with: snapshot)
        return (state, snapshot)
    }

    /// Expects `text` at (x, y) onwards, every cell in `style`.
    static func expectCells(_ grid: CellGrid, _ text: String, x: Int, y: Int, style: CellStyle,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (offset, character) in text.enumerated() {
            #expect(grid[x + offset, y] == Cell(character, style: style), "\(text) at \(x + offset),\(y)",
                    sourceLocation: sourceLocation)
        }
    }

    /// Where the text after the table starts: two columns after the last column that fits.
    static func trailerColumn(width: Int) -> Int {
        var column = labelWidth
        for w in columnWidths where column + 1 + w <= width { column += 1 + w }
        return column + 2
    }

    @Test("totals: the current segment's rows, the previous segment's below them when there is room",
          arguments: sizes)
    func totalsTable(size: (Int, Int)) {
        let (width, height) = size
        let (state, snapshot) = Self.screen(display: .full)
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let palette = Palette(.full)
        let rect = DashboardRenderer.mainLayout(state: state, snapshot: snapshot, width: width, height: height).totals
        Self.expectCells(grid, "totals", x: rect.x, y: rect.y, style: palette.title)
        Self.expectCells(grid, "ir+fr", x: rect.x, y: rect.y + 1, style: palette.value)
        Self.expectCells(grid, "vanilla", x: rect.x, y: rect.y + 2, style: palette.label)
        // The current segment (cf 2) only: IR+FR loses nothing, vanilla's drops are all lost.
        let current = Format.percent(snapshot[.irfr].totals.dropRate, unknown: "—")
        #expect(current != "50.0%", "cf 2 drops less than cf 1")
        Self.expectCells(grid, Format.right(current, 6), x: rect.x + 9, y: rect.y + 1, style: palette.value)
        let trailer = rect.x + Self.trailerColumn(width: width)
        let fitsTrailer = { (text: String) in trailer + text.count <= rect.maxX }
        if fitsTrailer("3 steps  since step 4") {
            Self.expectCells(grid, "3 steps  since step 4", x: trailer, y: rect.y, style: palette.label)
        } else {
            #expect(!grid.lines[rect.y].contains("steps"))
        }
        if height >= 24 {
            #expect(rect.height == 4)
            // The previous segment (cf 1, three steps): the worked example's 50% drops, none lost by IR+FR.
            Self.expectCells(grid, "cf 1", x: rect.x, y: rect.y + 3, style: palette.pending)
            for (text, column) in [(" 50.0%", 9), ("    0%", 16), ("     0%", 23)] {
                Self.expectCells(grid, text, x: rect.x + column, y: rect.y + 3, style: palette.label)
            }
            if fitsTrailer("3 steps  cf 1") {
                Self.expectCells(grid, "3 steps  cf 1", x: trailer, y: rect.y + 3, style: palette.label)
            }
        } else {
            #expect(rect.height == 3)
            #expect(!grid.text.contains("cf 1 "), "no room for the previous segment at \(width)x\(height)")
        }
    }

    @Test("the previous segment's row never costs a row of GPU panels (8 GPUs x 64 experts at 120x40)")
    func previousRowKeepsPanels() {
        let preset = Fixtures.preset(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 64)
        let engine = Fixtures.engine(preset, steps: 1)
        var changed = preset.routing
        changed.capacityFactor = CapacityFactor(tenThousandths: 12_500)
        engine.send(.setConfig(changed))
        engine.pump(steps: 1)
        let snapshot = engine.snapshot()
        #expect(snapshot.previousSegment != nil)
        var state = DashboardState(preset: preset, display: .full)
        state.config = snapshot.config
        state.sync(with: snapshot)
        let plain = ScreenLayout.main(width: 120, height: 40)
        let layout = DashboardRenderer.mainLayout(state: state, snapshot: snapshot, width: 120, height: 40)
        #expect(layout == plain, "three rows of panels fill the body: no row to lend")
        guard case .bars(let panels) = PanelArrangement.arrange(in: layout.body, gpus: 8, experts: 64, selectedGPU: 0) else {
            Issue.record("expected bar panels")
            return
        }
        #expect(Set(panels.map(\.y)).count == 3 && panels.allSatisfy { $0.width >= 36 }, "3 rows, every count column")
        let taller = DashboardRenderer.mainLayout(state: state, snapshot: snapshot, width: 120, height: 41)
        #expect(taller.totals.height == 4, "a spare row goes to the previous segment")
    }

    @Test("sparklines: a tick in the column where the new segment began, nowhere else",
          arguments: sizes, [DisplayOptions.full, .plain])
    func sparklineMarker(size: (Int, Int), display: DisplayOptions) {
        let (width, height) = size
        let (state, snapshot) = Self.screen(display: display)
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let layout = ScreenLayout.main(width: width, height: height)
        let glyphs = Glyphs(display)
        let tick = Cell(glyphs.sparkline.segmentMark, style: Palette(display).pending)
        let lost = layout.sparklines.columns(2, gap: 2)[0]
        let graphX = lost.x + SparklinePanel.labelWidth
        let graphWidth = lost.width - SparklinePanel.labelWidth - SparklinePanel.valueWidth
        let perCell = glyphs.sparkline.pointsPerCell
        // Six points, newest in the last slot: point 3 sits in slot (slots - 6 + 3).
        let marked = (graphWidth * perCell - 3) / perCell
        // IR+FR loses nothing: its whole column is the tick.
        for row in 0..<layout.seriesHeight {
            for column in 0..<graphWidth {
                let cell = grid[graphX + column, layout.sparklines.y + row]
                if column == marked {
                    #expect(cell == tick, "column \(column) row \(row)")
                } else {
                    #expect(cell.character == " ", "column \(column) row \(row)")
                }
            }
        }
        // Vanilla's column holds data from both segments there; any empty cell is the tick.
        for row in layout.seriesHeight..<(2 * layout.seriesHeight) {
            let cell = grid[graphX + marked, layout.sparklines.y + row]
            #expect(cell.character != " " && (cell == tick || cell.style == Palette(display).seriesBaseline))
        }
    }

    @Test("one step says 1 step; a re-routed batch says so in the header")
    func singularAndRerouted() {
        let (state, snapshot) = Fixtures.workedScreen(steps: 1)
        let grid = Fixtures.render(state, snapshot, width: 100, height: 30)
        let rect = ScreenLayout.main(width: 100, height: 30).totals
        #expect(grid.lines[rect.y].contains("  1 step  since step 1"))
        #expect(!grid.text.contains("1 steps"))
        let engine = Fixtures.workedEngine(steps: 1)
        engine.send(.setPaused(true))
        engine.send(.setConfig(SegmentTests.config(cf: "2")))
        engine.pump()
        var paused = state
        paused.paused = true
        paused.config = engine.snapshot().config
        let rerouted = Fixtures.render(paused, engine.snapshot(), width: 80, height: 24)
        #expect(rerouted.lines[1].hasPrefix("step 1 re-routed  "))
        Self.expectCells(rerouted, " re-routed", x: 6, y: 1, style: Palette(.full).pending)
    }
}
