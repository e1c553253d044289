import Foundation
import RectifyEngine

/// Random damage to valid command lines and preset files: what a typo, a bad script, a truncated
/// copy or a hostile file does to them.
enum FuzzMutations {
    static let hugeNumbers = ["99999999999999999999", "18446744073709551616", "-9223372036854775809", "1e999", "-1e999",
                              String(repeating: "9", count: 400), "0." + String(repeating: "0", count: 300) + "1", "-0", "NaN"]
    static let controls = ["\u{1B}]0;title\u{07}", "\u{1B}[2J", "\u{9B}31m", "\u{7F}", "\n", "\t", "\r", "\u{0}", "\u{85}", "\u{1B}"]

    /// `base` with one to three random changes.
    static func arguments(_ base: [String], using g: inout RandomStream) -> [String] {
        var args = base
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            let i = args.isEmpty ? 0 : Int.random(in: 0..<args.count, using: &g)
            switch Int.random(in: 0..<9, using: &g) {
            case 0 where !args.isEmpty:
                args[i] = String(args[i].prefix(Int.random(in: 0...args[i].count, using: &g)))
            case 1 where !args.isEmpty && !args[i].isEmpty:
                var bytes = Array(args[i].utf8)
                bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
                args[i] = String(decoding: bytes, as: UTF8.self)
            case 2 where !args.isEmpty:
                args[i] = hugeNumbers.randomElement(using: &g) ?? "9"
            case 3 where !args.isEmpty:
                var text = Array(args[i])
                text.insert(contentsOf: controls.randomElement(using: &g) ?? "\n", at: Int.random(in: 0...text.count, using: &g))
                args[i] = String(text)
            case 4:
                let name = String((0..<Int.random(in: 1...12, using: &g)).map { _ in "abcdefghijklmnopqrstuvwxyz-".randomElement(using: &g) ?? "x" })
                args.insert(contentsOf: ["--" + name] + (Bool.random(using: &g) ? ["1"] : []), at: i)
            case 5 where !args.isEmpty:
                args.remove(at: i)
            case 6 where !args.isEmpty:
                args.insert(args[Int.random(in: 0..<args.count, using: &g)], at: i)
            case 7 where !args.isEmpty:
                args[i] = String(repeating: args[i].isEmpty ? "x" : args[i], count: 2_000)
            default:
                args.insert("--" + (["steps", "mode", "preset", "format", "capacity-factor"].randomElement(using: &g) ?? "steps"), at: i)
            }
        }
        return args
    }

    /// `base` (JSON text) with one to three random changes.
    static func json(_ base: String, using g: inout RandomStream) -> String {
        var bytes = Array(base.utf8)
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            let at = Int.random(in: 0...bytes.count, using: &g)
            switch Int.random(in: 0..<8, using: &g) {
            case 0:
                bytes = Array(bytes.prefix(at))
            case 1 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] = UInt8.random(in: 0...255, using: &g)
            case 2:
                // A huge number in place of the number nearest after `at`.
                if let digit = bytes[at...].firstIndex(where: { (48...57).contains($0) }) {
                    var end = digit
                    while end < bytes.count, (48...57).contains(bytes[end]) || bytes[end] == 46 { end += 1 }
                    bytes.replaceSubrange(digit..<end, with: Array((hugeNumbers.randomElement(using: &g) ?? "9").utf8))
                }
            case 3:
                let depth = Int.random(in: 30...200, using: &g)
                bytes = Array(("{\"gpus\": " + String(repeating: "[", count: depth)).utf8) + [49]
                    + Array(String(repeating: "]", count: depth).utf8) + [44] + bytes.dropFirst()
            case 4:
                // Control characters, raw or escaped, inside the description.
                let control = Bool.random(using: &g) ? (controls.randomElement(using: &g) ?? "\n")
                    : #"\u001b]0;x\u0007\u009b\u007f"#
                if let quote = base.range(of: "\": \"")?.upperBound.utf16Offset(in: base), quote <= bytes.count {
                    bytes.insert(contentsOf: Array(control.utf8), at: quote)
                }
            case 5:
                let key = String((0..<Int.random(in: 1...20, using: &g)).map { _ in "abcdefghijklmnopqrstuvwxyzABCXYZ".randomElement(using: &g) ?? "k" })
                bytes.insert(contentsOf: Array("\"\(key)\": 1, ".utf8), at: 1)
            case 6:
                bytes.insert(contentsOf: Array("\"description\": \"x\", ".utf8), at: 1)
            default:
                bytes.insert(contentsOf: Array(("\"" + String(repeating: "z", count: Int.random(in: 1_000...100_000, using: &g)) + "\": 1, ").utf8), at: 1)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
