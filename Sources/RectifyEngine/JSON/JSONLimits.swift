/// Bounds on a JSON document the parser accepts.
///
/// Presets and capture sidecars are small, hand- or machine-written files; these bounds keep a
/// broken or hostile one (a runaway writer, a truncated copy, a fuzzer's output) from costing
/// minutes, gigabytes or the stack before it is rejected with a message saying which bound it broke.
public struct JSONLimits: Equatable, Sendable {
    /// Bytes of UTF-8 in the whole document.
    public var maxBytes: Int
    /// Arrays and objects inside one another.
    public var maxDepth: Int
    /// Characters of one number as written (digits, sign, point, exponent).
    public var maxNumberLength: Int
    /// Bytes of one string or key as written, escapes included.
    public var maxStringLength: Int

    public init(maxBytes: Int = 16 << 20, maxDepth: Int = 64, maxNumberLength: Int = 100, maxStringLength: Int = 65_536) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNumberLength = maxNumberLength
        self.maxStringLength = maxStringLength
    }

    /// The bounds for presets and sidecars: 16 MiB, 64 levels, 100-character numbers, 64 KiB strings.
    public static let standard = JSONLimits()
}
