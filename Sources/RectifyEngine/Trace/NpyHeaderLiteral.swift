/// The small part of Python literal syntax an `.npy` header dictionary uses.
///
/// NumPy writes the header as `repr()` of a dict, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4, 4), }`. Rather than evaluate
/// Python, this parses just strings, `True`/`False`/`None`, integers (with the `L` suffix old
/// Python 2 files carry) and tuples or lists of those.
enum NpyHeaderLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case none
    case integer(Int)
    case sequence([NpyHeaderLiteral])

    /// Parses a dictionary with string keys; the error is a short phrase, the caller adds the file.
    static func parseDictionary(_ bytes: [UInt8], utf8: Bool) throws(NpyHeaderSyntaxError) -> [String: NpyHeaderLiteral] {
        var parser = Parser(bytes: bytes, utf8: utf8)
        let dictionary = try parser.dictionary()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the dictionary") }
        return dictionary
    }

    /// Python's rendering, for messages.
    var pythonDescription: String {
        switch self {
        case .string(let text): "'\(text)'"
        case .bool(let value): value ? "True" : "False"
        case .none: "None"
        case .integer(let value): String(value)
        case .sequence(let items): "(" + items.map(\.pythonDescription).joined(separator: ", ") + ")"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        let utf8: Bool
        var index = 0
        /// Open brackets around the current value: bounded so a hostile header of thousands of
        /// `(` cannot exhaust the stack (a shape is one level deep).
        var depth = 0
        static let maximumDepth = 16

        func error(_ what: String) -> NpyHeaderSyntaxError {
            NpyHeaderSyntaxError(message: "\(what) at header character \(index)")
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(NpyHeaderSyntaxError) {
            skipSpace()
            guard current == byte else { throw error("expected \(what)") }
            index += 1
        }

        mutating func dictionary() throws(NpyHeaderSyntaxError) -> [String: NpyHeaderLiteral] {
            try expect(UInt8(ascii: "{"), "'{'")
            var result: [String: NpyHeaderLiteral] = [:]
            while true {
                skipSpace()
                if current == UInt8(ascii: "}") { index += 1; return result }
                guard case .string(let key) = try value() else { throw error("expected a string key") }
                try expect(UInt8(ascii: ":"), "':' after key '\(key)'")
                guard result.updateValue(try value(), forKey: key) == nil else { throw error("key '\(key)' repeated") }
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return result
            }
        }

        mutating func value() throws(NpyHeaderSyntaxError) -> NpyHeaderLiteral {
            skipSpace()
            guard let byte = current else { throw error("header ends early") }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string(quote: byte))
            case UInt8(ascii: "("): return .sequence(try sequence(close: UInt8(ascii: ")")))
            case UInt8(ascii: "["): return .sequence(try sequence(close: UInt8(ascii: "]")))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
            default:
                let word = identifier()
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default: throw error(word.isEmpty ? "unexpected character" : "unsupported value '\(word)'")
                }
            }
        }

        mutating func string(quote: UInt8) throws(NpyHeaderSyntaxError) -> String {
            index += 1
            var content: [UInt8] = []
            while let byte = current {
                index += 1
                if byte == quote {
                    if utf8 { return String(decoding: content, as: UTF8.self) }
                    return String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))
                }
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = current else { break }
                    content.append(escaped)
                    index += 1
                } else {
                    content.append(byte)
                }
            }
            throw error("unterminated string")
        }

        mutating func sequence(close: UInt8) throws(NpyHeaderSyntaxError) -> [NpyHeaderLiteral] {
            guard depth < Self.maximumDepth else { throw error("brackets nested more than \(Self.maximumDepth) deep") }
            depth += 1
            defer { depth -= 1 }
            index += 1
            var items: [NpyHeaderLiteral] = []
            while true {
                skipSpace()
                if current == close { index += 1; return items }
                items.append(try value())
                skipSpace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                guard current == close else { throw error("expected ',' or closing bracket") }
                index += 1
                return items
            }
        }

        mutating func integer() throws(NpyHeaderSyntaxError) -> Int {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            let digits = String(decoding: bytes[start..<index], as: UTF8.self)
            if current == UInt8(ascii: "L") || current == UInt8(ascii: "l") { index += 1 }
            guard let value = Int(digits) else { throw error("bad integer '\(digits)'") }
            return value
        }

        mutating func identifier() -> String {
            let start = index
            while let byte = current,
                  (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || byte == UInt8(ascii: "_") {
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}

/// A header-dictionary syntax problem, turned into a `WorkloadError` naming the file by the reader.
struct NpyHeaderSyntaxError: Error {
    let message: String
}
