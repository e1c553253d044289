/// A JSON document with object keys in file order and numbers kept as their source text.
///
/// Presets need exact decimals (capacity factors), errors that name keys, and unknown keys
/// rejected; output needs a stable key order. Foundation's JSON types give none of these.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's text as written, e.g. `1.10` or `64`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A member of an object, `nil` elsewhere or when absent.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A short name of the value's kind for error messages.
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    // Builders for output.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }
    public static func double(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value))
    }
    public static func ints(_ values: [Int]) -> JSONValue { .array(values.map(int)) }
}
