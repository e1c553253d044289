import Foundation
import Testing
import RectifyEngine
@testable import RectifyDashboard

/// The engine driven by hand with `pump()`: the same path as its thread, without waiting.
@Suite struct LiveEngineTests {
    static let preset = Fixtures.preset(name: "engine", gpus: 4, experts: 8, topK: 2, tokensPerGPU: 32, skew: 1.0)

    /// Figures of `steps` batches routed directly with a Router, per step and mode.
    static func direct(_ preset: Preset, steps: Int, config: RoutingConfig? = nil) throws -> [[RectifyMode: StepFigures]] {
        let source = try preset.makeSource(threads: 1)
        let router = Router(threads: 1)
        var result: [[RectifyMode: StepFigures]] = []
        for _ in 0..<steps {
            let batch = try #require(try source.nextBatch())
            let analysis = try router.route(batch, config: config ?? preset.routing)
            var row: [RectifyMode: StepFigures] = [:]
            for mode in RectifyMode.allCases { row[mode] = analysis.figures(mode) }
            result.append(row)
        }
        return result
    }

    @Test("snapshot figures equal routing the same batches directly")
    func matchesDirectRouting() throws {
        let engine = Fixtures.engine(Self.preset, steps: 5)
        let snapshot = engine.snapshot()
        let expected = try Self.direct(Self.preset, steps: 5)
        #expect(snapshot.step == 5)
        #expect(snapshot.batchStep == 4)
        #expect(snapshot.config == Self.preset.routing)
        #expect(snapshot.presetName == "engine")
        for mode in RectifyMode.allCases {
            let data = snapshot[mode]
            #expect(data.latest == expected[4][mode])
            let batches = try CapacitySweep.readBatches(from: try Self.preset.makeSource(threads: 1), count: 5)
            let totals = try Fixtures.totals(mode, batches: batches, config: Self.preset.routing, cost: Self.preset.cost)
            #expect(data.totals == totals)
            #expect(totals.cost.steps == 5 && data.estimatedStepSeconds == totals.cost.meanStepSeconds)
            let lost = expected.compactMap { $0[mode] }.map { Float($0.unrecovered) / Float($0.requested) }
            let padding = expected.compactMap { $0[mode] }.map { Float($0.residualPadding) / Float($0.slots) }
            #expect(data.lostHistory.suffix(10) == lost)
            #expect(data.paddingHistory.suffix(10) == padding)
            // Per-GPU sums agree with the engine's own per-GPU load.
            let figures = try #require(data.latest)
            #expect(data.gpus.map(\.load) == figures.gpuLoad)
            #expect(data.gpus.map(\.overflow).reduce(0, +) == figures.dropped)
            #expect(data.gpus.map(\.filled).reduce(0, +) == figures.filled)
            #expect(data.gpus.map(\.padding).reduce(0, +) == figures.residualPadding)
        }
    }

    @Test("a source handed over for the preset is the engine's first; another preset's is not used")
    func handedOverSource() throws {
        let expected = try Self.direct(Self.preset, steps: 3)
        func advanced() throws -> any BatchSource {
            let source = try Self.preset.makeSource(threads: 1)
            for _ in 0..<2 { _ = try source.nextBatch() }
            return source
        }
        let engine = LiveEngine(preset: Self.preset, threads: 1,
                                openedSource: SourceHandOff(try advanced(), for: Self.preset))
        #expect(engine.pump())
        #expect(engine.snapshot()[.irfr].latest == expected[2][.irfr], "the handed-over source, two batches on")
        var other = Self.preset
        other.name = "another"
        let unused = LiveEngine(preset: Self.preset, threads: 1, openedSource: SourceHandOff(try advanced(), for: other))
        #expect(unused.pump())
        #expect(unused.snapshot()[.irfr].latest == expected[0][.irfr], "opened afresh")
    }

