import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// Issue 4 in the dashboard: the compare view's baselines, cost and output error, and the `w`
/// capacity-factor sweep overlay; the engine wiring is driven by hand with `pump()`.
@Suite struct CompareSweepTests {
    static let preset = Fixtures.preset(name: "sweepy", gpus: 4, experts: 8, topK: 2, tokensPerGPU: 32, skew: 1.0)

    /// An engine with `steps` batches routed, the compare details on from the start if asked.
    static func engine(steps: Int, details: Bool = true) -> LiveEngine {
        let engine = Fixtures.engine(preset)
        if details { engine.send(.setCompareDetails(true)) }
        engine.pump(steps: steps)
        return engine
    }

    /// Pumps until the sweep is complete (or a bound is reached).
    static func finishSweep(_ engine: LiveEngine) -> SweepChart? {
        for _ in 0..<100 {
            if let chart = engine.snapshot().sweep, chart.isComplete { return chart }
            engine.pump()
        }
        return engine.snapshot().sweep
    }

    static func isBraille(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { (0x2800...0x28FF).contains($0.value) }
    }

    // MARK: Engine wiring

    @Test("no details while compare is closed; all six schemes once it opens, even while paused")
    func detailsFollowCompare() throws {
        let engine = Self.engine(steps: 3, details: false)
        #expect(engine.snapshot().details == nil)
        engine.send(.setPaused(true))
        engine.send(.setCompareDetails(true))
        #expect(engine.pump() == false)  // side work only: no batch routed
        let snapshot = engine.snapshot()
        let details = try #require(snapshot.details)
        #expect(details.step == snapshot.step && snapshot.step == 3)
        #expect(Set(details.schemes.keys) == Set(RoutingScheme.allCases))
        for scheme in RoutingScheme.allCases {
            #expect(details[scheme]?.stepSeconds != nil, "\(scheme)")
            #expect(details[scheme]?.tokensPerSecond != nil, "\(scheme)")
        }
        // That batch was made before details were on, so it has no hidden states: no output error yet.
        #expect(RoutingScheme.allCases.allSatisfy { details[$0]?.outputError == nil })
        engine.send(.setCompareDetails(false))
        engine.pump()
        #expect(engine.snapshot().details == nil)
    }

    @Test("details come every few steps, at once for a new setting")
    func detailsInterval() throws {
        let engine = Self.engine(steps: 1)
        #expect(engine.snapshot().details?.step == 1)
        engine.pump(steps: CompareDetails.interval - 1)
        #expect(engine.snapshot().details?.step == 1)
        engine.pump()
        #expect(engine.snapshot().details?.step == 1 + CompareDetails.interval)
        var config = Self.preset.routing
        config.topK = 1
        engine.send(.setConfig(config))
        engine.pump()
        let details = try #require(engine.snapshot().details)
        #expect(details.step == 2 + CompareDetails.interval && details.config == config)
    }

    @Test("with details on, a step gets cost and output error; they match the engine APIs")
    func detailsMatchEngine() throws {
        let engine = Self.engine(steps: 1)
        let snapshot = engine.snapshot()
        let details = try #require(snapshot.details)
        #expect(details.step == 1)
        // The same batch, routed directly.
        let source = try Self.preset.makeSource(includeHidden: true, threads: 1)
        let batch = try #require(try source.nextBatch())
        let analysis = try Router(threads: 1).route(batch, config: Self.preset.routing, keepTokenRouting: true)
        #expect(analysis.figures(.irfr) == snapshot[.irfr].latest)
        for mode in RectifyMode.allCases {
            let work = try #require(StepWork(analysis: analysis, mode: mode))
            let cost = CostModel.estimate(work, parameters: CostParameters())
            #expect(details[.rectify(mode)]?.stepSeconds == cost.stepSeconds)
            #expect(details[.rectify(mode)]?.tokensPerSecond == cost.usefulTokensPerSecond)
        }
        let baselines = try BaselineRouter.routeAll(batch, config: Self.preset.routing, threads: 1)
        for baseline in baselines {
            let cost = CostModel.estimate(StepWork(baseline: baseline), parameters: CostParameters())
            #expect(details[.baseline(baseline.mode)]?.stepSeconds == cost.stepSeconds)
        }
        // Dropless computes all its top-k gate mass, with no substitutes; expert-choice has no drop figure.
        #expect(details[.baseline(.dropless)]?.intended == 1 && details[.baseline(.dropless)]?.substitute == 0)
        #expect(details[.baseline(.dropless)]?.outputError.map { $0 > 0 } == true, "top-k+1 reference: dropless lacks the (k+1)-th")
        #expect(details[.baseline(.dropless)]?.lost == 0)
        #expect(details[.baseline(.expertChoice)]?.lost == nil)
        #expect(details[.rectify(.vanilla)]?.outputError.map { $0 > 0 } == true)
    }

