/// The optional sidecar of a single `.npy` trace (`trace.npy` beside `trace.json`): defaults for
/// replaying it. Every key is optional, so a hand-written `{"topK": 2, "gpus": 8}` is enough; a
/// capture's own sidecar (docs/capture-format.md) also qualifies. Numbers are bounded by the
/// engine's limits (`SidecarLimits`) as they are read.
public struct TraceSidecar: Equatable, Sendable {
    public var path: String
    public var tokens: Int?
    public var experts: Int?
    public var topK: Int?
    public var gpus: Int?
    public var dtype: String?

    public init(path: String) throws(WorkloadError) {
        let text = try SidecarText.read(path)
        let document: JSONValue
        do { document = try JSONParser.parse(text) } catch {
            throw WorkloadError("\(path): invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        guard case .object = document else {
            throw WorkloadError("\(path): the sidecar is \(document.kind), expected a JSON object")
        }
        let fields = SidecarFields(document: document, path: path)
        if fields.has("format") {
            let format = try fields.string("format")
            guard format == CaptureSidecar.format else {
                throw WorkloadError("\(path): sidecar key 'format' is \"\(format)\", expected \"\(CaptureSidecar.format)\"")
            }
        }
        self.path = path
        tokens = try fields.optionalInt("tokens", in: SidecarLimits.tokens)
        experts = try fields.optionalInt("experts", in: SidecarLimits.experts)
        topK = try fields.optionalInt("topK", in: SidecarLimits.topK)
        gpus = try fields.optionalInt("gpus", in: SidecarLimits.gpus)
        dtype = fields.has("dtype") ? try fields.string("dtype") : nil
    }

    /// The sidecar must describe the file beside it.
    public func check(tokens fileTokens: Int, experts fileExperts: Int, dtype fileType: NpyDType) throws(WorkloadError) {
        if let tokens, tokens != fileTokens {
            throw WorkloadError("\(path): sidecar key 'tokens' is \(tokens), the trace has \(fileTokens) tokens per step")
        }
        if let experts, experts != fileExperts {
            throw WorkloadError("\(path): sidecar key 'experts' is \(experts), the trace has \(fileExperts)")
        }
        if let topK, topK > fileExperts {
            throw WorkloadError("\(path): sidecar key 'topK' is \(topK), expected 1 to \(fileExperts) (experts)")
        }
        if let dtype, dtype != fileType.name {
            throw WorkloadError("\(path): sidecar key 'dtype' is \"\(dtype)\", the trace is \(fileType.name)")
        }
    }
}
