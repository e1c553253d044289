import Testing
import RectifyEngine
@testable import RectifyDashboard

/// The GPU panels sorted by load, overflow and padding, compared cell by cell with the panels in
/// index order: every expert row must be the same cells, only moved to its place in the order the
/// engine's figures give; titles say the order; nothing else on screen changes.
@Suite struct SortedPanelRenderTests {
    /// 2 GPUs x 4 experts each, top-2 with a skewed workload: bar panels at every size below, with
    /// overflow and padding to sort by.
    static let preset = Fixtures.preset(name: "sorted", gpus: 2, experts: 8, topK: 2, tokensPerGPU: 64,
                                        capacityFactor: "1", skew: 2.0)
    static let sizes = [(60, 16), (80, 24), (100, 30), (120, 40), (200, 60)]

    /// The sort key of expert `e`, worked out from the step's figures here rather than by the widget.
    static func key(_ sort: ExpertSort, expert e: Int, figures f: StepFigures, gpus: Int) -> Int {
        let capacity = f.capacity * gpus
        switch sort {
        case .index: return -e
        case .load: return f.expertKept[e] + f.expertFilled[e] + f.expertIR[e]
        case .overflow: return f.expertDropped[e]
        case .padding: return max(0, capacity - f.expertKept[e] - f.expertFilled[e])
        }
    }

    @Test("sorted panels move whole expert rows, per cell, at every size",
          arguments: [ExpertSort.load, .overflow, .padding], sizes)
    func sortedPanels(sort: ExpertSort, size: (Int, Int)) throws {
        let (width, height) = size
        let (state, snapshot) = Fixtures.screen(Self.preset, steps: 3)
        let figures = try #require(snapshot[state.mode].latest)
        var sorted = state
        sorted.expertSort = sort
        let plain = Fixtures.render(state, snapshot, width: width, height: height)
        let moved = Fixtures.render(sorted, snapshot, width: width, height: height)
        let body = ScreenLayout.main(width: width, height: height).body
        guard case .bars(let panels) = PanelArrangement.arrange(in: body, gpus: 2, experts: 8, selectedGPU: 0) else {
            Issue.record("expected bar panels at \(width)x\(height)")
            return
        }
        var checked = Set<Int>()
        for (gpu, panel) in panels.enumerated() {
            let experts = Array(gpu * 4..<gpu * 4 + 4)
            let keys = experts.map { Self.key(sort, expert: $0, figures: figures, gpus: 2) }
            let order = experts.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
            for (row, source) in order.enumerated() {
                for x in panel.x..<panel.maxX {
                    #expect(moved[x, panel.y + 1 + row] == plain[x, panel.y + 1 + source],
                            "\(sort) \(width)x\(height) GPU \(gpu) row \(row) column \(x)")
                }
                checked.insert(panel.y + 1 + row)
            }
            let title = String(moved.lines[panel.y].dropFirst(panel.x).prefix(panel.width))
            #expect(title.contains(" by \(sort.label)"), "\(title)")
            checked.insert(panel.y)
        }
        // Every other row is the same cells.
        for y in 0..<height where !checked.contains(y) {
            for x in 0..<width { #expect(moved[x, y] == plain[x, y], "\(width)x\(height) cell \(x),\(y)") }
        }
        // The test is only worth something if the order really moved rows.
        if sort == .overflow { #expect(moved != plain) }
    }

    @Test("the worked example sorted by overflow at 60x16: GPU 1 lists e3 before e2")
    func workedByOverflow() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        state.expertSort = .overflow
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 60, height: 16))
        #expect(Array(lines[2...9]) == [
            "[GPU 0] by ovf                              load   ovf   pad",
            "e0 ##########=========|+++++++++++++++++x>     4     1",
            "e1 ##########=========|                        2",
            "ovf 1  pad 0  IR 2  FR 2  load 6",
            "GPU 1 by ovf                                load   ovf   pad",
            "e3 ##########=========|+++++++++++++++++x>     4     2",
            "e2 ##########=========|xxxxxxxxxx              2     1",
            "ovf 3  pad 0  IR 2  FR 2  load 6",
        ])
    }

    @Test("the zoom view lists the selected GPU's experts in the sort order and says so")
    func zoomSorted() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        state.view = .zoom
        state.selectedGPU = 1
        state.expertSort = .load
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 60, height: 16))
        #expect(lines[2].hasPrefix("GPU 1 of 2  experts 2-3 by load"))
        #expect(lines[3].hasPrefix("e3 "))
        #expect(lines[4].hasPrefix("e2 "))
    }
}
