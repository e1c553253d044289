/// Typed reads of sidecar keys with errors that name the file and key.
struct SidecarFields {
    let document: JSONValue
    let path: String

    /// Whether the key is present and not null.
    func has(_ key: String) -> Bool { document[key].map { $0 != .null } ?? false }

    private func value(_ key: String) throws(WorkloadError) -> JSONValue {
        guard let value = document[key] else { throw WorkloadError("\(path): sidecar key '\(key)' is missing") }
        return value
    }

    func string(_ key: String) throws(WorkloadError) -> String {
        let found = try value(key)
        guard case .string(let text) = found else {
            throw WorkloadError("\(path): sidecar key '\(key)' is \(describe(found)), expected a string")
        }
        return text
    }

    /// An integer in `range`; anything else names the key, the value and the range.
    func int(_ key: String, in range: ClosedRange<Int>) throws(WorkloadError) -> Int {
        let found = try value(key)
        let allowed = range.upperBound == Int.max ? "an integer >= \(range.lowerBound)"
            : "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard case .number(let text) = found, let number = Int(text) else {
            throw WorkloadError("\(path): sidecar key '\(key)' is \(describe(found)), expected \(allowed)")
        }
        guard range.contains(number) else {
            throw WorkloadError("\(path): sidecar key '\(key)' is \(number), expected \(allowed)")
        }
        return number
    }

    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(WorkloadError) -> Int? {
        guard let found = document[key], found != .null else { return nil }
        return try int(key, in: range)
    }

    func double(_ key: String) throws(WorkloadError) -> Double {
        let found = try value(key)
        guard case .number(let text) = found, let number = Double(text), number.isFinite else {
            throw WorkloadError("\(path): sidecar key '\(key)' is \(describe(found)), expected a number")
        }
        return number
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .number(let text): return text
        case .string(let text): return "\"\(text)\""
        default: return value.kind
        }
    }
}
