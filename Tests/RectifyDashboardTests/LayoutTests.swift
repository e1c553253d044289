import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// Layouts from tiny terminals to 300x100: every rectangle inside the screen, none overlapping.
@Suite struct LayoutTests {
    static let widths = [1, 2, 10, 40, 59, 60, 61, 72, 80, 100, 119, 120, 121, 160, 200, 250, 300]
    static let heights = [1, 2, 5, 15, 16, 17, 20, 24, 30, 39, 40, 41, 50, 60, 80, 100]
    /// (GPUs, experts) shapes from the smallest to the largest preset.
    static let shapes = [(1, 1), (1, 8), (2, 4), (4, 16), (8, 64), (16, 16), (4, 128), (8, 256), (64, 256), (64, 64)]

    static func expectDisjoint(_ rects: [Rect], within bounds: Rect, _ context: String) {
        for (i, a) in rects.enumerated() {
            #expect(bounds.contains(a), "\(context): \(a) outside \(bounds)")
            for b in rects[(i + 1)...] {
                #expect(!a.intersects(b), "\(context): \(a) overlaps \(b)")
            }
        }
    }

    @Test("main and compare regions stay inside the screen and never overlap; main covers every row")
    func screenRegions() {
        for w in Self.widths {
            for h in Self.heights where ScreenLayout.fits(width: w, height: h) {
                let screen = Rect(x: 0, y: 0, width: w, height: h)
                let main = ScreenLayout.main(width: w, height: h)
                Self.expectDisjoint(main.regions, within: screen, "main \(w)x\(h)")
                #expect(main.regions.map(\.area).reduce(0, +) == w * h, "main \(w)x\(h) leaves rows out")
                #expect(main.body.height >= 8)
                let compare = ScreenLayout.compare(width: w, height: h)
                Self.expectDisjoint(compare.regions, within: screen, "compare \(w)x\(h)")
                #expect(compare.modes.count == 4)
            }
        }
    }

