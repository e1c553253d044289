import Foundation

@testable import RectifyEngine

/// Builds `.npy` bytes the way NumPy lays them out, so tests can make good and broken files.
enum TraceNpyBytes {
    /// Header dictionary text NumPy would write for these fields.
    static func dictionary(descr: String, fortranOrder: Bool = false, shape: [Int]) -> String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(dims), }"
    }

    /// A whole file: magic, version, length, the header padded with spaces to a multiple of
    /// 64 bytes and ending in `\n`, then `payload`.
    static func file(header: String, payload: [UInt8], version: UInt8 = 1, magic: [UInt8] = NpyHeader.magic) -> [UInt8] {
        let lengthBytes = version == 1 ? 2 : 4
        let preamble = 8 + lengthBytes
        var text = Array(header.utf8)
        let unpadded = preamble + text.count + 1
        text += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
        var bytes = magic + [version, 0]
        for index in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * index))) }
        return bytes + text + payload
    }

    static func float32(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func float16(bits: [UInt16]) -> [UInt8] {
        bits.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    static func float32File(_ values: [Float], shape: [Int], version: UInt8 = 1) -> [UInt8] {
        file(header: dictionary(descr: "<f4", shape: shape), payload: float32(values), version: version)
    }
}

/// A fresh temporary directory per test, removed by `remove()`.
struct TraceTemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// The message of the `WorkloadError` `body` throws, or nil when it does not throw.
func traceErrorMessage(_ body: () throws(WorkloadError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return error.message
    }
}
