import TerminalCanvas

/// The styles widgets draw with, one named role each.
///
/// A look is a static value that sets every role: `dark` and `light` for colour tiers (see
/// `Palette+Themes.swift`) and `monochrome` for tiers without colour, whatever the theme. To add a
/// role, add a property here and its style to each of the three values (the compiler lists any
/// value that misses it).
struct Palette {
    let plain: CellStyle
    let label: CellStyle
    let value: CellStyle
    let title: CellStyle
    let selectedTitle: CellStyle
    let key: CellStyle
    let notice: CellStyle
    let error: CellStyle
    let running: CellStyle
    let paused: CellStyle
    let pending: CellStyle

    let kept: CellStyle
    let filled: CellStyle
    let irWork: CellStyle
    let overflow: CellStyle
    let capacityMarker: CellStyle
    let overflowNumber: CellStyle
    let paddingNumber: CellStyle

    let compactOverflow: CellStyle
    let compactFull: CellStyle
    let compactBusy: CellStyle
    let compactLight: CellStyle
    let compactIdle: CellStyle

    /// The selected mode's series and the vanilla baseline in sparklines.
    let seriesCurrent: CellStyle
    let seriesBaseline: CellStyle
    let border: CellStyle

    /// Overflow IR recovered, apart from the overflow still lost.
    let recovered: CellStyle
    /// The headline strip: its figures, the shown mode's better or worse than vanilla, and the
    /// tour's caption.
    let headline: CellStyle
    let better: CellStyle
    let worse: CellStyle
    let caption: CellStyle
}

extension Palette {
    /// The theme's palette on a colour tier, the monochrome one otherwise.
    init(_ options: DisplayOptions) {
        guard options.color else {
            self = .monochrome
            return
        }
        switch options.theme {
        case .dark: self = .dark
        case .light: self = .light
        }
    }
}
