/// The colour themes the dashboard offers (`--theme`, the `L` key, `theme` in the config file).
///
/// A theme picks the palette for colour tiers and the colours a saved snapshot is painted in; a
/// monochrome tier looks the same under every theme.
public enum ThemeName: String, CaseIterable, Hashable, Sendable {
    /// Colours for a dark terminal background: the dashboard's original look, and the default.
    case dark
    /// Colours for a light (white) terminal background: no yellow or light grey text.
    case light
}
