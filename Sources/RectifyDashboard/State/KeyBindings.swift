import RectifyEngine
import TerminalCanvas

/// Every key the dashboard knows, in the order the help overlay lists them.
public enum KeyBindings {
    private typealias C = KeyBinding.Choice

    public static let all: [KeyBinding] = [
        // View
        modeKeys,
        KeyBinding([C(.character("m"), .cycleMode)], label: "m",
                   help: "cycle the mode shown", group: .view),
        KeyBinding([C(.character("c"), .toggleCompare)], label: "c", hint: "compare", priority: 7,
                   help: "compare modes, dropless, expert-choice", group: .view),
        KeyBinding([C(.character("w"), .toggleSweep)], label: "w", hint: "sweep", priority: 13,
                   help: "capacity-factor sweep chart (again: close)", group: .view),
        KeyBinding([C(.right, .sweepCursor(1)), C(.left, .sweepCursor(-1)), C(.enter, .applySweep),
                    C(.character("R"), .recommend)],
                   label: "→ ← Enter R", ascii: "<> Enter R", help: "sweep: cursor, Enter apply, R recommend",
                   group: .view, context: .sweep),
        KeyBinding([C(.character("?"), .toggleHelp)], label: "?", hint: "help",
                   help: "open / close this help", group: .view, context: .always),
        KeyBinding([C(.escape, .back)], label: "Esc", hint: "back", hintWhen: .awayFromMain,
                   help: "close help/sweep/zoom/compare; never quits", group: .view, context: .always),
        // Routing
        KeyBinding([C(.character("+"), .capacityFactor(SettingSteps.fineCapacityStep)),
                    C(.character("="), .capacityFactor(SettingSteps.fineCapacityStep)),
                    C(.character("-"), .capacityFactor(-SettingSteps.fineCapacityStep)),
                    C(.character("_"), .capacityFactor(-SettingSteps.fineCapacityStep))],
                   label: "+ -", hint: "cf", priority: 2, help: "capacity factor up / down 0.05 (0.25-4)", group: .routing),
        KeyBinding([C(.character("]"), .capacityFactor(SettingSteps.coarseCapacityStep)),
                    C(.character("["), .capacityFactor(-SettingSteps.coarseCapacityStep))],
                   label: "] [", hint: "cf x5", priority: 12, help: "by 0.25; from outside 0.25-4: nearer end", group: .routing),
        KeyBinding([C(.character("K"), .topK(1)), C(.character("k"), .topK(-1))],
                   label: "K k", hint: "top-k", priority: 3, help: "top-k up / down (1 to min(experts, 16))", group: .routing),
        KeyBinding([C(.character("d"), .cycleDropPolicy)], label: "d", hint: "policy", priority: 8,
                   help: "drop policy: score, position, choice", group: .routing),
        KeyBinding([C(.character("n"), .preset(1)), C(.character("p"), .preset(-1))],
                   label: "n p", hint: "preset", priority: 9, help: "next / previous preset (new segment)", group: .routing),
        // Engine
        KeyBinding([C(.character(" "), .togglePause)], label: "space", hint: "pause", priority: 4,
                   help: "pause / resume (history keeps no gaps)", group: .engine),
        KeyBinding([C(.character("s"), .singleStep)], label: "s", hint: "step", priority: 5,
                   help: "step one batch (pauses first if running)", group: .engine),
        KeyBinding([C(.character(">"), .speed(1)), C(.character("<"), .speed(-1))],
                   label: "> <", hint: "speed", priority: 10, help: "engine speed: 1 2 5 ... 1000/s, unlimited",
                   group: .engine),
        KeyBinding([C(.character("r"), .resetStatistics)], label: "r", hint: "reset", priority: 11,
                   help: "reset totals and sparklines, replay trace", group: .engine),
        // GPU selection
        KeyBinding([C(.character("z"), .toggleZoom)], label: "z", hint: "zoom", priority: 6,
                   help: "zoom into the selected GPU (again: leave)", group: .gpu),
        KeyBinding([C(.right, .selectGPU(1)), C(.left, .selectGPU(-1)), C(.tab, .selectGPU(1)), C(.backTab, .selectGPU(-1))],
                   label: "→ ← Tab", ascii: "-> <- Tab", hint: "GPU", hintWhen: .zoomed,
                   help: "next / previous GPU (also Shift+Tab)", group: .gpu),
        KeyBinding([C(.pageDown, .selectGPU(8)), C(.pageUp, .selectGPU(-8))],
                   label: "PgDn PgUp", help: "eight GPUs on / back", group: .gpu),
        KeyBinding([C(.home, .firstGPU), C(.end, .lastGPU)],
                   label: "Home End", help: "first / last GPU", group: .gpu),
        KeyBinding([C(.character("g"), .startGPUJump)], label: "g N Enter", hint: "jump", priority: 15,
                   help: "jump to GPU N (Esc cancels)", group: .gpu),
        KeyBinding([C(.character("o"), .cycleExpertSort)], label: "o", hint: "sort", priority: 14,
                   help: "sort experts: index, load, ovf, padding", group: .gpu),
        KeyBinding([], label: "mouse", help: "click selects a GPU, again zooms; wheel", group: .gpu),
        // On stage
        KeyBinding([C(.character("h"), .toggleHeadline)], label: "h",
                   help: "headline: mode vs vanilla, large figures", group: .stage),
        KeyBinding([C(.character("b"), .toggleBeforeAfter)], label: "b",
                   help: "before/after: vanilla beside the mode", group: .stage),
        KeyBinding([C(.character("P"), .togglePresenter)], label: "P",
                   help: "presenter: 3 steps/s, headline, big bars", group: .stage),
        KeyBinding([C(.character("t"), .advanceTour)], label: "t",
                   help: "tour: vanilla, IR, FR, IR+FR (Esc ends)", group: .stage),
        // Screen
        KeyBinding([C(.character("x"), .saveSnapshot)], label: "x", hint: "snapshot", priority: 16,
                   help: "save screen (.txt .svg), figures (.json)", group: .screen),
        KeyBinding([C(.character("L"), .cycleTheme)], label: "L",
                   help: "colour theme: dark, light (also --theme)", group: .screen),
        KeyBinding([C(.control("l"), .redraw)], label: "Ctrl+L", help: "redraw the screen", group: .screen, context: .always),
        KeyBinding([C(.down, .scrollHelp(1)), C(.up, .scrollHelp(-1))], label: "↓ ↑", ascii: "Down Up",
                   help: "scroll this help", group: .screen, context: .help),
        KeyBinding([C(.character("q"), .quit)], label: "q", hint: "quit",
                   help: "quit (from anywhere)", group: .screen, context: .always),
    ]

