/// Makes text read from files or the command line safe to print on a terminal or standard error.
///
/// A preset description, a file name or a bogus option value is someone else's text: an escape
/// sequence in it would be executed by the terminal (set its title, move the cursor, hide what
/// follows), a newline would forge extra output lines, and a 10 MB value would flood the screen.
public enum TerminalText {
    /// Stands for a removed control character: visible, ASCII, and never part of a sequence.
    public static let marker: Unicode.Scalar = "?"
    /// What a shortened excerpt ends with.
    public static let ellipsis = "..."
    /// Characters of a bad value an error line echoes.
    public static let excerptLimit = 40
    /// Characters of a file path an error line echoes (paths are long but the whole name matters).
    public static let pathLimit = 160
    /// The longest line `line(_:)` lets through, a guard for messages built by code that cannot
    /// shorten its values itself.
    public static let lineLimit = 1000

    /// `text` with every C0 control (ESC included), DEL and C1 control (U+0080-U+009F) replaced:
    /// newlines, carriage returns, tabs and the Unicode line and paragraph separators become a
    /// space, the others `marker`. Plain spaces and all printable text are kept.
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsReplacing) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(replacement(for: scalar)) }
        return String(out)
    }

    /// The sanitised start of `text`, at most `limit` characters (Unicode scalars, so that a
    /// character with a million combining marks is not one "character") plus `ellipsis` when cut.
    public static func excerpt(_ text: String, limit: Int = excerptLimit) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else { return String(out) + ellipsis }
            out.append(replacement(for: scalar))
            count += 1
        }
        return String(out)
    }

    /// A file path for an error line: sanitised, and when longer than `limit` its start and its end
    /// (where the file name is) around `ellipsis`.
    public static func path(_ text: String, limit: Int = pathLimit) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return sanitized(text) }
        let head = limit / 3
        let tail = limit - head
        return excerpt(text, limit: head) + sanitized(String(String.UnicodeScalarView(scalars.suffix(tail))))
    }

    /// One line for standard error: sanitised, and shortened in the middle when longer than
    /// `limit`, so that no message, whatever built it, floods the terminal.
    public static func line(_ text: String, limit: Int = lineLimit) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return sanitized(text) }
        let head = limit * 3 / 4
        let tail = limit - head
        return excerpt(text, limit: head) + sanitized(String(String.UnicodeScalarView(scalars.suffix(tail))))
    }

    private static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    private static func replacement(for scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard needsReplacing(scalar) else { return scalar }
        switch scalar {
        case "\n", "\r", "\t", "\u{0B}", "\u{0C}", "\u{2028}", "\u{2029}": return " "
        default: return marker
        }
    }
}
