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
    case kept, filled, irWork, overflow, padding, capacityMarker, clipped
    case compactOverflow, compactFull, compactBusy, compactLight, compactIdle
    case sparkline

    public var text: String {
        switch self {
        case .kept: return "kept: tokens inside capacity"
        case .filled: return "filled: slots FR filled (next choice)"
        case .irWork: return "IR work: recovered locally, past buffer"
        case .overflow: return "overflow: demand dropped beyond capacity"
        case .padding: return "padding: empty slots before the marker"
        case .capacityMarker: return "capacity marker: G x C slots per expert"
        case .clipped: return "more than the bar can show"
        case .compactOverflow: return "compact: demand beyond capacity"
        case .compactFull: return "compact: buffer full, no padding"
        case .compactBusy: return "compact: half full or more"
        case .compactLight: return "compact: less than half full"
        case .compactIdle: return "compact: no tokens"
        case .sparkline: return "lost / padding %; a tick: settings changed"
        }
    }
}

public enum HelpContent {
    /// Every binding by group, a blank line after each group.
    public static let keyLines: [HelpLine] = {
        var lines: [HelpLine] = []
        for group in KeyBinding.Group.allCases {
            let members = KeyBindings.all.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            if !lines.isEmpty { lines.append(.blank) }
            lines.append(.heading(group.rawValue))
            lines += members.map(HelpLine.binding)
        }
        return lines
    }()

    public static let legendLines: [HelpLine] = [.heading("Legend")] + LegendItem.allCases.map(HelpLine.legend)

    /// Keys, a blank line, then the legend: the overlay's single-column order.
    public static let lines: [HelpLine] = keyLines + [.blank] + legendLines

    public static var lineCount: Int { lines.count }
}
