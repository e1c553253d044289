/// The lines of the help overlay: every key binding by group, then the colour and glyph legend.
///
/// Built from `KeyBindings.all`, so the overlay lists exactly the keys that exist. The line count
/// does not depend on the display tier, so `update` can bound the scroll position.
public enum HelpLine: Hashable, Sendable {
    case heading(String)
    case binding(KeyBinding)
    case legend(LegendItem)
    case blank
}

/// One entry of the legend; the widget draws its glyph in the current tier.
public enum LegendItem: Hashable, Sendable, CaseIterable {
    case kept, filled, irWork, overflow, recovered, padding, capacityMarker, clipped
    case compactOverflow, compactRecovered, compactFull, compactBusy, compactLight, compactIdle
    case sparkline

    public var text: String {
        switch self {
        case .kept: return "kept: tokens inside capacity"
        case .filled: return "filled: slots FR filled (next choice)"
        case .irWork: return "IR work: recovered locally, past buffer"
        case .overflow: return "overflow lost: dropped, not recovered"
        case .recovered: return "overflow IR recovered"
        case .padding: return "padding: empty slots before the marker"
        case .capacityMarker: return "capacity marker: G x C slots per expert"
        case .clipped: return "more than the bar can show"
        case .compactOverflow: return "compact: demand beyond capacity"
        case .compactRecovered: return "compact: beyond capacity, IR recovered all"
        case .compactFull: return "compact: buffer full, no padding"
        case .compactBusy: return "compact: half full or more"
        case .compactLight: return "compact: less than half full"
        case .compactIdle: return "compact: no tokens"
        case .sparkline: return "lost / padding %; a tick: settings changed"
        }
    }

    /// The compact grid's own legend row, in this order.
    static let compactItems: [LegendItem] = [.compactOverflow, .compactRecovered, .compactFull, .compactBusy,
                                             .compactLight, .compactIdle]

    /// A word for the compact legend row.
    var shortText: String {
        switch self {
        case .compactOverflow: return "over capacity"
        case .compactRecovered: return "recovered"
        case .compactFull: return "full"
        case .compactBusy: return "half+"
        case .compactLight: return "light"
        case .compactIdle: return "idle"
        default: return text
        }
    }
}

public enum HelpContent {
    /// Every binding by group, a blank line after each group.
    public static let keyLines: [HelpLine] = keyLines(KeyBinding.Group.allCases)

    /// The bindings of `groups`, a heading each, a blank line between groups.
    static func keyLines(_ groups: [KeyBinding.Group]) -> [HelpLine] {
        var lines: [HelpLine] = []
        for group in groups {
            let members = KeyBindings.all.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            if !lines.isEmpty { lines.append(.blank) }
            lines.append(.heading(group.rawValue))
            lines += members.map(HelpLine.binding)
        }
        return lines
    }

    public static let legendLines: [HelpLine] = [.heading("Legend")] + LegendItem.allCases.map(HelpLine.legend)

    /// Groups listed in the right-hand pane, above the legend, when the overlay has two.
    static let rightPaneGroups: [KeyBinding.Group] = [.stage, .screen]

    /// The two panes of a wide overlay: most keys on the left; the last groups and the legend on the right.
    public static let twoPanes: [[HelpLine]] = [
        keyLines(KeyBinding.Group.allCases.filter { !rightPaneGroups.contains($0) }),
        keyLines(rightPaneGroups) + [.blank] + legendLines,
    ]

    /// Keys, a blank line, then the legend: the overlay's single-column order.
    public static let lines: [HelpLine] = keyLines + [.blank] + legendLines

    public static var lineCount: Int { lines.count }
}
