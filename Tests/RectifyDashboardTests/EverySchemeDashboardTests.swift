import Testing
import RectifyEngine
import TerminalCanvas
@testable import RectifyDashboard

/// Every routing scheme reaches the dashboard: the compare details and table, the mode keys and the
/// sweep overlay's legend, all read from the scheme table.
@Suite struct EverySchemeDashboardTests {
    @Test("compare details evaluate every scheme; the schemes table heads a column with each")
    func compare() throws {
        let engine = CompareSweepTests.engine(steps: 2)
        let details = try #require(engine.snapshot().details)
        for scheme in RoutingScheme.allCases {
            let entry = try #require(details[scheme], "\(scheme)")
            #expect(entry.stepSeconds != nil && entry.covered != nil && entry.intended != nil, "\(scheme)")
            #expect(SchemesTable.heading(scheme, width: 20) == scheme.label)
            #expect(SchemesTable.heading(scheme, width: 1) == scheme.style.shortLabel)
        }
    }

    @Test("each rectify mode has its key, its legend entry and its marker in the sweep overlay")
    func keysAndLegend() {
        let palette = Palette(DisplayOptions(unicode: true, color: true))
        for mode in RectifyMode.allCases {
            guard let key = mode.style.key else {
                Issue.record("\(mode) has no key")
                continue
            }
            #expect(KeyBindings.action(for: .character(key), helpOpen: false) == .selectMode(mode))
            #expect(SweepOverlay.marker(mode) == mode.style.marker)
            #expect(SweepOverlay.style(mode, palette: palette) == palette.style(.rectify(mode)))
        }
        var grid = CellGrid(width: 120, height: 1)
        SweepOverlay.drawLegend(in: Rect(x: 0, y: 0, width: 120, height: 1), into: &grid,
                                theme: Theme(glyphs: Glyphs(DisplayOptions()), palette: palette))
        let line = grid.lines.first ?? ""
        for mode in RectifyMode.allCases { #expect(line.contains("\(mode.style.marker) \(mode.label)"), "\(mode)") }
    }
}
