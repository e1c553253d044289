/// The glyph and colour tier the terminal side decided on (locale, `--ascii`, `NO_COLOR`, `--no-color`,
/// terminal capabilities). Widgets read it; they never probe the terminal themselves.
public struct DisplayOptions: Hashable, Sendable {
    /// Unicode block, box and braille glyphs; `false` draws with printable ASCII only.
    public var unicode: Bool
    /// Colours in `CellStyle`; `false` leaves colours at `.standard` and relies on distinct characters.
    public var color: Bool
    /// Braille sparklines (two points per cell) when `unicode` is on; `false` uses block glyphs.
    public var braille: Bool

    public init(unicode: Bool = true, color: Bool = true, braille: Bool = true) {
        self.unicode = unicode
        self.color = color
        self.braille = braille
    }

    /// Unicode and colour: what a modern terminal gets.
    public static let full = DisplayOptions()
    /// ASCII glyphs, no colour: readable anywhere.
    public static let plain = DisplayOptions(unicode: false, color: false, braille: false)
}
