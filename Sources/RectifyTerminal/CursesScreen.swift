import CNcursesw
import TerminalCanvas

/// What one wait for input produced.
enum CursesInput: Equatable {
    /// Timeout or an interrupted wait (a signal): time to check flags and maybe draw.
    case none
    /// The terminal changed size; ncurses has already resized the screen.
    case resize
    case key(KeyEvent)
    /// A key the dashboard has no event for.
    case unmapped
}

/// One ncurses screen on stdin/stdout. Not Sendable: created, used and closed on the runner's thread.
final class CursesScreen {
    private let screen: OpaquePointer
    let window: UnsafeMutablePointer<WINDOW>
    /// The tier actually in effect (colour is dropped if the screen cannot start it).
    let tier: DisplayTier
    var palette: ColorPalette?
    /// Mouse reporting is on (asked for and accepted): it must be turned off on the way out.
    private(set) var mouseEnabled = false
    private var isOpen = true

    /// Sets up the screen with newterm, which returns NULL rather than exiting like initscr.
    init(terminal: TerminalDescription, tier requested: DisplayTier, options: TerminalOptions) throws(TerminalUnavailable) {
        guard let screen = rc_newterm(terminal.name) else {
            throw TerminalUnavailable(.cannotOpen(terminal.name), options: options)
        }
        guard let window = rc_stdscr() else {
            endwin()
            delscreen(screen)
            throw TerminalUnavailable(.cannotOpen(terminal.name), options: options)
        }
        self.screen = screen
        self.window = window
        cbreak()
        noecho()
        keypad(window, true)
        intrflush(window, false)
        leaveok(window, true)
        curs_set(0)
        // A lone Esc is reported after 25 ms instead of ncurses' default 1 s.
        set_escdelay(25)
        Self.defineFallbackKeys()
        if requested.color && has_colors() && start_color() == OK {
            palette = ColorPalette(defaultColors: use_default_colors() == OK, pairLimit: Int(rc_color_pairs()))
        }
        tier = DisplayTier(unicode: requested.unicode, color: palette != nil)
        if options.mouse {
            mouseEnabled = mousemask(rc_mouse_mask(), nil) != 0
        }
    }

    /// Home/End sequences that terminals send whatever their terminfo entry says (tmux sends
    /// ESC[1~ and ESC[4~ even when TERM claims xterm). Added only where the entry defines nothing.
    private static func defineFallbackKeys() {
        let fallbacks: [(String, Int32)] = [
            ("\u{1B}[1~", KEY_HOME), ("\u{1B}[4~", KEY_END),
            ("\u{1B}[7~", KEY_HOME), ("\u{1B}[8~", KEY_END),
            ("\u{1B}[H", KEY_HOME), ("\u{1B}[F", KEY_END),
            ("\u{1B}OH", KEY_HOME), ("\u{1B}OF", KEY_END),
        ]
        for (sequence, code) in fallbacks where key_defined(sequence) == 0 {
            define_key(sequence, code)
        }
    }

    /// The current size in cells.
    var size: (columns: Int, rows: Int) {
        var rows: Int32 = 0
        var columns: Int32 = 0
        rc_getmaxyx(window, &rows, &columns)
        return (Int(max(0, columns)), Int(max(0, rows)))
    }

    /// Makes the next refresh repaint every cell (Ctrl+L after the screen was disturbed).
    func requestFullRepaint() {
        clearok(window, true)
    }

    /// Waits up to `timeoutMilliseconds` (0: do not wait) for one key.
    func readInput(timeoutMilliseconds: Int32) -> CursesInput {
        wtimeout(window, timeoutMilliseconds)
        var value: wint_t = 0
        switch wget_wch(window, &value) {
        case KEY_CODE_YES:
            let code = Int32(bitPattern: UInt32(value))
            if code == KEY_RESIZE { return .resize }
            if code == KEY_MOUSE { return readMouse() }
            return KeyTranslation.event(keyCode: code).map(CursesInput.key) ?? .unmapped
        case OK:
            return KeyTranslation.event(character: UInt32(value)).map(CursesInput.key) ?? .unmapped
        default:
            return .none
        }
    }

    /// The mouse report that came with KEY_MOUSE.
    private func readMouse() -> CursesInput {
        var report = MEVENT()
        guard getmouse(&report) == OK,
              let event = MouseTranslation.event(bits: rc_mouse_bits(report.bstate), x: report.x, y: report.y)
        else { return .unmapped }
        return .key(.mouse(event))
    }

    /// Restores the terminal (mouse reporting off, endwin) and frees the screen. Safe to call twice.
    func close() {
        guard isOpen else { return }
        isOpen = false
        if mouseEnabled { mousemask(0, nil) }
        endwin()
        delscreen(screen)
    }
}
