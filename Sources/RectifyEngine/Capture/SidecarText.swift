/// Reads a sidecar's text, saying exactly why when it cannot: missing, not a regular file,
/// permission, too large or not UTF-8 (invalid JSON is the parser's to report, with line and column).
enum SidecarText {
    /// Sidecars are a few hundred bytes; anything near this is not one, and is not read into memory.
    static let maximumBytes = 1 << 20

    static func read(_ path: String) throws(WorkloadError) -> String {
        func failure(_ reason: String) -> WorkloadError { WorkloadError("\(path): cannot read the sidecar: \(reason)") }
        let file: ReadOnlyFile
        do { file = try ReadOnlyFile(path: path, noun: "a regular file") } catch {
            let prefix = path + ": "
            throw failure(error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message)
        }
        guard file.size <= maximumBytes else {
            throw failure("it is \(file.size) bytes, more than the \(maximumBytes) a sidecar may have")
        }
        let bytes = try file.readAll(limit: maximumBytes)
        if let (offset, byte) = firstInvalidUTF8(bytes) {
            throw failure("not UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(offset))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where the first byte that is not part of valid UTF-8 sits, and its value.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (offset: Int, byte: UInt8)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return (offset, bytes[offset])
            }
        }
    }
}
