/// The estimated time of one MoE layer step of one routing scheme, and the traffic behind it.
///
/// Byte counts are per direction: the combine all-to-all sends the same entries back.
public struct StepCost: Sendable, Equatable {
    /// Dispatch all-to-all, seconds.
    public var dispatchSeconds: Double
    /// Combine all-to-all, seconds (equal to dispatch: the same entries travel back).
    public var combineSeconds: Double
    /// Expert compute of each GPU, seconds (buffer rows plus local IR rows).
    public var computeSeconds: [Double]
    /// `dispatch + max(computeSeconds) + combine`.
    public var stepSeconds: Double
    /// Buffer entries crossing GPUs, in bytes (padding included), and their split by link.
    public var bufferBytes: Int
    public var intraNodeBytes: Int
    public var interNodeBytes: Int
    /// The part of `bufferBytes` that carries real tokens, and its split by link.
    public var realBytes: Int
    public var realIntraNodeBytes: Int
    public var realInterNodeBytes: Int
    /// Tokens computed by at least one expert.
    public var usefulTokens: Int

    public init(dispatchSeconds: Double, combineSeconds: Double, computeSeconds: [Double], stepSeconds: Double,
                bufferBytes: Int, intraNodeBytes: Int, interNodeBytes: Int, realBytes: Int,
                realIntraNodeBytes: Int, realInterNodeBytes: Int, usefulTokens: Int) {
        self.dispatchSeconds = dispatchSeconds
        self.combineSeconds = combineSeconds
        self.computeSeconds = computeSeconds
        self.stepSeconds = stepSeconds
        self.bufferBytes = bufferBytes
        self.intraNodeBytes = intraNodeBytes
        self.interNodeBytes = interNodeBytes
        self.realBytes = realBytes
        self.realIntraNodeBytes = realIntraNodeBytes
        self.realInterNodeBytes = realInterNodeBytes
        self.usefulTokens = usefulTokens
    }

    /// The slowest GPU's compute.
    public var slowestComputeSeconds: Double { computeSeconds.max() ?? 0 }
    /// `dispatch + combine`.
    public var communicationSeconds: Double { dispatchSeconds + combineSeconds }
    /// Bytes spent on padding: `bufferBytes - realBytes`.
    public var paddingBytes: Int { bufferBytes - realBytes }
    /// `usefulTokens / stepSeconds`; `nil` for a step that takes no time.
    public var usefulTokensPerSecond: Double? { stepSeconds > 0 ? Double(usefulTokens) / stepSeconds : nil }
}
