import RectifyEngine
import TerminalCanvas

extension DashboardState {
    /// The pure update step: the next state and what the engine must be told.
    ///
    /// Only keys in `KeyBindings.all` do anything. With the help overlay open, keys bound for the
    /// help (and the ones that always work) act; any other key just closes the overlay.
    public static func update(_ state: DashboardState, _ key: KeyEvent) -> (DashboardState, [EngineCommand]) {
        if let typed = state.gpuJump, let jumped = GPUJump.handle(key, typed: typed, state: state) {
            return (jumped, [])
        }
        var next = state
        next.notice = nil
        next.gpuJump = nil
        guard let action = KeyBindings.action(for: key, helpOpen: state.helpVisible, sweepOpen: state.sweepVisible) else {
            if state.helpVisible {
                next.helpVisible = false
                next.helpScroll = 0
                return (next, [])
            }
            return (state, [])
        }
        var commands: [EngineCommand] = []
        switch action {
        case .selectMode(let mode):
            next.mode = mode
            next.tour = nil
        case .cycleMode:
            next.mode = state.mode.next
            next.tour = nil
        case .capacityFactor(let delta):
            let factor = SettingSteps.capacityFactor(state.config.capacityFactor, by: delta)
            let wanted = state.config.capacityFactor.tenThousandths + delta
            if factor.tenThousandths != wanted { next.notice = "capacity factor stays within 0.25 to 4 by keys" }
            if factor != state.config.capacityFactor {
                next.config.capacityFactor = factor
                commands.append(.setConfig(next.config))
            }
        case .topK(let delta):
            let k = SettingSteps.topK(state.config.topK, by: delta, experts: state.config.experts)
            if k == state.config.topK {
                let range = SettingSteps.topKRange(experts: state.config.experts)
                next.notice = "top-k stays within \(range.lowerBound) to \(range.upperBound)"
            } else {
                next.config.topK = k
                commands.append(.setConfig(next.config))
            }
        case .cycleDropPolicy:
            next.config.dropPolicy = state.config.dropPolicy.next
            commands.append(.setConfig(next.config))
        case .preset(let delta):
            guard state.presets.count > 1 else {
                next.notice = "only one preset loaded"
                break
            }
            let count = state.presets.count
            next.presetIndex = ((state.presetIndex + delta) % count + count) % count
            next.config = next.preset.routing
            next.clampSelection()
            commands.append(.switchPreset(next.preset))
        case .togglePause:
            next.paused.toggle()
            commands.append(.setPaused(next.paused))
        case .singleStep:
            if state.paused {
                commands.append(.singleStep)
            } else {
                next.paused = true
                commands.append(.setPaused(true))
            }
        case .speed(let direction):
            next.throttle = direction > 0 ? SpeedLadder.faster(than: state.throttle)
                                          : SpeedLadder.slower(than: state.throttle, measured: state.measuredRate)
            if next.throttle == state.throttle {
                next.notice = direction > 0 ? "already unlimited" : "already at the slowest speed"
            } else {
                commands.append(.setThrottle(next.throttle))
            }
        case .resetStatistics:
            next.notice = "statistics reset"
            commands.append(.resetStatistics)
        case .toggleCompare:
            next.view = state.view == .compare ? .main : .compare
        case .toggleSweep:
            commands.append(next.setSweep(open: !state.sweepVisible))
        case .sweepCursor(let delta):
            SweepTuning.moveCursor(&next, by: delta)
        case .applySweep:
            commands += SweepTuning.apply(&next)
        case .recommend:
            // From the main screen too: the sweep opens, and the recommendation shows when it is done.
            if !next.sweepVisible { commands.append(next.setSweep(open: true)) }
            SweepTuning.recommend(&next)
        case .toggleZoom:
            next.view = state.view == .zoom ? .main : .zoom
        case .selectGPU(let delta):
            let gpus = max(1, state.config.gpus)
            if abs(delta) == 1 {
                next.selectedGPU = ((state.selectedGPU + delta) % gpus + gpus) % gpus
            } else {
                next.selectedGPU = state.selectedGPU + delta
                next.clampSelection()
            }
        case .firstGPU:
            next.selectedGPU = 0
        case .lastGPU:
            next.selectedGPU = max(0, state.config.gpus - 1)
        case .scrollHelp(let delta):
            next.helpScroll = min(max(0, state.helpScroll + delta), HelpContent.lineCount - 1)
        case .cycleExpertSort:
            next.expertSort = state.expertSort.next
            next.notice = "experts sorted by \(next.expertSort.label)"
        case .startGPUJump:
            next.gpuJump = ""
        case .saveSnapshot:
            next.snapshotRequested = true
        case .cycleTheme:
            next.display.theme = state.display.theme.next
            next.notice = "theme: \(next.display.theme.rawValue)" + (state.display.color ? "" : " (shows with colour only)")
        case .redraw:
            // The terminal runner repaints on Ctrl+L; nothing changes here.
            break
        case .togglePresenter:
            commands += Presenter.toggle(&next)
        case .advanceTour:
            Tour.advance(&next)
        case .toggleBeforeAfter:
            next.beforeAfter.toggle()
            if next.beforeAfter { next.view = .main }
        case .toggleHeadline:
            next.headlineVisible.toggle()
        case .toggleHelp:
            next.helpVisible.toggle()
            next.helpScroll = 0
        case .back:
            if state.helpVisible {
                next.helpVisible = false
                next.helpScroll = 0
            } else if state.sweepVisible {
                commands.append(next.setSweep(open: false))
            } else if state.tour != nil {
                next.tour = nil
            } else if state.beforeAfter {
                next.beforeAfter = false
            } else if state.view != .main {
                next.view = .main
            }
        case .quit:
            next.quitRequested = true
        }
        if next.selectedGPU != state.selectedGPU || next.view != state.view { next.zoomScroll = 0 }
        // The engine computes the compare view's extra figures only while it is open.
        if next.view != state.view, next.view == .compare || state.view == .compare {
            commands.append(.setCompareDetails(next.view == .compare))
        }
        return (next, commands)
    }
}
