import Foundation

/// Reads and validates preset JSON; every error names the file, the key and what is allowed.
public enum PresetReader {
    static let topKeys = ["description", "gpus", "experts", "topK", "tokensPerGPU", "capacityFactor",
                          "minCapacity", "dropPolicy", "irCapacityFactor", "gateNormalization", "mode",
                          "synthetic", "trace"]
    static let syntheticKeys = ["seed", "hiddenSize", "topics", "topicSpread", "tokenNoise", "shardSpecialization",
                                "popularitySkew", "temperature", "drift", "burstEvery", "burstLength", "burstBoost"]
    static let traceKeys = ["path", "loop", "layer"]

    /// Reads a preset file; its name is the file name without `.json`.
    public static func read(file path: String) throws(ConfigError) -> Preset {
        // Refuse a huge file before reading it: the parser's own size limit would come after the read.
        let limit = JSONLimits.standard.maxBytes
        if let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue, size > limit {
            throw ConfigError(key: "file", value: path, allowed: "", source: path,
                              message: "file of \(size) bytes, longer than \(limit) bytes (the document size limit)")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: "file", value: path, allowed: "a readable UTF-8 JSON file", source: path)
        }
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
        try rejectUnknown(members, allowed: topKeys, prefix: "")
        let fields = Fields(members: members, prefix: "")
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
            try rejectUnknown(traceMembers, allowed: traceKeys, prefix: "trace.")
            let traceFields = Fields(members: traceMembers, prefix: "trace.")
            var path = try traceFields.string("path", required: true) ?? ""
            if !path.hasPrefix("/"), let folder { path = folder + "/" + path }
            workload = .trace(TraceSpec(path: path, loop: try traceFields.bool("loop") ?? true, layer: try traceFields.layer("layer")))
        case (.some(let synthetic), nil):
            guard case .object(let syntheticMembers) = synthetic else {
                throw ConfigError(key: "synthetic", value: synthetic.kind, allowed: "an object of workload knobs")
            }
            try rejectUnknown(syntheticMembers, allowed: syntheticKeys, prefix: "synthetic.")
            workload = .synthetic(try syntheticParameters(Fields(members: syntheticMembers, prefix: "synthetic.")))
        case (nil, nil):
            workload = .synthetic(SyntheticParameters())
        }
        return Preset(name: name, description: description, routing: routing, mode: mode, workload: workload, source: source)
    }

    private static func syntheticParameters(_ f: Fields) throws(ConfigError) -> SyntheticParameters {
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

    private static func rejectUnknown(_ members: [(key: String, value: JSONValue)], allowed: [String], prefix: String) throws(ConfigError) {
        for member in members where !allowed.contains(member.key) {
            throw ConfigError(key: prefix + member.key, value: "", allowed: allowed.joined(separator: ", "), unknownKey: true,
                              suggestion: Spelling.closest(to: member.key, in: allowed).map { prefix + $0 })
        }
    }

    /// Typed access to an object's members with errors that name the key.
    private struct Fields {
        let members: [(key: String, value: JSONValue)]
        let prefix: String

        func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

        private func present(_ key: String, required: Bool, expected: String) throws(ConfigError) -> JSONValue? {
            guard let found = value(key) else {
                if required { throw ConfigError(key: prefix + key, value: "(missing)", allowed: expected) }
                return nil
            }
            return found
        }

        func int(_ key: String, required: Bool = false) throws(ConfigError) -> Int? {
            let expected = "an integer"
            guard let found = try present(key, required: required, expected: expected) else { return nil }
            guard case .number(let text) = found, let number = Int(text) else {
                throw ConfigError(key: prefix + key, value: Self.show(found), allowed: expected)
            }
            return number
        }

        func double(_ key: String) throws(ConfigError) -> Double? {
            guard let found = value(key) else { return nil }
            guard case .number(let text) = found, let number = Double(text) else {
                throw ConfigError(key: prefix + key, value: Self.show(found), allowed: "a number")
            }
            return number
        }

        func bool(_ key: String) throws(ConfigError) -> Bool? {
            guard let found = value(key) else { return nil }
            guard case .bool(let flag) = found else {
                throw ConfigError(key: prefix + key, value: Self.show(found), allowed: "true or false")
            }
            return flag
        }

        func string(_ key: String, required: Bool = false) throws(ConfigError) -> String? {
            guard let found = try present(key, required: required, expected: "a string") else { return nil }
            guard case .string(let text) = found else {
                throw ConfigError(key: prefix + key, value: Self.show(found), allowed: "a string")
            }
            return text
        }

        /// A capture layer: its index (an integer >= 0) or its module name (a string).
        func layer(_ key: String) throws(ConfigError) -> String? {
            guard let found = value(key) else { return nil }
            switch found {
            case .number(let text) where Int(text).map { $0 >= 0 } == true: return text
            case .string(let name) where !name.isEmpty: return name
            default:
                throw ConfigError(key: prefix + key, value: Self.show(found),
                                  allowed: "a layer index (an integer >= 0) or a layer name (a string)")
            }
        }

        func capacityFactor(_ key: String) throws(ConfigError) -> CapacityFactor? {
            guard let found = value(key) else { return nil }
            if case .null = found { return nil }
            guard case .number(let text) = found, let factor = CapacityFactor(parsing: text) else {
                throw ConfigError(key: prefix + key, value: Self.show(found),
                                  allowed: "a decimal from 0.0001 to 1000 with at most 4 places")
            }
            return factor
        }

        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(ConfigError) -> T? where T.RawValue == String {
            guard let found = value(key) else { return nil }
            guard case .string(let text) = found, let chosen = T(rawValue: text) else {
                let names = T.allCases.map(\.rawValue)
                let typed: String? = if case .string(let text) = found { text } else { nil }
                throw ConfigError(key: prefix + key, value: Self.show(found), allowed: "one of " + names.joined(separator: ", "),
                                  suggestion: typed.flatMap { Spelling.closest(to: $0, in: names) })
            }
            return chosen
        }

        static func show(_ value: JSONValue) -> String {
            switch value {
            case .string(let text): return "\"\(text)\""
            case .number(let text): return text
            default: return JSONWriter.write(value)
            }
        }
    }
}
