import Testing
@testable import RectifyDashboard
import TerminalCanvas

/// Sparklines in the braille, block and ASCII tiers, one and two rows high.
@Suite struct SparklineTests {
    static func history(_ values: [Float]) -> SeriesHistory {
        var history = SeriesHistory(capacity: 16)
        for v in values { history.append(v) }
        return history
    }

    static func draw(_ values: [Float], scale: Float, width: Int, height: Int, glyphs: SparklineGlyphs) -> [String] {
        var grid = CellGrid(width: width, height: height, filler: Cell(Fixtures.filler))
        Sparkline.draw(history(values), scale: scale, in: Rect(x: 0, y: 0, width: width, height: height), into: &grid,
                       glyphs: glyphs, style: .plain)
        return grid.lines
    }

    @Test("blocks: eight levels, newest at the right")
    func blocks() {
        #expect(Self.draw([0, 0.125, 0.5, 1], scale: 1, width: 6, height: 1, glyphs: .blocks) == ["   ▁▄█"])
    }

    @Test("ASCII: three levels; a tiny non-zero value still shows")
    func ascii() {
        #expect(Self.draw([0.001, 0.34, 0.67, 1], scale: 1, width: 4, height: 1, glyphs: .ascii) == ["..:|"])
        #expect(Self.draw([0.5], scale: 1, width: 3, height: 2, glyphs: .ascii) == ["   ", "  |"])
    }

    @Test("braille: two points per cell, four dots high")
    func braille() {
        // Points 0.25 and 1.0 in one cell: left column one dot (7), right column full (8,6,5,4).
        #expect(Self.draw([0.25, 1], scale: 1, width: 1, height: 1, glyphs: .braille) == ["⣸"])
        #expect(Self.draw([1], scale: 1, width: 2, height: 1, glyphs: .braille) == [" ⢸"])
        #expect(Self.draw([0, 0], scale: 1, width: 1, height: 1, glyphs: .braille) == [" "])
    }

    @Test("two rows: the lower row fills first")
    func twoRows() {
        #expect(Self.draw([0.25, 0.5, 0.75, 1], scale: 1, width: 4, height: 2, glyphs: .blocks) == ["  ▄█", "▄███"])
    }

    @Test("the scale is the smallest step holding every visible point")
    func scale() {
        #expect(Sparkline.scale(for: [Self.history([0.004]), Self.history([0.03])], points: 10) == 0.05)
        #expect(Sparkline.scale(for: [Self.history([0, 0])], points: 10) == 0.01)
        #expect(Sparkline.scale(for: [Self.history([0.9, 0.001])], points: 1) == 0.01, "only visible points count")
        #expect(Sparkline.label(0.05) == "5%")
    }

    @Test("histories keep the newest values and drop the oldest")
    func history() {
        var history = SeriesHistory(capacity: 3)
        for v: Float in [1, 2, 3, 4, 5] { history.append(v) }
        #expect(history.count == 3)
        #expect(history.suffix(10) == [3, 4, 5])
        #expect(history.suffix(2) == [4, 5])
        #expect(history.last == 5)
        history.removeAll()
        #expect(history.count == 0 && history.last == nil)
    }
}
