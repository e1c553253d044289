import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The htop/k9s-style navigation: the expert sort order (`o`), jump to a GPU (`g` digits Enter),
/// and mouse clicks and the wheel, as state changes.
@Suite struct NavigationTests {
    /// 8 GPUs x 8 experts each: bar panels at 120x40, compact rows at 60x16.
    static let preset = Fixtures.preset(name: "nav", gpus: 8, experts: 64, topK: 2, tokensPerGPU: 16)

    static func press(_ keys: [KeyEvent], _ start: DashboardState = DashboardState(preset: preset)) -> DashboardState {
        keys.reduce(start) { DashboardState.update($0, $1).0 }
    }

    static func typed(_ text: String) -> [KeyEvent] { text.map(KeyEvent.character) }

    // MARK: Sort

    @Test("o cycles index, load, overflow, padding and back; the notice names the order")
    func sortCycle() {
        var state = DashboardState(preset: Self.preset)
        var seen: [ExpertSort] = []
        for _ in 0..<4 {
            let (next, commands) = DashboardState.update(state, .character("o"))
            #expect(commands.isEmpty)
            #expect(next.notice == "experts sorted by \(next.expertSort.label)")
            seen.append(next.expertSort)
            state = next
        }
        #expect(seen == [.load, .overflow, .padding, .index])
    }

    @Test("sorting orders by the key, largest first, ties in index order")
    func sortOrder() {
        let values: [Int: BarRow.Values] = [
            4: .init(kept: 2, filled: 0, irWork: 0, overflow: 3, capacity: 4),
            5: .init(kept: 4, filled: 0, irWork: 1, overflow: 0, capacity: 4),
            6: .init(kept: 1, filled: 1, irWork: 0, overflow: 3, capacity: 4),
            7: .init(kept: 0, filled: 0, irWork: 0, overflow: 0, capacity: 4),
        ]
        func order(_ sort: ExpertSort) -> [Int] {
            sort.order(4..<8) { values[$0] ?? .init(kept: 0, filled: 0, irWork: 0, overflow: 0, capacity: 4) }
        }
        #expect(order(.index) == [4, 5, 6, 7])
        #expect(order(.load) == [5, 4, 6, 7])
        #expect(order(.overflow) == [4, 6, 5, 7])
        #expect(order(.padding) == [7, 4, 6, 5])
    }

    // MARK: Jump to GPU

    @Test("g, digits, Enter selects that GPU; the prompt shows while typing")
    func jump() {
        let typing = Self.press([.character("g")] + Self.typed("5"))
        #expect(typing.gpuJump == "5")
        #expect(typing.mode == .irfr, "digits go to the prompt, not the mode keys")
        let grid = Fixtures.render(typing, Fixtures.engine(Self.preset, steps: 1).snapshot(), width: 120, height: 40)
        #expect(grid.lines[1].contains("jump to GPU: 5_ (Enter/Esc)"))
        let done = Self.press([.enter], typing)
        #expect(done.gpuJump == nil)
        #expect(done.selectedGPU == 5)
        #expect(done.notice == nil)
    }

    @Test("Backspace deletes a digit; Esc cancels without moving")
    func jumpEditAndCancel() {
        var state = DashboardState(preset: Self.preset)
        state.selectedGPU = 2
        let edited = Self.press([.character("g")] + Self.typed("71") + [.backspace], state)
        #expect(edited.gpuJump == "7")
        #expect(Self.press([.enter], edited).selectedGPU == 7)
        let cancelled = Self.press([.escape], edited)
        #expect(cancelled.gpuJump == nil)
        #expect(cancelled.selectedGPU == 2)
        #expect(cancelled.view == .main)
    }

    @Test("a GPU out of range or no number leaves the selection and says why")
    func jumpOutOfRange() {
        var state = DashboardState(preset: Self.preset)
        state.selectedGPU = 3
        let far = Self.press([.character("g")] + Self.typed("8") + [.enter], state)
        #expect(far.selectedGPU == 3)
        #expect(far.notice == "no GPU 8: GPUs are 0 to 7")
        let empty = Self.press([.character("g"), .enter], state)
        #expect(empty.selectedGPU == 3)
        #expect(empty.notice == "no GPU number typed")
        let long = Self.press([.character("g")] + Self.typed("123456789"), state)
        #expect(long.gpuJump == "123456", "at most six digits")
    }

    @Test("another key ends the prompt and acts as usual")
    func jumpOtherKey() {
        let state = Self.press([.character("g")] + Self.typed("4") + [.character("z")])
        #expect(state.gpuJump == nil)
        #expect(state.view == .zoom)
        #expect(state.selectedGPU == 0)
        #expect(Self.press([.character("g"), .character("q")]).quitRequested)
    }

    // MARK: Mouse

    static func click(_ state: DashboardState, _ kind: MouseEvent.Kind = .click, x: Int, y: Int,
                      width: Int = 120, height: Int = 40) -> DashboardState {
        DashboardState.mouse(state, MouseEvent(kind, x: x, y: y), width: width, height: height, config: preset.routing)
    }

    /// The panel rectangles at 120x40 (bars) and the entries at 60x16 (compact).
    static func panels(width: Int, height: Int) -> [Rect] {
        let body = ScreenLayout.main(width: width, height: height).body
        switch PanelArrangement.arrange(in: body, gpus: 8, experts: 64, selectedGPU: 0) {
        case .bars(let rects), .page(_, let rects, _): return rects
        case .compact(let arrangement, _): return arrangement.entries
        }
    }

