import Testing
import TerminalCanvas

/// The canvas on its own: writes stay inside their rectangle and the grid, splits cover the rectangle.
@Suite struct CellGridTests {
    @Test("text written into a rectangle is clipped to it and to the grid")
    func clipping() {
        var grid = CellGrid(width: 6, height: 2)
        let rect = Rect(x: 1, y: 0, width: 3, height: 1)
        let end = grid.put("abcdef", in: rect, column: -1)
        #expect(grid.lines == [" bcd  ", "      "])
        #expect(end == 3)
        grid.put("xyz", x: 4, y: 1)
        #expect(grid.lines[1] == "    xy")
        grid.put("never", in: rect, row: 1)
        #expect(grid.lines[1] == "    xy")
    }

    @Test("right-aligned text keeps its tail when too long; centred text sits in the middle")
    func alignment() {
        var grid = CellGrid(width: 5, height: 2)
        let rect = Rect(x: 0, y: 0, width: 5, height: 2)
        grid.putRight("123456", in: rect)
        grid.putCentered("ab", in: rect, row: 1, style: CellStyle(bold: true))
        #expect(grid.lines == ["23456", " ab  "])
        #expect(grid[1, 1].style.bold && !grid[0, 1].style.bold)
    }

    @Test("splits and columns cover the rectangle without overlap")
    func splits() {
        let rect = Rect(x: 2, y: 3, width: 11, height: 5)
        let (top, rest) = rect.splitTop(2)
        #expect(top == Rect(x: 2, y: 3, width: 11, height: 2) && rest == Rect(x: 2, y: 5, width: 11, height: 3))
        let (above, bottom) = rect.splitBottom(9)
        #expect(above.isEmpty && bottom == rect)
        let columns = rect.columns(3, gap: 1)
        #expect(columns.map(\.width) == [3, 3, 3])
        #expect(columns.map(\.x) == [2, 6, 10])
        #expect(!columns[0].intersects(columns[1]) && columns.allSatisfy { rect.contains($0) })
        #expect(rect.row(5).isEmpty && rect.row(4) == Rect(x: 2, y: 7, width: 11, height: 1))
    }

    @Test("a set outside the rectangle or the grid changes nothing")
    func setOutside() {
        var grid = CellGrid(width: 3, height: 3)
        let rect = Rect(x: 2, y: 2, width: 4, height: 4)
        grid.set(Cell("a"), in: rect, column: 0, row: 0)
        grid.set(Cell("b"), in: rect, column: 1, row: 0)
        grid.set(Cell("c"), in: rect, column: -1, row: 0)
        #expect(grid.text == "   \n   \n  a")
    }
}
