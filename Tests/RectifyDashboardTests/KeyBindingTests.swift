import Testing
import RectifyEngine
@testable import RectifyDashboard
import TerminalCanvas

/// The binding table, the help overlay and the footer agree with each other and with `update`.
@Suite struct KeyBindingTests {
    static let preset = Fixtures.preset(name: "keys", gpus: 4, experts: 16, topK: 2, tokensPerGPU: 16)

    @Test("no key is bound twice where the bindings can both apply")
    func noDuplicates() {
        func overlap(_ a: KeyBinding.Context, _ b: KeyBinding.Context) -> Bool {
            a == .always || b == .always || a == b
        }
        let all = KeyBindings.all
        for (i, a) in all.enumerated() {
            #expect(Set(a.keys).count == a.keys.count, "\(a.keyLabel) lists a key twice")
            for b in all[(i + 1)...] where overlap(a.context, b.context) {
                #expect(Set(a.keys).isDisjoint(with: b.keys), "\(a.keyLabel) and \(b.keyLabel)")
            }
        }
    }

    @Test("every key of every binding does something in its context")
    func everyKeyActs() {
        var base = DashboardState(preset: Self.preset, presets: [Self.preset, Fixtures.preset(name: "other")])
        base.selectedGPU = 1
        base.throttle = 10
        base.mode = .ir
        for binding in KeyBindings.all {
            for choice in binding.choices {
                var state = base
                state.helpVisible = binding.context == .help
                state.sweepVisible = binding.context == .sweep
                if case .scrollHelp(-1) = choice.action { state.helpScroll = 2 }
                if case .selectMode(let mode) = choice.action, mode == state.mode { state.mode = .vanilla }
                let (next, commands) = DashboardState.update(state, choice.key)
                let changed = next != state || !commands.isEmpty
                let redraw = choice.action == .redraw
                let back = choice.action == .back   // Esc on the main screen does nothing by design
                #expect(changed || redraw || back, "\(choice.key) (\(binding.keyLabel)) did nothing")
                #expect(KeyBindings.action(for: choice.key, helpOpen: state.helpVisible, sweepOpen: state.sweepVisible) == choice.action)
            }
        }
    }

    @Test("the help content lists exactly the bindings, in table order")
    func helpContentIsTheTable() {
        let listed = HelpContent.lines.compactMap { line -> KeyBinding? in
            if case .binding(let binding) = line { return binding }
            return nil
        }
        #expect(listed == KeyBindings.all)
        let legend = HelpContent.lines.compactMap { line -> LegendItem? in
            if case .legend(let item) = line { return item }
            return nil
        }
        #expect(legend == LegendItem.allCases)
    }

    /// The key rows of the rendered overlay, headings left out: the left pane, then (when the
    /// overlay has two panes) the right pane down to its legend.
    static func renderedBindingRows(_ grid: CellGrid) -> [String] {
        let box = HelpOverlay.frame(in: Rect(x: 0, y: 0, width: grid.width, height: grid.height))
        let inner = box.insetBy(dx: 2, dy: 1)
        let panes = HelpOverlay.columns(for: Rect(x: 0, y: 0, width: grid.width, height: grid.height)).count
        var rows = renderedBindingRows(grid, x: inner.x, in: inner)
        if panes > 1 {
            let right = inner.columns(2, gap: 3)[1]
            rows += renderedBindingRows(grid, x: right.x, in: right).prefix { $0 != "Legend = " }
        }
        return rows
    }

    static func renderedBindingRows(_ grid: CellGrid, x: Int, in inner: Rect) -> [String] {
        let headings = Set(KeyBinding.Group.allCases.map(\.rawValue))
        let width = min(inner.maxX - x, HelpOverlay.columnWidth)
        return (inner.y..<inner.maxY).compactMap { y -> String? in
            let pane = Substring(String((x..<(x + width)).map { grid[$0, y].character }))
            let keys = pane.prefix(HelpOverlay.keyColumn).trimmingCharacters()
            let text = pane.dropFirst(HelpOverlay.keyColumn).trimmingCharacters()
            let whole = pane.trimmingCharacters()
            guard !whole.isEmpty, !headings.contains(whole) else { return nil }
            return keys + " = " + text
        }
    }

    @Test("the rendered help shows every binding once, and nothing else in the key pane", arguments: [true, false])
    func renderedHelpListsBindings(unicode: Bool) {
        var state = DashboardState(preset: Self.preset, display: DisplayOptions(unicode: unicode, color: false))
        state.helpVisible = true
        let snapshot = Fixtures.engine(Self.preset, steps: 1).snapshot()
        let grid = Fixtures.render(state, snapshot, width: 200, height: 60)
        let expected = KeyBindings.all.map { $0.label(unicode: unicode) + " = " + $0.help }
        #expect(Self.renderedBindingRows(grid) == expected)
    }

