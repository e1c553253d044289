import RectifyEngine

/// The run totals of the selected mode beside its baseline on the same batches:
/// drop rate, drops still lost, padding rate, recovered, filled, covered tokens, cross-GPU, imbalance.
enum TotalsTable {
    struct Column: Sendable {
        let heading: String
        let width: Int
        let value: @Sendable (SchemeTotals, String) -> String
    }

    static let columns: [Column] = [
        Column(heading: "drop", width: 6) { t, u in Format.percent(t.dropRate, unknown: u) },
        Column(heading: "lost", width: 6) { t, u in Format.percent(t.lostRate, unknown: u) },
        Column(heading: "padding", width: 7) { t, u in Format.percent(t.paddingRate, unknown: u) },
        Column(heading: "recovered", width: 9) { t, u in t.steps > 0 ? t.recovered.map(Format.count) ?? u : u },
        Column(heading: "filled", width: 6) { t, u in t.steps > 0 ? t.filled.map(Format.count) ?? u : u },
        Column(heading: "covered", width: 7) { t, u in Format.percent(t.coverageRate, unknown: u) },
        Column(heading: "cross-GPU", width: 9) { t, u in t.steps > 0 ? Format.count(t.crossGPU) : u },
        Column(heading: "imbalance", width: 9) { t, u in Format.ratio(t.imbalance, unknown: u) },
    ]

    static let labelWidth = 8

    static func draw(snapshot: EngineSnapshot, mode: RectifyMode, in rect: Rect, into grid: inout CellGrid,
                     glyphs: Glyphs, palette: Palette) {
        grid.clear(rect)
        let other = SparklinePanel.baseline(for: mode)
        let rows: [(RectifyMode, CellStyle)] = [(mode, palette.value), (other, palette.label)]
        var column = labelWidth
        grid.put("totals", in: rect, style: palette.title)
        for spec in columns {
            guard column + 1 + spec.width <= rect.width else { break }
            column += 1
            grid.put(Format.right(spec.heading, spec.width), in: rect, column: column, style: palette.label)
            for (index, (rowMode, _)) in rows.enumerated() {
                let text = spec.value(snapshot[rowMode].totals, glyphs.unknown)
                grid.put(Format.right(text, spec.width), in: rect, column: column, row: 1 + index, style: palette.value)
            }
            column += spec.width
        }
        for (index, (rowMode, style)) in rows.enumerated() {
            grid.put(rowMode.label, in: rect, row: 1 + index, style: style)
        }
        let steps = "\(snapshot[mode].totals.steps) steps"
        if column + 2 + steps.count <= rect.width {
            grid.put(steps, in: rect, column: column + 2, style: palette.label)
        }
    }
}
