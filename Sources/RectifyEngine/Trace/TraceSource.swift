import Foundation

/// Replays recorded router logits from a NumPy `.npy` file as a batch stream.
///
/// The file is `[tokens, experts]` (one step) or `[steps, tokens, experts]`, float32 or float16,
/// tokens GPU-major as in spec section 1. Steps are read one at a time with `pread` (in pieces on
/// several threads, each checked for NaN/Inf), the next one while the current one is routed, so a
/// bad value is reported with its step, token and expert, and a file that shrinks or is rewritten
/// during the replay is an error naming its step rather than a crash. Batch step numbers count up
/// from 0 across loops; positions in errors are the file's.
///
/// A looped trace of at most `loopCacheLimit` decoded bytes keeps each step after its first read:
/// later passes skip the read (whose page-cache copy cost a fifth of a replay's CPU) and the scan,
/// and only check that the file is still as it was opened (size and modification time), which is
/// how a changed file is noticed on a first pass too.
public final class TraceSource: BatchSource {
    /// The path as given; it starts every error message.
    public let path: String
    /// Steps in the file (1 for a 2-D file).
    public let steps: Int
    public let tokens: Int
    public let experts: Int
    /// Whether the stream wraps to the file's first step instead of ending.
    public let loop: Bool
    public let dtype: NpyDType
    public let label: String

    private let array: NpyArray
    private var cursor: ReplayCursor
    /// Threads a step's read is split over.
    private let readers: Int
    /// The step after the one last handed out, being read in the background.
    private var ahead: StepPrefetch<(values: [Float], nonFinite: Int?)>?
    /// Steps already read and checked, by position, when the looped trace is kept; otherwise empty.
    private var kept: [[Float]?]

    /// Decoded bytes up to which a looped trace is kept in memory.
    public static let loopCacheLimit = 256 << 20

    /// The bytes a looped trace of this shape keeps in memory: all its decoded steps, or 0 when
    /// it is not looped or larger than `loopCacheLimit`.
    public static func keptBytes(steps: Int, tokens: Int, experts: Int, loop: Bool) -> Int {
        let (values, overflow) = steps.saturatingMultiple(tokens).multipliedReportingOverflow(by: experts)
        guard loop, !overflow, values <= loopCacheLimit / 4 else { return 0 }
        return values * 4
    }

    /// `keptBytes` for the `.npy` file at `path` (0 when its header cannot be read: opening it
    /// will then fail with the reason).
    public static func keptBytes(path: String, loop: Bool) -> Int {
        guard loop, let shape = try? NpyArray(path: path).shape, (2...3).contains(shape.count) else { return 0 }
        let steps = shape.count == 3 ? shape[0] : 1
        return keptBytes(steps: steps, tokens: shape[shape.count - 2], experts: shape[shape.count - 1], loop: loop)
    }

    /// Opens `path` and checks its shape against the configuration's tokens per step and experts
    /// when those are given.
    public init(path: String, expectedTokens: Int? = nil, expectedExperts: Int? = nil, loop: Bool = false,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(WorkloadError)
    {
        let array = try NpyArray(path: path)
        let shape = array.shape
        let steps: Int
        let tokens: Int
        let experts: Int
        switch shape.count {
        case 2: (steps, tokens, experts) = (1, shape[0], shape[1])
        case 3: (steps, tokens, experts) = (shape[0], shape[1], shape[2])
        default:
            throw WorkloadError(
                "\(path): shape \(shape) has \(shape.count) dimensions; expected [tokens, experts] or [steps, tokens, experts]")
        }
        for (count, name) in [(steps, "steps"), (tokens, "tokens"), (experts, "experts")] where count == 0 {
            throw WorkloadError("\(path): shape \(shape) has no \(name)")
        }
        for (count, name, limit) in [(tokens, "tokens per step", RoutingLimits.totalTokens.upperBound),
                                     (experts, "experts", RoutingLimits.experts.upperBound)] where count > limit {
            throw WorkloadError("\(path): shape \(shape) has \(count) \(name); at most \(limit) are supported")
        }
        var mismatches: [String] = []
        var configured: [String] = []
        if let expectedTokens, expectedTokens != tokens {
            mismatches.append("\(tokens) tokens per step")
            configured.append("\(expectedTokens)")
        }
        if let expectedExperts, expectedExperts != experts {
            mismatches.append("\(experts) experts")
            configured.append("\(expectedExperts)")
        }
        if !mismatches.isEmpty {
            throw WorkloadError(
                "\(path): shape \(shape) has \(mismatches.joined(separator: " and ")), "
                    + "the configuration has \(configured.joined(separator: " and "))")
        }
        self.path = path
        self.array = array
        self.steps = steps
        self.tokens = tokens
        self.experts = experts
        self.loop = loop
        self.cursor = ReplayCursor(count: steps, loop: loop)
        self.readers = max(1, threads)
        let keeps = Self.keptBytes(steps: steps, tokens: tokens, experts: experts, loop: loop) > 0
        self.kept = keeps ? Array(repeating: nil, count: steps) : []
        self.dtype = array.dtype
        self.label = "trace \(path) (\(steps) step\(steps == 1 ? "" : "s")\(loop ? ", loop" : ""))"
    }

    public func nextBatch() throws(WorkloadError) -> RoutingBatch? {
        guard let (position, stepNumber) = cursor.next() else { return nil }
        let logits: [Float]
        if let known = keptStep(position) {
            ahead = nil
            try array.checkUnchanged(context: "step \(position)")
            logits = known
        } else {
            let (values, nonFinite) = try StepPrefetch.take(&ahead, position: position) {
                Self.read(array, step: position, width: tokens * experts, parts: readers)
            }.get()
            // A step read ahead must still be the file's when it is handed out.
            try array.checkUnchanged(context: "step \(position)")
            if let bad = nonFinite {
                throw WorkloadError(
                    "\(path): step \(position), token \(bad / experts), expert \(bad % experts): logit is \(nonFiniteName(values[bad])); "
                        + "finite values required")
            }
            if !kept.isEmpty { kept[position] = values }
            logits = values
        }
        if let next = cursor.peek(), keptStep(next) == nil {
            let array = self.array, width = tokens * experts, parts = readers
            ahead = StepPrefetch.start(position: next) { Self.read(array, step: next, width: width, parts: parts) }
        }
        return RoutingBatch(step: stepNumber, tokens: tokens, experts: experts, logits: logits)
    }

    /// Step `position` as read and checked on an earlier pass, when the trace is kept.
    private func keptStep(_ position: Int) -> [Float]? {
        kept.isEmpty ? nil : kept[position]
    }

    private static func read(_ array: NpyArray, step: Int, width: Int, parts: Int)
        -> Result<(values: [Float], nonFinite: Int?), WorkloadError>
    {
        Result { () throws(WorkloadError) in
            try array.read((step * width)..<((step + 1) * width), parts: parts, context: "step \(step)")
        }
    }

    public func rewind() {
        cursor.rewind()
        ahead = nil
    }
}