    @Test("scrolling a small help reveals every line")
    func scrollingRevealsAll() {
        var state = DashboardState(preset: Self.preset, display: .plain)
        state.helpVisible = true
        let snapshot = Fixtures.engine(Self.preset, steps: 1).snapshot()
        var seen = Set<String>()
        for _ in 0..<HelpContent.lineCount {
            let grid = Fixtures.render(state, snapshot, width: 60, height: 16)
            for line in grid.lines { seen.insert(line) }
            state = DashboardState.update(state, .down).0
        }
        let text = seen.joined(separator: "\n")
        for binding in KeyBindings.all {
            #expect(text.contains(binding.asciiKeyLabel), "\(binding.asciiKeyLabel)")
            #expect(text.contains(String(binding.help.prefix(40))), "\(binding.help)")
        }
        for item in LegendItem.allCases { #expect(text.contains(String(item.text.prefix(40)))) }
    }

    @Test("the help at 120x40 fits whole, keys and legend side by side")
    func helpFitsAt120x40() {
        var state = DashboardState(preset: Self.preset, display: .full)
        state.helpVisible = true
        let grid = Fixtures.render(state, Fixtures.engine(Self.preset, steps: 1).snapshot(), width: 120, height: 40)
        let text = grid.text
        #expect(!text.contains("lines "))
        for binding in KeyBindings.all { #expect(text.contains(binding.keyLabel + String(repeating: " ", count: HelpOverlay.keyColumn - binding.keyLabel.count) + binding.help)) }
        for item in LegendItem.allCases { #expect(text.contains(item.text)) }
    }

    @Test("the legend draws each sample with the glyph and style the bars use")
    func legendSamples() {
        for display in [DisplayOptions.full, DisplayOptions(unicode: true, color: false), .plain] {
            let theme = Theme(display)
            let (glyphs, palette) = (theme.glyphs, theme.palette)
            #expect(HelpOverlay.legendSample(.kept, theme: theme).first == Cell(glyphs.kept, style: palette.kept))
            #expect(HelpOverlay.legendSample(.filled, theme: theme).first == Cell(glyphs.filled, style: palette.filled))
            #expect(HelpOverlay.legendSample(.irWork, theme: theme).first == Cell(glyphs.irWork, style: palette.irWork))
            #expect(HelpOverlay.legendSample(.overflow, theme: theme).first == Cell(glyphs.overflow, style: palette.overflow))
            #expect(HelpOverlay.legendSample(.compactOverflow, theme: theme).first?.character == glyphs.compactOverflow)
        }
    }

    @Test("mono tiers give each bar segment its own character")
    func monoSegmentsDiffer() {
        for display in [DisplayOptions(unicode: true, color: false), .plain] {
            let g = Glyphs(display)
            #expect(Set([g.kept, g.filled, g.irWork, g.overflow, g.padding, g.capacityMarker]).count == 6)
        }
    }

    // MARK: Footer

    @Test("the footer shows the hinted bindings that fit, always ? help and q quit")
    func footer() {
        let state = DashboardState(preset: Self.preset)
        let wide = Footer.hints(for: state, width: 300, unicode: true)
        let hinted = KeyBindings.all.filter { $0.hint != nil && $0.hintWhen == .always && $0.context != .help }
        #expect(wide.map(\.keys) == hinted.map(\.keyLabel))
        for width in [20, 60, 80] {
            let narrow = Footer.hints(for: state, width: width, unicode: true)
            #expect(narrow.contains(Footer.Hint(keys: "?", text: "help")))
            #expect(narrow.contains(Footer.Hint(keys: "q", text: "quit")))
            let used = narrow.reduce(0) { $0 + $1.keys.count + 1 + $1.text.count + 2 } - 2
            #expect(width < 30 || used <= width)
        }
    }

    @Test("a short footer keeps the most useful hints (zoom before coarse steps and reset)")
    func footerPriority() {
        let state = DashboardState(preset: Self.preset)
        let hints = Footer.hints(for: state, width: 120, unicode: true).map(\.text)
        #expect(hints == ["mode", "compare", "help", "cf", "top-k", "policy", "preset", "pause", "step", "speed", "zoom", "quit"])
        let small = Footer.hints(for: state, width: 60, unicode: true).map(\.text)
        #expect(small == ["mode", "help", "cf", "top-k", "pause", "quit"])
    }

    @Test("compare and zoom add Esc back; zoom adds the GPU keys; the help shows its own keys")
    func footerPerView() {
        var state = DashboardState(preset: Self.preset)
        state.view = .compare
        let compare = Footer.hints(for: state, width: 300, unicode: false)
        #expect(compare.contains(Footer.Hint(keys: "Esc", text: "back")))
        #expect(!compare.contains { $0.text == "GPU" })
        state.view = .zoom
        let zoom = Footer.hints(for: state, width: 300, unicode: false)
        #expect(zoom.contains(Footer.Hint(keys: "-> <- Tab", text: "GPU")))
        state.helpVisible = true
        #expect(Footer.hints(for: state, width: 300, unicode: true)
                == [.init(keys: "?", text: "close"), .init(keys: "Esc", text: "close"),
                    .init(keys: "↓ ↑", text: "scroll"), .init(keys: "q", text: "quit")])
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var text = String(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " || text.last == "│" || text.last == "|" { text.removeLast() }
        return text
    }
}
