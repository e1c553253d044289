import RectifyEngine
import TerminalCanvas

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

    /// Row 0 headings, rows 1-2 the current segment's totals of the mode shown and its baseline,
    /// row 3 (when the table has it) the previous segment's totals of the mode shown, labelled with
    /// the setting it had when only one differs (`cf 1`), else `before`.
    static func draw(snapshot: EngineSnapshot, mode: RectifyMode, in rect: Rect, into grid: inout CellGrid,
                     theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(rect)
        let other = SparklinePanel.baseline(for: mode)
        var rows: [(label: String, totals: SchemeTotals, labelStyle: CellStyle, valueStyle: CellStyle)] = [
            (mode.label, snapshot[mode].totals, palette.value, palette.value),
            (other.label, snapshot[other].totals, palette.label, palette.value),
        ]
        let previous = rect.height > 3 ? snapshot.previousSegment : nil
        let changes = previous.map { changedSettings($0.segment, snapshot.segment) } ?? []
        if let previous {
            let label = changes.count == 1 && changes[0].count <= labelWidth ? changes[0] : "before"
            rows.append((label, previous[mode], palette.pending, palette.label))
        }
        var column = labelWidth
        grid.put("totals", in: rect, style: palette.title)
        for spec in columns {
            guard column + 1 + spec.width <= rect.width else { break }
            column += 1
            grid.put(Format.right(spec.heading, spec.width), in: rect, column: column, style: palette.label)
            for (index, row) in rows.enumerated() {
                let text = spec.value(row.totals, glyphs.unknown)
                grid.put(Format.right(text, spec.width), in: rect, column: column, row: 1 + index, style: row.valueStyle)
            }
            column += spec.width
        }
        for (index, row) in rows.enumerated() {
            grid.put(row.label, in: rect, row: 1 + index, style: row.labelStyle)
        }
        let since = snapshot.segment.firstStep.map { "  since step \($0)" } ?? ""
        putTrailer(Format.steps(snapshot[mode].totals.steps) + since, in: rect, column: column, row: 0,
                   into: &grid, style: palette.label)
        if let previous {
            let described = ([Format.steps(previous[mode].steps)] + changes).joined(separator: "  ")
            putTrailer(described, in: rect, column: column, row: 3, into: &grid, style: palette.label)
        }
    }

    /// Text after the last column, whole or not at all.
    private static func putTrailer(_ text: String, in rect: Rect, column: Int, row: Int, into grid: inout CellGrid,
                                   style: CellStyle) {
        if column + 2 + text.count <= rect.width {
            grid.put(text, in: rect, column: column + 2, row: row, style: style)
        }
    }

    /// The settings `earlier` had that `later` does not: `cf 1`, `k 2`, `position`, or the earlier preset's name.
    static func changedSettings(_ earlier: Segment, _ later: Segment) -> [String] {
        let a = earlier.config, b = later.config
        guard earlier.presetName == later.presetName else { return [TerminalText.sanitized(earlier.presetName)] }
        var changes: [String] = []
        if a.capacityFactor != b.capacityFactor { changes.append("cf \(a.capacityFactor)") }
        if a.topK != b.topK { changes.append("k \(a.topK)") }
        if a.dropPolicy != b.dropPolicy { changes.append(a.dropPolicy.rawValue) }
        if a.irCapacityFactor != b.irCapacityFactor { changes.append("ir-cf \(a.irCapacityFactor.map(\.description) ?? "none")") }
        if a.minCapacity != b.minCapacity { changes.append("min-C \(a.minCapacity)") }
        if a.gateNormalization != b.gateNormalization { changes.append("gate \(a.gateNormalization.rawValue)") }
        return changes
    }
}
