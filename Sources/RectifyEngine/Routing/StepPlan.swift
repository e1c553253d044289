/// The sizes and switches of one routed step, resolved once and shared by every worker.
struct StepPlan: Sendable {
    let gpus: Int
    let experts: Int
    let expertsPerGPU: Int
    let topK: Int
    let tokensPerGPU: Int
    let tokens: Int
    let capacity: Int
    let irCapacity: Int?
    let dropPolicy: DropPolicy
    let computeIR: Bool
    let computeFR: Bool

    init(config: RoutingConfig, modes: Set<RectifyMode>) {
        gpus = config.gpus
        experts = config.experts
        expertsPerGPU = config.expertsPerGPU
        topK = config.topK
        tokensPerGPU = config.tokensPerGPU
        tokens = config.tokens
        capacity = config.capacity
        irCapacity = config.irCapacity
        dropPolicy = config.dropPolicy
        computeIR = modes.contains { $0.usesIR }
        computeFR = modes.contains { $0.usesFR } && config.topK < config.experts
    }

    /// `(k+1)` choices are ranked when a next-best expert exists.
    var rankedChoices: Int { min(topK + 1, experts) }

    /// The modes whose figures this step can give.
    var computedModes: Set<RectifyMode> {
        Set(RectifyMode.allCases.filter { (!$0.usesIR || computeIR) && (!$0.usesFR || computeFR || topK >= experts) })
    }
}

/// The per-token buffers of a step.
struct TokenBuffers: Sendable {
    let choices: SharedBuffer<Int32>
    let choiceProbability: SharedBuffer<Float>
    let nextExpert: SharedBuffer<Int32>
    let nextProbability: SharedBuffer<Float>
    /// The value each row's exponentials were taken relative to, and `1 / sum` of them.
    let rowShift: SharedBuffer<Float>
    let rowInverseSum: SharedBuffer<Float>
    let droppedFlag: SharedBuffer<UInt8>
    /// How many of the token's choices dropped.
    let dropCount: SharedBuffer<UInt8>
    let irExpert: SharedBuffer<Int32>
    /// Per token, the logits of the experts on its own GPU (`expertsPerGPU` each), filled when IR runs.
    let localLogits: SharedBuffer<Float>
    let filledFlag: SharedBuffer<UInt8>
}

/// The step's outputs; each source GPU writes its own row and its own experts.
struct GpuOutputs: Sendable {
    let requested: SharedBuffer<Int32>
    let kept: SharedBuffer<Int32>
    let filled: SharedBuffer<Int32>
    let irPerExpert: SharedBuffer<Int32>
    /// `G x E`, row per source GPU: drops at each expert that IR recovered (`nil` without IR).
    let recovered: SharedBuffer<Int32>?
    let tallies: SharedBuffer<SourceTally>
}

/// One worker thread's private scratch, sized for the largest step seen.
final class WorkerScratch: @unchecked Sendable {
    let topIndex = ScratchBuffer<Int32>()
    let topValue = ScratchBuffer<Float>()
    let laneMaxima = ScratchBuffer<Float>()
    let terms = ScratchBuffer<Float>()
    let flags = ScratchBuffer<UInt8>()
    let counts = ScratchBuffer<Int32>()
    let bucketStart = ScratchBuffer<Int32>()
    let bucketCursor = ScratchBuffer<Int32>()
    let marks = ScratchBuffer<UInt8>()
    let expertFlag = ScratchBuffer<UInt8>()
    let expertStep = ScratchBuffer<Int32>()
    let keys = ScratchBuffer<UInt64>()
    /// The tokens of one GPU with a dropped choice, each once.
    let droppedTokens = ScratchBuffer<Int32>()

    func reserve(_ plan: StepPlan) {
        // The lane scan's key lists write all their slots (eight at most), for four rows at once.
        topIndex.reserve(max(plan.rankedChoices, 32))
        topValue.reserve(max(plan.rankedChoices, 32))
        laneMaxima.reserve(16)
        // Four rows' exponentials: the lane scan takes rows in groups of four.
        terms.reserve(4 * plan.experts)
        flags.reserve(plan.experts)
        counts.reserve(plan.experts)
        expertFlag.reserve(plan.experts)
        expertStep.reserve(plan.experts)
        bucketStart.reserve(plan.experts)
        bucketCursor.reserve(plan.experts)
        // Marks are left all zero after every use, and start zeroed.
        marks.reserve(plan.experts)
        // Drop buckets use up to n*k keys plus one spare slot; IR's parked candidates (at most n)
        // use twice their count.
        keys.reserve(max(plan.tokensPerGPU * plan.topK, 2 * plan.tokensPerGPU) + 1)
        droppedTokens.reserve(plan.tokensPerGPU)
    }
}
