import CNcursesw
import TerminalCanvas

/// Maps what `wget_wch` returns to `KeyEvent`s.
enum KeyTranslation {
    /// A key code (`wget_wch` returned KEY_CODE_YES); nil for keys the dashboard has no use for.
    static func event(keyCode code: Int32) -> KeyEvent? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        // Some terminals send Find/Select or the keypad corners for Home/End.
        case KEY_HOME, KEY_FIND, KEY_A1: return .home
        case KEY_END, KEY_SELECT, KEY_C1: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case rc_key_f(1)...rc_key_f(63): return .function(Int(code - rc_key_f(0)))
        default: return nil
        }
    }

    /// A character (`wget_wch` returned OK); control characters become named keys or `.control`.
    static func event(character value: UInt32) -> KeyEvent? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            guard let letter = Unicode.Scalar(UInt32(("a" as Unicode.Scalar).value) + value - 1) else { return nil }
            return .control(Character(letter))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}

/// Maps ncurses mouse reports (as `rc_mouse_bits` bits) to `MouseEvent`s.
enum MouseTranslation {
    /// The event for a report at column `x`, row `y`; nil for reports the dashboard ignores
    /// (other buttons, releases, movement). A double click wins over a click, a click over a press.
    static func event(bits: Int32, x: Int32, y: Int32) -> MouseEvent? {
        guard x >= 0, y >= 0 else { return nil }
        let kind: MouseEvent.Kind
        if bits & RC_MOUSE_DOUBLE_CLICK != 0 {
            kind = .doubleClick
        } else if bits & (RC_MOUSE_CLICK | RC_MOUSE_PRESS) != 0 {
            kind = .click
        } else if bits & RC_MOUSE_WHEEL_UP != 0 {
            kind = .wheelUp
        } else if bits & RC_MOUSE_WHEEL_DOWN != 0 {
            kind = .wheelDown
        } else {
            return nil
        }
        return MouseEvent(kind, x: Int(x), y: Int(y))
    }
}
