import Foundation
import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The dark and light themes: the same frame in other styles, readable on white, switched by `L`,
/// with monochrome unchanged and snapshots painted in the theme's colours.
@Suite struct ThemeTests {
    static let light = DisplayOptions(theme: .light)

    /// Each palette role's name and style, read from the palette's stored properties.
    static func roles(_ palette: Palette) -> [(name: String, style: CellStyle)] {
        Mirror(reflecting: palette).children.compactMap { child in
            guard let name = child.label, let style = child.value as? CellStyle else { return nil }
            return (name, style)
        }
    }

    /// The worked example at 80x24 in `view` (with the help overlay when `help`), in `display`.
    static func frame(_ display: DisplayOptions, view: DashboardView = .main, help: Bool = false) -> CellGrid {
        var (state, snapshot) = Fixtures.workedScreen(display: display)
        state.view = view
        state.helpVisible = help
        return Fixtures.render(state, snapshot, width: 80, height: 24)
    }

    static let views: [(view: DashboardView, help: Bool)] = [(.main, false), (.compare, false), (.zoom, false), (.main, true)]

    @Test("light and dark draw the same characters; each cell takes the light style of its dark role")
    func sameTextOtherStyles() {
        let dark = Self.roles(.dark)
        let light = Dictionary(uniqueKeysWithValues: Self.roles(.light).map { ($0.name, $0.style) })
        for (view, help) in Self.views {
            let darkFrame = Self.frame(.full, view: view, help: help)
            let lightFrame = Self.frame(Self.light, view: view, help: help)
            #expect(darkFrame.lines == lightFrame.lines)
            var differing = 0
            for y in 0..<24 {
                for x in 0..<80 {
                    let (before, after) = (darkFrame[x, y].style, lightFrame[x, y].style)
                    let expected = Set(dark.filter { $0.style == before }.compactMap { light[$0.name] })
                    #expect(expected.contains(after), "cell (\(x), \(y)) in \(view): dark \(before) became \(after)")
                    if before != after { differing += 1 }
                }
            }
            #expect(differing > 0, "\(view): the light theme changed no cell")
        }
    }

    @Test("the light palette has no yellow, cyan, white or dim text on the terminal's background")
    func lightIsReadableOnWhite() {
        let poor: Set<CellColor> = [.yellow, .cyan, .white]
        for (name, style) in Self.roles(.light) where style.background == .standard {
            #expect(!poor.contains(style.foreground), "\(name): \(style.foreground) on white")
            #expect(!style.dim, "\(name): dim (grey) text on white")
        }
        for (view, help) in Self.views {
            let frame = Self.frame(Self.light, view: view, help: help)
            for cell in frame.cells where cell.style.background == .standard {
                #expect(!poor.contains(cell.style.foreground) && !cell.style.dim, "\(view): \(cell)")
            }
        }
    }

    @Test("dark keeps the original look; monochrome is the same under every theme")
    func monochromeUnchanged() {
        #expect(Palette(.full).title == CellStyle(foreground: .cyan, bold: true))
        #expect(Palette(.full).seriesBaseline == CellStyle(foreground: .white))
        for base in [DisplayOptions(color: false), DisplayOptions.plain] {
            var lightMono = base
            lightMono.theme = .light
            for (view, help) in Self.views {
                #expect(Self.frame(base, view: view, help: help) == Self.frame(lightMono, view: view, help: help))
            }
            #expect(Self.roles(Palette(lightMono)).map(\.style) == Self.roles(.monochrome).map(\.style))
        }
    }

    @Test("L cycles dark, light, dark, says so, and the next frame is drawn in the new theme")
    func lKeyCycles() {
        var (state, snapshot) = Fixtures.workedScreen()
        #expect(state.display.theme == .dark)
        var (next, commands) = DashboardState.update(state, .character("L"))
        #expect(next.display.theme == .light)
        #expect(next.notice == "theme: light")
        #expect(commands.isEmpty)
        let frame = Fixtures.render(next, snapshot, width: 80, height: 24)
        #expect(frame[0, 0] == Cell("R", style: Palette.light.title))
        (next, _) = DashboardState.update(next, .character("L"))
        #expect(next.display.theme == .dark)
        state.display.color = false
        (next, _) = DashboardState.update(state, .character("L"))
        #expect(next.display.theme == .light)
        #expect(next.notice == "theme: light (shows with colour only)")
        #expect(ThemeName.allCases.map(\.next) == [.light, .dark])
    }

    @Test("snapshot SVGs of the light theme are light: white screen, dark text, darker hues")
    func lightSnapshot() {
        var grid = CellGrid(width: 4, height: 1)
        grid.put("ok", x: 0, y: 0)
        grid.put("!", x: 3, y: 0, style: CellStyle(foreground: .red))
        let light = ScreenSVG.svg(grid, theme: .light)
        #expect(light.contains("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"))
        #expect(light.contains("fill=\"#1c1c1c\" textLength=\"18\""))
        #expect(light.contains("fill=\"#c0262e\""))
        let dark = ScreenSVG.svg(grid)
        #expect(dark.contains("fill=\"#1c1c1c\"/>") && dark.contains("fill=\"#d0d0d0\" textLength=\"18\""))
        #expect(ScreenSVG.svg(grid, theme: .dark) == dark)
    }

    @Test("x saves the SVG in the theme on screen")
    func savedSnapshotFollowsTheme() throws {
        let folder = try CaptureTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (state, snapshot) = Fixtures.workedScreen(display: Self.light)
        let grid = Fixtures.render(state, snapshot, width: 80, height: 24)
        let name = try SnapshotSaver(directory: folder).save(grid: grid, state: state, snapshot: snapshot)
        let svg = try String(contentsOfFile: folder + "/" + name + ".svg", encoding: .utf8)
        #expect(svg == ScreenSVG.svg(grid, theme: .light))
    }
}
