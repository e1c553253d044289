import RectifyEngine
import TerminalCanvas

/// Draws a whole frame from the screen state and the latest engine snapshot: the view function.
///
/// Every cell of the grid is painted each frame; the work is proportional to the number of cells
/// (per-expert and per-GPU numbers come ready-made in the snapshot).
public enum DashboardRenderer {
    public static func render(state: DashboardState, snapshot: EngineSnapshot, into grid: inout CellGrid) {
        let screen = Rect(x: 0, y: 0, width: grid.width, height: grid.height)
        let theme = Theme(state.display)
        grid.clear(screen)
        guard ScreenLayout.fits(width: grid.width, height: grid.height) else {
            TooSmall.draw(in: screen, into: &grid, theme: theme)
            return
        }
        switch state.view {
        case .main, .zoom:
            let layout = mainLayout(state: state, snapshot: snapshot, width: grid.width, height: grid.height)
            Header.draw(state: state, snapshot: snapshot, in: layout.header, into: &grid, theme: theme)
            if !layout.headline.isEmpty {
                let quality = state.presets.first { $0.name == snapshot.presetName }?.quality
                Headline.draw(snapshot: snapshot, mode: state.mode, quality: quality, in: layout.headline, into: &grid,
                              theme: theme)
            }
            if let step = state.tour, !layout.caption.isEmpty {
                TourCaption.draw(step: step, snapshot: snapshot, in: layout.caption, into: &grid, theme: theme)
            }
            if state.beforeAfter, state.view == .main {
                BeforeAfter.draw(state: state, snapshot: snapshot, in: layout.body, into: &grid, theme: theme)
            } else {
                drawBody(state: state, snapshot: snapshot, in: layout.body, into: &grid, theme: theme)
            }
            if !layout.totals.isEmpty {
                TotalsTable.draw(snapshot: snapshot, mode: state.mode, in: layout.totals, into: &grid, theme: theme)
            }
            if !layout.sparklines.isEmpty {
                SparklinePanel.draw(snapshot: snapshot, mode: state.mode, seriesHeight: layout.seriesHeight,
                                    in: layout.sparklines, into: &grid, theme: theme)
            }
            Footer.draw(state: state, in: layout.footer, into: &grid, theme: theme)
        case .compare:
            let layout = ScreenLayout.compare(width: grid.width, height: grid.height)
            Header.draw(state: state, snapshot: snapshot, in: layout.header, into: &grid, theme: theme)
            CompareView.draw(state: state, snapshot: snapshot, layout: layout, into: &grid, theme: theme)
            SchemesTable.draw(state: state, snapshot: snapshot, in: layout.schemes, into: &grid, theme: theme)
            Footer.draw(state: state, in: layout.footer, into: &grid, theme: theme)
        }
        if state.sweepVisible {
            SweepOverlay.draw(state: state, snapshot: snapshot, in: screen, into: &grid, theme: theme)
        }
        if state.helpVisible {
            HelpOverlay.draw(state: state, in: screen, into: &grid, theme: theme)
        }
    }

    /// The main screen's layout; after a settings change, the previous segment's totals get a row of
    /// their own when the body can spare one without moving a panel (its bars keep their place).
    static func mainLayout(state: DashboardState, snapshot: EngineSnapshot, width: Int, height: Int) -> ScreenLayout.Main {
        let layout = ScreenLayout.main(width: width, height: height, headline: state.headlineVisible,
                                       caption: state.tour != nil, presenting: state.presenting)
        guard snapshot.previousSegment != nil, height >= ScreenLayout.previousTotalsMinimumHeight,
              layout.totals.height == ScreenLayout.totalsHeight, layout.body.height > 1 else { return layout }
        let lent = layout.lendingBodyRow()
        let config = snapshot.config
        let selected = min(max(0, state.selectedGPU), max(0, config.gpus - 1))
        let spared: Bool
        if state.view == .zoom {
            let perGPU = config.experts / max(1, config.gpus)
            spared = ZoomArrangement.arrange(in: lent.body, experts: perGPU, totalExperts: config.experts)
                == ZoomArrangement.arrange(in: layout.body, experts: perGPU, totalExperts: config.experts)
        } else {
            let arrange = { (body: Rect) in
                PanelArrangement.arrange(in: body, gpus: config.gpus, experts: config.experts, selectedGPU: selected,
                                         paged: state.presenting)
            }
            spared = arrange(lent.body) == arrange(layout.body)
        }
        return spared ? lent : layout
    }

    /// The GPU panels (bars or compact) or the zoomed GPU, for the mode shown.
    static func drawBody(state: DashboardState, snapshot: EngineSnapshot, in body: Rect, into grid: inout CellGrid,
                         theme: Theme) {
        let config = snapshot.config
        let data = ExpertData(snapshot[state.mode], config: config)
        let selected = min(max(0, state.selectedGPU), max(0, config.gpus - 1))
        if state.view == .zoom, data.hasData {
            ZoomView.draw(gpu: selected, data: data, sort: state.expertSort, scroll: state.zoomScroll, in: body,
                          into: &grid, theme: theme)
            return
        }
        drawPanels(data: data, state: state, snapshot: snapshot, in: body, into: &grid, theme: theme)
    }

    /// Every GPU's panel (bars or compact) for one mode's data; a waiting message before the first batch.
    static func drawPanels(data: ExpertData, state: DashboardState, snapshot: EngineSnapshot, in body: Rect,
                           into grid: inout CellGrid, theme: Theme) {
        let palette = theme.palette
        grid.clear(body)
        let config = snapshot.config
        let selected = min(max(0, state.selectedGPU), max(0, config.gpus - 1))
        guard data.hasData else {
            let text = snapshot.message ?? "waiting for the first batch"
            grid.putCentered(text, in: body, row: body.height / 2, style: snapshot.message == nil ? palette.label : palette.error)
            return
        }
        switch PanelArrangement.arrange(in: body, gpus: config.gpus, experts: config.experts, selectedGPU: selected,
                                        paged: state.presenting) {
        case .bars(let panels):
            for (gpu, rect) in panels.enumerated() {
                GPUPanel.draw(gpu: gpu, data: data, selected: gpu == selected, sort: state.expertSort, in: rect, into: &grid,
                              theme: theme)
            }
        case .page(let first, let panels, let note):
            for (index, rect) in panels.enumerated() {
                let gpu = first + index
                GPUPanel.draw(gpu: gpu, data: data, selected: gpu == selected, sort: state.expertSort, in: rect, into: &grid,
                              theme: theme)
            }
            let arrows = theme.glyphs.unicode ? "→ ←" : "-> <-"
            grid.put("GPUs \(first)-\(first + panels.count - 1) of \(config.gpus)  (\(arrows) Tab: other GPUs)",
                     in: note, column: 0, style: palette.label)
        case .compact(let arrangement, let legend):
            CompactGrid.draw(arrangement, data: data, selectedGPU: selected, in: body, into: &grid, theme: theme)
            if let legend { CompactGrid.drawLegend(in: legend, into: &grid, theme: theme) }
        }
    }
}
