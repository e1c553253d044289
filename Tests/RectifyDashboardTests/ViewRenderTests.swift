import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// Compact, zoom, compare, help and too-small screens as drawn.
@Suite struct ViewRenderTests {
    /// 64 GPUs x 256 experts with four tokens per GPU: the largest preset's shape, cheaply.
    static let large = Fixtures.preset(name: "large", gpus: 64, experts: 256, topK: 2, tokensPerGPU: 4)

    @Test("compact cells: demand beyond capacity wins, then full, at least half, less, idle")
    func compactClasses() {
        func values(_ kept: Int, _ filled: Int, _ ir: Int, _ overflow: Int) -> BarRow.Values {
            BarRow.Values(kept: kept, filled: filled, irWork: ir, overflow: overflow, capacity: 8)
        }
        #expect(CompactGrid.classify(values(7, 0, 0, 2)) == .overflow)
        #expect(CompactGrid.classify(values(2, 0, 0, 1)) == .light, "a few drops from one source GPU only")
        #expect(CompactGrid.classify(values(6, 2, 0, 0)) == .full)
        #expect(CompactGrid.classify(values(3, 1, 0, 0)) == .busy)
        #expect(CompactGrid.classify(values(3, 0, 0, 0)) == .light)
        #expect(CompactGrid.classify(values(0, 0, 2, 0)) == .light)
        #expect(CompactGrid.classify(values(0, 0, 0, 0)) == .idle)
        let unicode = Theme(.full), ascii = Theme(.plain)
        let palette = unicode.palette
        #expect(CompactGrid.cell(values(7, 0, 0, 2), theme: unicode) == Cell("▲", style: palette.compactOverflow))
        #expect(CompactGrid.cell(values(8, 0, 0, 0), theme: unicode) == Cell("█", style: palette.compactFull))
        #expect(CompactGrid.cell(values(4, 0, 0, 0), theme: unicode) == Cell("▄", style: palette.compactBusy))
        #expect(CompactGrid.cell(values(1, 0, 0, 0), theme: unicode) == Cell("▁", style: palette.compactLight))
        #expect(CompactGrid.cell(values(0, 0, 0, 0), theme: ascii).character == "_")
        #expect(CompactGrid.cell(values(7, 0, 0, 2), theme: ascii).character == "!")
    }