    /// The digit of each mode in the scheme table selects it (`1-4`: show vanilla / IR / FR / IR+FR).
    private static var modeKeys: KeyBinding {
        let keyed = RectifyMode.allCases.compactMap { mode in mode.style.key.map { (key: $0, mode: mode) } }
        let label = [keyed.first, keyed.last].compactMap { $0.map { String($0.key) } }.joined(separator: "-")
        return KeyBinding(keyed.map { C(.character($0.key), .selectMode($0.mode)) }, label: label, hint: "mode", priority: 1,
                          help: "show " + keyed.map(\.mode.style.title).joined(separator: " / "), group: .view)
    }

    /// The binding that handles `key` with the help overlay (and the sweep overlay) open or closed,
    /// if any: with the sweep open, its own bindings come first.
    public static func binding(for key: KeyEvent, helpOpen: Bool, sweepOpen: Bool = false) -> KeyBinding? {
        if sweepOpen, !helpOpen, let own = all.first(where: { $0.context == .sweep && $0.keys.contains(key) }) {
            return own
        }
        return all.first { binding in
            switch binding.context {
            case .always: break
            case .dashboard: if helpOpen { return false }
            case .help: if !helpOpen { return false }
            // R also answers on the main screen: it opens the sweep to recommend from.
            case .sweep: return !helpOpen && binding.action(for: key) == .recommend
            }
            return binding.keys.contains(key)
        }
    }

    /// The action `key` triggers, if any.
    public static func action(for key: KeyEvent, helpOpen: Bool, sweepOpen: Bool = false) -> KeyAction? {
        binding(for: key, helpOpen: helpOpen, sweepOpen: sweepOpen)?.action(for: key)
    }
}
