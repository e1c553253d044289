import RectifyEngine
import TerminalCanvas

extension DashboardState {
    /// Wheel notches scroll this many lines of the help or the zoom view.
    static let wheelLines = 3

    /// The pure mouse step, as htop or k9s do it: a click on a GPU selects it, a second click (or a
    /// double click) zooms into it; the wheel scrolls the help, the zoom view or the GPU selection.
    ///
    /// Where things are depends on the screen, so the caller gives the terminal size and the
    /// configuration the frame was drawn with (the engine's, as the renderer uses).
    public static func mouse(_ state: DashboardState, _ event: MouseEvent, width: Int, height: Int,
                             config: RoutingConfig) -> DashboardState {
        var next = state
        next.notice = nil
        guard ScreenLayout.fits(width: width, height: height) else { return state }
        let body = ScreenLayout.main(width: width, height: height, headline: state.headlineVisible,
                                     caption: state.tour != nil, presenting: state.presenting).body
        let perGPU = max(1, config.experts / max(1, config.gpus))
        switch event.kind {
        case .wheelUp, .wheelDown:
            let direction = event.kind == .wheelDown ? 1 : -1
            if state.helpVisible {
                next.helpScroll = min(max(0, state.helpScroll + direction * wheelLines), HelpContent.lineCount - 1)
            } else if state.sweepVisible || state.view == .compare {
                return state
            } else if state.view == .zoom {
                let shown = ZoomArrangement.arrange(in: body, experts: perGPU, totalExperts: config.experts).shown
                next.zoomScroll = min(max(0, state.zoomScroll + direction * wheelLines), max(0, perGPU - shown))
            } else {
                next.selectedGPU = min(max(0, state.selectedGPU + direction), max(0, config.gpus - 1))
            }
        case .click, .doubleClick:
            if state.helpVisible {
                // Like any key that is not the help's own: the click closes it.
                next.helpVisible = false
                next.helpScroll = 0
                return next
            }
            guard !state.sweepVisible else { return state }
            if state.view == .zoom {
                if event.kind == .doubleClick { next.view = .main }
                break
            }
            guard state.view == .main,
                  let gpu = gpu(at: event.x, event.y, in: body, config: config, selected: state.selectedGPU,
                                    presenting: state.presenting) else { break }
            if event.kind == .doubleClick || gpu == state.selectedGPU { next.view = .zoom }
            next.selectedGPU = gpu
        }
        if next.selectedGPU != state.selectedGPU || next.view != state.view { next.zoomScroll = 0 }
        return next
    }

    /// The GPU whose panel (or compact entry) covers cell (x, y) of the main view, if any.
    static func gpu(at x: Int, _ y: Int, in body: Rect, config: RoutingConfig, selected: Int,
                    presenting: Bool = false) -> Int? {
        let selection = min(max(0, selected), max(0, config.gpus - 1))
        switch PanelArrangement.arrange(in: body, gpus: config.gpus, experts: config.experts, selectedGPU: selection,
                                        paged: presenting) {
        case .bars(let panels):
            return panels.firstIndex { $0.contains(x: x, y: y) }
        case .page(let first, let panels, _):
            return panels.firstIndex { $0.contains(x: x, y: y) }.map { first + $0 }
        case .compact(let arrangement, _):
            return arrangement.entries.firstIndex { $0.contains(x: x, y: y) }.map { arrangement.firstGPU + $0 }
        }
    }
}
