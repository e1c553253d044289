/// One captured step of one layer with every rank's shard: the unit replayed as one batch.
///
/// Rank r's rows are GPU r's tokens, so the batch is the shards concatenated in rank order
/// (GPU-major, spec section 1) and the simulated cluster is the one that ran the model.
public struct CaptureStep: Sendable {
    public let session: String
    public let step: Int
    /// One sidecar per rank, in rank order.
    public let shards: [CaptureSidecar]
    public let tokensPerRank: Int
    public let experts: Int
    public let topK: Int
    /// The latest `writtenAt` of the shards: when the step became complete.
    public let completedAt: Double

    public var worldSize: Int { shards.count }
    public var tokens: Int { tokensPerRank * shards.count }
    public var layer: Int { shards[0].layer }
    public var layerName: String { shards[0].layerName }

    /// Groups shards of one (session, step), or says why they do not make a step.
    static func assemble(_ sidecars: [CaptureSidecar]) -> Result<CaptureStep, CaptureStepProblem> {
        guard let first = sidecars.first else { return .failure(.inconsistent("no shards")) }
        let byRank = sidecars.sorted { $0.rank < $1.rank }
        for (a, b) in zip(byRank, byRank.dropFirst()) where a.rank == b.rank {
            return .failure(.inconsistent("\(b.path): rank \(b.rank) of step \(b.step) also written by \(a.path)"))
        }
        for shard in byRank.dropFirst() {
            for (key, mine, theirs) in [("worldSize", shard.worldSize, first.worldSize), ("experts", shard.experts, first.experts),
                                        ("topK", shard.topK, first.topK), ("tokens", shard.tokens, first.tokens)] where mine != theirs {
                return .failure(.inconsistent(
                    "\(shard.path): sidecar key '\(key)' is \(mine) but \(first.path) says \(theirs); every rank of a step must agree"))
            }
        }
        guard byRank.count == first.worldSize else {
            let present = Set(byRank.map(\.rank))
            let missing = (0..<first.worldSize).filter { !present.contains($0) }
            return .failure(.incomplete(step: first.step, missingRanks: missing))
        }
        return .success(CaptureStep(session: first.session, step: first.step, shards: byRank, tokensPerRank: first.tokens,
                                    experts: first.experts, topK: first.topK,
                                    completedAt: byRank.map(\.writtenAt).max() ?? first.writtenAt))
    }

    /// Opens every shard's `.npy` and checks its header and size against its sidecar, without decoding.
    public func checkFiles() throws(WorkloadError) {
        for shard in shards { _ = try open(shard) }
    }

    /// Reads every shard with `pread` (a shard truncated meanwhile is an error, not a crash), checks
    /// it against its sidecar and merges the ranks GPU-major.
    public func load(stepNumber: Int) throws(WorkloadError) -> RoutingBatch {
        var logits: [Float] = []
        logits.reserveCapacity(tokens * experts)
        for shard in shards {
            let array = try open(shard)
            let context = "step \(step), rank \(shard.rank)"
            let (values, nonFinite) = try array.read(0..<(shard.tokens * shard.experts), parts: 1, context: context)
            try array.checkUnchanged(context: context)
            if let bad = nonFinite {
                throw WorkloadError(
                    "\(shard.dataPath): token \(bad / experts), expert \(bad % experts): logit is \(nonFiniteName(values[bad])); "
                        + "finite values required (\(context))")
            }
            logits += values
        }
        return RoutingBatch(step: stepNumber, tokens: tokens, experts: experts, logits: logits)
    }

    private func open(_ shard: CaptureSidecar) throws(WorkloadError) -> NpyArray {
        let array = try NpyArray(path: shard.dataPath)
        guard array.shape == [shard.tokens, shard.experts] else {
            throw WorkloadError(
                "\(shard.dataPath): shape \(array.shape) does not match its sidecar (tokens \(shard.tokens), experts \(shard.experts))")
        }
        guard array.dtype == shard.dtype else {
            throw WorkloadError("\(shard.dataPath): dtype '\(array.dtype.rawValue)' does not match its sidecar's \"\(shard.dtype.name)\"")
        }
        return array
    }
}

/// Why a group of shards is not (yet) a replayable step.
public enum CaptureStepProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Some ranks have not written the step (yet).
    case incomplete(step: Int, missingRanks: [Int])
    /// The shards disagree or collide; the message names the file.
    case inconsistent(String)

    public var description: String {
        switch self {
        case let .incomplete(step, missing):
            let ranks = missing.prefix(8).map(String.init).joined(separator: ", ") + (missing.count > 8 ? ", ..." : "")
            return "step \(step) is missing rank\(missing.count == 1 ? "" : "s") \(ranks)"
        case .inconsistent(let message): return message
        }
    }
}
