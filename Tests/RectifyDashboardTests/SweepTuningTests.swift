import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The sweep you tune from: the cursor, Enter, `R`, and the overlay's marks drawn per cell.
@Suite struct SweepTuningTests {
    static let preset = CompareSweepTests.preset

    static func open() -> DashboardState {
        var state = DashboardState(preset: preset)
        state.sweepVisible = true
        return state
    }

    static func cf(_ text: String) -> CapacityFactor { CapacityFactor(parsing: text) ?? CapacityFactor(tenThousandths: 0) }

    /// A complete hand-made sweep of the default factors. `same`: every mode the same figures (the
    /// lines coincide). Otherwise IR modes lose 5% below cf 1.25 and nothing from it on, the others
    /// 30%; FR modes pad 2%, the others 20%: ir+fr at 1.25 is the first to meet 1% / 10%.
    static func chart(same: Bool = false) -> SweepChart {
        let points = SweepChart.defaultFactors.map { factor in
            PerMode<SweepChart.Point> { mode in
                let f = Double(factor.tenThousandths) / 10_000
                if same { return SweepChart.Point(lost: max(0, 0.5 - f / 4), padding: max(0, f / 4 - 0.1), stepSeconds: f * 1e-4,
                                                  usefulTokensPerSecond: 1e6 / f) }
                let lost = mode.usesIR ? (f < 1.25 ? 0.05 : 0) : 0.3
                let padding = mode.usesFR ? 0.02 : 0.2
                return SweepChart.Point(lost: lost, padding: padding, stepSeconds: f * 1e-4,
                                        usefulTokensPerSecond: (mode == .irfr ? 2e6 : 1e6) / f)
            }
        }
        return SweepChart(factors: SweepChart.defaultFactors, batches: 2, points: points, presetName: "hand")
    }

    // MARK: State

    @Test("left/right move the cursor from the factor nearest the current cf, stopping at the ends with a notice")
    func cursorMoves() {
        var state = Self.open()
        #expect(SweepTuning.cursor(state) == 3, "cf 1 is the fourth default factor")
        state = DashboardState.update(state, .right).0
        #expect(state.sweepCursor == 4 && state.selectedGPU == 0, "right moves the cursor, not the GPU")
        for _ in 0..<20 { state = DashboardState.update(state, .left).0 }
        #expect(state.sweepCursor == 0 && state.notice == "first capacity factor of the sweep")
        for _ in 0..<20 { state = DashboardState.update(state, .right).0 }
        #expect(state.sweepCursor == SweepChart.defaultFactors.count - 1 && state.notice == "last capacity factor of the sweep")
        // Closed overlay: the arrows select GPUs again.
        var closed = DashboardState(preset: Self.preset)
        closed = DashboardState.update(closed, .right).0
        #expect(closed.selectedGPU == 1 && closed.sweepCursor == nil)
    }

    @Test("Enter applies the cursor's cf with the +/- keys' setConfig, closes the overlay; unchanged cf sends only the close")
    func enterApplies() {
        var state = DashboardState.update(Self.open(), .right).0
        let (applied, commands) = DashboardState.update(state, .enter)
        var expected = state.config
        expected.capacityFactor = Self.cf("1.25")
        #expect(commands == [.setConfig(expected), .cancelSweep])
        #expect(applied.config.capacityFactor == Self.cf("1.25") && !applied.sweepVisible && applied.sweepCursor == nil)
        #expect(applied.notice == "applied cf 1.25")
        state = Self.open()
        let (same, closing) = DashboardState.update(state, .enter)
        #expect(closing == [.cancelSweep] && same.config == state.config && !same.sweepVisible)
        // Enter outside the overlay does nothing.
        #expect(DashboardState.update(DashboardState(preset: Self.preset), .enter).1.isEmpty)
    }

