/// What a run will hold in memory at its peak, worked out from its shape before anything is
/// allocated, so a configuration that cannot fit is refused with its sizes instead of trapping in
/// the middle of an allocation.
///
/// The figures are the large buffers only (each grows with tokens, experts or steps); fixed costs
/// of a few megabytes are left out. They are estimates within a small factor, which is all a
/// refusal needs.
public struct MemoryEstimate: Sendable, Equatable {
    /// One buffer family: its name, its size, and how the size comes about.
    public struct Part: Sendable, Equatable {
        public let name: String
        public let bytes: Int
        public let formula: String
    }

    public private(set) var parts: [Part] = []

    public init() {}

    /// All parts together, saturating instead of overflowing.
    public var bytes: Int {
        parts.reduce(0) { total, part in
            let (sum, overflow) = total.addingReportingOverflow(part.bytes)
            return overflow ? Int.max : sum
        }
    }

    /// Adds `count` elements of `size` bytes each, saturating.
    public mutating func add(_ name: String, count: Int, size: Int, formula: String) {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        parts.append(Part(name: name, bytes: overflow ? Int.max : bytes, formula: formula))
    }
}

extension MemoryEstimate {
    /// What routing batches of `config` needs: the batches held at once (logits, and hidden states
    /// when kept), the router's per-token scratch, the per-(GPU, expert) matrices of every mode,
    /// and `extraPerStep` bytes kept for each of `keptSteps` steps (a report that is printed at the
    /// end). `traceElementSize` adds the read buffer of a trace's raw values, `keptTraceBytes` the
    /// steps of a looped trace kept in memory.
    public static func routing(_ config: RoutingConfig, batchesHeld: Int, hiddenSize: Int?,
                               traceElementSize: Int? = nil, keptTraceBytes: Int = 0, tokenRouting: Bool = false,
                               keptSteps: Int = 0, bytesPerKeptStep: Int = 0) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let tokens = config.tokens, experts = config.experts, k = config.topK
        let held = max(1, batchesHeld)
        estimate.add("logits", count: tokens.saturatingMultiple(experts).saturatingMultiple(held), size: 4,
                     formula: "\(held) x \(tokens) tokens x \(experts) experts x 4 B")
        if let traceElementSize {
            estimate.add("trace read buffer", count: tokens.saturatingMultiple(experts), size: traceElementSize,
                         formula: "\(tokens) tokens x \(experts) experts x \(traceElementSize) B")
        }
        if keptTraceBytes > 0 {
            estimate.add("looped trace kept", count: keptTraceBytes, size: 1, formula: "its decoded steps")
        }
        if let hiddenSize {
            estimate.add("hidden states", count: tokens.saturatingMultiple(hiddenSize).saturatingMultiple(held), size: 4,
                         formula: "\(held) x \(tokens) tokens x \(hiddenSize) x 4 B")
        }
        // Router scratch per token: top-k choices and probabilities (4 + 4 B each), drop flags
        // (1 B each), next choice, IR target, shift and sum (4 B each) and two flags; IR's local
        // logits are one float per expert of the token's own GPU.
        let perToken = 9 * k + 22 + 4 * config.expertsPerGPU + (tokenRouting ? 5 * k + 9 : 0)
        estimate.add("routing scratch", count: tokens, size: perToken,
                     formula: "\(tokens) tokens x \(perToken) B")
        // Three Int32 matrices per step plus, for each of the four modes, six per-expert arrays
        // and a few per-GPU ones (8 B each).
        let pairs = config.gpus.saturatingMultiple(experts)
        estimate.add("per-expert matrices", count: pairs, size: 12,
                     formula: "\(config.gpus) GPUs x \(experts) experts x 12 B")
        estimate.add("per-mode figures", count: experts.saturatingMultiple(4 * 6) + config.gpus.saturatingMultiple(4 * 4), size: 8,
                     formula: "4 modes x (\(experts) experts x 6 + \(config.gpus) GPUs x 4) x 8 B")
        if keptSteps > 0 && bytesPerKeptStep > 0 {
            estimate.add("report", count: keptSteps, size: bytesPerKeptStep,
                         formula: "\(keptSteps) steps x \(bytesPerKeptStep) B")
        }
        return estimate
    }
}

extension Int {
    /// `self * other`, or `Int.max` when that overflows: sizes only ever grow toward a refusal.
    func saturatingMultiple(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? Int.max : product
    }
}

extension Preset {
    /// The estimate for routing this preset's batches, `batchesHeld` at a time (with their hidden
    /// states when `hidden` and the workload makes them), plus steps a report keeps.
    public func memoryEstimate(batchesHeld: Int, hidden: Bool, keptSteps: Int = 0,
                               bytesPerKeptStep: Int = 0) -> MemoryEstimate {
        var hiddenSize: Int?
        var traceElementSize: Int?
        var keptTraceBytes = 0
        switch workload {
        case .synthetic(let parameters): hiddenSize = hidden ? parameters.hiddenSize : nil
        case .trace(let trace):
            traceElementSize = 4
            if !CaptureDirectory.isDirectory(trace.path) { keptTraceBytes = TraceSource.keptBytes(path: trace.path, loop: trace.loop) }
        case .follow: traceElementSize = 4
        }
        return .routing(routing, batchesHeld: batchesHeld, hiddenSize: hiddenSize, traceElementSize: traceElementSize,
                        keptTraceBytes: keptTraceBytes,
                        tokenRouting: hiddenSize != nil, keptSteps: keptSteps, bytesPerKeptStep: bytesPerKeptStep)
    }

    /// Batches the dashboard may hold at once: the engine's, the one drawn, and those of the
    /// compare view and the sweep.
    public static let dashboardBatchesHeld = 6
}
