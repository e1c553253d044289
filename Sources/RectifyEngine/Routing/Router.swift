import Foundation

/// The optimised router: vanilla top-k with capacity, IR and FR (spec sections 1-7).
///
/// One instance keeps its scratch memory between steps; use it from one thread at a time
/// (it fans out to worker threads itself).
public final class Router {
    /// Worker threads a step may use.
    public let threads: Int

    // Per token (or per token and choice), written by the worker that owns the token.
    private let choices = ScratchBuffer<Int32>()
    private let choiceProbability = ScratchBuffer<Float>()
    private let nextExpert = ScratchBuffer<Int32>()
    private let nextProbability = ScratchBuffer<Float>()
    private let rowShift = ScratchBuffer<Float>()
    private let rowInverseSum = ScratchBuffer<Float>()
    private let droppedFlag = ScratchBuffer<UInt8>()
    private let dropCount = ScratchBuffer<UInt8>()
    private let localLogits = ScratchBuffer<Float>()
    private let irExpert = ScratchBuffer<Int32>()
    private let filledFlag = ScratchBuffer<UInt8>()
    private var workers: [WorkerScratch] = []

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
    }

    /// Routes one batch and returns the figures' raw material for the requested modes.
    ///
    /// Vanilla is always computed; IR and FR only when a requested mode needs them.
    public func route(
        _ batch: RoutingBatch, config: RoutingConfig,
        modes: Set<RectifyMode> = Set(RectifyMode.allCases), keepTokenRouting: Bool = false
    ) throws(RoutingError) -> StepAnalysis {
        do { try config.validate() } catch { throw .invalidConfig(error) }
        guard batch.tokens == config.tokens, batch.experts == config.experts else {
            throw .shapeMismatch(tokens: batch.tokens, experts: batch.experts,
                                 expectedTokens: config.tokens, expectedExperts: config.experts)
        }
        let plan = StepPlan(config: config, modes: modes)
        reserve(plan)

        var requested = [Int32](repeating: 0, count: plan.gpus * plan.experts)
        var kept = [Int32](repeating: 0, count: plan.gpus * plan.experts)
        var filled = [Int32](repeating: 0, count: plan.gpus * plan.experts)
        var irPerExpert = [Int32](repeating: 0, count: plan.experts)
        var recovered = [Int32](repeating: 0, count: plan.computeIR ? plan.gpus * plan.experts : 0)
        var tallies = [SourceTally](repeating: SourceTally(), count: plan.gpus)

        let t = plan.tokens, tk = plan.tokens * plan.topK
        let buffers = TokenBuffers(
            choices: choices.prefix(tk), choiceProbability: choiceProbability.prefix(tk),
            nextExpert: nextExpert.prefix(t), nextProbability: nextProbability.prefix(t),
            rowShift: rowShift.prefix(t), rowInverseSum: rowInverseSum.prefix(t),
            droppedFlag: droppedFlag.prefix(tk), dropCount: dropCount.prefix(t),
            irExpert: irExpert.prefix(t), localLogits: localLogits.prefix(plan.computeIR ? t * plan.expertsPerGPU : 0),
            filledFlag: filledFlag.prefix(t))
        let workerList = workers

        let pieces = fusedPieces(plan)
        let threads = self.threads
        batch.logits.withUnsafeBufferPointer { logitsBuffer in
            guard let logitBase = logitsBuffer.baseAddress else { return }
            let logits = ReadBuffer(logitBase, count: logitsBuffer.count)
            requested.withUnsafeMutableBufferPointer { requestedBuffer in
            kept.withUnsafeMutableBufferPointer { keptBuffer in
            filled.withUnsafeMutableBufferPointer { filledBuffer in
            irPerExpert.withUnsafeMutableBufferPointer { irBuffer in
            recovered.withUnsafeMutableBufferPointer { recoveredBuffer in
            tallies.withUnsafeMutableBufferPointer { tallyBuffer in
                guard let requestedBase = requestedBuffer.baseAddress, let keptBase = keptBuffer.baseAddress,
                      let filledBase = filledBuffer.baseAddress, let irBase = irBuffer.baseAddress,
                      let tallyBase = tallyBuffer.baseAddress else { return }
                let outputs = GpuOutputs(
                    requested: SharedBuffer(requestedBase, count: requestedBuffer.count),
                    kept: SharedBuffer(keptBase, count: keptBuffer.count),
                    filled: SharedBuffer(filledBase, count: filledBuffer.count),
                    irPerExpert: SharedBuffer(irBase, count: irBuffer.count),
                    recovered: recoveredBuffer.baseAddress.map { SharedBuffer($0, count: recoveredBuffer.count) },
                    tallies: SharedBuffer(tallyBase, count: tallyBuffer.count))
                let routeGPUs = { @Sendable (worker: Int, range: Range<Int>) in
                    for gpu in range {
                        SourceRouting.run(gpu: gpu, plan: plan, buffers: buffers, logits: logits,
                                          outputs: outputs, scratch: workerList[worker])
                    }
                }
                if let pieces {
                    parallelChunks(count: plan.gpus, workers: pieces) { worker, range in
                        let tokens = (range.lowerBound * plan.tokensPerGPU)..<(range.upperBound * plan.tokensPerGPU)
                        TokenScan.run(tokens, logits: logits, plan: plan, buffers: buffers, scratch: workerList[worker])
                        routeGPUs(worker, range)
                    }
                } else {
                    parallelChunks(count: plan.tokens, workers: threads) { worker, range in
                        TokenScan.run(range, logits: logits, plan: plan, buffers: buffers,
                                      scratch: workerList[worker])
                    }
                    parallelChunks(count: plan.gpus, workers: threads, routeGPUs)
                }
            }}}}}}
        }

        let tokenRouting = keepTokenRouting ? collectTokenRouting(plan) : nil
        return StepAnalysis(
            config: config, step: batch.step, capacity: plan.capacity,
            computed: plan.computedModes,
            requestedPerGpuExpert: requested, keptPerGpuExpert: kept, filledPerGpuExpert: filled,
            irPerExpert: irPerExpert, sourceTallies: tallies,
            expertRequested: Self.columnSums(requested, rows: plan.gpus, columns: plan.experts),
            expertKept: Self.columnSums(kept, rows: plan.gpus, columns: plan.experts),
            expertFilled: Self.columnSums(filled, rows: plan.gpus, columns: plan.experts),
            expertRecovered: plan.computeIR ? Self.columnSums(recovered, rows: plan.gpus, columns: plan.experts) : nil,
            tokenRouting: tokenRouting)
    }

    /// How many pieces of whole GPUs a step goes out in when each piece scans and routes its own
    /// GPUs in one go, or nil when the GPUs do not split well over the threads.
    ///
    /// Stage two for a GPU reads only that GPU's tokens, so a piece needs no join between the
    /// stages, and its tokens are still in cache when they are routed. Up to four pieces per thread,
    /// taken by whichever thread is free: with one piece per thread, a thread slowed by other work
    /// on its core held the whole step back while the other waited.
    private func fusedPieces(_ plan: StepPlan) -> Int? {
        guard plan.gpus >= threads && (plan.gpus % threads == 0 || plan.gpus >= 4 * threads) else { return nil }
        return threads == 1 ? 1 : min(plan.gpus, 4 * threads)
    }

    private func reserve(_ plan: StepPlan) {
        let t = plan.tokens
        choices.reserve(t * plan.topK)
        choiceProbability.reserve(t * plan.topK)
        droppedFlag.reserve(t * plan.topK)
        for buffer in [nextExpert, irExpert] { buffer.reserve(t) }
        for buffer in [nextProbability, rowShift, rowInverseSum] { buffer.reserve(t) }
        filledFlag.reserve(t)
        dropCount.reserve(t)
        if plan.computeIR { localLogits.reserve(t * plan.expertsPerGPU) }
        // One scratch per piece of work: a piece may run on any thread.
        let needed = max(1, fusedPieces(plan) ?? min(threads, max(plan.tokens, plan.gpus)))
        while workers.count < needed { workers.append(WorkerScratch()) }
        for worker in workers { worker.reserve(plan) }
    }

    private func collectTokenRouting(_ plan: StepPlan) -> TokenRouting {
        let t = plan.tokens
        let k = plan.topK
        let choices = self.choices.prefix(t * k), dropped = droppedFlag.prefix(t * k)
        let next = nextExpert.prefix(t), ir = irExpert.prefix(t), filled = filledFlag.prefix(t)
        return TokenRouting(
            topK: k,
            choices: choices.copied,
            dropped: (0..<(t * k)).map { dropped[$0] != 0 },
            next: next.copied,
            irExpert: plan.computeIR ? ir.copied : [Int32](repeating: -1, count: t),
            filled: plan.computeFR ? (0..<t).map { filled[$0] != 0 } : [Bool](repeating: false, count: t))
    }

    static func columnSums(_ matrix: [Int32], rows: Int, columns: Int) -> [Int] {
        var sums = [Int](repeating: 0, count: columns)
        for row in 0..<rows {
            let offset = row * columns
            for column in 0..<columns { sums[column] += Int(matrix[offset + column]) }
        }
        return sums
    }
}

/// Why a batch could not be routed.
public enum RoutingError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidConfig(ConfigError)
    case shapeMismatch(tokens: Int, experts: Int, expectedTokens: Int, expectedExperts: Int)

    public var description: String {
        switch self {
        case .invalidConfig(let error):
            return error.description
        case let .shapeMismatch(tokens, experts, expectedTokens, expectedExperts):
            return "batch has \(tokens) tokens x \(experts) experts, configuration needs \(expectedTokens) x \(expectedExperts)"
        }
    }
}