    @Test("the worked example's per-GPU sums")
    func workedGPUTotals() throws {
        let snapshot = Fixtures.workedEngine(steps: 1).snapshot()
        #expect(snapshot[.irfr].gpus == [GPUTotals(overflow: 1, padding: 0, irWork: 2, filled: 2, load: 6),
                                         GPUTotals(overflow: 3, padding: 0, irWork: 2, filled: 2, load: 6)])
        #expect(snapshot[.vanilla].gpus == [GPUTotals(overflow: 1, padding: 2, irWork: 0, filled: 0, load: 2),
                                            GPUTotals(overflow: 3, padding: 2, irWork: 0, filled: 0, load: 2)])
        #expect(snapshot[.irfr].peakBeyondCapacity == 4)
        #expect(snapshot[.vanilla].peakBeyondCapacity == 2)
    }

    @Test("paused: no steps until a single step is asked for, one step per request")
    func pauseAndStep() {
        let engine = Fixtures.engine(Self.preset, paused: true)
        #expect(!engine.pump())
        #expect(engine.snapshot().step == 0)
        #expect(engine.snapshot().paused)
        engine.send(.singleStep)
        engine.send(.singleStep)
        #expect(engine.pump())
        #expect(engine.pump())
        #expect(!engine.pump())
        #expect(engine.snapshot().step == 2)
        #expect(engine.snapshot()[.irfr].lostHistory.count == 2)
    }

    @Test("a step request while running is not saved up for later")
    func stepWhileRunningIgnored() {
        let engine = Fixtures.engine(Self.preset)
        engine.send(.singleStep)
        engine.send(.setPaused(true))
        #expect(!engine.pump())
        engine.send(.setPaused(false))
        #expect(engine.pump())
    }

    @Test("pausing leaves no gap and no filler in the histories")
    func pauseKeepsHistory() throws {
        let engine = Fixtures.engine(Self.preset, steps: 3)
        engine.send(.setPaused(true))
        for _ in 0..<5 { #expect(!engine.pump()) }
        #expect(engine.snapshot()[.vanilla].lostHistory.count == 3)
        engine.send(.setPaused(false))
        #expect(engine.pump(steps: 2) == 2)
        let expected = try Self.direct(Self.preset, steps: 5).compactMap { $0[.vanilla] }
            .map { Float($0.unrecovered) / Float($0.requested) }
        #expect(engine.snapshot()[.vanilla].lostHistory.suffix(100) == expected)
    }

    @Test("a setting shows as pending, then applies at the next batch")
    func configAppliesAtNextBatch() throws {
        let engine = Fixtures.engine(Self.preset, steps: 2)
        var config = Self.preset.routing
        config.capacityFactor = CapacityFactor(tenThousandths: 20_000)
        config.dropPolicy = .position
        engine.send(.setConfig(config))
        let before = engine.snapshot()
        #expect(before.pendingChanges)
        #expect(before.config == Self.preset.routing)
        #expect(engine.pump())
        let after = engine.snapshot()
        #expect(!after.pendingChanges)
        #expect(after.config == config)
        #expect(after[.vanilla].latest?.capacity == config.capacity)
        // The third batch routed with the new setting, as routing it directly gives.
        let source = try Self.preset.makeSource(threads: 1)
        _ = try source.nextBatch()
        _ = try source.nextBatch()
        let third = try #require(try source.nextBatch())
        let direct = try Router(threads: 1).route(third, config: config)
        #expect(after[.irfr].latest == direct.figures(.irfr))
    }

    @Test("an invalid setting is rejected with a message; the old one stays")
    func invalidConfigRejected() {
        let engine = Fixtures.engine(Self.preset, steps: 1)
        var config = Self.preset.routing
        config.topK = 0
        engine.send(.setConfig(config))
        #expect(engine.pump())
        let snapshot = engine.snapshot()
        #expect(snapshot.config == Self.preset.routing)
        #expect(snapshot.failureSerial == 1)
        #expect(snapshot.message?.contains("topK") == true)
        #expect(snapshot.step == 2)
    }

    @Test("a preset that does not fit the memory budget is rejected; the old one stays")
    func oversizedPresetRejected() {
        let engine = LiveEngine(preset: Self.preset, threads: 1, memoryBudget: MemoryBudget(bytes: 64 << 20, origin: "test"))
        var big = Self.preset
        big.name = "big"
        big.routing.tokensPerGPU = 1 << 20
        engine.send(.switchPreset(big))
        #expect(engine.pump())
        let snapshot = engine.snapshot()
        #expect(snapshot.config == Self.preset.routing)
        #expect(snapshot.message?.contains("preset big: this configuration needs about") == true)
        #expect(snapshot.message?.contains("over the limit of 64.0 MiB") == true)
    }

    @Test("a good setting after a rejected one clears the complaint")
    func goodSettingClearsMessage() {
        let engine = Fixtures.engine(Self.preset, steps: 1)
        var bad = Self.preset.routing
        bad.topK = 0
        engine.send(.setConfig(bad))
        engine.pump()
        #expect(engine.snapshot().message != nil)
        var good = Self.preset.routing
        good.topK = 1
        engine.send(.setConfig(good))
        engine.pump()
        #expect(engine.snapshot().message == nil)
        #expect(engine.snapshot().config == good)
    }

    @Test("a setting for another cluster shape is rejected")
    func shapeMismatchRejected() {
        let engine = Fixtures.engine(Self.preset, steps: 1)
        var config = Self.preset.routing
        config.experts = 16
        engine.send(.setConfig(config))
        engine.pump()
        #expect(engine.snapshot().config == Self.preset.routing)
        #expect(engine.snapshot().message?.contains("batches have") == true)
    }

    @Test("switching preset opens its source and starts fresh statistics")
    func presetSwitch() {
        let engine = Fixtures.engine(Self.preset, steps: 3)
        let other = Fixtures.preset(name: "other", gpus: 2, experts: 4, topK: 1, tokensPerGPU: 8)
        engine.send(.switchPreset(other))
        #expect(engine.snapshot().pendingChanges)
        #expect(engine.pump())
        let snapshot = engine.snapshot()
        #expect(snapshot.presetName == "other")
        #expect(snapshot.config == other.routing)
        #expect(snapshot[.ir].totals.steps == 1)
        #expect(snapshot[.ir].lostHistory.count == 1)
        #expect(snapshot[.ir].gpus.count == 2)
        #expect(snapshot.step == 4)
    }

    @Test("a preset switch drops a setting meant for the old preset")
    func presetSwitchDropsOldSetting() {
        let engine = Fixtures.engine(Self.preset, steps: 1)
        var config = Self.preset.routing
        config.topK = 1
        engine.send(.setConfig(config))
        let other = Fixtures.preset(name: "other", gpus: 2, experts: 4, topK: 2, tokensPerGPU: 8)
        engine.send(.switchPreset(other))
        engine.pump()
        #expect(engine.snapshot().config == other.routing)
        #expect(engine.snapshot().failureSerial == 0)
    }

    @Test("a preset whose source cannot open is reported; the old one keeps running")
    func failedPresetSwitch() {
        let engine = Fixtures.engine(Self.preset, steps: 1)
        engine.send(.switchPreset(Fixtures.brokenPreset()))
        #expect(engine.pump())
        let snapshot = engine.snapshot()
        #expect(snapshot.presetName == "engine")
        #expect(snapshot.failureSerial == 1)
        #expect(snapshot.message?.hasPrefix("preset broken:") == true)
        #expect(snapshot.step == 2)
        #expect(snapshot[.irfr].totals.steps == 2)
    }

    @Test("reset clears totals and histories at once when paused, keeps the latest step on screen")
    func resetWhilePaused() {
        let engine = Fixtures.engine(Self.preset, steps: 3)
        engine.send(.setPaused(true))
        engine.send(.resetStatistics)
        #expect(!engine.pump())
        let snapshot = engine.snapshot()
        for mode in RectifyMode.allCases {
            #expect(snapshot[mode].totals.steps == 0)
            #expect(snapshot[mode].lostHistory.count == 0)
            #expect(snapshot[mode].paddingHistory.count == 0)
            #expect(snapshot[mode].latest != nil)
        }
        #expect(snapshot.step == 3)
    }

    @Test("reset while running: the next batch starts the new totals")
    func resetWhileRunning() {
        let engine = Fixtures.engine(Self.preset, steps: 3)
        engine.send(.resetStatistics)
        #expect(engine.pump())
        #expect(engine.snapshot()[.fr].totals.steps == 1)
    }

    @Test("end of a non-looping trace stops stepping; reset replays it")
    func endOfTrace() {
        let engine = Fixtures.engine(Fixtures.workedPreset(), openSource: Fixtures.workedFactory(loop: false, count: 2))
        #expect(engine.pump(steps: 5) == 2)
        var snapshot = engine.snapshot()
        #expect(snapshot.endOfTrace)
        #expect(snapshot.message == "end of trace after 2 batches: r replays it")
        #expect(!engine.pump())
        engine.send(.resetStatistics)
        #expect(engine.pump())
        snapshot = engine.snapshot()
        #expect(!snapshot.endOfTrace)
        #expect(snapshot.message == nil)
        #expect(snapshot.step == 3)
        #expect(snapshot.batchStep == 0)
        #expect(snapshot[.vanilla].totals.steps == 1)
    }

    @Test("a failing first source halts with a message until something changes")
    func brokenFirstSource() {
        let engine = Fixtures.engine(Fixtures.brokenPreset())
        #expect(!engine.pump())
        #expect(engine.snapshot().message?.hasPrefix("workload:") == true)
        #expect(!engine.pump())
        engine.send(.switchPreset(Self.preset))
        #expect(engine.pump())
        #expect(engine.snapshot().presetName == "engine")
    }

    @Test("the measured rate follows the clock; none while paused")
    func measuredRate() throws {
        let clock = Fixtures.ManualClock()
        let engine = Fixtures.engine(Self.preset, clock: clock)
        #expect(engine.snapshot().stepsPerSecond == nil)
        for _ in 0..<5 {
            engine.pump()
            clock.advance(seconds: 0.1)
        }
        let rate = try #require(engine.snapshot().stepsPerSecond)
        #expect(abs(rate - 10) < 1e-6)
        engine.send(.setPaused(true))
        #expect(engine.snapshot().stepsPerSecond == nil)
        engine.send(.setPaused(false))
        clock.advance(seconds: 5)
        #expect(engine.snapshot().stepsPerSecond == nil, "no steps lately")
    }

    @Test("the throttle spaces steps; pause, reset and stop are not delayed by it")
    func throttleDecisions() {
        var controls = EngineControls(snapshot: .empty(preset: Self.preset), paused: false, throttle: 10)
        guard case .perform(let first) = controls.nextWork(now: 0, honourThrottle: true) else {
            Issue.record("first step should run at once")
            return
        }
        #expect(first.step)
        guard case .wait(let delay) = controls.nextWork(now: 40_000_000, honourThrottle: true) else {
            Issue.record("second step should wait")
            return
        }
        #expect(delay == 60_000_000)
        controls.resetRequested = true
        guard case .perform(let reset) = controls.nextWork(now: 50_000_000, honourThrottle: true) else {
            Issue.record("reset should not wait")
            return
        }
        #expect(reset.reset && !reset.step)
        if case .perform(let job) = controls.nextWork(now: 100_000_000, honourThrottle: true) {
            #expect(job.step)
        } else {
            Issue.record("due step should run")
        }
        controls.stopRequested = true
        if case .stop = controls.nextWork(now: 100_000_001, honourThrottle: true) {} else { Issue.record("stop") }
    }

    @Test("changes wait for the next batch; a paused engine applies them at once to the latest batch")
    func pendingWhilePaused() {
        let engine = Fixtures.engine(Self.preset, steps: 1, paused: false)
        engine.send(.setPaused(true))
        var config = Self.preset.routing
        config.topK = 1
        engine.send(.setConfig(config))
        #expect(engine.snapshot().pendingChanges)
        // Paused, the change routes the latest batch again: no new step.
        #expect(!engine.pump())
        #expect(engine.snapshot().config == config && engine.snapshot().step == 1 && engine.snapshot().rerouted)
        #expect(!engine.snapshot().pendingChanges)
        engine.send(.singleStep)
        #expect(engine.pump())
        #expect(engine.snapshot().config == config && engine.snapshot().step == 2 && !engine.snapshot().rerouted)
    }

    @Test("the throttle and pause show in the snapshot at once")
    func controlsInSnapshot() {
        let engine = Fixtures.engine(Self.preset)
        engine.send(.setThrottle(20))
        engine.send(.setPaused(true))
        #expect(engine.snapshot().throttle == 20)
        #expect(engine.snapshot().paused)
        engine.send(.setThrottle(nil))
        #expect(engine.snapshot().throttle == nil)
    }

    @Test("the engine thread routes in the background and stop joins it", .timeLimit(.minutes(1)))
    func backgroundThread() {
        let engine = LiveEngine(preset: Self.preset, threads: 1, historyLength: 16)
        engine.start()
        engine.start()
        let deadline = Date().addingTimeInterval(20)
        while engine.snapshot().step < 3, Date() < deadline { usleep(1_000) }
        #expect(engine.snapshot().step >= 3)
        engine.stop()
        let stopped = engine.snapshot().step
        usleep(20_000)
        #expect(engine.snapshot().step == stopped)
        engine.stop()
    }

    @Test("stop without start returns at once")
    func stopWithoutStart() {
        let engine = LiveEngine(preset: Self.preset)
        engine.stop()
        engine.start()
        #expect(engine.snapshot().step == 0)
    }
}
