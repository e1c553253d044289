import Testing
import RectifyEngine
import TerminalCanvas
@testable import RectifyDashboard

/// Totals per segment: a change of settings or preset starts new totals (the previous kept),
/// a change while paused routes the latest batch again, and starting paused shows the first batch.
@Suite struct SegmentTests {
    static func config(cf: String) -> RoutingConfig {
        var config = Fixtures.workedPreset().routing
        config.capacityFactor = CapacityFactor(parsing: cf) ?? config.capacityFactor
        return config
    }

    /// The worked batch routed `count` times with `config` by the router itself, as totals (with
    /// the cost model's estimates, which the headline's step time reads).
    static func expectedTotals(_ mode: RectifyMode, config: RoutingConfig, count: Int) throws -> SchemeTotals {
        try Fixtures.totals(mode, batches: Array(repeating: Fixtures.workedBatch(), count: count), config: config,
                            cost: Fixtures.workedPreset().cost)
    }

    @Test("a cf change starts a segment: its totals restart, the previous segment's are kept")
    func cfChangeStartsSegment() throws {
        let engine = Fixtures.workedEngine(steps: 3)
        let first = engine.snapshot()
        #expect(first.segment.serial == 1 && first.segment.firstStep == 1 && first.previousSegment == nil)
        let wider = Self.config(cf: "2")
        engine.send(.setConfig(wider))
        engine.pump(steps: 2)
        let snapshot = engine.snapshot()
        #expect(snapshot.segment.serial == 2 && snapshot.segment.config == wider && snapshot.segment.firstStep == 4)
        #expect(!snapshot.segment.rerouted)
        let previous = try #require(snapshot.previousSegment)
        #expect(previous.segment.config == Fixtures.workedPreset().routing && previous.segment.firstStep == 1)
        for mode in RectifyMode.allCases {
            #expect(snapshot[mode].totals == (try Self.expectedTotals(mode, config: wider, count: 2)))
            #expect(previous[mode] == (try Self.expectedTotals(mode, config: Fixtures.workedPreset().routing, count: 3)))
        }
        // The histories go on across the change, marked where the new segment began.
        let history = snapshot[.vanilla].lostHistory
        #expect(history.count == 5)
        #expect((0..<5).filter { history.startsSegment($0) } == [3])
    }

    @Test("the same settings sent again start no segment")
    func unchangedSettingsKeepSegment() {
        let engine = Fixtures.workedEngine(steps: 2)
        engine.send(.setConfig(Fixtures.workedPreset().routing))
        engine.pump(steps: 1)
        let snapshot = engine.snapshot()
        #expect(snapshot.segment.serial == 1 && snapshot[.irfr].totals.steps == 3 && snapshot.previousSegment == nil)
    }

    @Test("r clears the totals and the previous segment")
    func resetClearsPrevious() {
        let engine = Fixtures.workedEngine(steps: 2)
        engine.send(.setConfig(Self.config(cf: "2")))
        engine.pump(steps: 1)
        engine.send(.resetStatistics)
        engine.pump(steps: 1)
        let snapshot = engine.snapshot()
        #expect(snapshot.previousSegment == nil && snapshot[.irfr].totals.steps == 1 && snapshot.segment.firstStep == 4)
        #expect(snapshot[.irfr].lostHistory.count == 1)
    }

    @Test("while paused a settings change routes the same batch again, as the router does")
    func rerouteWhilePaused() throws {
        let engine = Fixtures.workedEngine(steps: 2)
        engine.send(.setPaused(true))
        let wider = Self.config(cf: "2")
        engine.send(.setConfig(wider))
        #expect(!engine.pump())
        let snapshot = engine.snapshot()
        #expect(snapshot.step == 2 && snapshot.rerouted && snapshot.config == wider)
        #expect(snapshot.segment.firstStep == 2 && snapshot.segment.rerouted)
        let direct = try Router(threads: 1).route(Fixtures.workedBatch(), config: wider)
        for mode in RectifyMode.allCases {
            #expect(snapshot[mode].latest == direct.figures(mode))
            #expect(snapshot[mode].totals == (try Self.expectedTotals(mode, config: wider, count: 1)))
        }
        let previous = try #require(snapshot.previousSegment)
        #expect(previous[.irfr].steps == 2 && previous.segment.config == Fixtures.workedPreset().routing)
        // A second change compares with the first: the same batch at the earlier setting.
        let narrower = Self.config(cf: "0.5")
        engine.send(.setConfig(narrower))
        engine.pump()
        let again = engine.snapshot()
        #expect(again.step == 2 && again.segment.serial == 3 && again.previousSegment?.segment.config == wider)
        #expect(again.previousSegment?[.irfr] == (try Self.expectedTotals(.irfr, config: wider, count: 1)))
        #expect(again[.irfr].latest == (try Router(threads: 1).route(Fixtures.workedBatch(), config: narrower).figures(.irfr)))
        // A step afterwards is a new batch again, in the same segment.
        engine.send(.singleStep)
        #expect(engine.pump())
        let stepped = engine.snapshot()
        #expect(stepped.step == 3 && !stepped.rerouted && stepped.segment.serial == 3 && stepped[.irfr].totals.steps == 2)
    }

    @Test("a preset change while paused shows the new preset's first batch")
    func presetWhilePaused() throws {
        let engine = Fixtures.workedEngine(steps: 2)
        engine.send(.setPaused(true))
        let other = Fixtures.preset(name: "other")
        engine.send(.switchPreset(other))
        #expect(engine.pump())
        #expect(!engine.pump())
        let snapshot = engine.snapshot()
        #expect(snapshot.presetName == "other" && snapshot.step == 3 && snapshot.batchStep == 0 && !snapshot.rerouted)
        #expect(snapshot[.irfr].totals.steps == 1 && snapshot[.irfr].latest != nil)
        let first = try #require(try other.makeSource(threads: 1).nextBatch())
        #expect(snapshot[.irfr].latest == (try Router(threads: 1).route(first, config: other.routing).figures(.irfr)))
        let previous = try #require(snapshot.previousSegment)
        #expect(previous.segment.presetName == "worked" && previous[.irfr].steps == 2)
    }

    @Test("--paused: the first batch is routed and shown, then the engine waits")
    func startPausedShowsFirstBatch() {
        let preset = Fixtures.preset(name: "program")
        let engine = Fixtures.engine(preset, paused: true)
        let options = DashboardOptions(display: .plain, presets: [], startPaused: true)
        let program = DashboardProgram(preset: preset, options: options, engine: engine)
        #expect(engine.pump())
        #expect(!engine.pump())
        program.tick()
        #expect(program.snapshot.step == 1 && program.snapshot.paused)
        var grid = CellGrid(width: 100, height: 30)
        program.render(into: &grid)
        let lines = Fixtures.trimmed(grid)
        #expect(lines[1].hasPrefix("step 1  || paused"))
        #expect(!grid.text.contains("waiting for the first batch"))
    }
}
