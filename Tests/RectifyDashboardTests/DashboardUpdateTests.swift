import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// Every key binding's effect on the state and the commands it sends.
@Suite struct DashboardUpdateTests {
    static let first = Fixtures.preset(name: "first", gpus: 8, experts: 64, topK: 2, tokensPerGPU: 16)
    static let second = Fixtures.preset(name: "second", gpus: 2, experts: 4, topK: 1, tokensPerGPU: 8, mode: .vanilla)

    static func state(presets: [Preset] = [first, second]) -> DashboardState {
        DashboardState(preset: first, presets: presets)
    }

    static func press(_ key: KeyEvent, _ state: DashboardState = state()) -> (DashboardState, [EngineCommand]) {
        DashboardState.update(state, key)
    }

    static func press(_ character: Character, _ state: DashboardState = state()) -> (DashboardState, [EngineCommand]) {
        DashboardState.update(state, .character(character))
    }

    static func factor(_ text: String) -> CapacityFactor { CapacityFactor(parsing: text) ?? CapacityFactor(tenThousandths: 0) }

    // MARK: View

    @Test("1-4 select the mode shown; no engine command (it routes all four)")
    func modeKeys() {
        let modes: [Character: RectifyMode] = ["1": .vanilla, "2": .ir, "3": .fr, "4": .irfr]
        for (key, mode) in modes {
            var start = Self.state()
            start.mode = mode == .vanilla ? .irfr : .vanilla
            let (next, commands) = Self.press(key, start)
            #expect(next.mode == mode)
            #expect(commands.isEmpty)
        }
    }

    @Test("m cycles vanilla, IR, FR, IR+FR and back")
    func cycleMode() {
        var state = Self.state()
        state.mode = .vanilla
        var seen: [RectifyMode] = []
        for _ in 0..<4 {
            state = Self.press("m", state).0
            seen.append(state.mode)
        }
        #expect(seen == [.ir, .fr, .irfr, .vanilla])
    }

    @Test("c toggles compare, from zoom too; the engine computes the compare details only while it is open")
    func compare() {
        let (compare, commands) = Self.press("c")
        #expect(compare.view == .compare && commands == [.setCompareDetails(true)])
        let (back, closing) = Self.press("c", compare)
        #expect(back.view == .main && closing == [.setCompareDetails(false)])
        var zoom = Self.state()
        zoom.view = .zoom
        let (fromZoom, zoomCommands) = Self.press("c", zoom)
        #expect(fromZoom.view == .compare && zoomCommands == [.setCompareDetails(true)])
        let (toZoom, leaving) = Self.press("z", compare)
        #expect(toZoom.view == .zoom && leaving == [.setCompareDetails(false)])
        #expect(Self.press("z", zoom).1.isEmpty)
    }

    @Test("? opens and closes the help at scroll 0")
    func help() {
        let (open, commands) = Self.press("?")
        #expect(open.helpVisible && commands.isEmpty)
        var scrolled = open
        scrolled.helpScroll = 4
        let closed = Self.press("?", scrolled).0
        #expect(!closed.helpVisible && closed.helpScroll == 0)
    }

    @Test("Esc closes the help first, then zoom or compare, otherwise does nothing (never quits)")
    func escape() {
        var state = Self.state()
        state.view = .compare
        state.helpVisible = true
        state = Self.press(.escape, state).0
        #expect(!state.helpVisible && state.view == .compare)
        state = Self.press(.escape, state).0
        #expect(state.view == .main)
        let (same, commands) = Self.press(.escape, state)
        #expect(same == state && commands.isEmpty && !same.quitRequested)
        var zoom = Self.state()
        zoom.view = .zoom
        #expect(Self.press(.escape, zoom).0.view == .main)
    }

    // MARK: Routing

    @Test("+ and = raise, - and _ lower the capacity factor by 0.05; the engine gets the setting")
    func fineCapacity() {
        for (key, expected) in [("+", "1.05"), ("=", "1.05"), ("-", "0.95"), ("_", "0.95")] {
            let (next, commands) = Self.press(Character(key))
            #expect(next.config.capacityFactor == Self.factor(expected))
            #expect(commands == [.setConfig(next.config)])
            var config = Self.first.routing
            config.capacityFactor = Self.factor(expected)
            #expect(next.config == config)
        }
    }

    @Test("] and [ move the capacity factor by 0.25")
    func coarseCapacity() {
        #expect(Self.press("]").0.config.capacityFactor == Self.factor("1.25"))
        #expect(Self.press("[").0.config.capacityFactor == Self.factor("0.75"))
        #expect(Self.press("[").1.count == 1)
    }

