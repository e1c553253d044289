/// Writes JSON compactly or indented, keys in the order given.
public enum JSONWriter {
    public static func write(_ value: JSONValue, indent: Int? = nil) -> String {
        var out = ""
        write(value, into: &out, indent: indent, level: 0)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String, indent: Int?, level: Int) {
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        let separator = indent == nil ? ":" : ": "
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): quote(text, into: &out)
        case .array(let items):
            // Arrays of numbers stay on one line: matrices would otherwise take thousands of lines.
            let flat = items.allSatisfy { if case .number = $0 { return true }; if case .null = $0 { return true }; return false }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if !flat { out += newline } else if indent != nil && i > 0 { out += " " }
                write(item, into: &out, indent: indent, level: level + 1)
            }
            if !flat && !items.isEmpty { out += closing }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                out += newline
                quote(member.key, into: &out)
                out += separator
                write(member.value, into: &out, indent: indent, level: level + 1)
            }
            if !members.isEmpty { out += closing }
            out += "}"
        }
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // C0 must be escaped; DEL and C1 may stay raw in JSON but would drive a terminal.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
