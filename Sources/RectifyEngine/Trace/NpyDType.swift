/// The element types a trace file may hold.
///
/// Only little-endian floats are accepted: router logits are floats, and a file must say its byte
/// order is little-endian (`<`). NumPy always writes `<` or `>` for multi-byte types, so `=`
/// (writer's native order), `|` and a bare `f4` are rejected as not stating it.
public enum NpyDType: String, Sendable, Equatable, CaseIterable {
    case float32 = "<f4"
    case float16 = "<f2"

    /// NumPy's name for the type, as capture sidecars write it.
    public var name: String {
        switch self {
        case .float32: "float32"
        case .float16: "float16"
        }
    }

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        }
    }

    /// What is accepted, for error messages.
    static let acceptedList = "accepted: '<f4' (little-endian float32), '<f2' (little-endian float16)"

    /// Parses a header's `descr`; the error names the dtype and what is accepted.
    static func parse(_ descr: String, path: String) throws(WorkloadError) -> NpyDType {
        if let dtype = NpyDType(rawValue: descr) { return dtype }
        throw WorkloadError("\(path): dtype '\(descr)'\(describe(descr)) is not supported; \(acceptedList)")
    }

    /// " (big-endian float32)" and the like, or "" when the descr is not a simple type code.
    static func describe(_ descr: String) -> String {
        var rest = Substring(descr)
        var order = ""
        if let first = rest.first, "<>|=".contains(first) {
            switch first {
            case "<": order = "little-endian "
            case ">": order = "big-endian "
            case "=": order = "native-order "
            default: order = ""
            }
            rest = rest.dropFirst()
        }
        // A hostile header may say '<f4611686018427387904': the size must stay small enough to name in bits.
        guard let kind = rest.first, let size = Int(rest.dropFirst()), (1...(1 << 20)).contains(size) else { return "" }
        let bits = size * 8
        let name: String
        switch kind {
        case "f": name = "float\(bits)"
        case "i": name = "int\(bits)"
        case "u": name = "uint\(bits)"
        case "c": name = "complex\(bits)"
        case "b": name = "bool"
        case "S", "a": name = "byte string"
        case "U": name = "unicode string"
        case "V": name = "raw bytes"
        case "M": name = "datetime"
        case "m": name = "timedelta"
        default: return ""
        }
        let stated = (order.isEmpty && size > 1 && "fiuc".contains(kind)) ? "byte order not stated, " : ""
        return " (\(stated)\(order)\(name))"
    }
}