    @Test("the preset's settings reach the details: measured quality per mode, cost profile, expert similarity")
    func presetSettings() throws {
        var preset = Self.preset
        preset.routing.capacityFactor = CapacityFactor(tenThousandths: 10_000)
        preset.quality = MeasuredQuality(
            about: "fixture", metric: "bitsPerByte", lowerIsBetter: true, dropless: 2.03,
            points: [MeasuredQuality.Point(topK: 2, capacityFactor: preset.routing.capacityFactor, dropPolicy: .score,
                                           mode: .irfr, value: 2.05)],
            source: "fixture.json")
        preset.cost = CostSettings(profile: .a100)
        preset.fidelity.expertSimilarity = 0.2
        let engine = Fixtures.engine(preset)
        engine.send(.setCompareDetails(true))
        engine.pump(steps: 1)
        let details = try #require(engine.snapshot().details)
        #expect(details[.rectify(.irfr)]?.measured == 2.05)
        #expect(details[.rectify(.vanilla)]?.measured == nil, "no point for vanilla")
        #expect(details[.baseline(.dropless)]?.measured == 2.03)
        #expect(details[.baseline(.expertChoice)]?.measured == nil)
        #expect(details.fidelity?.expertSimilarity == 0.2 && details.quality?.metric == "bitsPerByte")
        let plain = try #require(Self.engine(steps: 1).snapshot().details)
        #expect((details[.rectify(.vanilla)]?.stepSeconds ?? 0) > (plain[.rectify(.vanilla)]?.stepSeconds ?? 1))
        #expect(SchemesTable.note(details).contains("measured: bitsPerByte (lower better)"))
        #expect(SchemesTable.note(details).contains("similarity 0.20"))
    }

    @Test("a trace has no hidden states: output error stays unknown")
    func traceHasNoOutputError() throws {
        let engine = Fixtures.workedEngine(steps: 0)
        engine.send(.setCompareDetails(true))
        engine.pump(steps: 2)
        let details = try #require(engine.snapshot().details)
        #expect(RoutingScheme.allCases.allSatisfy { details[$0]?.outputError == nil })
        #expect(details[.rectify(.vanilla)]?.stepSeconds != nil)
    }

    @Test("a sweep runs a factor per engine turn, also while paused, and reproduces the paper's picture")
    func sweepRuns() throws {
        let engine = Self.engine(steps: 1, details: false)
        engine.send(.setPaused(true))
        engine.send(.startSweep)
        engine.pump()
        let partial = try #require(engine.snapshot().sweep)
        #expect(partial.done == 1 && !partial.isComplete && partial.factors == SweepChart.defaultFactors)
        #expect(partial.batches == SweepChart.defaultBatches && partial.presetName == "sweepy")
        let chart = try #require(Self.finishSweep(engine))
        #expect(chart.isComplete && chart.failure == nil && chart.points.count == 12)
        #expect(engine.snapshot().step == 1, "the sweep does not route the live stream")
        let low = try #require(chart.points.first), high = try #require(chart.points.last)
        #expect(low[.vanilla].lost > high[.vanilla].lost)
        #expect(high[.vanilla].padding > low[.vanilla].padding)
        for point in chart.points {
            #expect(point[.ir].lost <= point[.vanilla].lost)
            #expect(point[.fr].padding <= point[.vanilla].padding)
        }
        engine.send(.cancelSweep)
        engine.pump()
        #expect(engine.snapshot().sweep == nil)
    }

    @Test("a sweep of a broken workload reports the failure instead of hanging")
    func sweepFailure() throws {
        let engine = Fixtures.engine(Fixtures.brokenPreset(), paused: true)
        engine.send(.startSweep)
        engine.pump()
        let chart = try #require(engine.snapshot().sweep)
        #expect(chart.isComplete && chart.failure != nil)
    }

