import RectifyEngine
import TerminalCanvas

/// The compare view's table of all six schemes on the latest step: the four modes and the two
/// baselines, with the cost model's step time and useful throughput, measured quality where the
/// preset's quality file has it, the router-side gate mass and the synthetic distortion proxy,
/// with a last line saying what the proxy and the measurement are (nothing implies quality the
/// tool did not measure). Figures that do not apply show the unknown mark.
enum SchemesTable {
    struct Row: Sendable {
        let label: String
        let value: @Sendable (SchemeDetails, Glyphs) -> String
    }

    /// Most telling first: a short screen shows the top rows only.
    static let rows: [Row] = [
        Row(label: "step time") { d, g in Format.duration(d.stepSeconds, glyphs: g) },
        Row(label: "tokens/s") { d, g in d.tokensPerSecond.map { Format.count(Int($0.rounded())) } ?? g.unknown },
        Row(label: "measured") { d, g in d.measured.map { Format.decimal($0, places: 3) } ?? g.unknown },
        Row(label: "intended") { d, g in Format.percent(d.intended, unknown: g.unknown) },
        Row(label: "subst.") { d, g in Format.percent(d.substitute, unknown: g.unknown) },
        Row(label: "dist.proxy") { d, g in Format.percent(d.outputError, unknown: g.unknown) },
        Row(label: "lost") { d, g in Format.percent(d.lost, unknown: g.unknown) },
        Row(label: "padding") { d, g in Format.percent(d.padding, unknown: g.unknown) },
        Row(label: "covered") { d, g in Format.percent(d.covered, unknown: g.unknown) },
    ]

    static let labelWidth = 10

    /// Column headings: full names when the columns are wide enough.
    static func heading(_ scheme: RoutingScheme, width: Int) -> String {
        scheme.label.count > width ? scheme.style.shortLabel : scheme.label
    }

    /// The figures shown for `scheme`: the engine's details, with the rectify modes' own figures
    /// from the latest step until the details arrive.
    static func details(_ scheme: RoutingScheme, snapshot: EngineSnapshot) -> SchemeDetails {
        if let details = snapshot.details?[scheme] { return details }
        guard case .rectify(let mode) = scheme, let f = snapshot[mode].latest else { return SchemeDetails() }
        return SchemeDetails(SchemeFigures(f))
    }

    /// What `measured` and `dist.proxy` are, in one line.
    static func note(_ details: CompareDetails?) -> String {
        var text = "dist.proxy: synthetic-expert layer distortion"
        if let fidelity = details?.fidelity {
            text += " (similarity \(Format.decimal(fidelity.expertSimilarity, places: 2)), vs \(fidelity.reference.rawValue))"
        }
        text += ", not model quality. measured: "
        if let quality = details?.quality {
            text += "\(quality.metric) (\(quality.lowerIsBetter ? "lower" : "higher") better), dropless column = dropless reference"
        } else {
            text += "none (no quality file)"
        }
        return text
    }

    static func draw(state: DashboardState, snapshot: EngineSnapshot, in rect: Rect, into grid: inout CellGrid,
                     theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(rect)
        guard rect.height > 0, rect.width > labelWidth else { return }
        let schemes = RoutingScheme.allCases
        let columnWidth = max(1, (rect.width - labelWidth) / schemes.count)
        let valueWidth = max(1, columnWidth - 1)
        // The step the cost and output error belong to (computed every few steps).
        let title = snapshot.details.map { "step " + Format.count($0.step) } ?? "latest"
        grid.put(title, in: rect, style: palette.title)
        for (index, scheme) in schemes.enumerated() {
            let column = labelWidth + index * columnWidth
            let selected = scheme == .rectify(state.mode)
            let text = Format.right(heading(scheme, width: valueWidth), columnWidth)
            grid.put(text, in: rect, column: column, style: selected ? palette.selectedTitle : palette.title)
        }
        let values = schemes.map { details($0, snapshot: snapshot) }
        // The note takes the last row when every figure fits above it.
        let noteRow = rect.height >= rows.count + 2 ? rows.count + 1 : nil
        if let noteRow { grid.put(note(snapshot.details), in: rect, row: noteRow, style: palette.label) }
        for (index, row) in rows.enumerated() {
            let y = 1 + index
            guard y < rect.height else { break }
            grid.put(row.label, in: rect, row: y, style: palette.label)
            for (column, value) in values.enumerated() {
                let text = Format.right(row.value(value, glyphs), columnWidth)
                grid.put(text, in: rect, column: labelWidth + column * columnWidth, row: y, style: palette.value)
            }
        }
    }
}
