/// The glyph and colour tier the terminal side decided on (locale, `--ascii`, `NO_COLOR`, `--no-color`,
/// terminal capabilities) and the colour theme the user chose. Widgets read it; they never probe the
/// terminal themselves.
public struct DisplayOptions: Hashable, Sendable {
    /// Unicode block, box and braille glyphs; `false` draws with printable ASCII only.
    public var unicode: Bool
    /// Colours in `CellStyle`; `false` leaves colours at `.standard` and relies on distinct characters.
    public var color: Bool
    /// Braille sparklines (two points per cell) when `unicode` is on; `false` uses block glyphs.
    public var braille: Bool
    /// The colour theme (`--theme`, the `L` key); only colour tiers show it.
    public var theme: ThemeName

    public init(unicode: Bool = true, color: Bool = true, braille: Bool = true, theme: ThemeName = .dark) {
        self.unicode = unicode
        self.color = color
        self.braille = braille
        self.theme = theme
    }

    /// Unicode and colour: what a modern terminal gets.
    public static let full = DisplayOptions()
    /// ASCII glyphs, no colour: readable anywhere.
    public static let plain = DisplayOptions(unicode: false, color: false, braille: false)
}