    // MARK: Keys

    @Test("w opens the sweep (starting it) and closes it; Esc closes help, then the sweep, then the view")
    func sweepKey() {
        var state = DashboardState(preset: Self.preset)
        state.view = .compare
        let (open, commands) = DashboardState.update(state, .character("w"))
        #expect(open.sweepVisible && open.view == .compare && commands == [.startSweep])
        let (closed, closing) = DashboardState.update(open, .character("w"))
        #expect(!closed.sweepVisible && closing == [.cancelSweep])
        var help = open
        help.helpVisible = true
        let afterHelp = DashboardState.update(help, .escape).0
        #expect(!afterHelp.helpVisible && afterHelp.sweepVisible)
        let (afterSweep, escCommands) = DashboardState.update(afterHelp, .escape)
        #expect(!afterSweep.sweepVisible && afterSweep.view == .compare && escCommands == [.cancelSweep])
        let (main, last) = DashboardState.update(afterSweep, .escape)
        #expect(main.view == .main && last == [.setCompareDetails(false)])
    }

    @Test("w is bound once, listed in the help, and shows Esc back in the footer")
    func sweepKeyInHelp() {
        let bound = KeyBindings.all.filter { $0.keys.contains(.character("w")) }
        #expect(bound.count == 1 && bound.first?.action(for: .character("w")) == .toggleSweep)
        #expect(HelpContent.keyLines.contains(.binding(bound[0])))
        var state = DashboardState(preset: Self.preset)
        state.helpVisible = true
        let text = Fixtures.render(state, Self.engine(steps: 1, details: false).snapshot(), width: 120, height: 40).text
        #expect(text.contains("w           capacity-factor sweep chart (again: close)"))
        state.helpVisible = false
        state.sweepVisible = true
        #expect(Footer.hints(for: state, width: 300, unicode: true).contains(Footer.Hint(keys: "Esc", text: "back")))
    }

    // MARK: Rendering

