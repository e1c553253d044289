/// Replays one layer of a capture folder: its complete steps in step order, ranks merged GPU-major.
///
/// Sidecars and `.npy` headers are checked when the source opens; the logits are decoded when
/// their batch is due, so a long capture costs no memory up front. Steps that are not complete (a rank missing, as when a
/// job died mid-step) are left out and listed in `skipped`.
public final class CaptureSource: BatchSource {
    /// The capture folder as given; starts error messages.
    public let path: String
    public let layer: CaptureLayerFolder
    public let layerName: String
    public let steps: [CaptureStep]
    /// Why groups of shards were not replayed, for a warning.
    public let skipped: [CaptureStepProblem]
    public let loop: Bool
    public let label: String

    public var tokens: Int { steps[0].tokens }
    public var experts: Int { steps[0].experts }
    public var topK: Int { steps[0].topK }
    public var worldSize: Int { steps[0].worldSize }
    public var tokensPerRank: Int { steps[0].tokensPerRank }

    private var cursor: ReplayCursor
    /// The step after the one last handed out, being read in the background.
    private var ahead: StepPrefetch<RoutingBatch>?

    /// Opens `path`'s layer `layer` (index or name; the lowest when `nil`) and checks that every
    /// complete step has the same shape, and that shape against the configuration when given.
    public init(path: String, layer selector: String? = nil, expectedTokens: Int? = nil, expectedExperts: Int? = nil,
                loop: Bool = false) throws(WorkloadError) {
        let directory = try CaptureDirectory(path: path)
        let layer = try directory.layer(selector)
        let found = try layer.readSteps()
        guard let first = found.complete.first else {
            let why = found.problems.first.map { ": \($0.description)" } ?? ": no sidecars"
            throw WorkloadError("\(layer.path): no complete step\(why)")
        }
        for step in found.complete.dropFirst()
        where step.tokensPerRank != first.tokensPerRank || step.experts != first.experts || step.worldSize != first.worldSize {
            throw WorkloadError(
                "\(step.shards[0].path): step \(step.step) has \(step.worldSize) ranks x \(step.tokensPerRank) tokens x \(step.experts) experts, "
                    + "step \(first.step) has \(first.worldSize) x \(first.tokensPerRank) x \(first.experts); a replay needs one shape")
        }
        // Every file's header now, so a broken capture fails before anything is routed.
        for step in found.complete { try step.checkFiles() }
        var mismatches: [String] = []
        if let expectedTokens, expectedTokens != first.tokens {
            mismatches.append("\(first.tokens) tokens per step (\(first.worldSize) ranks x \(first.tokensPerRank)), the configuration \(expectedTokens)")
        }
        if let expectedExperts, expectedExperts != first.experts {
            mismatches.append("\(first.experts) experts, the configuration \(expectedExperts)")
        }
        if !mismatches.isEmpty {
            throw WorkloadError("\(path): layer \(layer.index) has \(mismatches.joined(separator: "; "))")
        }
        self.path = path
        self.layer = layer
        self.layerName = first.layerName
        self.steps = found.complete
        self.skipped = found.problems
        self.loop = loop
        self.cursor = ReplayCursor(count: found.complete.count, loop: loop)
        let count = found.complete.count
        label = "capture \(path) layer \(layer.index) (\(first.layerName)), \(count) step\(count == 1 ? "" : "s"), "
            + "\(first.worldSize) rank\(first.worldSize == 1 ? "" : "s")\(loop ? ", loop" : "")"
    }

    /// The step due, read ahead while the previous one was routed (as `TraceSource` does), and the
    /// next one started reading. A step's errors are thrown when it is due, never earlier.
    public func nextBatch() throws(WorkloadError) -> RoutingBatch? {
        guard let (position, stepNumber) = cursor.next() else { return nil }
        var batch = try StepPrefetch.take(&ahead, position: position) { Self.load(steps[position]) }.get()
        batch.step = stepNumber
        if let next = cursor.peek() {
            let step = steps[next]
            ahead = StepPrefetch.start(position: next) { Self.load(step) }
        }
        return batch
    }

    /// Reads `step`; the batch's step number is set when it is handed out.
    private static func load(_ step: CaptureStep) -> Result<RoutingBatch, WorkloadError> {
        Result { () throws(WorkloadError) in try step.load(stepNumber: 0) }
    }

    public func rewind() {
        cursor.rewind()
        ahead = nil
    }
}
