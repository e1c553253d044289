import Foundation

/// Reads and validates preset JSON; every error names the file, the key and what is allowed.
public enum PresetReader {
    static let topKeys = ["description", "gpus", "experts", "topK", "tokensPerGPU", "capacityFactor",
                          "minCapacity", "dropPolicy", "irCapacityFactor", "gateNormalization", "mode",
                          "synthetic", "trace", "fidelity", "costProfile", "quality"]
    static let syntheticKeys = ["seed", "hiddenSize", "topics", "topicSpread", "tokenNoise", "shardSpecialization",
                                "popularitySkew", "temperature", "drift", "burstEvery", "burstLength", "burstBoost"]
    static let traceKeys = ["path", "loop", "layer"]
    static let fidelityKeys = ["expertSimilarity", "reference"]

    /// Reads a preset file; its name is the file name without `.json`.
    public static func read(file path: String) throws(ConfigError) -> Preset {
        let text = try JSONFields.read(file: path)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, name: name, source: path, folder: folder)
    }

    /// Parses preset text. `folder` resolves a relative trace path.
    public static func parse(_ text: String, name: String, source: String?, folder: String? = nil) throws(ConfigError) -> Preset {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw ConfigError(key: "JSON", value: "", allowed: "well-formed JSON", source: source,
                              message: "invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        do {
            return try build(document, name: name, source: source, folder: folder)
        } catch {
            throw error.source == nil ? error.from(source ?? name) : error
        }
    }

    private static func build(_ document: JSONValue, name: String, source: String?, folder: String?) throws(ConfigError) -> Preset {
        guard case .object(let members) = document else {
            throw ConfigError(key: "preset", value: document.kind, allowed: "a JSON object")
        }
        try JSONFields.rejectUnknown(members, allowed: topKeys, prefix: "")
        let fields = JSONFields(members: members, prefix: "")
        let description = try fields.string("description", required: true) ?? ""
        var routing = RoutingConfig(
            gpus: try fields.int("gpus", required: true) ?? 0,
            experts: try fields.int("experts", required: true) ?? 0,
            topK: try fields.int("topK", required: true) ?? 0,
            tokensPerGPU: try fields.int("tokensPerGPU", required: true) ?? 0)
        if let factor = try fields.capacityFactor("capacityFactor") { routing.capacityFactor = factor }
        if let minimum = try fields.int("minCapacity") { routing.minCapacity = minimum }
        if let policy = try fields.choice("dropPolicy", DropPolicy.self) { routing.dropPolicy = policy }
        routing.irCapacityFactor = try fields.capacityFactor("irCapacityFactor")
        if let gate = try fields.choice("gateNormalization", GateNormalization.self) { routing.gateNormalization = gate }
        let mode = try fields.choice("mode", RectifyMode.self) ?? .irfr
        try routing.validate()

        let workload: WorkloadSpec
        switch (fields.value("synthetic"), fields.value("trace")) {
        case (.some, .some):
            throw ConfigError(key: "trace", value: "(with synthetic)", allowed: "either a synthetic or a trace object, not both")
        case (_, .some(let trace)):
            guard case .object(let traceMembers) = trace else {
                throw ConfigError(key: "trace", value: trace.kind, allowed: "an object with path and loop")
            }
            try JSONFields.rejectUnknown(traceMembers, allowed: traceKeys, prefix: "trace.")
            let traceFields = JSONFields(members: traceMembers, prefix: "trace.")
            var path = try traceFields.string("path", required: true) ?? ""
            if !path.hasPrefix("/"), let folder { path = folder + "/" + path }
            workload = .trace(TraceSpec(path: path, loop: try traceFields.bool("loop") ?? true, layer: try traceFields.layer("layer")))
        case (.some(let synthetic), nil):
            guard case .object(let syntheticMembers) = synthetic else {
                throw ConfigError(key: "synthetic", value: synthetic.kind, allowed: "an object of workload knobs")
            }
            try JSONFields.rejectUnknown(syntheticMembers, allowed: syntheticKeys, prefix: "synthetic.")
            workload = .synthetic(try syntheticParameters(JSONFields(members: syntheticMembers, prefix: "synthetic.")))
        case (nil, nil):
            workload = .synthetic(SyntheticParameters())
        }
        var preset = Preset(name: name, description: description, routing: routing, mode: mode, workload: workload, source: source)
        if let fidelity = fields.value("fidelity") {
            guard case .object(let fidelityMembers) = fidelity else {
                throw ConfigError(key: "fidelity", value: fidelity.kind, allowed: "an object with expertSimilarity and reference")
            }
            try JSONFields.rejectUnknown(fidelityMembers, allowed: fidelityKeys, prefix: "fidelity.")
            let fidelityFields = JSONFields(members: fidelityMembers, prefix: "fidelity.")
            if let similarity = try fidelityFields.double("expertSimilarity") { preset.fidelity.expertSimilarity = similarity }
            if let reference = try fidelityFields.choice("reference", FidelityReference.self) { preset.fidelity.reference = reference }
            try preset.fidelity.validate()
        }
        if let profile = try fields.string("costProfile") {
            preset.cost.profile = try CostProfile.named(profile, folder: folder)
        }
        if let quality = try fields.string("quality") {
            preset.quality = try QualityFileReader.read(file: JSONFields.resolve(quality, folder: folder))
        }
        return preset
    }

    private static func syntheticParameters(_ f: JSONFields) throws(ConfigError) -> SyntheticParameters {
        var p = SyntheticParameters()
        if let seed = try f.int("seed") {
            guard seed >= 0 else { throw ConfigError(key: "synthetic.seed", value: String(seed), allowed: "a non-negative integer") }
            p.seed = UInt64(seed)
        }
        if let v = try f.int("hiddenSize") { p.hiddenSize = v }
        if let v = try f.int("topics") { p.topics = v }
        if let v = try f.double("topicSpread") { p.topicSpread = v }
        if let v = try f.double("tokenNoise") { p.tokenNoise = v }
        if let v = try f.double("shardSpecialization") { p.shardSpecialization = v }
        if let v = try f.double("popularitySkew") { p.popularitySkew = v }
        if let v = try f.double("temperature") { p.temperature = v }
        if let v = try f.double("drift") { p.drift = v }
        if let v = try f.int("burstEvery") { p.burstEvery = v }
        if let v = try f.int("burstLength") { p.burstLength = v }
        if let v = try f.double("burstBoost") { p.burstBoost = v }
        try p.validate()
        return p
    }
}