    @Test("64 GPUs x 256 experts at 120x40: every GPU in the compact view with its summary")
    func compactScreen() {
        let (state, snapshot) = Fixtures.screen(Self.large, steps: 2, display: .plain)
        let grid = Fixtures.render(state, snapshot, width: 120, height: 40)
        let text = grid.text
        for gpu in 0..<64 { #expect(text.contains("g\(gpu) "), "g\(gpu)") }
        #expect(!text.contains("GPUs 0-"), "no window note: everything fits")
        // The body holds compact entries, not bar panels.
        let body = ScreenLayout.main(width: 120, height: 40).body
        let bodyLines = grid.lines[body.y..<body.maxY]
        #expect(!bodyLines.contains { $0.contains("|") })
        // Entry for GPU 0: label, its four experts' cells as the engine's figures say, a summary.
        let figures = snapshot[.irfr].latest
        let cap = 64 * (figures?.capacity ?? 0)
        let expected = (0..<4).map { e -> Character in
            let v = BarRow.Values(kept: figures?.expertKept[e] ?? 0, filled: figures?.expertFilled[e] ?? 0,
                                  irWork: figures?.expertIR[e] ?? 0, overflow: figures?.expertDropped[e] ?? 0, capacity: cap)
            return CompactGrid.cell(v, theme: Theme(.plain)).character
        }
        let first = grid.lines[body.y]
        #expect(first.hasPrefix("g0  " + String(expected) + " ovf "))
        // Selected GPU 0 is highlighted.
        #expect(grid[0, body.y].style.reverse)
    }

    @Test("zooming into a GPU of the large preset shows its bars")
    func zoomLarge() {
        var (state, snapshot) = Fixtures.screen(Self.large, steps: 1, display: .plain)
        state.view = .zoom
        state.selectedGPU = 63
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 40))
        #expect(lines[2].hasPrefix("GPU 63 of 64  experts 252-255  (<- -> other GPU, Esc back)"))
        #expect(lines[3].hasPrefix("e252 "))
        #expect(lines[6].hasPrefix("e255 "))
        #expect(lines[7].hasPrefix("ovf "))
        #expect(lines[3].contains("|"))
    }

    @Test("the selected GPU moves the compact window on a small screen")
    func compactWindowOnScreen() {
        var (state, snapshot) = Fixtures.screen(Self.large, steps: 1, display: .plain)
        state.selectedGPU = 50
        let text = Fixtures.render(state, snapshot, width: 60, height: 16).text
        #expect(text.contains("g50 "))
        #expect(!text.contains("g0 "))
        #expect(text.contains("of 64"))
    }

    @Test("compare view: four modes with step and run figures")
    func compare() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        state.view = .compare
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 30))
        #expect(lines[2] == "vanilla                        ir                            fr                            [ir+fr]")
        #expect(lines[3] == "              step     run                   step     run                  step     run                  step     run")
        #expect(lines[4] == "drop         50.0%   50.0%     drop         50.0%   50.0%    drop         50.0%   50.0%    drop         50.0%   50.0%")
        #expect(lines[5] == "lost         50.0%   50.0%     lost            0%      0%    lost         50.0%   50.0%    lost            0%      0%")
        #expect(lines[6] == "padding      50.0%   50.0%     padding      50.0%   50.0%    padding         0%      0%    padding         0%      0%")
        #expect(lines[7] == "recovered        0       0     recovered        4       4    recovered        0       0    recovered        4       4")
        #expect(lines[8] == "IR tokens        0       0     IR tokens        4       4    IR tokens        0       0    IR tokens        4       4")
        #expect(lines[9] == "filled           0       0     filled           0       0    filled           4       4    filled           4       4")
        #expect(lines[10] == "covered      50.0%   50.0%     covered       100%    100%    covered      75.0%   75.0%    covered       100%    100%")
        #expect(lines[11] == "cross-GPU        2       2     cross-GPU        2       2    cross-GPU        4       4    cross-GPU        4       4")
        #expect(lines[12] == "imbalance     1.00    1.00     imbalance     1.00    1.00    imbalance     1.00    1.00    imbalance     1.00    1.00")
        // Gate mass by hand (WorkedExampleTests.gateMass): kept 2.6735 of 5.0196; IR 1.9397, FR 0.9647.
        #expect(lines[13] == "intended     53.3%   53.3%     intended     53.3%   53.3%    intended     53.3%   53.3%    intended     53.3%   53.3%")
        #expect(lines[14] == "subst.          0%      0%     subst.       38.6%   38.6%    subst.       19.2%   19.2%    subst.       57.9%   57.9%")
        #expect(lines[15] == "IR rank          -       -     IR rank       1.50    1.50    IR rank          -       -    IR rank       1.50    1.50")
        #expect(lines[16] == "lost %            50.0%  <=50% lost %              0%  <=50% lost %           50.0%  <=50% lost %              0%  <=50%")
    }

    @Test("the too-small screen says what it has and needs, wrapping on tiny terminals")
    func tooSmall() {
        let (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 59, height: 16))
        #expect(lines.contains { $0.contains("terminal too small: have 59x16, need 60x16") })
        #expect(lines.contains { $0.contains("q quits") })
        let tiny = Fixtures.render(state, snapshot, width: 20, height: 6).text
        #expect(tiny.contains("have 20x6,"))
        #expect(tiny.contains("need") && tiny.contains("60x16") && tiny.contains("q quits"))
    }

    @Test("the header shows requested settings at once, marked until the engine applies them")
    func headerPending() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        state = DashboardState.update(state, .character("+")).0
        state = DashboardState.update(state, .character("d")).0
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 40))
        #expect(lines[0] == "Rectify  preset worked  mode ir+fr  top-k 1  cf 1.05*  C/(GPU,expert) 2*  policy position*  GPUs x experts 2x4")
        #expect(lines[1] == "step 1  > running  - steps/s  limit unlimited  * applies at the next batch")
        // Paused, with a throttle.
        state = DashboardState.update(state, .character(" ")).0
        state.throttle = 20
        snapshot.throttle = 20
        let paused = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 40))
        #expect(paused[1] == "step 1  || paused  - steps/s  limit 20/s  * applies at the next batch")
    }

    @Test("messages: a notice from the last key, else the engine's message")
    func messages() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        snapshot.message = "preset broken: cannot open"
        var lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 40))
        #expect(lines[1].hasSuffix("limit unlimited  preset broken: cannot open"))
        state = DashboardState.update(state, .character("r")).0
        lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 40))
        #expect(lines[1].hasSuffix("limit unlimited  statistics reset"))
        snapshot.endOfTrace = true
        lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 120, height: 40))
        #expect(lines[1].hasPrefix("step 1  [] end of trace"))
    }

    @Test("the help overlay at the minimum size shows a scroll position")
    func helpSmall() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        state.helpVisible = true
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 60, height: 16))
        #expect(lines[1].contains("Keys and legend"))
        #expect(lines[1].contains("lines 1-12 of \(HelpContent.lineCount)"))
        #expect(lines[2].contains("View"))
        #expect(lines[3].contains("1-4         show vanilla / IR / FR / IR+FR"))
        #expect(lines[14].contains("Esc or ? closes"))
        #expect(lines[15] == "? close  Esc close  Down Up scroll  q quit")
    }
}
