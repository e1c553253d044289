import RectifyEngine
import TerminalCanvas

/// The headline strip: the mode shown against vanilla on the same batches, in figures large
/// enough to read from the back of a room (lost, padding, covered tokens, estimated step time and,
/// where the preset's quality file has a point, measured quality). Figures nobody knows are left out.
enum Headline {
    /// Rows the strip takes: a label row and three rows of big figures, or one plain row.
    static let bigHeight = 1 + BigText.height
    static let plainHeight = 1

    enum Verdict { case better, worse, same }

    /// One figure: its name, the mode shown's value, vanilla's, and which reads better.
    struct Figure: Equatable {
        let label: String
        let shown: String
        let vanilla: String
        let verdict: Verdict
    }

    /// The figures for `mode` against vanilla from the current segment's totals; `quality` is the
    /// preset's measured quality, if it has one.
    static func figures(snapshot: EngineSnapshot, mode: RectifyMode, quality: MeasuredQuality?,
                        theme: Theme) -> [Figure] {
        let unknown = theme.glyphs.unknown
        let shown = snapshot[mode], base = snapshot[.vanilla]
        var list: [Figure] = []
        func add(_ label: String, _ a: Double?, _ b: Double?, lowerIsBetter: Bool, _ text: (Double?) -> String) {
            guard a != nil else { return }
            let verdict: Verdict
            if let a, let b, text(a) != text(b) {
                verdict = (a < b) == lowerIsBetter ? .better : .worse
            } else {
                verdict = .same
            }
            list.append(Figure(label: label, shown: text(a), vanilla: text(b), verdict: verdict))
        }
        let percent = { (value: Double?) in Format.percent(value, unknown: unknown) }
        add("lost", shown.totals.lostRate, base.totals.lostRate, lowerIsBetter: true, percent)
        add("padding", shown.totals.paddingRate, base.totals.paddingRate, lowerIsBetter: true, percent)
        add("covered", shown.totals.coverageRate, base.totals.coverageRate, lowerIsBetter: false, percent)
        add("est. step", shown.estimatedStepSeconds, base.estimatedStepSeconds, lowerIsBetter: true) {
            Format.duration($0, glyphs: theme.glyphs)
        }
        if let quality, shown.totals.steps > 0 {
            let config = snapshot.config
            add(TerminalText.sanitized(quality.metric), quality.value(config: config, mode: mode),
                quality.value(config: config, mode: .vanilla), lowerIsBetter: quality.lowerIsBetter) {
                $0.map { Format.decimal($0, places: 2) } ?? unknown
            }
        }
        return list
    }

    static func style(_ verdict: Verdict, palette: Palette) -> CellStyle {
        switch verdict {
        case .better: return palette.better
        case .worse: return palette.worse
        case .same: return palette.headline
        }
    }

    /// Big figures in one column each when `rect` is tall and wide enough, else one plain row.
    static func draw(snapshot: EngineSnapshot, mode: RectifyMode, quality: MeasuredQuality?, in rect: Rect,
                     into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        grid.clear(rect)
        let list = figures(snapshot: snapshot, mode: mode, quality: quality, theme: theme)
        guard rect.height > 0 else { return }
        guard snapshot[mode].totals.steps > 0, !list.isEmpty else {
            grid.put("\(mode.label) against vanilla: waiting for the first batch", in: rect, style: palette.label)
            return
        }
        if rect.height >= bigHeight, theme.glyphs.bigFigures, drawBig(list, mode: mode, in: rect, into: &grid, theme: theme) {
            return
        }
        drawPlain(list, mode: mode, in: rect.row(0), into: &grid, palette: palette)
    }

    /// One column per figure: the name and vanilla's value above the mode's value in big figures.
    /// Returns false (drawing nothing) when a figure does not fit its column.
    private static func drawBig(_ list: [Figure], mode: RectifyMode, in rect: Rect, into grid: inout CellGrid,
                                theme: Theme) -> Bool {
        let palette = theme.palette
        let columns = rect.columns(list.count, gap: 2)
        for (figure, column) in zip(list, columns) {
            guard BigText.width(figure.shown) <= column.width, figure.label.count <= column.width else { return false }
        }
        for (figure, column) in zip(list, columns) {
            let end = grid.put(figure.label, in: column, style: palette.title)
            let base = "vanilla \(figure.vanilla)"
            if end + 2 + base.count <= column.width { grid.putRight(base, in: column.row(0), style: palette.label) }
            BigText.draw(figure.shown, in: column, column: 0, row: 1, style: style(figure.verdict, palette: palette),
                         into: &grid)
        }
        return true
    }

    /// `IR+FR vs vanilla  lost 0% (15.8%)  padding 3.6% (15.8%) ...`, each figure whole or not at all.
    private static func drawPlain(_ list: [Figure], mode: RectifyMode, in rect: Rect, into grid: inout CellGrid,
                                  palette: Palette) {
        var column = grid.put("\(mode.label) vs vanilla", in: rect, style: palette.title)
        for figure in list {
            let base = " (\(figure.vanilla))"
            let width = 2 + figure.label.count + 1 + figure.shown.count + base.count
            guard column + width <= rect.width else { break }
            column = grid.put(figure.label + " ", in: rect, column: column + 2, style: palette.label)
            column = grid.put(figure.shown, in: rect, column: column, style: style(figure.verdict, palette: palette))
            column = grid.put(base, in: rect, column: column, style: palette.label)
        }
    }
}
