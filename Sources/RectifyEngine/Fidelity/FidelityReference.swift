/// The layer output the distortion proxy compares every scheme against.
public enum FidelityReference: String, CaseIterable, Sendable, Hashable {
    /// Dropless top-k, the output of the layer as trained. Scores FR's extra expert as error by
    /// construction, so FR can never look better than vanilla without drops.
    case topk
    /// Dropless top-(k+1) (spec section 6 weights over the first `k+1` experts of the ranking).
    /// The default: FR's extra expert is the `(k+1)`-th, so it is not error by construction;
    /// every scheme that lacks that expert pays the same for it.
    case topkPlusOne = "topk+1"

    /// Experts in the reference output of a token under top-`k` routing over `experts` experts.
    public func experts(topK: Int, of experts: Int) -> Int {
        switch self {
        case .topk: return topK
        case .topkPlusOne: return min(topK + 1, experts)
        }
    }
}