    @Test("R waits for the sweep, then shows the recommendation; Enter applies its cf and mode")
    func recommend() throws {
        var state = Self.open()
        state.sweep = SweepChart(factors: SweepChart.defaultFactors, batches: 2, presetName: "hand")
        state = DashboardState.update(state, .character("R")).0
        #expect(state.sweepRecommending && state.notice == "recommendation: waiting for the sweep (0/12 factors)")
        let (waiting, none) = DashboardState.update(state, .enter)
        #expect(none.isEmpty && waiting.sweepVisible, "nothing to apply yet")
        state.sweep = Self.chart()
        state.mode = .vanilla
        state = DashboardState.update(state, .character("R")).0
        let recommendation = try #require(Self.chart().recommendation(.standard))
        #expect(recommendation.choice.capacityFactor == Self.cf("1.25") && recommendation.mode == .irfr)
        #expect(state.notice == "recommended: \(recommendation.summary) Enter applies")
        #expect(state.sweepCursor == 4)
        let (applied, commands) = DashboardState.update(state, .enter)
        var expected = state.config
        expected.capacityFactor = Self.cf("1.25")
        #expect(commands == [.setConfig(expected), .cancelSweep])
        #expect(applied.mode == .irfr && !applied.sweepVisible)
        // Moving the cursor leaves the recommendation.
        #expect(!DashboardState.update(state, .left).0.sweepRecommending)
    }

    @Test("R on the main screen opens the sweep and waits there for the recommendation")
    func recommendFromMain() {
        let (state, commands) = DashboardState.update(DashboardState(preset: Self.preset), .character("R"))
        #expect(commands == [.startSweep])
        #expect(state.sweepVisible && state.sweepRecommending)
        #expect(state.notice?.hasPrefix("recommendation: waiting for the sweep") == true)
    }

    @Test("the state takes the engine's sweep only while the overlay is open")
    func syncsSweep() {
        var snapshot = CompareSweepTests.engine(steps: 1, details: false).snapshot()
        snapshot.sweep = Self.chart()
        var state = Self.open()
        state.sync(with: snapshot)
        #expect(state.sweep == Self.chart())
        state.sweepVisible = false
        state.sync(with: snapshot)
        #expect(state.sweep == nil)
    }

    // MARK: Rendering

    static let sizes = [(60, 16), (80, 24), (100, 30), (120, 40), (200, 60)]

    /// The overlay over a frame of the engine's snapshot with `chart` as its sweep.
    static func render(_ state: DashboardState, chart: SweepChart, width: Int, height: Int,
                       display: DisplayOptions = .full) -> CellGrid {
        var snapshot = CompareSweepTests.engine(steps: 1, details: false).snapshot()
        snapshot.sweep = chart
        var shown = state
        shown.display = display
        return Fixtures.render(shown, snapshot, width: width, height: height)
    }