    @Test("GPU panels, compact entries and the zoom view stay inside the body without overlap")
    func panels() {
        for w in Self.widths {
            for h in Self.heights where ScreenLayout.fits(width: w, height: h) {
                let body = ScreenLayout.main(width: w, height: h).body
                for (gpus, experts) in Self.shapes {
                    for selected in [0, gpus / 2, gpus - 1] {
                      for paged in [false, true] {
                        let context = "\(gpus)x\(experts) at \(w)x\(h), GPU \(selected)\(paged ? ", paged" : "")"
                        switch PanelArrangement.arrange(in: body, gpus: gpus, experts: experts, selectedGPU: selected,
                                                        paged: paged) {
                        case .page(let first, let panels, let note):
                            #expect(paged, "\(context)")
                            Self.expectDisjoint(panels + [note], within: body, context)
                            #expect((first..<(first + panels.count)).contains(selected), "\(context)")
                            #expect(first + panels.count <= gpus && panels.count < gpus, "\(context)")
                            #expect(panels.allSatisfy { $0.width >= PanelArrangement.presenterPanelWidth }, "\(context)")
                        case .bars(let panels):
                            #expect(panels.count == gpus, "\(context)")
                            Self.expectDisjoint(panels, within: body, context)
                            #expect(panels.allSatisfy { $0.width >= PanelArrangement.minimumPanelWidth(experts: experts) })
                        case .compact(let compact, _):
                            Self.expectDisjoint(compact.entries + (compact.note.map { [$0] } ?? []), within: body, context)
                            #expect(compact.visibleGPUs.contains(selected) || compact.entries.isEmpty, "\(context)")
                            #expect(compact.visibleGPUs.upperBound <= gpus)
                            if compact.entries.count < gpus { #expect(compact.note != nil, "\(context)") }
                        }
                        let zoom = ZoomArrangement.arrange(in: body, experts: experts / gpus, totalExperts: experts)
                        Self.expectDisjoint([zoom.title, zoom.totals] + zoom.columns, within: body, "zoom \(context)")
                        #expect(zoom.shown == experts / gpus || zoom.columns.count * zoom.barsPerColumn == zoom.shown)
                      }
                    }
                }
            }
        }
    }

    @Test("the help box sits inside the screen at every size")
    func helpBox() {
        for w in Self.widths {
            for h in Self.heights where ScreenLayout.fits(width: w, height: h) {
                let screen = Rect(x: 0, y: 0, width: w, height: h)
                #expect(screen.contains(HelpOverlay.frame(in: screen)))
            }
        }
    }

    @Test("every frame paints every cell, in every view, at every size (too small included)")
    func framesPaintEverything() {
        let preset = Fixtures.preset(name: "frames", gpus: 4, experts: 16, topK: 2, tokensPerGPU: 16)
        var (state, snapshot) = Fixtures.screen(preset, steps: 4, display: .full)
        for w in [1, 10, 59, 60, 90, 120, 300] {
            for h in [1, 3, 15, 16, 25, 40, 100] {
                for view in DashboardView.allCases {
                    for help in [false, true] {
                        state.view = view
                        state.helpVisible = help
                        let grid = Fixtures.render(state, snapshot, width: w, height: h)
                        #expect(!grid.cells.contains { $0.character == Fixtures.filler }, "\(view) help \(help) \(w)x\(h)")
                    }
                }
            }
        }
    }

    @Test("each widget paints exactly its own rectangle")
    func widgetsStayInside() {
        let (state, snapshot) = Fixtures.workedScreen(steps: 2, display: .full)
        let theme = Theme(state.display)
        let data = ExpertData(snapshot[.irfr], config: snapshot.config)
        let rect = Rect(x: 3, y: 2, width: 40, height: 6)
        let draws: [(String, (inout CellGrid) -> Void)] = [
            ("header", { Header.draw(state: state, snapshot: snapshot, in: rect, into: &$0, theme: theme) }),
            ("footer", { Footer.draw(state: state, in: rect, into: &$0, theme: theme) }),
            ("panel", { GPUPanel.draw(gpu: 1, data: data, selected: true, in: rect, into: &$0, theme: theme) }),
            ("totals", { TotalsTable.draw(snapshot: snapshot, mode: .ir, in: rect, into: &$0, theme: theme) }),
            ("sparklines", { SparklinePanel.draw(snapshot: snapshot, mode: .fr, seriesHeight: 3, in: rect, into: &$0,
                                                 theme: theme) }),
            ("zoom", { ZoomView.draw(gpu: 0, data: data, in: rect, into: &$0, theme: theme) }),
            ("compact", {
                let arrangement = CompactArrangement.arrange(in: rect, gpus: 2, experts: 4, selectedGPU: 0)
                CompactGrid.draw(arrangement, data: data, selectedGPU: 0, in: rect, into: &$0, theme: theme)
            }),
            ("too small", { TooSmall.draw(in: rect, into: &$0, theme: theme) }),
        ]
        for (name, draw) in draws {
            var grid = CellGrid(width: 50, height: 12, filler: Cell(Fixtures.filler))
            draw(&grid)
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let painted = grid[x, y].character != Fixtures.filler
                    #expect(painted == rect.contains(x: x, y: y), "\(name) at \(x),\(y)")
                }
            }
        }
    }

    @Test("64 GPUs x 256 experts at 120x40 switch to the compact view showing every GPU")
    func compactKicksIn() {
        let body = ScreenLayout.main(width: 120, height: 40).body
        guard case .compact(let compact, _) = PanelArrangement.arrange(in: body, gpus: 64, experts: 256, selectedGPU: 0) else {
            Issue.record("expected the compact view")
            return
        }
        #expect(compact.entries.count == 64)
        #expect(compact.note == nil)
        #expect(compact.cellsPerRow == 4)
        #expect(compact.summaryWidth >= CompactArrangement.preferredSummaryWidth)
    }

    @Test("8 GPUs x 64 experts at 120x40 get full bar panels")
    func barsForDefault() {
        let body = ScreenLayout.main(width: 120, height: 40).body
        guard case .bars(let panels) = PanelArrangement.arrange(in: body, gpus: 8, experts: 64, selectedGPU: 0) else {
            Issue.record("expected bars")
            return
        }
        #expect(panels.count == 8)
        #expect(panels.allSatisfy { $0.height == 10 })
    }

    @Test("at 100x30 the compact view keeps every GPU with a short summary")
    func compactShortSummary() {
        let body = ScreenLayout.main(width: 100, height: 30).body
        guard case .compact(let compact, _) = PanelArrangement.arrange(in: body, gpus: 64, experts: 256, selectedGPU: 0) else {
            Issue.record("expected the compact view")
            return
        }
        #expect(compact.entries.count == 64)
        #expect(compact.summaryWidth >= CompactArrangement.shortSummaryWidth)
    }

    @Test("a small terminal with many GPUs shows a window around the selected GPU and says which")
    func compactWindow() {
        let body = ScreenLayout.main(width: 60, height: 16).body
        guard case .compact(let compact, _) = PanelArrangement.arrange(in: body, gpus: 64, experts: 256, selectedGPU: 40) else {
            Issue.record("expected the compact view")
            return
        }
        #expect(compact.entries.count < 64)
        #expect(compact.visibleGPUs.contains(40))
        #expect(compact.note != nil)
    }

    @Test("a zoomed GPU with many experts spreads its bars over columns")
    func zoomColumns() {
        let body = ScreenLayout.main(width: 120, height: 40).body
        let zoom = ZoomArrangement.arrange(in: body, experts: 128, totalExperts: 1024)
        #expect(zoom.columns.count >= 2)
        #expect(zoom.shown == 128)
    }
}
