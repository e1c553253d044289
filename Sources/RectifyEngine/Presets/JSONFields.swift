import Foundation

/// Typed access to a JSON object's members for the readers of preset, cost-profile and quality
/// files: every error names the key (with its prefix) and what is allowed.
struct JSONFields {
    let members: [(key: String, value: JSONValue)]
    let prefix: String

    static func rejectUnknown(_ members: [(key: String, value: JSONValue)], allowed: [String], prefix: String) throws(ConfigError) {
        for member in members where !allowed.contains(member.key) {
            throw ConfigError(key: prefix + member.key, value: "", allowed: allowed.joined(separator: ", "), unknownKey: true,
                              suggestion: Spelling.closest(to: member.key, in: allowed).map { prefix + $0 })
        }
    }

    func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    /// Parses `text` as one JSON object; errors name the line and column.
    static func object(_ text: String, what: String) throws(ConfigError) -> [(key: String, value: JSONValue)] {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw ConfigError(key: "JSON", value: "", allowed: "well-formed JSON",
                              message: "invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        guard case .object(let members) = document else {
            throw ConfigError(key: what, value: document.kind, allowed: "a JSON object")
        }
        return members
    }

    /// A file's text, or an error naming it. A file over the JSON size limit is refused before
    /// it is read: the parser's own limit would only apply after the read.
    static func read(file path: String) throws(ConfigError) -> String {
        let limit = JSONLimits.standard.maxBytes
        if let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue, size > limit {
            throw ConfigError(key: "file", value: path, allowed: "", source: path,
                              message: "file of \(size) bytes, longer than \(limit) bytes (the document size limit)")
        }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: "file", value: path, allowed: "a readable UTF-8 JSON file", source: path)
        }
    }

    /// `path` as given when absolute, else taken from `folder` (a preset's own folder).
    static func resolve(_ path: String, folder: String?) -> String {
        guard !path.hasPrefix("/"), let folder else { return path }
        return folder + "/" + path
    }

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

    func double(_ key: String, required: Bool = false) throws(ConfigError) -> Double? {
        guard let found = try present(key, required: required, expected: "a number") else { return nil }
        guard case .number(let text) = found, let number = Double(text) else {
            throw ConfigError(key: prefix + key, value: Self.show(found), allowed: "a number")
        }
        return number
    }

    func bool(_ key: String, required: Bool = false) throws(ConfigError) -> Bool? {
        guard let found = try present(key, required: required, expected: "true or false") else { return nil }
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

    func capacityFactor(_ key: String, required: Bool = false) throws(ConfigError) -> CapacityFactor? {
        guard let found = try present(key, required: required, expected: CapacityFactor.allowed) else { return nil }
        if case .null = found { return nil }
        guard case .number(let text) = found, let factor = CapacityFactor.parse(text) else {
            throw ConfigError(key: prefix + key, value: Self.show(found), allowed: CapacityFactor.allowed)
        }
        return factor
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = false) throws(ConfigError) -> T? where T.RawValue == String {
        let expected = "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")
        guard let found = try present(key, required: required, expected: expected) else { return nil }
        guard case .string(let text) = found, let chosen = T(rawValue: text) else {
            let typed: String? = if case .string(let text) = found { text } else { nil }
            throw ConfigError(key: prefix + key, value: Self.show(found), allowed: expected,
                              suggestion: typed.flatMap { Spelling.closest(to: $0, in: T.allCases.map(\.rawValue)) })
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
