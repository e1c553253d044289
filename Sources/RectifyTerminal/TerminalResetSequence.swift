import CNcursesw

/// The bytes that put the terminal back (default colours, plain attributes, visible cursor, keypad
/// off, main screen), taken from terminfo while the screen is up: a crash handler cannot call
/// endwin or tigetstr, so it writes these instead.
enum TerminalResetSequence {
    static let capabilities = ["op", "sgr0", "cnorm", "rmkx", "rmcup"]

    /// The current terminal's reset bytes; needs the screen set up.
    static func current() -> [UInt8] {
        capabilities.flatMap { name -> [UInt8] in
            guard let value = rc_terminfo_string(name) else { return [] }
            return withoutPadding(bytes(of: value))
        }
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
