import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The program as the terminal runner sees it, with an engine pumped by hand.
@Suite struct DashboardProgramTests {
    static let preset = Fixtures.preset(name: "program", gpus: 2, experts: 4, topK: 1, tokensPerGPU: 16)
    static let other = Fixtures.preset(name: "other", gpus: 4, experts: 8, topK: 2, tokensPerGPU: 8)

    static func program(paused: Bool = false, presets: [Preset] = [other]) -> (DashboardProgram, LiveEngine) {
        let engine = Fixtures.engine(preset, paused: paused)
        let options = DashboardOptions(display: .plain, framesPerSecond: 12, presets: presets, startPaused: paused)
        return (DashboardProgram(preset: preset, options: options, engine: engine), engine)
    }

    static func frame(_ program: DashboardProgram, width: Int = 120, height: Int = 40) -> [String] {
        var grid = CellGrid(width: width, height: height)
        program.render(into: &grid)
        return Fixtures.trimmed(grid)
    }

    @Test("options: frame rate, the starting preset put first in the list, the starting mode")
    func setup() {
        let (program, _) = Self.program()
        #expect(program.framesPerSecond == 12)
        #expect(program.state.presets.map(\.name) == ["program", "other"])
        #expect(program.state.presetIndex == 0)
        #expect(program.state.mode == .irfr)
        #expect(program.exitStatus == nil)
        // A starting preset already in the list replaces that entry (CLI overrides stay).
        var tuned = Self.preset
        tuned.routing.topK = 2
        let state = DashboardState(preset: tuned, presets: [Self.other, Self.preset])
        #expect(state.presets.map(\.name) == ["other", "program"] && state.presetIndex == 1 && state.config.topK == 2)
    }

    @Test("tick takes the latest snapshot; render draws it")
    func tickAndRender() {
        let (program, engine) = Self.program()
        engine.pump(steps: 3)
        #expect(Self.frame(program)[1].hasPrefix("step 0"))
        program.tick()
        #expect(program.snapshot.step == 3)
        #expect(Self.frame(program)[1].hasPrefix("step 3"))
    }

    @Test("keys reach the engine: settings apply at its next batch, the header shows them at once")
    func keysReachEngine() {
        let (program, engine) = Self.program()
        engine.pump(steps: 1)
        program.tick()
        #expect(program.handle(.character("]")))
        #expect(Self.frame(program)[0].contains("cf 1.25*"))
        #expect(engine.snapshot().pendingChanges)
        engine.pump()
        program.tick()
        #expect(program.snapshot.config.capacityFactor == CapacityFactor(tenThousandths: 12_500))
        #expect(Self.frame(program)[0].contains("cf 1.25 "))
    }

    @Test("space pauses the engine, s steps it once")
    func pauseAndStep() {
        let (program, engine) = Self.program()
        #expect(program.handle(.character(" ")))
        #expect(engine.snapshot().paused)
        #expect(!engine.pump())
        #expect(program.handle(.character("s")))
        #expect(engine.pump())
        #expect(!engine.pump())
        program.tick()
        #expect(program.snapshot.step == 1)
        #expect(Self.frame(program)[1].hasPrefix("step 1  || paused"))
    }

    @Test("speed and reset commands")
    func speedAndReset() {
        let (program, engine) = Self.program()
        engine.pump(steps: 2)
        #expect(program.handle(.character("<")))
        #expect(engine.snapshot().throttle == 1000)
        #expect(program.handle(.character("r")))
        engine.pump()
        #expect(engine.snapshot()[.vanilla].totals.steps == 1)
    }

    @Test("next preset: the engine switches; a failed switch puts the old preset back in the header")
    func presetSwitching() {
        let (program, engine) = Self.program(presets: [Self.other, Fixtures.brokenPreset()])
        #expect(program.handle(.character("n")))
        #expect(Self.frame(program)[0].contains("preset other*"))
        engine.pump()
        program.tick()
        #expect(program.snapshot.presetName == "other")
        #expect(Self.frame(program)[0].contains("preset other "))
        #expect(program.handle(.character("n")))
        engine.pump()
        program.tick()
        #expect(program.state.preset.name == "other")
        #expect(Self.frame(program)[1].contains("preset broken:"))
    }

    @Test("q quits with status 0; Esc never quits; didExit stops the engine")
    func quitting() {
        let (program, engine) = Self.program()
        #expect(program.handle(.escape))
        #expect(program.exitStatus == nil)
        #expect(!program.handle(.character("q")))
        #expect(program.exitStatus == 0)
        program.didExit()
        #expect(!engine.pump(), "a stopped engine does no more work")
    }

    @Test("the convenience initialiser starts the engine thread; didExit joins it", .timeLimit(.minutes(1)))
    func realEngine() {
        let program = DashboardProgram(preset: Self.preset, options: DashboardOptions(display: .plain, engineThreads: 1))
        var waited = 0
        while program.snapshot.step < 2, waited < 20_000 {
            program.tick()
            waited += 1
            usleep(1_000)
        }
        #expect(program.snapshot.step >= 2)
        program.didExit()
        program.didExit()
    }
}

import Foundation