    @Test("compare view: the six schemes with step time, throughput, gate mass and the labelled distortion proxy", arguments: [true, false])
    func compareColumns(unicode: Bool) throws {
        let engine = Self.engine(steps: 2)
        var state = DashboardState(preset: Self.preset, display: unicode ? .full : .plain)
        state.view = .compare
        let lines = Fixtures.trimmed(Fixtures.render(state, engine.snapshot(), width: 120, height: 40))
        let heading = try #require(lines.first { $0.hasPrefix("step 1 ") })
        #expect(heading.split(separator: " ") == ["step", "1", "vanilla", "ir", "fr", "ir+fr", "dropless", "expert-choice"])
        for label in ["step time", "tokens/s", "measured", "intended", "subst.", "dist.proxy", "lost", "padding", "covered"] {
            let row = try #require(lines.first { $0.hasPrefix(label + " ") }, "\(label)")
            #expect(row.split(separator: " ").count >= 7, "\(row)")
        }
        let time = try #require(lines.first { $0.hasPrefix("step time") })
        #expect(time.contains(unicode ? "µs" : "us"))
        let lost = try #require(lines.last { $0.hasPrefix("lost ") && $0.split(separator: " ").count == 7 })
        #expect(lost.hasSuffix(unicode ? "—" : "-"), "expert-choice has no drops: \(lost)")
        let intended = try #require(lines.first { $0.hasPrefix("intended ") && $0.split(separator: " ").count == 7 })
        #expect(intended.split(separator: " ")[5] == "100%", "dropless computes all its top-k mass: \(intended)")
        let measured = try #require(lines.first { $0.hasPrefix("measured ") })
        #expect(measured.split(separator: " ").dropFirst().allSatisfy { $0 == (unicode ? "—" : "-") }, "no quality file: \(measured)")
        #expect(lines.contains { $0.hasPrefix("dist.proxy: synthetic-expert layer distortion") && $0.contains("not model quality") })
        if !unicode { #expect(lines.joined().allSatisfy { $0.isASCII }) }
    }

    @Test("before the details arrive the new rows show the unknown mark; narrow screens abbreviate")
    func compareBeforeDetails() throws {
        let engine = Self.engine(steps: 1, details: false)
        var state = DashboardState(preset: Self.preset, display: .plain)
        state.view = .compare
        let lines = Fixtures.trimmed(Fixtures.render(state, engine.snapshot(), width: 60, height: 16))
        #expect(lines.contains("latest     vanilla      ir      fr   ir+fr  dropl.  exp-ch"))
        #expect(lines.contains("step time        -       -       -       -       -       -"))
        #expect(lines.contains("measured         -       -       -       -       -       -"))
    }

    @Test("sweep overlay: progress, then the charts with legend and axes", arguments: [true, false])
    func sweepOverlay(unicode: Bool) throws {
        let engine = Self.engine(steps: 1, details: false)
        var state = DashboardState(preset: Self.preset, display: unicode ? .full : .plain)
        state.sweepVisible = true
        let starting = Fixtures.render(state, engine.snapshot(), width: 100, height: 30).text
        #expect(starting.contains("Capacity-factor sweep") && starting.contains("starting the sweep"))
        engine.send(.startSweep)
        engine.pump(steps: 0)
        engine.pump()
        let progress = Fixtures.render(state, engine.snapshot(), width: 100, height: 30).text
        #expect(progress.contains("computing 1/12 factors"))
        _ = Self.finishSweep(engine)
        let grid = Fixtures.render(state, engine.snapshot(), width: 100, height: 30)
        let text = grid.text
        for expected in ["12 capacity factors, sweepy, 4 batches per factor", "v vanilla", "i ir", "f fr", "x ir+fr",
                         "drop rate left after IR", "padding left after FR", "capacity factor", "0.25", "0%",
                         "Esc or w closes"] {
            #expect(text.contains(expected), "\(expected)")
        }
        if unicode {
            #expect(grid.cells.contains { Self.isBraille($0.character) })
        } else {
            #expect(grid.cells.allSatisfy { $0.character.isASCII })
        }
    }

    @Test("on a 60x16 terminal the two charts sit side by side with short titles")
    func sweepOverlaySmall() throws {
        let engine = Self.engine(steps: 1, details: false)
        engine.send(.startSweep)
        _ = Self.finishSweep(engine)
        var state = DashboardState(preset: Self.preset, display: .plain)
        state.sweepVisible = true
        let lines = Fixtures.trimmed(Fixtures.render(state, engine.snapshot(), width: 60, height: 16))
        #expect(lines.contains { $0.contains("drop rate left after IR") && $0.contains("padding left after FR") })
        #expect(lines.filter { $0.contains("0.25") }.count == 1)
        #expect(lines.contains { $0.contains("Esc or w closes") })
    }

    @Test("compare and sweep frames stay inside the grid and paint every cell, from small to 300x100")
    func layouts() throws {
        let engine = Self.engine(steps: 2)
        engine.send(.startSweep)
        let chart = try #require(Self.finishSweep(engine))
        #expect(chart.isComplete)
        let snapshot = engine.snapshot()
        for display in [DisplayOptions.full, .plain] {
            for w in [1, 10, 59, 60, 61, 80, 119, 120, 160, 300] {
                for h in [1, 5, 15, 16, 17, 24, 40, 100] {
                    for view in [DashboardView.main, .compare] {
                        var state = DashboardState(preset: Self.preset, display: display)
                        state.view = view
                        state.sweepVisible = true
                        let grid = Fixtures.render(state, snapshot, width: w, height: h)
                        #expect(grid.width == w && grid.height == h)
                        #expect(!grid.cells.contains { $0.character == Fixtures.filler }, "\(view) \(w)x\(h)")
                        // The overlay alone paints only inside its frame and the column it clears on each side.
                        var alone = CellGrid(width: w, height: h, filler: Cell(Fixtures.filler))
                        let screen = Rect(x: 0, y: 0, width: w, height: h)
                        SweepOverlay.draw(state: state, snapshot: snapshot, in: screen, into: &alone,
                                          theme: Theme(display))
                        let box = SweepOverlay.frame(in: screen)
                        let frame = Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height)
                        for y in 0..<h {
                            for x in 0..<w where !frame.contains(x: x, y: y) {
                                #expect(alone[x, y].character == Fixtures.filler, "\(w)x\(h) at \(x),\(y)")
                            }
                        }
                        if ScreenLayout.fits(width: w, height: h) {
                            let layout = ScreenLayout.compare(width: w, height: h)
                            #expect(layout.schemes.height >= 4 && layout.schemes.maxY == layout.footer.y)
                        }
                    }
                }
            }
        }
    }
}
