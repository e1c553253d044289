/// Replays recorded router logits from a NumPy `.npy` file as a batch stream.
///
/// The file is `[tokens, experts]` (one step) or `[steps, tokens, experts]`, float32 or float16,
/// tokens GPU-major as in spec section 1. Steps are decoded one at a time from the mapped file
/// and checked for NaN/Inf then, so a bad value is reported with its step, token and expert.
/// Batch step numbers count up from 0 across loops; positions in errors are the file's.
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

    /// Opens `path` and checks its shape against the configuration's tokens per step and experts
    /// when those are given.
    public init(path: String, expectedTokens: Int? = nil, expectedExperts: Int? = nil, loop: Bool = false)
        throws(WorkloadError)
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
        self.dtype = array.dtype
        self.label = "trace \(path) (\(steps) step\(steps == 1 ? "" : "s")\(loop ? ", loop" : ""))"
    }

    public func nextBatch() throws(WorkloadError) -> RoutingBatch? {
        guard let (position, stepNumber) = cursor.next() else { return nil }
        let width = tokens * experts
        let logits = array.decode((position * width)..<((position + 1) * width))
        if let (bad, what) = firstNonFinite(logits) {
            throw WorkloadError(
                "\(path): step \(position), token \(bad / experts), expert \(bad % experts): logit is \(what); finite values required")
        }
        return RoutingBatch(step: stepNumber, tokens: tokens, experts: experts, logits: logits)
    }

    public func rewind() { cursor.rewind() }
}
