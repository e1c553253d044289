import CNcursesw
import TerminalCanvas
import Testing
@testable import RectifyTerminal

@Suite("mouse reports from ncurses become dashboard mouse events; mouse reporting is undone on exit")
struct MouseTranslationTests {
    @Test("clicks, presses, double clicks and wheel turns; other reports are dropped")
    func translation() {
        #expect(MouseTranslation.event(bits: RC_MOUSE_CLICK, x: 12, y: 3) == MouseEvent(.click, x: 12, y: 3))
        #expect(MouseTranslation.event(bits: RC_MOUSE_PRESS, x: 0, y: 0) == MouseEvent(.click, x: 0, y: 0))
        #expect(MouseTranslation.event(bits: RC_MOUSE_DOUBLE_CLICK | RC_MOUSE_CLICK, x: 4, y: 5)
                == MouseEvent(.doubleClick, x: 4, y: 5))
        #expect(MouseTranslation.event(bits: RC_MOUSE_WHEEL_UP, x: 1, y: 2) == MouseEvent(.wheelUp, x: 1, y: 2))
        #expect(MouseTranslation.event(bits: RC_MOUSE_WHEEL_DOWN, x: 1, y: 2) == MouseEvent(.wheelDown, x: 1, y: 2))
        #expect(MouseTranslation.event(bits: 0, x: 1, y: 2) == nil, "a release or another button")
        #expect(MouseTranslation.event(bits: RC_MOUSE_CLICK, x: -1, y: 2) == nil)
    }

    @Test("ncurses' own masks map to the bits")
    func bits() {
        #expect(rc_mouse_bits(0) == 0)
        #expect(rc_mouse_bits(rc_mouse_mask()) == RC_MOUSE_CLICK | RC_MOUSE_DOUBLE_CLICK | RC_MOUSE_PRESS
                | RC_MOUSE_WHEEL_UP | RC_MOUSE_WHEEL_DOWN)
    }

    @Test("the crash-time reset turns every mouse mode off first, only when the mouse was on")
    func resetSequence() {
        let off = String(decoding: TerminalResetSequence.mouseOff, as: UTF8.self)
        for mode in [1000, 1002, 1003, 1005, 1006, 1015] { #expect(off.contains("\u{1B}[?\(mode)l")) }
        let without = TerminalResetSequence.current(mouse: false)
        let with = TerminalResetSequence.current(mouse: true)
        #expect(with == TerminalResetSequence.mouseOff + without)
    }
}
