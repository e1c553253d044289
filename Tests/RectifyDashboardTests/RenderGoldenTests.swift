import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// Whole frames of the spec's worked example (one step, IR+FR shown) at the minimum size, in each
/// glyph and colour tier, compared line by line; the grid starts full of `~` so unpainted cells show.
@Suite struct RenderGoldenTests {
    static let unicodeColor = [
        "Rectify  worked  ir+fr  k 1  cf 1  C 1  score  2x4",
        "step 1  ▶ running  — steps/s  limit unlimited",
        "[GPU 0]                                     load   ovf   pad",
        "e0 ███████████████████│██████████████████»     4     1",
        "e1 ███████████████████│                        2",
        "ovf 1  pad 0  IR 2  FR 2  load 6",
        "GPU 1                                       load   ovf   pad",
        "e2 ███████████████████│██████████              2     1",
        "e3 ███████████████████│██████████████████»     4     2",
        "ovf 3  pad 0  IR 2  FR 2  load 6",
        "totals     drop   lost padding recovered filled covered",
        "ir+fr     50.0%     0%      0%         4      4    100%",
        "vanilla   50.0%  50.0%   50.0%         0      0   50.0%",
        "lost   ir+fr               0%  pad    ir+fr               0%",
        "≤50%   vanilla       ⢸  50.0%  ≤50%   vanilla       ⢸  50.0%",
        "1-4 mode  ? help  + - cf  K k top-k  space pause  q quit",
    ]

    static let unicodeMono = [
        "Rectify  worked  ir+fr  k 1  cf 1  C 1  score  2x4",
        "step 1  ▶ running  — steps/s  limit unlimited",
        "[GPU 0]                                     load   ovf   pad",
        "e0 ██████████▒▒▒▒▒▒▒▒▒│▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▚»     4     1",
        "e1 ██████████▒▒▒▒▒▒▒▒▒│                        2",
        "ovf 1  pad 0  IR 2  FR 2  load 6",
        "GPU 1                                       load   ovf   pad",
        "e2 ██████████▒▒▒▒▒▒▒▒▒│▚▚▚▚▚▚▚▚▚▚              2     1",
        "e3 ██████████▒▒▒▒▒▒▒▒▒│▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▚»     4     2",
        "ovf 3  pad 0  IR 2  FR 2  load 6",
        "totals     drop   lost padding recovered filled covered",
        "ir+fr     50.0%     0%      0%         4      4    100%",
        "vanilla   50.0%  50.0%   50.0%         0      0   50.0%",
        "lost   ir+fr               0%  pad    ir+fr               0%",
        "≤50%   vanilla       ⢸  50.0%  ≤50%   vanilla       ⢸  50.0%",
        "1-4 mode  ? help  + - cf  K k top-k  space pause  q quit",
    ]

    static let asciiMono = [
        "Rectify  worked  ir+fr  k 1  cf 1  C 1  score  2x4",
        "step 1  > running  - steps/s  limit unlimited",
        "[GPU 0]                                     load   ovf   pad",
        "e0 ##########=========|+++++++++++++++++x>     4     1",
        "e1 ##########=========|                        2",
        "ovf 1  pad 0  IR 2  FR 2  load 6",
        "GPU 1                                       load   ovf   pad",
        "e2 ##########=========|xxxxxxxxxx              2     1",
        "e3 ##########=========|+++++++++++++++++x>     4     2",
        "ovf 3  pad 0  IR 2  FR 2  load 6",
        "totals     drop   lost padding recovered filled covered",
        "ir+fr     50.0%     0%      0%         4      4    100%",
        "vanilla   50.0%  50.0%   50.0%         0      0   50.0%",
        "lost   ir+fr               0%  pad    ir+fr               0%",
        "<=50%  vanilla       |  50.0%  <=50%  vanilla       |  50.0%",
        "1-4 mode  ? help  + - cf  K k top-k  space pause  q quit",
    ]

    @Test("the worked example at 60x16", arguments: [
        (DisplayOptions.full, unicodeColor),
        (DisplayOptions(unicode: true, color: false), unicodeMono),
        (DisplayOptions.plain, asciiMono),
    ])
    func workedExample(display: DisplayOptions, expected: [String]) {
        let (state, snapshot) = Fixtures.workedScreen(steps: 1, display: display)
        let grid = Fixtures.render(state, snapshot, width: 60, height: 16)
        #expect(Fixtures.trimmed(grid) == expected)
        #expect(!grid.cells.contains { $0.character == Fixtures.filler }, "every cell is painted")
    }

