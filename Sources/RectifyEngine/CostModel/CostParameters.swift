/// The hardware and model sizes behind the step-time estimate, with defaults for a
/// Mixtral-sized expert (bf16, SwiGLU) on H100 SXM nodes of eight GPUs.
///
/// Only ratios matter for comparing modes; the defaults make the absolute numbers plausible.
public struct CostParameters: Hashable, Sendable {
    /// Model width `d`: elements per token sent in the all-to-all. Default 4096 (Mixtral 8x7B).
    public var hiddenSize = 4096
    /// Expert FFN inner size `f`. Default 14336 (Mixtral 8x7B).
    public var ffnSize = 14336
    /// Weight matrices per expert, `M`: 3 for SwiGLU (gate, up, down, the default), 2 for a plain FFN.
    public var ffnMatrices = 3
    /// Bytes per activation element `b`. Default 2 (bf16).
    public var bytesPerElement = 2
    /// Dense FLOP/s one GPU sustains on expert matmuls, `F`. Default 989e12 (H100 SXM bf16 peak),
    /// so compute times are lower bounds.
    public var peakFLOPS = 989e12
    /// Bytes/s each GPU moves per direction to GPUs of its own node, `B_intra`. Default 450e9 (NVLink 4).
    public var intraNodeBandwidth = 450e9
    /// Bytes/s each GPU moves per direction to other nodes, `B_inter`. Default 50e9 (one 400 Gb/s NIC per GPU).
    public var interNodeBandwidth = 50e9
    /// GPUs per node, `P`: GPU `q` is on node `q / P`. Default 8.
    public var gpusPerNode = 8

    public init() {}

    public init(hiddenSize: Int = 4096, ffnSize: Int = 14336, ffnMatrices: Int = 3, bytesPerElement: Int = 2,
                peakFLOPS: Double = 989e12, intraNodeBandwidth: Double = 450e9, interNodeBandwidth: Double = 50e9,
                gpusPerNode: Int = 8) {
        self.hiddenSize = hiddenSize
        self.ffnSize = ffnSize
        self.ffnMatrices = ffnMatrices
        self.bytesPerElement = bytesPerElement
        self.peakFLOPS = peakFLOPS
        self.intraNodeBandwidth = intraNodeBandwidth
        self.interNodeBandwidth = interNodeBandwidth
        self.gpusPerNode = gpusPerNode
    }

    /// Bytes one token occupies in the all-to-all: `d * b`.
    public var bytesPerToken: Int { hiddenSize * bytesPerElement }
    /// FLOPs of one expert on one token: `2 * M * d * f` (a multiply-add is two FLOPs).
    public var flopsPerToken: Double { 2 * Double(ffnMatrices) * Double(hiddenSize) * Double(ffnSize) }

    /// The node of GPU `q`.
    public func node(ofGPU gpu: Int) -> Int { gpu / gpusPerNode }

    /// Throws the first out-of-range parameter, named as a preset or CLI key (`cost.<name>`).
    public func validate() throws(ConfigError) {
        func check(_ key: String, _ value: Int, _ range: ClosedRange<Int>) throws(ConfigError) {
            guard range.contains(value) else {
                throw ConfigError(key: "cost." + key, value: String(value),
                                  allowed: "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        func check(_ key: String, _ value: Double) throws(ConfigError) {
            guard value.isFinite, value > 0 else {
                throw ConfigError(key: "cost." + key, value: String(value), allowed: "a positive number")
            }
        }
        try check("hiddenSize", hiddenSize, 1...1_048_576)
        try check("ffnSize", ffnSize, 1...16_777_216)
        try check("ffnMatrices", ffnMatrices, 1...8)
        try check("bytesPerElement", bytesPerElement, 1...16)
        try check("gpusPerNode", gpusPerNode, 1...4096)
        try check("peakFLOPS", peakFLOPS)
        try check("intraNodeBandwidth", intraNodeBandwidth)
        try check("interNodeBandwidth", interNodeBandwidth)
    }
}
