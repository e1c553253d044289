import RectifyEngine
import Synchronization
@testable import RectifyDashboard
import TerminalCanvas

/// Small deterministic presets, engines and frames for the dashboard tests.
enum Fixtures {
    static func preset(name: String = "tiny", gpus: Int = 2, experts: Int = 4, topK: Int = 1, tokensPerGPU: Int = 16,
                       capacityFactor: String = "1", mode: RectifyMode = .irfr, seed: UInt64 = 7,
                       skew: Double = 1.0) -> Preset {
        var parameters = SyntheticParameters()
        parameters.seed = seed
        parameters.popularitySkew = skew
        let routing = RoutingConfig(gpus: gpus, experts: experts, topK: topK, tokensPerGPU: tokensPerGPU,
                                    capacityFactor: CapacityFactor(parsing: capacityFactor) ?? CapacityFactor(tenThousandths: 10_000))
        return Preset(name: name, description: "test preset", routing: routing, mode: mode,
                      workload: .synthetic(parameters))
    }

    /// A preset whose trace file does not exist: opening its source fails.
    static func brokenPreset() -> Preset {
        Preset(name: "broken", description: "missing trace", routing: preset().routing, mode: .irfr,
               workload: .trace(TraceSpec(path: "/nonexistent/rectify-test-trace.npy", loop: false)))
    }

    // MARK: The worked example of the routing spec (section 8)

    static let workedLogits: [Float] = [
        3.0, 1.0, 2.0, 0.0,
        2.5, 0.5, 0.0, 2.0,
        0.0, 1.5, 3.0, 1.0,
        1.0, 0.0, 2.5, 2.0,
        0.5, 2.0, 1.0, 3.0,
        1.0, 2.5, 0.0, 3.5,
        2.0, 0.0, 1.0, 3.0,
        0.0, 3.0, 2.0, 1.0,
    ]

    /// G=2, E=4, k=1, n=4, capacity factor 1: C = 1, every expert holds G x C = 2.
    static func workedPreset(name: String = "worked") -> Preset {
        Preset(name: name, description: "spec section 8", routing: RoutingConfig(gpus: 2, experts: 4, topK: 1, tokensPerGPU: 4),
               mode: .irfr, workload: .synthetic(SyntheticParameters()))
    }

    /// `mode`'s totals over `batches` routed by the router itself with `config`, each step with
    /// the cost model's estimate under `cost`: what the engine's segment totals must hold.
    static func totals(_ mode: RectifyMode, batches: [RoutingBatch], config: RoutingConfig,
                       cost: CostSettings) throws -> SchemeTotals {
        var totals = SchemeTotals(mode: mode)
        for batch in batches {
            let analysis = try Router(threads: 1).route(batch, config: config)
            guard let figures = analysis.figures(mode) else { continue }
            let estimate = StepWork(analysis: analysis, mode: mode, dispatch: cost.dispatch).map { CostModel.estimate($0, settings: cost) }
            totals.add(SchemeEvaluation(scheme: .rectify(mode), figures: SchemeFigures(figures), modeFigures: figures,
                                        cost: estimate, fidelity: nil, measuredQuality: nil))
        }
        return totals
    }

    static func workedBatch(step: Int = 0) -> RoutingBatch {
        RoutingBatch(step: step, tokens: 8, experts: 4, logits: workedLogits)
    }

    /// A stream of fixed batches, repeated when `loop`, else ending after the last.
    final class FixedSource: BatchSource {
        let batches: [RoutingBatch]
        let loop: Bool
        var position = 0
        var label: String { "fixed (\(batches.count) batches)" }
        var tokens: Int { batches.first?.tokens ?? 0 }
        var experts: Int { batches.first?.experts ?? 0 }

        init(_ batches: [RoutingBatch], loop: Bool) {
            self.batches = batches
            self.loop = loop
        }

        func nextBatch() throws(WorkloadError) -> RoutingBatch? {
            if position >= batches.count {
                guard loop, !batches.isEmpty else { return nil }
                position = 0
            }
            defer { position += 1 }
            return batches[position]
        }

        func rewind() { position = 0 }
    }

    /// Opens the worked example's batch for the worked preset (renumbered per step), and the
    /// preset's own source otherwise.
    static func workedFactory(loop: Bool = true, count: Int = 1) -> SourceFactory {
        { preset in
            guard preset.name.hasPrefix("worked") else { return try preset.makeSource(threads: 1) }
            return FixedSource((0..<count).map { workedBatch(step: $0) }, loop: loop)
        }
    }

    /// A clock that only moves when told to.
    final class ManualClock: Sendable {
        private let now = Mutex<UInt64>(1_000_000_000)
        func advance(seconds: Double) { now.withLock { $0 += UInt64(seconds * 1e9) } }
        var read: @Sendable () -> UInt64 { { [self] in now.withLock { $0 } } }
    }

    static func engine(_ preset: Preset, steps: Int = 0, paused: Bool = false, throttle: Int? = nil,
                       historyLength: Int = 64, openSource: SourceFactory? = nil,
                       clock: ManualClock = ManualClock()) -> LiveEngine {
        let engine = LiveEngine(preset: preset, paused: paused, throttle: throttle, threads: 1,
                                historyLength: historyLength, openSource: openSource, clock: clock.read)
        engine.pump(steps: steps)
        return engine
    }

    static func workedEngine(steps: Int, paused: Bool = false, clock: ManualClock = ManualClock()) -> LiveEngine {
        engine(workedPreset(), steps: steps, paused: paused, openSource: workedFactory(), clock: clock)
    }

    /// State and snapshot after routing `steps` batches of `preset`.
    static func screen(_ preset: Preset, steps: Int, display: DisplayOptions = .full,
                       openSource: SourceFactory? = nil) -> (DashboardState, EngineSnapshot) {
        let engine = engine(preset, steps: steps, openSource: openSource)
        var state = DashboardState(preset: preset, display: display)
        let snapshot = engine.snapshot()
        state.sync(with: snapshot)
        return (state, snapshot)
    }

    static func workedScreen(steps: Int = 1, display: DisplayOptions = .full) -> (DashboardState, EngineSnapshot) {
        screen(workedPreset(), steps: steps, display: display, openSource: workedFactory())
    }

    static let filler: Character = "~"

    /// A whole frame, drawn into a grid pre-filled with `filler` so unpainted cells show.
    static func render(_ state: DashboardState, _ snapshot: EngineSnapshot, width: Int, height: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: height, filler: Cell(filler))
        DashboardRenderer.render(state: state, snapshot: snapshot, into: &grid)
        return grid
    }

    /// Lines with trailing spaces removed, for readable expectations.
    static func trimmed(_ grid: CellGrid) -> [String] {
        grid.lines.map { line in
            var text = line
            while text.last == " " { text.removeLast() }
            return text
        }
    }
}
