/// What the dispatch all-to-all sends for a capacity router.
public enum DispatchMode: String, CaseIterable, Sendable, Hashable {
    /// The fixed `G x E x C` buffer, padding included (GShard, Megatron-Core with drops): FR fills
    /// slots that were sent and computed anyway, so it costs nothing.
    case padded
    /// Only real entries (kept, plus filled under FR), as variable-size all-to-alls do: padding
    /// costs nothing, and FR pays traffic and compute for every slot it fills.
    case unpadded
}
