/// How one routing scheme shows in every tool: its names, the dashboard key that selects it, its
/// marker on terminal charts, its palette role and its SVG colour, dash and marker shape.
///
/// One row per scheme, in `RoutingScheme.allCases` order, so the widgets, key bindings and charts
/// read this table instead of each switching over the schemes: a new scheme adds its enum case,
/// its row here and its routing, and every tool lists it.
public struct SchemeStyle: Sendable, Equatable {
    /// The dashboard palette colour a scheme is drawn in (the dashboard maps each to a cell style).
    public enum PaletteRole: Sendable, Equatable, CaseIterable {
        case overflow, irWork, filled, highlight, reference, padding
    }

    /// The SVG marker at each of a scheme's points; schemes that draw on top of each other differ.
    public enum MarkerShape: Sendable, Equatable {
        case circle, square, triangle, diamond
    }

    public let scheme: RoutingScheme
    /// The name in help text (`IR+FR`); `scheme.label` is the one users type.
    public let title: String
    /// A column heading for narrow tables.
    public let shortLabel: String
    /// The dashboard key that shows the mode; `nil` for schemes the main view does not show.
    public let key: Character?
    /// The marker letter at the scheme's points on terminal charts, and in their legend.
    public let marker: Character
    public let role: PaletteRole
    /// SVG stroke colour and dash pattern (`nil`: solid).
    public let color: String
    public let dash: String?
    public let shape: MarkerShape

    /// Every scheme's row, in `RoutingScheme.allCases` order.
    public static let table: [SchemeStyle] = [
        SchemeStyle(scheme: .rectify(.vanilla), title: "vanilla", shortLabel: "vanilla", key: "1", marker: "v",
                    role: .overflow, color: "#d62728", dash: nil, shape: .circle),
        SchemeStyle(scheme: .rectify(.ir), title: "IR", shortLabel: "ir", key: "2", marker: "i",
                    role: .irWork, color: "#1f77b4", dash: nil, shape: .square),
        SchemeStyle(scheme: .rectify(.fr), title: "FR", shortLabel: "fr", key: "3", marker: "f",
                    role: .filled, color: "#2ca02c", dash: nil, shape: .triangle),
        SchemeStyle(scheme: .rectify(.irfr), title: "IR+FR", shortLabel: "ir+fr", key: "4", marker: "x",
                    role: .highlight, color: "#9467bd", dash: nil, shape: .diamond),
        SchemeStyle(scheme: .baseline(.dropless), title: "dropless", shortLabel: "dropl.", key: nil, marker: "d",
                    role: .reference, color: "#7f7f7f", dash: "6 4", shape: .circle),
        SchemeStyle(scheme: .baseline(.expertChoice), title: "expert-choice", shortLabel: "exp-ch", key: nil, marker: "e",
                    role: .padding, color: "#ff7f0e", dash: "2 3", shape: .square),
    ]
}

extension RoutingScheme {
    /// The scheme's position in `allCases` (and in `SchemeStyle.table`): per-scheme storage indexes by it.
    public var index: Int { SchemeStyle.table.firstIndex { $0.scheme == self } ?? 0 }

    /// The scheme's row of `SchemeStyle.table`.
    public var style: SchemeStyle { SchemeStyle.table[index] }

    /// Whether the scheme rectifies drops on the token's GPU (IR) or fills padding (FR); baselines do neither.
    public var usesIR: Bool { if case .rectify(let mode) = self { return mode.usesIR } else { return false } }
    public var usesFR: Bool { if case .rectify(let mode) = self { return mode.usesFR } else { return false } }

    /// The rectify mode, `nil` for a baseline.
    public var mode: RectifyMode? { if case .rectify(let mode) = self { return mode } else { return nil } }
}

extension RectifyMode {
    private static let ordered = RectifyMode.allCases

    /// The mode's position in `allCases`: per-mode storage (`PerMode`) indexes by it.
    public var index: Int { Self.ordered.firstIndex(of: self) ?? 0 }

    /// The mode's row of `SchemeStyle.table`.
    public var style: SchemeStyle { RoutingScheme.rectify(self).style }
}
