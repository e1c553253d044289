/// Which glyphs and colours the program may use on this terminal.
public struct DisplayTier: Sendable, Hashable, CustomStringConvertible {
    /// Box drawing, partial blocks and braille; `false` means plain ASCII only.
    public var unicode: Bool
    /// Colours; `false` means monochrome (bold, dim and reverse still work).
    public var color: Bool

    public init(unicode: Bool, color: Bool) {
        self.unicode = unicode
        self.color = color
    }

    /// Unicode glyphs in colour.
    public static let full = DisplayTier(unicode: true, color: true)
    /// ASCII glyphs, no colour.
    public static let plain = DisplayTier(unicode: false, color: false)

    public var description: String {
        "\(unicode ? "unicode" : "ascii") \(color ? "color" : "mono")"
    }
}
