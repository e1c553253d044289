import TerminalCanvas

/// One row of key hints from the binding table: as many as fit, `? help` and `q quit` always.
enum Footer {
    struct Hint: Equatable {
        let keys: String
        let text: String
    }

    /// The hints for the current state, in table order; the ones that must show come first in priority.
    static func hints(for state: DashboardState, width: Int, unicode: Bool) -> [Hint] {
        if state.helpVisible {
            // Inside the help the keys that work there: close it, scroll it, quit.
            return KeyBindings.all.filter { $0.context != .dashboard && ($0.context == .help || $0.hint != nil) }
                .map { binding in
                    let text: String
                    switch binding.action(for: binding.keys[0]) {
                    case .toggleHelp?, .back?: text = "close"
                    case .scrollHelp?: text = "scroll"
                    default: text = binding.hint ?? ""
                    }
                    return Hint(keys: binding.label(unicode: unicode), text: text)
                }
        }
        let candidates = KeyBindings.all.filter { binding in
            guard binding.hint != nil, binding.context != .help else { return false }
            switch binding.hintWhen {
            case .always: return true
            case .awayFromMain: return state.view != .main || state.sweepVisible
            case .zoomed: return state.view == .zoom
            }
        }
        func essential(_ binding: KeyBinding) -> Bool {
            binding.context == .always || binding.hintWhen != .always
        }
        func size(_ binding: KeyBinding) -> Int { binding.label(unicode: unicode).count + 1 + (binding.hint?.count ?? 0) + 2 }
        var budget = width + 2 - candidates.filter(essential).reduce(0) { $0 + size($1) }
        var chosen = Set(candidates.indices.filter { essential(candidates[$0]) })
        // The rest by priority while they fit, shown in table order.
        let ranked = candidates.indices.filter { !chosen.contains($0) }
            .sorted { (candidates[$0].hintPriority, $0) < (candidates[$1].hintPriority, $1) }
        for index in ranked where size(candidates[index]) <= budget {
            budget -= size(candidates[index])
            chosen.insert(index)
        }
        return candidates.enumerated().filter { chosen.contains($0.offset) }
            .map { Hint(keys: $0.element.label(unicode: unicode), text: $0.element.hint ?? "") }
    }

    static func draw(state: DashboardState, in rect: Rect, into grid: inout CellGrid, theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(rect)
        var column = 0
        for hint in hints(for: state, width: rect.width, unicode: glyphs.unicode) {
            column = grid.put(hint.keys, in: rect, column: column, style: palette.key)
            column = grid.put(" " + hint.text, in: rect, column: column, style: palette.plain)
            column += 2
        }
    }
}