    @Test("the capacity factor stays within 0.25 to 4, with a notice at the ends")
    func capacityLimits() {
        var high = Self.state()
        high.config.capacityFactor = Self.factor("3.9")
        let up = Self.press("]", high)
        #expect(up.0.config.capacityFactor == Self.factor("4"))
        let atTop = Self.press("+", up.0)
        #expect(atTop.0.config.capacityFactor == Self.factor("4") && atTop.1.isEmpty && atTop.0.notice != nil)
        var low = Self.state()
        low.config.capacityFactor = Self.factor("0.25")
        let down = Self.press("-", low)
        #expect(down.0.config.capacityFactor == Self.factor("0.25") && down.1.isEmpty && down.0.notice != nil)
        // One rule from any value: a factor outside 0.25-4 is first brought to the nearer end, then
        // moved, in both directions (it used to refuse + at 10 but give 9.95 on -, and 0.15 on + from 0.1).
        var outside = Self.state()
        outside.config.capacityFactor = Self.factor("10")
        let upFromAbove = Self.press("+", outside)
        #expect(upFromAbove.0.config.capacityFactor == Self.factor("4") && upFromAbove.0.notice != nil)
        #expect(upFromAbove.1 == [.setConfig(upFromAbove.0.config)])
        let downFromAbove = Self.press("-", outside)
        #expect(downFromAbove.0.config.capacityFactor == Self.factor("3.95") && downFromAbove.0.notice != nil)
        #expect(Self.press("[", outside).0.config.capacityFactor == Self.factor("3.75"))
        outside.config.capacityFactor = Self.factor("0.1")
        #expect(Self.press("+", outside).0.config.capacityFactor == Self.factor("0.3"))
        #expect(Self.press("]", outside).0.config.capacityFactor == Self.factor("0.5"))
        let downFromBelow = Self.press("-", outside)
        #expect(downFromBelow.0.config.capacityFactor == Self.factor("0.25") && downFromBelow.0.notice != nil)
        #expect(downFromBelow.1.count == 1)
    }

    @Test("K raises, k lowers top-k within 1 to min(experts, 16)")
    func topK() {
        let (up, upCommands) = Self.press("K")
        #expect(up.config.topK == 3 && upCommands == [.setConfig(up.config)])
        let (down, _) = Self.press("k")
        #expect(down.config.topK == 1)
        let (floor, floorCommands) = Self.press("k", down)
        #expect(floor.config.topK == 1 && floorCommands.isEmpty && floor.notice == "top-k stays within 1 to 16")
        var many = Self.state()
        many.config.topK = 16
        #expect(Self.press("K", many).0.config.topK == 16)
        var small = DashboardState(preset: Self.second)
        small.config.topK = 4
        let capped = Self.press("K", small)
        #expect(capped.0.config.topK == 4 && capped.1.isEmpty && capped.0.notice == "top-k stays within 1 to 4")
    }

    @Test("d cycles the drop policy score, position, choice")
    func dropPolicy() {
        var state = Self.state()
        var seen: [DropPolicy] = []
        for _ in 0..<3 {
            let (next, commands) = Self.press("d", state)
            #expect(commands == [.setConfig(next.config)])
            state = next
            seen.append(state.config.dropPolicy)
        }
        #expect(seen == [.position, .choice, .score])
    }

    @Test("n and p switch preset (wrapping), taking its routing and keeping the mode")
    func presets() {
        var start = Self.state()
        start.config.capacityFactor = Self.factor("2")
        start.selectedGPU = 7
        let (next, commands) = Self.press("n", start)
        #expect(next.presetIndex == 1 && next.preset.name == "second")
        #expect(next.config == Self.second.routing)
        #expect(next.mode == start.mode)
        #expect(next.selectedGPU == 1, "selection stays within the new cluster")
        #expect(commands == [.switchPreset(Self.second)])
        #expect(Self.press("n", next).0.presetIndex == 0)
        let (previous, previousCommands) = Self.press("p", start)
        #expect(previous.presetIndex == 1 && previousCommands == [.switchPreset(Self.second)])
        let single = Self.press("n", Self.state(presets: []))
        #expect(single.1.isEmpty && single.0.notice == "only one preset loaded")
    }

    // MARK: Engine

    @Test("space pauses and resumes")
    func pause() {
        let (paused, commands) = Self.press(" ")
        #expect(paused.paused && commands == [.setPaused(true)])
        let (running, again) = Self.press(" ", paused)
        #expect(!running.paused && again == [.setPaused(false)])
    }

    @Test("s steps while paused, and pauses when running")
    func singleStep() {
        let (paused, commands) = Self.press("s")
        #expect(paused.paused && commands == [.setPaused(true)])
        let (stepped, stepCommands) = Self.press("s", paused)
        #expect(stepped.paused && stepCommands == [.singleStep])
    }

    @Test("> and < move along the speed ladder")
    func speed() {
        var state = Self.state()
        state.throttle = 10
        let faster = Self.press(">", state)
        #expect(faster.0.throttle == 20 && faster.1 == [.setThrottle(20)])
        let slower = Self.press("<", state)
        #expect(slower.0.throttle == 5 && slower.1 == [.setThrottle(5)])
        state.throttle = 1000
        #expect(Self.press(">", state).0.throttle == nil)
        #expect(Self.press(">", state).1 == [.setThrottle(nil)])
        state.throttle = nil
        let top = Self.press(">", state)
        #expect(top.0.throttle == nil && top.1.isEmpty && top.0.notice == "already unlimited")
        state.measuredRate = 37
        #expect(Self.press("<", state).0.throttle == 20, "from unlimited: the rung below the measured rate")
        state.measuredRate = nil
        #expect(Self.press("<", state).0.throttle == 1000)
        state.throttle = 1
        let bottom = Self.press("<", state)
        #expect(bottom.0.throttle == 1 && bottom.1.isEmpty && bottom.0.notice != nil)
    }

