import Testing
@testable import RectifyDashboard

/// The one place dots become characters: braille cells for Unicode, `.` cells for ASCII.
@Suite struct DotCanvasTests {
    @Test("braille: dot (0, 0) is the bottom-left dot of the bottom-left cell; dots add up within a cell")
    func braille() {
        var canvas = DotCanvas(columns: 2, rows: 2, braille: true)
        #expect(canvas.width == 4 && canvas.height == 8)
        let inside = canvas.set(x: 0, y: 0)
        #expect(inside)
        #expect(canvas.character(column: 0, row: 1) == "⡀")
        canvas.set(x: 1, y: 3)
        #expect(canvas.character(column: 0, row: 1) == "⡈")
        canvas.set(x: 3, y: 7)
        #expect(canvas.character(column: 1, row: 0) == "⠈")
        #expect(canvas.character(column: 0, row: 0) == nil && canvas.character(column: 1, row: 1) == nil)
        #expect(canvas.cell(x: 3, y: 4) == (column: 1, row: 0))
    }

    @Test("ASCII: one dot a cell; dots outside are refused")
    func ascii() {
        var canvas = DotCanvas(columns: 3, rows: 2, braille: false)
        let inside = canvas.set(x: 2, y: 1)
        let right = canvas.set(x: 3, y: 0), below = canvas.set(x: 0, y: -1)
        #expect(inside && !right && !below)
        #expect(canvas.character(column: 2, row: 0) == ".")
        #expect(canvas.character(column: 2, row: 1) == nil)
    }

    @Test("bars fill each dot column from the bottom, like the sparkline's braille cells")
    func bars() {
        #expect(DotCanvas.bars(left: 0, right: 0) == " ")
        #expect(DotCanvas.bars(left: 1, right: 4) == "⣸")
        #expect(DotCanvas.bars(left: 4, right: 4) == "⣿")
        #expect(DotCanvas.bars(left: 1, right: 0) == "⡀" && DotCanvas.bars(left: 0, right: 1) == "⢀")
    }
}
