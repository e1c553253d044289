import CNcursesw

/// The bytes that put the terminal back (default colours, plain attributes, visible cursor, keypad
/// off, main screen), taken from terminfo while the screen is up: a crash handler cannot call
/// endwin or tigetstr, so it writes these instead.
enum TerminalResetSequence {
    static let capabilities = ["op", "sgr0", "cnorm", "rmkx", "rmcup"]

    /// Turns off every mouse reporting mode ncurses may have turned on (X10/normal, button and any
    /// motion tracking, UTF-8, SGR and urxvt encodings): terminfo has no capability for it.
    static let mouseOff = Array("\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1005l\u{1B}[?1006l\u{1B}[?1015l".utf8)

    /// The current terminal's reset bytes, with mouse reporting off if it was on; needs the screen set up.
    static func current(mouse: Bool) -> [UInt8] {
        let reset = capabilities.flatMap { name -> [UInt8] in
            guard let value = rc_terminfo_string(name) else { return [] }
            return withoutPadding(bytes(of: value))
        }
        return mouse ? mouseOff + reset : reset
    }

    /// A C string's bytes as they are (terminfo strings need not be UTF-8).
    private static func bytes(of string: UnsafePointer<CChar>) -> [UInt8] {
        var result: [UInt8] = []
        var pointer = string
        while pointer.pointee != 0 {
            result.append(UInt8(bitPattern: pointer.pointee))
            pointer += 1
        }
        return result
    }

    /// Drops `$<n>` padding (delays do not matter on the way out, and `$<` is not for the terminal).
    static func withoutPadding(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<"),
               let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: ">")) {
                index = close + 1
                continue
            }
            result.append(bytes[index])
            index += 1
        }
        return result
    }
}
