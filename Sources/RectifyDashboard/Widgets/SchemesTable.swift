import RectifyEngine

/// The compare view's table of all six schemes on the latest step: the four modes and the two
/// baselines, with the cost model's step time and useful throughput and the output error.
/// Figures that do not apply (output error of a trace, drops of expert-choice) show the unknown mark.
enum SchemesTable {
    struct Row: Sendable {
        let label: String
        let value: @Sendable (SchemeDetails, Glyphs) -> String
    }

    /// Most telling first: a short screen shows the top rows only.
    static let rows: [Row] = [
        Row(label: "step time") { d, g in Format.duration(d.stepSeconds, micro: g.unicode ? "µs" : "us", unknown: g.unknown) },
        Row(label: "tokens/s") { d, g in d.tokensPerSecond.map { Format.count(Int($0.rounded())) } ?? g.unknown },
        Row(label: "out error") { d, g in Format.percent(d.outputError, unknown: g.unknown) },
        Row(label: "lost") { d, g in Format.percent(d.lost, unknown: g.unknown) },
        Row(label: "padding") { d, g in Format.percent(d.padding, unknown: g.unknown) },
        Row(label: "covered") { d, g in Format.percent(d.covered, unknown: g.unknown) },
    ]

    static let labelWidth = 10

    /// Column headings: full names when the columns are wide enough.
    static func heading(_ scheme: RoutingScheme, width: Int) -> String {
        guard scheme.label.count > width else { return scheme.label }
        switch scheme {
        case .baseline(.dropless): return "dropl."
        case .baseline(.expertChoice): return "exp-ch"
        default: return scheme.label
        }
    }

    /// The figures shown for `scheme`: the engine's details, with the rectify modes' own figures
    /// from the latest step until the details arrive.
    static func details(_ scheme: RoutingScheme, snapshot: EngineSnapshot) -> SchemeDetails {
        if let details = snapshot.details?[scheme] { return details }
        guard case .rectify(let mode) = scheme, let f = snapshot[mode].latest else { return SchemeDetails() }
        return SchemeDetails(lost: CompareDetails.ratio(f.unrecovered, f.requested),
                             padding: CompareDetails.ratio(f.residualPadding, f.slots),
                             covered: CompareDetails.ratio(f.coveredTokens, f.tokens))
    }

    static func draw(state: DashboardState, snapshot: EngineSnapshot, in rect: Rect, into grid: inout CellGrid,
                     glyphs: Glyphs, palette: Palette) {
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