    @Test("r resets the statistics")
    func reset() {
        let (next, commands) = Self.press("r")
        #expect(commands == [.resetStatistics])
        #expect(next.notice == "statistics reset")
    }

    // MARK: GPU selection

    @Test("z toggles zoom")
    func zoom() {
        let zoomed = Self.press("z").0
        #expect(zoomed.view == .zoom)
        #expect(Self.press("z", zoomed).0.view == .main)
        var compare = Self.state()
        compare.view = .compare
        #expect(Self.press("z", compare).0.view == .zoom)
    }

    @Test("arrows and Tab move the selection by one, wrapping; pages by eight, stopping; Home and End")
    func selection() {
        var state = Self.state()
        #expect(Self.press(.right, state).0.selectedGPU == 1)
        #expect(Self.press(.tab, state).0.selectedGPU == 1)
        #expect(Self.press(.left, state).0.selectedGPU == 7)
        #expect(Self.press(.backTab, state).0.selectedGPU == 7)
        state.selectedGPU = 3
        #expect(Self.press(.pageDown, state).0.selectedGPU == 7)
        #expect(Self.press(.pageUp, state).0.selectedGPU == 0)
        #expect(Self.press(.home, state).0.selectedGPU == 0)
        #expect(Self.press(.end, state).0.selectedGPU == 7)
        #expect(Self.press(.end, state).1.isEmpty)
    }

    // MARK: Screen

    @Test("Ctrl+L changes nothing here (the runner repaints)")
    func redraw() {
        var state = Self.state()
        state.notice = nil
        let (next, commands) = Self.press(.control("l"), state)
        #expect(next == state && commands.isEmpty)
    }

    @Test("q quits from every view, from the help and from the too-small screen")
    func quit() {
        for view in DashboardView.allCases {
            for help in [false, true] {
                var state = Self.state()
                state.view = view
                state.helpVisible = help
                let (next, commands) = Self.press("q", state)
                #expect(next.quitRequested && commands.isEmpty)
            }
        }
        // The too-small screen is only a way of drawing: the same state and keys apply.
        let program = DashboardProgram(preset: Self.second, options: DashboardOptions(),
                                       engine: Fixtures.engine(Self.second))
        var tiny = CellGrid(width: 20, height: 5)
        program.render(into: &tiny)
        #expect(tiny.text.contains("too small"))
        #expect(!program.handle(.character("q")))
        #expect(program.exitStatus == 0)
    }

    // MARK: The help overlay is modal

    @Test("in the help: arrows scroll, other keys only close it")
    func helpIsModal() {
        var state = Self.state()
        state.helpVisible = true
        let down = Self.press(.down, state).0
        #expect(down.helpVisible && down.helpScroll == 1)
        #expect(Self.press(.up, down).0.helpScroll == 0)
        #expect(Self.press(.up, state).0.helpScroll == 0)
        var bottom = state
        bottom.helpScroll = HelpContent.lineCount - 1
        #expect(Self.press(.down, bottom).0.helpScroll == HelpContent.lineCount - 1)
        let (closed, commands) = Self.press("1", state)
        #expect(!closed.helpVisible && closed.mode == state.mode && commands.isEmpty)
        let (stillOpen, _) = Self.press(.control("l"), state)
        #expect(stillOpen.helpVisible)
        // Outside the help the arrows up and down do nothing.
        let (same, none) = Self.press(.up)
        #expect(same == Self.state() && none.isEmpty)
    }

    @Test("keys bound to nothing change nothing")
    func unboundKeys() {
        let state = Self.state()
        let unbound: [KeyEvent] = [.character("X"), .character("Q"), .character("0"), .character("5"),
                                   .enter, .backspace, .function(1), .control("c"), .up, .down]
        for key in unbound {
            let (next, commands) = Self.press(key, state)
            #expect(next == state && commands.isEmpty, "\(key)")
        }
    }

    @Test("any key clears the previous notice")
    func noticeClears() {
        let (noticed, _) = Self.press("r")
        #expect(noticed.notice != nil)
        #expect(Self.press("1", noticed).0.notice == nil)
    }

    @Test("a rejected change puts the settings in effect back")
    func syncAfterFailure() {
        var state = Self.press("n").0
        #expect(state.preset.name == "second")
        let engine = Fixtures.engine(Self.first, steps: 1)
        engine.send(.switchPreset(Fixtures.brokenPreset()))
        engine.pump()
        state.sync(with: engine.snapshot())
        #expect(state.preset.name == "first")
        #expect(state.config == Self.first.routing)
        #expect(state.seenFailureSerial == 1)
        // Nothing changes while the serial stays the same.
        var changed = state
        changed.config.topK = 1
        changed.sync(with: engine.snapshot())
        #expect(changed.config.topK == 1)
    }
}