    @Test("a click on a GPU panel selects it, a second click zooms; a double click zooms at once")
    func clickPanels() {
        let panels = Self.panels(width: 120, height: 40)
        #expect(panels.count == 8)
        let start = DashboardState(preset: Self.preset)
        let target = panels[5]
        let selected = Self.click(start, x: target.x + 3, y: target.y + 1)
        #expect(selected.selectedGPU == 5)
        #expect(selected.view == .main)
        let zoomed = Self.click(selected, x: target.x, y: target.y)
        #expect(zoomed.view == .zoom)
        #expect(zoomed.selectedGPU == 5)
        let double = Self.click(start, .doubleClick, x: panels[6].x, y: panels[6].y)
        #expect(double.view == .zoom && double.selectedGPU == 6)
        #expect(Self.click(double, .doubleClick, x: 0, y: 10).view == .main, "a double click leaves the zoom")
        // Outside every panel (the header) nothing changes.
        #expect(Self.click(start, x: 2, y: 0) == start)
    }

    @Test("clicks hit compact entries too")
    func clickCompact() {
        let entries = Self.panels(width: 60, height: 16)
        #expect(!entries.isEmpty)
        let last = entries[entries.count - 1]
        let state = Self.click(DashboardState(preset: Self.preset), x: last.x + 1, y: last.y, width: 60, height: 16)
        #expect(state.selectedGPU == entries.count - 1)
    }

    @Test("at 60x16 a click selects the compact entry drawn under it (the legend row is kept out of both)")
    func clickCompactMatchesDrawing() {
        let (state, snapshot) = Fixtures.screen(Self.preset, steps: 1)
        let grid = Fixtures.render(state, snapshot, width: 60, height: 16)
        let entries = Self.panels(width: 60, height: 16)
        #expect(entries.count > 1)
        for (gpu, entry) in entries.enumerated() {
            let label = String(grid.lines[entry.y].dropFirst(entry.x).prefix(1 + String(gpu).count))
            #expect(label == "g\(gpu)", "entry \(gpu) at \(entry)")
            #expect(Self.click(state, x: entry.x + 1, y: entry.y, width: 60, height: 16).selectedGPU == gpu)
        }
    }

    @Test("the wheel moves the selection, scrolls the help and the zoom view")
    func wheel() {
        let start = DashboardState(preset: Self.preset)
        let down = Self.click(start, .wheelDown, x: 5, y: 5)
        #expect(down.selectedGPU == 1)
        #expect(Self.click(start, .wheelUp, x: 5, y: 5).selectedGPU == 0, "stops at the first GPU")
        var help = start
        help.helpVisible = true
        #expect(Self.click(help, .wheelDown, x: 5, y: 5).helpScroll == DashboardState.wheelLines)
        #expect(Self.click(help, x: 5, y: 5).helpVisible == false, "a click closes the help")
        // 1 GPU with 64 experts: the zoom view at 60x16 shows only some, the wheel scrolls to the rest.
        let wide = Fixtures.preset(name: "wide", gpus: 1, experts: 64, topK: 2, tokensPerGPU: 16)
        var zoom = DashboardState(preset: wide)
        zoom.view = .zoom
        let body = ScreenLayout.main(width: 60, height: 16).body
        let shown = ZoomArrangement.arrange(in: body, experts: 64, totalExperts: 64).shown
        #expect(shown < 64)
        func wheelZoom(_ state: DashboardState, _ kind: MouseEvent.Kind) -> DashboardState {
            DashboardState.mouse(state, MouseEvent(kind, x: 5, y: 5), width: 60, height: 16, config: wide.routing)
        }
        let scrolled = wheelZoom(zoom, .wheelDown)
        #expect(scrolled.zoomScroll == DashboardState.wheelLines)
        var bottom = zoom
        for _ in 0..<100 { bottom = wheelZoom(bottom, .wheelDown) }
        #expect(bottom.zoomScroll == 64 - shown, "stops at the last expert")
        let (snapshotState, snapshot) = Fixtures.screen(wide, steps: 1, display: .plain)
        var drawn = snapshotState
        drawn.view = .zoom
        drawn.zoomScroll = bottom.zoomScroll
        let lines = Fixtures.trimmed(Fixtures.render(drawn, snapshot, width: 60, height: 16))
        #expect(lines.contains { $0.contains("e63 ") }, "the last expert is on screen: \(lines.joined(separator: "\n"))")
        #expect(!lines.contains { $0.contains("e0 ") || $0.contains("e45 ") })
        #expect(lines.contains { $0.hasPrefix("e46 ") })
    }

    @Test("the program routes mouse events to the frame it drew last")
    func programMouse() {
        let engine = Fixtures.engine(Self.preset, steps: 1)
        let program = DashboardProgram(preset: Self.preset, options: DashboardOptions(display: .plain), engine: engine)
        program.tick()
        var grid = CellGrid(width: 120, height: 40)
        program.render(into: &grid)
        let panel = Self.panels(width: 120, height: 40)[3]
        #expect(program.handle(.mouse(MouseEvent(.click, x: panel.x, y: panel.y))))
        #expect(program.state.selectedGPU == 3)
    }
}
