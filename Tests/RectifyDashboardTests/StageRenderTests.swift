import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The stage additions as drawn: headline strip, presenter layout, tour captions, before/after,
/// recovered against lost overflow, the compact legend, stable footer fields, and the mends.
@Suite struct StageRenderTests {
    static let sizes: [(Int, Int)] = [(60, 16), (80, 24), (100, 30), (120, 40), (200, 60)]

    /// The worked example (IR+FR: lost 0% and padding 0% against vanilla's 50%) with the headline on.
    static func headlineScreen(display: DisplayOptions = .full) -> (DashboardState, EngineSnapshot) {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: display)
        state.headlineVisible = true
        return (state, snapshot)
    }

    @Test("headline: big figures from 24 rows, one plain row below; better in green, styles per cell",
          arguments: sizes)
    func headline(size: (Int, Int)) {
        let (width, height) = size
        let (state, snapshot) = Self.headlineScreen()
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let layout = ScreenLayout.main(width: width, height: height, headline: true, caption: false, presenting: false)
        let palette = Theme(.full).palette
        #expect(!grid.cells.contains { $0.character == Fixtures.filler })
        let row = grid.lines[layout.headline.y]
        if height >= ScreenLayout.bigHeadlineMinimumHeight {
            #expect(layout.headline.height == Headline.bigHeight)
            #expect(row.hasPrefix("lost"), "\(row)")
            #expect(row.contains("vanilla 50.0%"))
            // Lost 0% in big block figures, green and bold, the first column's three rows.
            var expected = CellGrid(width: width, height: height)
            BigText.draw("0%", in: layout.headline, column: 0, row: 1, style: palette.better, into: &expected)
            for y in layout.headline.y + 1..<layout.headline.maxY {
                for x in 0..<BigText.width("0%") - 1 {
                    #expect(grid[x, y] == expected[x, y], "\(width)x\(height) cell \(x),\(y)")
                }
            }
            #expect(grid[0, layout.headline.y + 1] == Cell("█", style: palette.better))
            #expect(grid[0, layout.headline.y].style == palette.title)
        } else {
            #expect(layout.headline.height == 1)
            #expect(row.hasPrefix("ir+fr vs vanilla  lost 0% (50.0%)  padding 0% (50.0%)"), "\(row)")
            let zero = row.range(of: "lost 0%").map { row.distance(from: row.startIndex, to: $0.upperBound) - 2 } ?? 0
            #expect(grid[zero, layout.headline.y] == Cell("0", style: palette.better))
            #expect(grid[zero + 3, layout.headline.y].style == palette.label, "vanilla's figure in the label style")
        }
        // The bars still show below, the footer on the last row.
        #expect(grid.lines[layout.body.y].contains("GPU 0"))
        #expect(grid.lines[height - 1].hasPrefix("1-4 mode"))
    }

    @Test("headline figures: lost, padding, covered, step time; worse in red; unknown quality left out")
    func headlineFigures() {
        let (_, snapshot) = Self.headlineScreen()
        let theme = Theme(.full)
        let irfr = Headline.figures(snapshot: snapshot, mode: .irfr, quality: nil, theme: theme)
        #expect(irfr.map(\.label) == ["lost", "padding", "covered", "est. step"])
        #expect(irfr[0] == Headline.Figure(label: "lost", shown: "0%", vanilla: "50.0%", verdict: .better))
        #expect(irfr[2] == Headline.Figure(label: "covered", shown: "100%", vanilla: "50.0%", verdict: .better))
        let vanilla = Headline.figures(snapshot: snapshot, mode: .vanilla, quality: nil, theme: theme)
        #expect(vanilla.allSatisfy { $0.verdict == .same })
        let quality = MeasuredQuality(about: "test", metric: "ppl", lowerIsBetter: true, dropless: 10,
                                      points: [.init(topK: 1, capacityFactor: snapshot.config.capacityFactor, dropPolicy: .score,
                                                     mode: .irfr, value: 10.5),
                                               .init(topK: 1, capacityFactor: snapshot.config.capacityFactor, dropPolicy: .score,
                                                     mode: .vanilla, value: 12.25)],
                                      source: "q.json")
        let measured = Headline.figures(snapshot: snapshot, mode: .irfr, quality: quality, theme: theme)
        #expect(measured.last == Headline.Figure(label: "ppl", shown: "10.50", vanilla: "12.25", verdict: .better))
        #expect(Headline.figures(snapshot: snapshot, mode: .ir, quality: quality, theme: theme).count == 4,
                "no point for IR: the figure is left out")
    }

    @Test("presenter layout: no sparklines or totals, headline on top, bars get the rows", arguments: sizes)
    func presenterLayout(size: (Int, Int)) {
        let (width, height) = size
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .full)
        state = DashboardState.update(state, .character("P")).0
        #expect(state.presenting && state.headlineVisible)
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let layout = ScreenLayout.main(width: width, height: height, headline: true, caption: false, presenting: true)
        #expect(layout.sparklines.height == 0 && layout.totals.height == 0)
        #expect(layout.body.maxY == height - 1, "the body reaches the footer")
        #expect(!grid.text.contains("totals"))
        #expect(!grid.cells.contains { $0.character == Fixtures.filler })
        // Per-expert counts stay: the load, ovf and pad headings over the bars.
        #expect(grid.lines[layout.body.y].contains("load   ovf   pad"))
    }

    @Test("presenter with more GPUs than fit: a page of full panels with every count, never the compact grid",
          arguments: [(80, 24), (100, 30)])
    func presenterPages(size: (Int, Int)) {
        let (width, height) = size
        var (state, snapshot) = Fixtures.screen(Fixtures.preset(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 64), steps: 1)
        let plain = Fixtures.render(state, snapshot, width: width, height: height)
        #expect(!plain.text.contains("load   ovf   pad"), "without presenter mode the counts do not all show")
        state = DashboardState.update(state, .character("P")).0
        state.selectedGPU = 5
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let layout = ScreenLayout.main(width: width, height: height, headline: true, caption: false, presenting: true)
        guard case .page(let first, let panels, let note) = PanelArrangement.arrange(
            in: layout.body, gpus: 8, experts: 64, selectedGPU: 5, paged: true) else {
            Issue.record("expected a page of panels at \(width)x\(height)")
            return
        }
        #expect((first..<(first + panels.count)).contains(5) && panels.count >= 2)
        for (index, rect) in panels.enumerated() {
            let title = grid.lines[rect.y]
            #expect(title.contains("GPU \(first + index)") && title.contains("load   ovf   pad"), "\(title)")
        }
        let palette = Theme(.full).palette
        let noteText = "GPUs \(first)-\(first + panels.count - 1) of 8"
        #expect(grid.lines[note.y].hasPrefix(noteText))
        #expect(grid[note.x, note.y] == Cell("G", style: palette.label))
    }

    @Test("presenter bars grow taller when every GPU still fits: the bar repeats under its numbers",
          arguments: [(120, 40), (200, 60)])
    func presenterTallBars(size: (Int, Int)) {
        let (width, height) = size
        let (initial, snapshot) = Fixtures.screen(Fixtures.preset(gpus: 8, experts: 32, topK: 2, tokensPerGPU: 64), steps: 1)
        let state = DashboardState.update(initial, .character("P")).0
        let layout = ScreenLayout.main(width: width, height: height, headline: true, caption: false, presenting: true)
        guard case .bars(let panels) = PanelArrangement.arrange(in: layout.body, gpus: 8, experts: 32, selectedGPU: 0,
                                                                paged: true) else {
            Issue.record("expected every GPU's panel at \(width)x\(height)")
            return
        }
        let rowsPerExpert = (panels[0].height - 2) / 4
        #expect(rowsPerExpert >= 2, "\(width)x\(height): \(panels[0])")
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let data = ExpertData(snapshot[state.mode], config: snapshot.config)
        let columns = BarRow.Columns(width: panels[0].width, labelWidth: PanelArrangement.expertLabelWidth(experts: 32))
        for expert in 0..<4 {
            let first = panels[0].y + 1 + expert * rowsPerExpert
            #expect(grid.lines[first].hasPrefix("e\(expert) "), "\(grid.lines[first])")
            var expected = CellGrid(width: width, height: height)
            let bar = Rect(x: panels[0].x + columns.label + 1, y: first, width: columns.bar, height: 1)
            BarRow.drawBar(data.values(expert: expert), scale: data.scale, in: bar, into: &expected, theme: Theme(.full))
            for extra in 1..<rowsPerExpert {
                for x in bar.x..<bar.maxX {
                    #expect(grid[x, first + extra] == expected[x, first], "expert \(expert) row +\(extra) cell \(x)")
                }
                #expect(grid[panels[0].x, first + extra] == Cell.blank, "no label on the continuation rows")
            }
        }
    }

    @Test("tour captions say what changed, with live figures, in the caption style", arguments: sizes)
    func tourCaptions(size: (Int, Int)) {
        let (width, height) = size
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .full)
        let captions = [
            "1/4 vanilla: tokens beyond an expert's capacity are dropped — lost 50.0%, padding 50.0%",
            "2/4 IR: dropped tokens go to the best expert on their own GPU — lost 50.0% → 0%",
            "3/4 FR: empty slots take tokens that wanted that expert next — padding 50.0% → 0%",
            "4/4 IR+FR: both at once — lost 50.0% → 0%, padding 50.0% → 0%",
        ]
        for (step, caption) in captions.enumerated() {
            state = DashboardState.update(state, .character("t")).0
            #expect(state.tour == step && state.mode == Tour.modes[step])
            let grid = Fixtures.render(state, snapshot, width: width, height: height)
            let layout = ScreenLayout.main(width: width, height: height, headline: false, caption: true, presenting: false)
            let row = grid.lines[layout.caption.y]
            #expect(row.hasPrefix(String(caption.prefix(width))), "\(width)x\(height): \(row)")
            #expect(grid[0, layout.caption.y].style == Theme(.full).palette.caption)
        }
        #expect(TourCaption.text(step: 1, snapshot: snapshot, unicode: false)
                == "2/4 IR: dropped tokens go to the best expert on their own GPU - lost 50.0% -> 0%")
        state = DashboardState.update(state, .character("t")).0
        #expect(state.tour == nil && state.notice == "tour finished")
        _ = snapshot
    }

    @Test("before/after: vanilla's bars (lost, red) beside the mode's (recovered, magenta), same batch",
          arguments: sizes)
    func beforeAfter(size: (Int, Int)) {
        let (width, height) = size
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .full)
        state = DashboardState.update(state, .character("b")).0
        #expect(state.beforeAfter)
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let body = ScreenLayout.main(width: width, height: height).body
        let halves = body.columns(2, gap: BeforeAfter.gap)
        #expect(grid.lines[body.y].hasPrefix("before: vanilla"))
        #expect(grid.lines[body.y].contains("after: ir+fr, same batch"))
        let palette = Theme(.full).palette
        func styles(in half: Rect) -> Set<CellColor> {
            var seen = Set<CellColor>()
            // The bars only (a compact grid's legend row at the bottom shows every colour).
            for y in half.y..<(half.maxY - 1) { for x in half.x..<half.maxX { seen.insert(grid[x, y].style.foreground) } }
            return seen
        }
        #expect(styles(in: halves[0]).contains(palette.overflow.foreground))
        #expect(!styles(in: halves[0]).contains(palette.recovered.foreground))
        #expect(styles(in: halves[1]).contains(palette.recovered.foreground))
        #expect(!grid.cells.contains { $0.character == Fixtures.filler })
        // Esc closes it.
        #expect(!DashboardState.update(state, .escape).0.beforeAfter)
    }

    @Test("recovered overflow has its own colour and, in monochrome, its own character")
    func recoveredApart() {
        let values = BarRow.Values(kept: 4, filled: 0, irWork: 0, overflow: 4, capacity: 4, recovered: 2)
        for display in [DisplayOptions.full, DisplayOptions(unicode: true, color: false), .plain] {
            let theme = Theme(display)
            var grid = CellGrid(width: 20, height: 1)
            BarRow.drawBar(values, scale: BarRow.Scale(capacity: 4, peakBeyond: 4), in: Rect(x: 0, y: 0, width: 20, height: 1),
                           into: &grid, theme: theme)
            let cells = grid.cells
            let recovered = cells.filter { $0.character == theme.glyphs.recovered && $0.style == theme.palette.recovered }
            let lost = cells.filter { $0.character == theme.glyphs.overflow && $0.style == theme.palette.overflow }
            #expect(recovered.count > 0 && abs(recovered.count - lost.count) <= 1, "\(display): half and half")
            if !display.color { #expect(theme.glyphs.recovered != theme.glyphs.overflow) }
        }
    }

    @Test("the compact grid shows a legend row of its cells, drawn as the cells are")
    func compactLegend() {
        let large = ViewRenderTests.large
        for (width, height) in [(80, 24), (100, 30), (120, 40)] {
            let (state, snapshot) = Fixtures.screen(large, steps: 2, display: .full)
            let grid = Fixtures.render(state, snapshot, width: width, height: height)
            let body = ScreenLayout.main(width: width, height: height).body
            let legend = grid.lines[body.maxY - 1]
            #expect(legend.hasPrefix("▲ over capacity  △ recovered  █ full"), "\(width)x\(height): \(legend)")
            let palette = Theme(.full).palette
            #expect(grid[0, body.maxY - 1] == Cell("▲", style: palette.compactOverflow))
            #expect(grid[17, body.maxY - 1] == Cell("△", style: palette.recovered))
        }
    }

    @Test("per-GPU totals keep the same fields whatever the numbers")
    func stableFooterFields() {
        for width in [20, 30, 37, 40, 44, 52, 60] {
            func labels(_ totals: GPUTotals) -> [String] {
                var grid = CellGrid(width: width, height: 1)
                GPUPanel.drawTotals(totals, in: Rect(x: 0, y: 0, width: width, height: 1), into: &grid,
                                    palette: Theme(.full).palette)
                return grid.lines[0].split(separator: " ").map(String.init).filter { $0.first?.isLetter == true }
            }
            let small = labels(GPUTotals(overflow: 1, padding: 2, irWork: 3, filled: 4, load: 5))
            let large = labels(GPUTotals(overflow: 12_345, padding: 99_999, irWork: 1_234_567, filled: 88_888, load: 9_999_999))
            #expect(small == large, "width \(width)")
        }
        var grid = CellGrid(width: 40, height: 1)
        GPUPanel.drawTotals(GPUTotals(overflow: 1, padding: 2, irWork: 3, filled: 4, load: 5),
                            in: Rect(x: 0, y: 0, width: 40, height: 1), into: &grid, palette: Theme(.full).palette)
        #expect(grid.lines[0].hasPrefix("ovf 1  pad 2  IR 3  FR 4"))
        // A 38-column panel (three across at 120x40) keeps FR by closing up the gaps.
        var narrow = CellGrid(width: 38, height: 1)
        GPUPanel.drawTotals(GPUTotals(overflow: 1, padding: 2, irWork: 3, filled: 4, load: 5),
                            in: Rect(x: 0, y: 0, width: 38, height: 1), into: &narrow, palette: Theme(.full).palette)
        #expect(narrow.lines[0].hasPrefix("ovf 1 pad 2 IR 3 FR 4"))
    }

    @Test("help box keeps its four corners; zoom keeps its column headings", arguments: [(60, 16), (80, 24)])
    func mends(size: (Int, Int)) {
        let (width, height) = size
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .full)
        state.helpVisible = true
        let grid = Fixtures.render(state, snapshot, width: width, height: height)
        let box = HelpOverlay.frame(in: Rect(x: 0, y: 0, width: width, height: height))
        #expect(grid[box.x, box.y].character == "┌")
        #expect(grid[box.maxX - 1, box.y].character == "┐")
        #expect(grid[box.x, box.maxY - 1].character == "└")
        #expect(grid[box.maxX - 1, box.maxY - 1].character == "┘")
        state.helpVisible = false
        state.view = .zoom
        let zoom = Fixtures.render(state, snapshot, width: width, height: height)
        #expect(zoom.lines[2].contains("load   ovf   pad"), "\(zoom.lines[2])")
    }

    @Test("overlays do not bleed: the column on each side of the help and sweep boxes is blank", arguments: sizes)
    func overlayEdges(size: (Int, Int)) {
        let (width, height) = size
        var (state, snapshot) = Fixtures.screen(Fixtures.preset(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 64), steps: 1)
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        for overlay in ["help", "sweep"] {
            state.helpVisible = overlay == "help"
            state.sweepVisible = overlay == "sweep"
            let grid = Fixtures.render(state, snapshot, width: width, height: height)
            let box = overlay == "help" ? HelpOverlay.frame(in: screen) : SweepOverlay.frame(in: screen)
            for y in box.y..<box.maxY {
                for x in [box.x - 1, box.maxX] where x >= 0 && x < width {
                    #expect(grid[x, y] == Cell.blank, "\(overlay) at \(width)x\(height): cell \(x),\(y)")
                }
            }
        }
        snapshot.sweep = nil
    }

    @Test("keys: P calms the engine and restores it; h toggles the headline; Esc leaves the tour first")
    func keys() {
        var (state, _) = Fixtures.workedScreen(steps: 1, display: .full)
        var (next, commands) = DashboardState.update(state, .character("P"))
        #expect(next.presenting && next.throttle == Presenter.calmThrottle && commands == [.setThrottle(3)])
        (next, commands) = DashboardState.update(next, .character("P"))
        #expect(!next.presenting && next.throttle == nil && commands == [.setThrottle(nil)])
        state.throttle = 50
        (next, commands) = DashboardState.update(state, .character("P"))
        #expect(next.presenting && next.throttle == 50 && commands.isEmpty, "a throttle the user set stays")
        (next, _) = DashboardState.update(state, .character("h"))
        #expect(next.headlineVisible)
        (next, _) = DashboardState.update(state, .character("t"))
        (next, _) = DashboardState.update(next, .character("t"))
        #expect(next.tour == 1 && next.mode == .ir)
        next.view = .main
        (next, _) = DashboardState.update(next, .escape)
        #expect(next.tour == nil)
        (next, _) = DashboardState.update(DashboardState.update(state, .character("t")).0, .character("3"))
        #expect(next.tour == nil && next.mode == .fr, "choosing a mode by hand ends the tour")
    }
}
