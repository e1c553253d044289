import RectifyEngine
import TerminalCanvas

/// The tour's one-line caption: what the step's mode changes, in the current segment's figures.
enum TourCaption {
    static func text(step: Int, snapshot: EngineSnapshot, unicode: Bool) -> String {
        let unknown = unicode ? "—" : "-"
        let arrow = unicode ? " → " : " -> "
        let dash = unicode ? " — " : " - "
        func lost(_ mode: RectifyMode) -> String { Format.percent(snapshot[mode].totals.lostRate, unknown: unknown) }
        func padding(_ mode: RectifyMode) -> String { Format.percent(snapshot[mode].totals.paddingRate, unknown: unknown) }
        let lostChange = "lost \(lost(.vanilla))\(arrow)\(lost(step == 3 ? .irfr : .ir))"
        let paddingChange = "padding \(padding(.vanilla))\(arrow)\(padding(step == 3 ? .irfr : .fr))"
        let position = "\(min(step, 3) + 1)/\(Tour.modes.count) "
        switch step {
        case 0:
            return position + "vanilla: tokens beyond an expert's capacity are dropped" + dash
                + "lost \(lost(.vanilla)), padding \(padding(.vanilla))"
        case 1:
            return position + "IR: dropped tokens go to the best expert on their own GPU" + dash + lostChange
        case 2:
            return position + "FR: empty slots take tokens that wanted that expert next" + dash + paddingChange
        default:
            return position + "IR+FR: both at once" + dash + lostChange + ", " + paddingChange
        }
    }

    /// The caption, then what the keys do next, as far as the row allows.
    static func draw(step: Int, snapshot: EngineSnapshot, in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        grid.clear(rect)
        let end = grid.put(text(step: step, snapshot: snapshot, unicode: theme.glyphs.unicode), in: rect,
                           style: palette.caption)
        let keys = step + 1 < Tour.modes.count ? "   t next, Esc leaves" : "   t ends the tour"
        if end + keys.count <= rect.width { grid.put(keys, in: rect, column: end, style: palette.label) }
    }
}
