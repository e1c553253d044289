/// How the dashboard looks: the characters it draws with and the styles it paints them in.
///
/// Built once per frame from the display options and handed to every widget as one value, so the
/// look is decided in one place: another look (a light or dark palette, say) is another `Theme`,
/// not another parameter threaded through the widgets. Widgets take their styles only from
/// `palette`, never a colour of their own.
struct Theme {
    let glyphs: Glyphs
    let palette: Palette

    init(glyphs: Glyphs, palette: Palette) {
        self.glyphs = glyphs
        self.palette = palette
    }

    /// The look for a display tier: Unicode or ASCII glyphs, colour or monochrome styles.
    init(_ options: DisplayOptions) {
        self.init(glyphs: Glyphs(options), palette: Palette(options))
    }
}
