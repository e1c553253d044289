/// The order a GPU panel lists its experts in (`o` cycles it): by index, or by the largest load,
/// overflow or padding first, so the expert that needs attention sits at the top of its panel.
public enum ExpertSort: String, Hashable, Sendable, CaseIterable {
    case index, load, overflow, padding

    /// The short word the panel titles show (`by ovf`), matching the number column headings.
    public var label: String {
        switch self {
        case .index: return "index"
        case .load: return "load"
        case .overflow: return "ovf"
        case .padding: return "pad"
        }
    }

    /// The sort key of one expert's bar; larger comes first. `nil` for index order.
    func key(_ values: BarRow.Values) -> Int? {
        switch self {
        case .index: return nil
        case .load: return values.load
        case .overflow: return values.overflow
        case .padding: return values.padding
        }
    }

    /// `experts` reordered by this sort for the bars `values` gives; ties keep index order.
    func order(_ experts: Range<Int>, values: (Int) -> BarRow.Values) -> [Int] {
        guard self != .index else { return Array(experts) }
        let keyed = experts.map { ($0, key(values($0)) ?? 0) }
        return keyed.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
    }
}