    @Test("colour tier: bar segments differ by colour, the marker is bold")
    func colourStyles() {
        let (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .full)
        let grid = Fixtures.render(state, snapshot, width: 60, height: 16)
        // Row 3 is expert 0: kept from column 3, filled from 13, marker at 22, IR from 23, overflow at 40.
        #expect(grid[3, 3].style.foreground == .green)
        #expect(grid[13, 3].style.foreground == .cyan)
        #expect(grid[22, 3].character == "│" && grid[22, 3].style.bold)
        #expect(grid[23, 3].style.foreground == .yellow)
        // IR+FR recovered every drop of the worked example: its overflow is drawn recovered (magenta), not lost (red).
        #expect(grid[40, 3].style.foreground == .magenta)
        #expect(grid[41, 3].character == "»" && grid[41, 3].style.foreground == .magenta)
        // Expert 2's overflow, the overflow count in bold red, the selected panel title highlighted.
        #expect(grid[23, 7].style.foreground == .magenta)
        #expect(grid[53, 3].character == "1" && grid[53, 3].style == CellStyle(foreground: .red, bold: true))
        #expect(grid[0, 2].style.background == .cyan)
        // Running in green, the footer keys in cyan.
        #expect(grid[8, 1].style.foreground == .green)
        #expect(grid[0, 15].style.foreground == .cyan)
    }

    @Test("mono tiers use no colour at all", arguments: [DisplayOptions(unicode: true, color: false), .plain])
    func monoHasNoColour(display: DisplayOptions) {
        let (state, snapshot) = Fixtures.workedScreen(steps: 1, display: display)
        var all = state
        for view in DashboardView.allCases {
            all.view = view
            for help in [false, true] {
                all.helpVisible = help
                let grid = Fixtures.render(all, snapshot, width: 120, height: 40)
                #expect(grid.cells.allSatisfy { $0.style.foreground == .standard && $0.style.background == .standard })
            }
        }
        // The selected title stands out by reverse video instead.
        let grid = Fixtures.render(state, snapshot, width: 60, height: 16)
        #expect(grid[0, 2].style.reverse)
    }

    @Test("ASCII tier writes printable ASCII only, in every view")
    func asciiOnly() {
        let (state, snapshot) = Fixtures.workedScreen(steps: 3, display: .plain)
        var all = state
        for view in DashboardView.allCases {
            all.view = view
            for help in [false, true] {
                all.helpVisible = help
                for (w, h) in [(60, 16), (120, 40), (300, 100), (30, 8)] {
                    let grid = Fixtures.render(all, snapshot, width: w, height: h)
                    #expect(grid.cells.allSatisfy { $0.character.isASCII && !($0.character.asciiValue.map { $0 < 32 } ?? true) },
                            "\(view) help \(help) \(w)x\(h)")
                }
            }
        }
    }

    @Test("vanilla shows kept and overflow only; its baseline row is IR+FR")
    func vanillaMode() {
        var (state, snapshot) = Fixtures.workedScreen(steps: 1, display: .plain)
        state.mode = .vanilla
        let lines = Fixtures.trimmed(Fixtures.render(state, snapshot, width: 60, height: 16))
        #expect(lines[0] == "Rectify  worked  vanilla  k 1  cf 1  C 1  score  2x4")
        #expect(lines[3] == "e0 ##########         |!!!!!!!!!!              1     1     1")
        #expect(lines[4] == "e1 ##########         |                        1           1")
        #expect(lines[8] == "e3 ##########         |!!!!!!!!!!!!!!!!!!!     1     2     1")
        #expect(lines[9] == "ovf 3  pad 2  IR 0  FR 0  load 2")
        #expect(lines[11] == "vanilla   50.0%  50.0%   50.0%         0      0   50.0%")
        #expect(lines[12] == "ir+fr     50.0%     0%      0%         4      4    100%")
    }

    @Test("before the first batch the body says it is waiting")
    func waiting() {
        let preset = Fixtures.workedPreset()
        let engine = Fixtures.engine(preset, steps: 0, openSource: Fixtures.workedFactory())
        let state = DashboardState(preset: preset, display: .plain)
        let lines = Fixtures.trimmed(Fixtures.render(state, engine.snapshot(), width: 60, height: 16))
        #expect(lines[1] == "step 0  > running  - steps/s  limit unlimited")
        #expect(lines.contains { $0.contains("waiting for the first batch") })
        #expect(lines[11] == "ir+fr         -      -       -         -      -       -")
    }
}
