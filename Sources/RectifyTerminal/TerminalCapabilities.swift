#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw

/// Decides the glyph and colour tier before the screen is set up.
public enum TerminalCapabilities {
    /// The tier for `terminal`: sets the process locale (see `selectLocale`) and applies `NO_COLOR`,
    /// `--no-color` and the terminal's own colour support.
    public static func displayTier(for terminal: TerminalDescription,
                                   options: TerminalOptions = TerminalOptions()) -> DisplayTier {
        let unicode = selectLocale() && !options.asciiOnly
        let color = colorAllowed(noColorEnvironment: getenv("NO_COLOR").map { String(cString: $0) },
                                 noColorFlag: options.noColor,
                                 terminalHasColors: terminal.hasColors)
        return DisplayTier(unicode: unicode, color: color)
    }

    /// Sets the locale from the environment (ncursesw needs it before newterm to encode UTF-8) and
    /// returns whether characters are UTF-8. A non-UTF-8 locale gets `C.UTF-8` for LC_CTYPE if the
    /// system has it; otherwise the answer is `false` and the program should draw ASCII.
    /// LC_NUMERIC stays `C` so number formatting never depends on the user's locale.
    /// Process-wide: call before starting threads that use the C locale.
    @discardableResult
    public static func selectLocale() -> Bool {
        setlocale(LC_ALL, "")
        setlocale(LC_NUMERIC, "C")
        if rc_codeset_is_utf8() != 0 { return true }
        if setlocale(LC_CTYPE, "C.UTF-8") != nil, rc_codeset_is_utf8() != 0 { return true }
        return false
    }

    /// Colour unless `NO_COLOR` is set to a non-empty value (no-color.org), `--no-color` was given,
    /// or the terminal has no colours.
    public static func colorAllowed(noColorEnvironment: String?, noColorFlag: Bool, terminalHasColors: Bool) -> Bool {
        if let value = noColorEnvironment, !value.isEmpty { return false }
        return !noColorFlag && terminalHasColors
    }
}
