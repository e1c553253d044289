/// What one step of one routing scheme asks of the cluster: the all-to-all buffer each
/// (source GPU, expert) pair sends, how much of it is real tokens, and the rows each GPU's
/// experts compute. The cost model turns it into seconds.
public struct StepWork: Sendable, Equatable {
    public var gpus: Int
    public var experts: Int
    /// `G x E`, row per source GPU: entries dispatched to expert `e` (padding included).
    /// Capacity routers send their fixed `C` per pair; dropless sends exactly its assignments.
    public var sentPerGpuExpert: [Int]
    /// `G x E`: of those, real tokens (kept, plus filled under FR). `nil` when only summed
    /// figures were available; `realCrossGPU` then stands in for it.
    public var realPerGpuExpert: [Int]?
    /// Real entries whose expert is on another GPU than the token (the figures' `crossGPU`).
    public var realCrossGPU: Int
    /// Per GPU: rows its expert kernels process from the all-to-all buffer (padding included).
    public var bufferRows: [Int]
    /// Per GPU: rows computed locally outside the buffer (IR work), unpadded.
    public var localRows: [Int]
    /// Tokens computed by at least one expert (`coveredTokens`): the "useful" tokens of a step.
    public var usefulTokens: Int

    public init(gpus: Int, experts: Int, sentPerGpuExpert: [Int], realPerGpuExpert: [Int]?, realCrossGPU: Int,
                bufferRows: [Int], localRows: [Int], usefulTokens: Int) {
        precondition(sentPerGpuExpert.count == gpus * experts, "sentPerGpuExpert must be G x E")
        precondition(realPerGpuExpert.map { $0.count == gpus * experts } ?? true, "realPerGpuExpert must be G x E")
        precondition(bufferRows.count == gpus && localRows.count == gpus, "rows are per GPU")
        self.gpus = gpus
        self.experts = experts
        self.sentPerGpuExpert = sentPerGpuExpert
        self.realPerGpuExpert = realPerGpuExpert
        self.realCrossGPU = realCrossGPU
        self.bufferRows = bufferRows
        self.localRows = localRows
        self.usefulTokens = usefulTokens
    }
}

extension StepWork {
    /// A rectify mode: every pair sends its `C` slots; GPU `q` computes the `m * G * C` slots of
    /// its experts (filled slots were padding anyway, so FR adds no compute) plus the IR tokens
    /// of its experts. `nil` when the analysis lacks the mode. `unpadded` sends and computes only
    /// the real entries, so FR's filled slots cost traffic and compute.
    public init?(analysis: StepAnalysis, mode: RectifyMode, dispatch: DispatchMode = .padded) {
        guard let figures = analysis.figures(mode) else { return nil }
        self.init(analysis: analysis, figures: figures, mode: mode, dispatch: dispatch)
    }

    /// The same, with `figures` the mode's figures already taken from `analysis` (callers that
    /// hold them skip working them out again: a dozen arrays of E per mode and step).
    public init(analysis: StepAnalysis, figures: StepFigures, mode: RectifyMode, dispatch: DispatchMode = .padded) {
        let config = analysis.config
        let pairs = config.gpus * config.experts
        var real = (0..<pairs).map { Int(analysis.keptPerGpuExpert[$0]) }
        if mode.usesFR {
            for i in 0..<pairs { real[i] += Int(analysis.filledPerGpuExpert[i]) }
        }
        self.init(figures: figures, config: config)
        realPerGpuExpert = real
        if dispatch == .unpadded { sendOnlyReal(real) }
    }

    /// Unpadded dispatch: every pair sends its real entries, and each GPU computes those of its experts.
    mutating func sendOnlyReal(_ real: [Int]) {
        sentPerGpuExpert = real
        let m = max(1, experts / max(1, gpus))
        var rows = [Int](repeating: 0, count: gpus)
        for pair in 0..<real.count { rows[(pair % experts) / m] += real[pair] }
        bufferRows = rows
    }

    /// A rectify mode from its summed figures only (no per-pair matrices, e.g. a stored snapshot):
    /// the buffer and compute are exact, the real cross-GPU entries are split between intra- and
    /// inter-node in proportion to the buffer's own split (see `CostModel`).
    public init(figures: StepFigures, config: RoutingConfig) {
        let pairs = config.gpus * config.experts
        self.init(gpus: config.gpus, experts: config.experts,
                  sentPerGpuExpert: [Int](repeating: figures.capacity, count: pairs), realPerGpuExpert: nil,
                  realCrossGPU: figures.crossGPU,
                  bufferRows: [Int](repeating: config.expertsPerGPU * config.gpus * figures.capacity, count: config.gpus),
                  localRows: StepFigures.perGPU(figures.expertIR, gpus: config.gpus),
                  usefulTokens: figures.coveredTokens)
    }

    /// A baseline. Dropless sends and computes exactly its assignments (no padding, uneven
    /// `gpuLoad`); expert-choice sends the fixed `C` per pair and computes `m * G * C` rows per GPU.
    public init(baseline: BaselineStep, dispatch: DispatchMode = .padded) {
        let config = baseline.config
        let pairs = config.gpus * config.experts
        let real = baseline.assignedPerGpuExpert.map(Int.init)
        let sent: [Int]
        let rows: [Int]
        switch baseline.mode {
        case .dropless:
            sent = real
            rows = baseline.figures.gpuLoad
        case .expertChoice:
            let c = config.capacity
            sent = [Int](repeating: c, count: pairs)
            rows = [Int](repeating: config.expertsPerGPU * config.gpus * c, count: config.gpus)
        }
        self.init(gpus: config.gpus, experts: config.experts, sentPerGpuExpert: sent, realPerGpuExpert: real,
                  realCrossGPU: baseline.figures.crossGPU, bufferRows: rows,
                  localRows: [Int](repeating: 0, count: config.gpus), usefulTokens: baseline.figures.coveredTokens)
        if dispatch == .unpadded { sendOnlyReal(real) }
    }
}
