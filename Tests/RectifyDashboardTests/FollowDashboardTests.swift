import Foundation
import Synchronization
import Testing
import RectifyEngine
@testable import RectifyDashboard

/// The dashboard on a followed capture: waiting is not the end, the header shows source and lag.
@Suite struct FollowDashboardTests {
    /// A live source fed by the test: `nil` ("nothing new") until a batch is queued.
    final class QueueSource: BatchSource, @unchecked Sendable {  // used by one thread at a time, as every source
        var queued: [RoutingBatch] = []
        var status = FollowStatus(path: "/runs/job", layer: 1, layerName: "blocks.1.moe.gate")
        var follow: FollowStatus? { status }
        let tokens = 8, experts = 4
        var label: String { "follow /runs/job layer 1" }

        func nextBatch() throws(WorkloadError) -> RoutingBatch? {
            guard !queued.isEmpty else { return nil }
            status.routed += 1
            status.lastStep = (status.lastStep ?? -1) + 2
            status.skipped += 1
            status.lastWrittenAt = 1_000
            return queued.removeFirst()
        }

        func rewind() {}
    }

    @Test("nothing new is a wait, not the end of a trace; new batches are routed as they come")
    func waitsForBatches() throws {
        let source = QueueSource()
        let engine = LiveEngine(preset: Fixtures.workedPreset(), threads: 1, openSource: { _ in source },
                                clock: Fixtures.ManualClock().read, wallClock: { 1_002.5 })
        #expect(engine.pump() == false)
        var snapshot = engine.snapshot()
        #expect(snapshot.step == 0 && !snapshot.endOfTrace && snapshot.message == nil)
        #expect(snapshot.follow?.path == "/runs/job")
        #expect(snapshot.followLag == nil)
        source.queued = [Fixtures.workedBatch(step: 0), Fixtures.workedBatch(step: 1)]
        #expect(engine.pump(steps: 5) == 2)
        snapshot = engine.snapshot()
        #expect(snapshot.step == 2 && !snapshot.endOfTrace)
        #expect(snapshot.follow?.lastStep == 3 && snapshot.follow?.skipped == 2)
        #expect(snapshot.followLag == 2.5)
    }

    @Test("a waiting follower polls at the poll interval instead of spinning")
    func pollInterval() {
        var controls = EngineControls(snapshot: EngineSnapshot.empty(preset: Fixtures.workedPreset()), paused: false, throttle: nil)
        controls.coreWaiting = true
        controls.lastStepStart = 1_000
        guard case .wait(let nanoseconds) = controls.nextWork(now: 1_000 + 30_000_000, honourThrottle: true) else {
            Issue.record("should wait")
            return
        }
        #expect(nanoseconds == EngineControls.followPollNanoseconds - 30_000_000)
        guard case .perform(let job) = controls.nextWork(now: 1_000 + EngineControls.followPollNanoseconds, honourThrottle: true) else {
            Issue.record("should look again")
            return
        }
        #expect(job.step)
    }

    @Test("the header shows what is followed, the capture step, the lag and the skipped steps")
    func header() throws {
        let source = QueueSource()
        source.queued = [Fixtures.workedBatch(step: 0)]
        let engine = LiveEngine(preset: Fixtures.workedPreset(), threads: 1, openSource: { _ in source },
                                clock: Fixtures.ManualClock().read, wallClock: { 1_002.5 })
        engine.pump()
        var state = DashboardState(preset: Fixtures.workedPreset(), display: .full)
        let snapshot = engine.snapshot()
        state.sync(with: snapshot)
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 160, height: 40))
        #expect(lines[1].contains("follow /runs/job L1  step 1  lag 2.50s  skipped 1"), "\(lines[1])")
        source.status.problem = "/runs/job/layer-001: not found; waiting for the writer"
        source.status.rejected = 2
        _ = engine.pump()
        let later = engine.snapshot()
        let again = Fixtures.trimmed(Fixtures.render(state, later, width: 200, height: 40))
        #expect(again[1].contains("skipped 1  rejected 2  layer-001: not found; waiting for the writer"), "\(again[1])")
    }
}
