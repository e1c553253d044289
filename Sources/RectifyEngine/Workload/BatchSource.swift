/// A stream of batches of one fixed shape: a synthetic generator or a trace being replayed.
///
/// Sources are stateful and used by one thread (the engine's) at a time.
public protocol BatchSource: AnyObject {
    /// Tokens per step (all GPUs) and experts, fixed for the life of the source.
    var tokens: Int { get }
    var experts: Int { get }
    /// One line saying where the batches come from, for headers and JSON.
    var label: String { get }
    /// The next batch, or `nil` when a non-looping trace is exhausted. A live source (one with a
    /// `follow` status) returns `nil` when nothing new has arrived yet: ask again later.
    func nextBatch() throws(WorkloadError) -> RoutingBatch?
    /// Starts the stream again from its first step (same seed, same trace position 0).
    func rewind()
    /// For a source following a capture as it is written: where it stands. `nil` otherwise.
    var follow: FollowStatus? { get }
    /// Whether later batches should carry hidden states, for sources that can make them (the
    /// synthetic workload); making them costs time, so a consumer asks only while it needs them.
    /// Sources without hidden states (traces, captures) ignore it.
    func includeHiddenStates(_ include: Bool)
}

extension BatchSource {
    public var follow: FollowStatus? { nil }
    public func includeHiddenStates(_ include: Bool) {}
}

/// Why a workload could not produce a batch; the message names the file, step and token where known.
public struct WorkloadError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
