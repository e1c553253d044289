import Foundation

/// The JSON file beside one captured `.npy` (docs/capture-format.md): which step, layer and rank
/// the logits belong to, and the model's top-k.
///
/// Every check names the sidecar file and the key, because a capture is written by another
/// program (the Python library or a user's own writer) and its mistakes must be easy to find.
public struct CaptureSidecar: Equatable, Sendable {
    public static let format = "rectify-capture"
    public static let version = 1

    /// Where the sidecar was read from; starts every error message.
    public var path: String
    public var session: String
    public var step: Int
    public var layer: Int
    public var layerName: String
    public var rank: Int
    public var worldSize: Int
    public var tokens: Int
    public var experts: Int
    public var topK: Int
    public var dtype: NpyDType
    public var tokenOrder: String
    /// The `.npy` file's path (the sidecar's `file`, resolved against the sidecar's folder).
    public var dataPath: String
    /// Unix seconds when the writer finished the step.
    public var writtenAt: Double
    /// Optional: GPUs a single-file trace spans (GPU-major); captures leave it out.
    public var gpus: Int?

    static let tokenOrders = ["batch-major", "sequence-major", "flat"]

    /// Reads and checks the sidecar at `path`.
    public init(path: String) throws(WorkloadError) {
        try self.init(text: try SidecarText.read(path), path: path)
    }

    /// Parses sidecar `text`; `path` names it in errors and resolves `file`.
    public init(text: String, path: String) throws(WorkloadError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw WorkloadError("\(path): invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        guard case .object = document else {
            throw WorkloadError("\(path): the sidecar is \(document.kind), expected a JSON object")
        }
        let fields = SidecarFields(document: document, path: path)
        let format = try fields.string("format")
        guard format == Self.format else {
            throw WorkloadError("\(path): sidecar key 'format' is \"\(format)\", expected \"\(Self.format)\"")
        }
        let version = try fields.int("version", in: SidecarLimits.version)
        guard version == Self.version else {
            throw WorkloadError("\(path): sidecar key 'version' is \(version); this rectify reads version \(Self.version)")
        }
        self.path = path
        session = try fields.string("session")
        step = try fields.int("step", in: SidecarLimits.step)
        layer = try fields.int("layer", in: SidecarLimits.layer)
        layerName = try fields.string("layerName")
        worldSize = try fields.int("worldSize", in: SidecarLimits.worldSize)
        rank = try fields.int("rank", in: 0...Int.max)
        guard rank < worldSize else {
            throw WorkloadError("\(path): sidecar key 'rank' is \(rank), expected 0 to \(worldSize - 1) (worldSize \(worldSize))")
        }
        tokens = try fields.int("tokens", in: SidecarLimits.tokens)
        let stepTokens = tokens * worldSize  // both bounded: no overflow
        guard RoutingLimits.totalTokens.contains(stepTokens) else {
            throw WorkloadError("\(path): sidecar keys 'tokens' (\(tokens)) x 'worldSize' (\(worldSize)) make \(stepTokens) tokens per step, "
                                + "expected at most \(RoutingLimits.totalTokens.upperBound)")
        }
        experts = try fields.int("experts", in: SidecarLimits.experts)
        let maxK = min(experts, SidecarLimits.topK.upperBound)
        topK = try fields.int("topK", in: SidecarLimits.topK)
        guard topK <= maxK else {
            throw WorkloadError("\(path): sidecar key 'topK' is \(topK), expected 1 to \(maxK) (at most experts, \(experts))")
        }
        let dtypeName = try fields.string("dtype")
        guard let named = NpyDType.allCases.first(where: { $0.name == dtypeName }) else {
            throw WorkloadError("\(path): sidecar key 'dtype' is \"\(dtypeName)\", expected \"float32\" or \"float16\"")
        }
        dtype = named
        tokenOrder = try fields.string("tokenOrder")
        guard Self.tokenOrders.contains(tokenOrder) else {
            throw WorkloadError("\(path): sidecar key 'tokenOrder' is \"\(tokenOrder)\", expected one of \(Self.tokenOrders.joined(separator: ", "))")
        }
        let file = try fields.string("file")
        guard !file.isEmpty, !file.contains("/") else {
            throw WorkloadError("\(path): sidecar key 'file' is \"\(file)\", expected a file name in the sidecar's folder")
        }
        dataPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
        writtenAt = try fields.double("writtenAt")
        gpus = try fields.optionalInt("gpus", in: SidecarLimits.gpus)
    }

    /// The sidecar a single `.npy` trace may have: the same path with `.json` for `.npy`.
    public static func path(besideTrace tracePath: String) -> String {
        let url = URL(fileURLWithPath: tracePath)
        return url.pathExtension == "npy" ? url.deletingPathExtension().appendingPathExtension("json").path : tracePath + ".json"
    }
}
