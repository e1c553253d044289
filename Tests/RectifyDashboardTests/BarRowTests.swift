import Testing
@testable import RectifyDashboard
import TerminalCanvas

/// One expert's bar drawn alone: segment lengths, the capacity marker, clipping, number columns.
@Suite struct BarRowTests {
    static func bar(_ values: BarRow.Values, peakBeyond: Int, width: Int, display: DisplayOptions) -> String {
        var grid = CellGrid(width: width, height: 1, filler: Cell(Fixtures.filler))
        let scale = BarRow.Scale(capacity: values.capacity, peakBeyond: peakBeyond)
        BarRow.drawBar(values, scale: scale, in: Rect(x: 0, y: 0, width: width, height: 1), into: &grid,
                       theme: Theme(display))
        return grid.lines[0]
    }

    @Test("the beyond-capacity part is a quarter, half or all of capacity")
    func scaleLadder() {
        #expect(BarRow.Scale(capacity: 100, peakBeyond: 0).beyond == 25)
        #expect(BarRow.Scale(capacity: 100, peakBeyond: 25).beyond == 25)
        #expect(BarRow.Scale(capacity: 100, peakBeyond: 26).beyond == 50)
        #expect(BarRow.Scale(capacity: 100, peakBeyond: 51).beyond == 100)
        #expect(BarRow.Scale(capacity: 100, peakBeyond: 900).beyond == 100)
        #expect(BarRow.Scale(capacity: 0, peakBeyond: 0).capacity == 1)
    }

    @Test("kept, filled, padding, marker, IR, overflow in the ASCII mono tier")
    func asciiSegments() {
        // Capacity 100 on 20 inside cells (scale beyond 25 -> 5 cells), marker, 5 cells beyond.
        let values = BarRow.Values(kept: 50, filled: 25, irWork: 10, overflow: 10, capacity: 100)
        #expect(Self.bar(values, peakBeyond: 20, width: 26, display: .plain) == "##########=====     |++!! ")
    }

    @Test("the same bar in unicode mono and in colour")
    func unicodeSegments() {
        let values = BarRow.Values(kept: 50, filled: 25, irWork: 10, overflow: 10, capacity: 100)
        #expect(Self.bar(values, peakBeyond: 20, width: 26, display: DisplayOptions(unicode: true, color: false))
                == "██████████▒▒▒▒▒     │▓▓░░ ")
        #expect(Self.bar(values, peakBeyond: 20, width: 26, display: .full) == "███████████████     │████ ")
    }

    @Test("overflow beyond the scale is clipped with a mark but keeps a cell of its own")
    func clipped() {
        let values = BarRow.Values(kept: 100, filled: 0, irWork: 200, overflow: 300, capacity: 100)
        #expect(Self.bar(values, peakBeyond: 500, width: 21, display: .plain) == "##########|++++++++!>")
        let irOnly = BarRow.Values(kept: 100, filled: 0, irWork: 300, overflow: 0, capacity: 100)
        #expect(Self.bar(irOnly, peakBeyond: 300, width: 21, display: .plain) == "##########|+++++++++>")
    }

    @Test("a small non-zero segment still gets one cell")
    func smallSegments() {
        let values = BarRow.Values(kept: 1, filled: 1, irWork: 1, overflow: 1, capacity: 1000)
        #expect(Self.bar(values, peakBeyond: 2, width: 26, display: .plain) == "#=                  |+!   ")
    }

    @Test("the number columns appear as the row gets wider")
    func columns() {
        let narrow = BarRow.Columns(width: 25, labelWidth: 3)
        #expect(!narrow.showOverflow && !narrow.showPadding && narrow.bar == 15)
        let middle = BarRow.Columns(width: 30, labelWidth: 3)
        #expect(middle.showOverflow && !middle.showPadding && middle.bar == 14)
        let wide = BarRow.Columns(width: 60, labelWidth: 3)
        #expect(wide.showOverflow && wide.showPadding && wide.bar == 38)
        #expect(wide.loadColumn == 3 + 1 + 38 + 1)
    }

    @Test("a whole row: label, bar, load right-aligned, overflow and padding counts")
    func row() {
        var grid = CellGrid(width: 50, height: 1, filler: Cell(Fixtures.filler))
        let values = BarRow.Values(kept: 3, filled: 1, irWork: 2, overflow: 12_345, capacity: 8)
        let columns = BarRow.Columns(width: 50, labelWidth: 3)
        BarRow.draw(values, expert: 7, columns: columns, scale: BarRow.Scale(capacity: 8, peakBeyond: 0),
                    in: Rect(x: 0, y: 0, width: 50, height: 1), into: &grid, theme: Theme(.plain))
        #expect(grid.lines[0] == "e7  ########===           |+++!>     6 12.3k     4")
    }
}
