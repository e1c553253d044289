import Dispatch
import Foundation

/// One source GPU's share of a baseline step; GPUs route independently (like the capacity
/// router, each GPU routes its own tokens), so they run concurrently and merge in GPU order.
struct SourceAssignments: Sendable {
    /// Tokens of this GPU per expert (a row of the `G x E` matrix).
    var assigned: [Int32]
    var crossGPU = 0
    var coveredTokens = 0
    /// Gate mass of this GPU's tokens: their top-k mass, the part computed, and other experts' mass.
    var gateMass = GateMass()
    /// When assignments are kept: terms per local token, then the terms themselves in token order.
    var termCounts: [Int] = []
    var experts: [Int32] = []
    var weights: [Double] = []

    init(experts: Int) {
        assigned = [Int32](repeating: 0, count: experts)
    }

    /// Runs `body` for every source GPU on up to `threads` workers; results come back in GPU order.
    static func collect(gpus: Int, threads: Int, _ body: @Sendable (Int) -> SourceAssignments) -> [SourceAssignments] {
        let workers = max(1, min(threads, gpus))
        if workers == 1 { return (0..<gpus).map(body) }
        let slots = ResultSlots(count: gpus)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for gpu in (gpus * worker / workers)..<(gpus * (worker + 1) / workers) {
                slots.store(body(gpu), at: gpu)
            }
        }
        return slots.results()
    }
}

/// Per-GPU results written by concurrent workers, each to its own index.
private final class ResultSlots: @unchecked Sendable {
    private var values: [SourceAssignments?]
    private let lock = NSLock()

    init(count: Int) { values = [SourceAssignments?](repeating: nil, count: count) }

    func store(_ value: SourceAssignments, at index: Int) {
        lock.withLock { values[index] = value }
    }

    func results() -> [SourceAssignments] { lock.withLock { values.compactMap { $0 } } }
}