    @Test("per cell at five sizes: the cursor's column reversed in every chart, the current cf's line in the notice style",
          arguments: sizes)
    func marks(size: (Int, Int)) throws {
        let (width, height) = size
        var state = DashboardState.update(Self.open(), .right).0
        state = DashboardState.update(state, .right).0   // cursor at 1.5, current cf 1
        let grid = Self.render(state, chart: Self.chart(), width: width, height: height)
        let palette = Theme(.full).palette
        let text = grid.text
        let charts = ["drop rate left after IR", "padding left after FR", "est. step time"].filter { text.contains($0) }
        #expect(charts.count >= 2, "\(width)x\(height): at least lost and padding\n\(text)")
        if height >= 24 { #expect(charts.count == 3, "\(width)x\(height): step time shows\n\(text)") }
        // Reversed cells: one vertical run per chart, the same number of runs as charts.
        let reversed = (0..<grid.height).flatMap { y in (0..<grid.width).filter { grid[$0, y].style.reverse }.map { (x: $0, y: y) } }
        let columns = Set(reversed.map(\.x))
        #expect(!reversed.isEmpty && columns.count <= charts.count, "\(width)x\(height): \(columns)")
        for x in columns {
            let rows = reversed.filter { $0.x == x }.map(\.y).sorted()
            #expect(rows.count >= 3, "\(width)x\(height): a run of at least the plot's rows at column \(x)")
        }
        // The current factor's dotted line, in the notice style, left of the cursor.
        let marks = (0..<grid.height).flatMap { y in (0..<grid.width).filter { grid[$0, y].character == "┊" }.map { (x: $0, y: y) } }
        #expect(!marks.isEmpty, "\(width)x\(height)")
        for mark in marks where !text.split(separator: "\n")[mark.y].contains("current cf") {
            #expect(grid[mark.x, mark.y].style == palette.notice || grid[mark.x, mark.y].style.reverse, "\(width)x\(height) at \(mark)")
            #expect(columns.contains { $0 > mark.x }, "the cursor (1.5) lies right of the current cf (1)")
        }
        // The cursor's line: every mode's figures at 1.5, in the mode's style.
        let line = try #require(text.split(separator: "\n").first { $0.contains("cf 1.5:") }, "\(width)x\(height)")
        #expect(line.contains("/") || line.contains("lost"))
        #expect(text.contains("Esc or w closes"))
    }

    @Test("per cell at five sizes: where the lines coincide vanilla is drawn, no other mode's marker shows in the plots",
          arguments: sizes)
    func vanillaOnTop(size: (Int, Int)) {
        let (width, height) = size
        let grid = Self.render(Self.open(), chart: Self.chart(same: true), width: width, height: height)
        let palette = Theme(.full).palette
        // The plots' rows: all but the legend's and the cursor line's.
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        let plotRows = (0..<grid.height).filter { !lines[$0].contains("v vanilla") && !lines[$0].contains("cf 1 (now):") }
        for mode in RectifyMode.allCases where mode != .vanilla {
            let style = SweepOverlay.style(mode, palette: palette)
            let cells = plotRows.flatMap { y in (0..<grid.width).filter { grid[$0, y].style == style && grid[$0, y].character == SweepOverlay.marker(mode) } }
            #expect(cells.isEmpty, "\(width)x\(height): \(mode) markers in the plots: \(cells.count)")
        }
        #expect(lines.contains { $0.contains("cf 1 (now):") }, "\(width)x\(height): the cursor line at the current cf")
        let vanilla = SweepOverlay.style(.vanilla, palette: palette)
        #expect(grid.cells.filter { $0.style == vanilla && $0.character == "v" }.count > 12, "\(width)x\(height)")
    }

    @Test("R's recommendation line in the overlay at five sizes, cursor at the recommended factor", arguments: sizes)
    func recommendationLine(size: (Int, Int)) throws {
        let (width, height) = size
        var state = Self.open()
        state.sweep = Self.chart()
        state = DashboardState.update(state, .character("R")).0
        let grid = Self.render(state, chart: Self.chart(), width: width, height: height, display: .plain)
        let line = try #require(grid.text.split(separator: "\n").first { $0.contains("R: cf 1.25") }, "\(width)x\(height)\n\(grid.text)")
        #expect(line.contains("ir+fr") && (line.contains("Enter applies")), "\(line)")
        #expect(grid.cells.contains { $0.style.reverse })
    }

    @Test("a quality file's values make a measured-quality chart; otherwise the proxy is labelled as one")
    func qualityChart() {
        var measured = Self.chart()
        measured.points = measured.points.map { row in PerMode { mode in var p = row[mode]; p.measuredQuality = 0.7; return p } }
        #expect(SweepOverlay.series(measured).last?.long == "measured quality (the preset's quality file)")
        var proxy = Self.chart()
        proxy.points = proxy.points.map { row in PerMode { mode in var p = row[mode]; p.outputError = 0.1; return p } }
        #expect(SweepOverlay.series(proxy).last?.long == "output error: a proxy, not model quality")
        #expect(SweepOverlay.series(Self.chart()).count == 3)
        let text = Self.render(Self.open(), chart: proxy, width: 120, height: 40).text
        #expect(text.contains("output error: a proxy, not model quality"))
    }
}
