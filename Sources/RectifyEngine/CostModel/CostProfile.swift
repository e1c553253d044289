/// A named set of cost-model parameters: the built-in GPUs, or a JSON file naming every parameter.
public struct CostProfile: Hashable, Sendable {
    /// `h100`, `a100`, or the file's path.
    public var name: String
    public var parameters: CostParameters

    public init(name: String, parameters: CostParameters) {
        self.name = name
        self.parameters = parameters
    }

    /// H100 SXM nodes of eight (bf16 dense peak 989 TFLOP/s, NVLink 4 at 450 GB/s per direction,
    /// one 400 Gb/s NIC per GPU), Mixtral 8x7B-sized SwiGLU experts (d 4096, f 14336).
    public static let h100 = CostProfile(name: "h100", parameters: CostParameters())

    /// A100 SXM nodes of eight (bf16 dense peak 312 TFLOP/s, NVLink 3 at 300 GB/s per direction,
    /// one 200 Gb/s HDR NIC per GPU: 25 GB/s), the same experts as `h100`.
    public static let a100 = CostProfile(name: "a100", parameters: CostParameters(
        peakFLOPS: 312e12, intraNodeBandwidth: 300e9, interNodeBandwidth: 25e9))

    public static let builtIn = [h100, a100]

    /// The keys a profile file must name, each exactly once.
    public static let fileKeys = ["hiddenSize", "ffnSize", "ffnMatrices", "bytesPerElement", "peakFLOPS",
                                  "intraNodeBandwidth", "interNodeBandwidth", "gpusPerNode"]

    /// A built-in profile by name, else the profile file at `text` (relative to `folder` when given).
    public static func named(_ text: String, folder: String? = nil) throws(ConfigError) -> CostProfile {
        if let profile = builtIn.first(where: { $0.name == text }) { return profile }
        guard text.hasSuffix(".json") else {
            throw ConfigError(key: "costProfile", value: text, allowed: "h100, a100 or a FILE.json")
        }
        return try read(file: JSONFields.resolve(text, folder: folder))
    }

    /// Reads a profile file; errors name the file, the key, the value and the allowed range.
    public static func read(file path: String) throws(ConfigError) -> CostProfile {
        do throws(ConfigError) {
            let members = try JSONFields.object(try JSONFields.read(file: path), what: "cost profile")
            try JSONFields.rejectUnknown(members, allowed: fileKeys, prefix: "")
            let f = JSONFields(members: members, prefix: "")
            let parameters = CostParameters(
                hiddenSize: try f.int("hiddenSize", required: true) ?? 0,
                ffnSize: try f.int("ffnSize", required: true) ?? 0,
                ffnMatrices: try f.int("ffnMatrices", required: true) ?? 0,
                bytesPerElement: try f.int("bytesPerElement", required: true) ?? 0,
                peakFLOPS: try f.double("peakFLOPS", required: true) ?? 0,
                intraNodeBandwidth: try f.double("intraNodeBandwidth", required: true) ?? 0,
                interNodeBandwidth: try f.double("interNodeBandwidth", required: true) ?? 0,
                gpusPerNode: try f.int("gpusPerNode", required: true) ?? 0)
            do throws(ConfigError) { try parameters.validate() } catch {
                // The file's own key names, without the `cost.` prefix of presets and options.
                var plain = error
                if plain.key.hasPrefix("cost.") { plain.key = String(plain.key.dropFirst(5)) }
                throw plain
            }
            return CostProfile(name: path, parameters: parameters)
        } catch {
            throw error.source == nil ? error.from(path) : error
        }
    }
}
