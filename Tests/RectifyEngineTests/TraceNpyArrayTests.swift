import Foundation
import Testing

@testable import RectifyEngine

@Suite("Trace: .npy reader")
struct TraceNpyArrayTests {
    @Test("float32 2-D reads back exactly")
    func float32TwoD() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let values: [Float] = [1.5, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -3.25, 1e-20]
        let path = try directory.write("a.npy", TraceNpyBytes.float32File(values, shape: [2, 3]))
        let array = try NpyArray(path: path)
        #expect(array.shape == [2, 3])
        #expect(array.dtype == .float32)
        #expect(array.header.dataOffset % 64 == 0)
        #expect(try array.decode(0..<6).map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try array.decode(3..<5) == [.greatestFiniteMagnitude, -3.25])
    }

    @Test("float16 values convert exactly, including subnormal, negative and signed zero")
    func float16Values() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let bits: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x83FF, 0x7BFF, 0x8000, 0x0400, 0x3555]
        let expected: [Float] = [1, -2, 0x1p-24, -1023 * 0x1p-24, 65504, -0.0, 0x1p-14, 0.333251953125]
        let file = TraceNpyBytes.file(
            header: TraceNpyBytes.dictionary(descr: "<f2", shape: [2, 4]), payload: TraceNpyBytes.float16(bits: bits))
        let array = try NpyArray(path: try directory.write("h.npy", file))
        #expect(array.dtype == .float16)
        #expect(try array.decode(0..<8).map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test("half-float conversion of infinities and NaN")
    func halfSpecials() {
        #expect(floatFromHalfBits(0x7C00) == .infinity)
        #expect(floatFromHalfBits(0xFC00) == -.infinity)
        #expect(floatFromHalfBits(0x7E00).isNaN)
        #expect(floatFromHalfBits(0xFD01).isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test("half-float conversion matches Swift's Float16 for every bit pattern")
    func halfExhaustive() {
        for raw in 0...UInt16.max {
            let mine = floatFromHalfBits(raw)
            let native = Float(Float16(bitPattern: raw))
            if native.isNaN {
                #expect(mine.isNaN)
            } else {
                #expect(mine.bitPattern == native.bitPattern, "bits \(raw)")
            }
        }
    }
    #endif

    @Test("format versions 2.0 and 3.0 use a 4-byte header length", arguments: [UInt8(2), 3])
    func laterVersions(version: UInt8) throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let bytes = TraceNpyBytes.float32File(values, shape: [3, 2], version: version)
        #expect(bytes[8...11] != [0, 0, 0, 0] && bytes[10] == 0 && bytes[11] == 0)
        let array = try NpyArray(path: try directory.write("v.npy", bytes))
        #expect(array.header.majorVersion == Int(version))
        #expect(array.header.dataOffset == 128)
        #expect(try array.decode(0..<6) == values)
    }

    @Test("wrong magic is rejected")
    func wrongMagic() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let bytes = TraceNpyBytes.file(
            header: TraceNpyBytes.dictionary(descr: "<f4", shape: [1, 1]), payload: [0, 0, 0, 0],
            magic: Array("PK\u{3}\u{4}ab".utf8))
        let path = try directory.write("zip.npy", bytes)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
        #expect(message == "\(path): not a NumPy .npy file (starts with \"PK\\x3\\x4ab\", expected \"\\x93NUMPY\")")
    }

    @Test("empty file and unsupported version are rejected")
    func tooShortAndVersion() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let empty = try directory.write("empty.npy", [])
        #expect(
            traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: empty) }
                == "\(empty): not a NumPy .npy file (only 0 bytes, too short for the header)")
        var bytes = TraceNpyBytes.float32File([1], shape: [1, 1])
        bytes[6] = 4
        let future = try directory.write("v4.npy", bytes)
        #expect(
            traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: future) }
                == "\(future): .npy format version 4.0 is not supported; accepted: 1.0, 2.0, 3.0")
    }

    @Test(
        "unsupported dtypes are named with what is accepted",
        arguments: [
            ("<f8", "little-endian float64"), (">f4", "big-endian float32"), ("<i4", "little-endian int32"),
            ("|f4", "byte order not stated, float32"), ("=f2", "native-order float16"), ("|u1", "uint8"),
        ])
    func unsupportedDType(descr: String, described: String) throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let bytes = TraceNpyBytes.file(
            header: TraceNpyBytes.dictionary(descr: descr, shape: [2, 2]), payload: [UInt8](repeating: 0, count: 64))
        let path = try directory.write("d.npy", bytes)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
        #expect(
            message == "\(path): dtype '\(descr)' (\(described)) is not supported; "
                + "accepted: '<f4' (little-endian float32), '<f2' (little-endian float16)")
    }

    @Test("structured dtype is rejected")
    func structuredDType() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let header = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 2), }"
        let path = try directory.write("s.npy", TraceNpyBytes.file(header: header, payload: []))
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
        #expect(message?.hasPrefix("\(path): dtype (('a', '<f4')) is a structured dtype, not supported") == true)
    }

    @Test("Fortran order is rejected")
    func fortranOrder() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let bytes = TraceNpyBytes.file(
            header: TraceNpyBytes.dictionary(descr: "<f4", fortranOrder: true, shape: [2, 2]),
            payload: TraceNpyBytes.float32([1, 2, 3, 4]))
        let path = try directory.write("f.npy", bytes)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
        #expect(
            message == "\(path): array is stored in Fortran (column-major) order; "
                + "only C order is supported (save it with np.ascontiguousarray)")
    }

    @Test("truncated data and truncated header are detected")
    func truncated() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let full = TraceNpyBytes.float32File([Float](repeating: 1, count: 32), shape: [2, 4, 4])
        let path = try directory.write("t.npy", Array(full.dropLast(5)))
        #expect(
            traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
                == "\(path): data is truncated: shape [2, 4, 4] of '<f4' needs 128 bytes after the 128-byte header, "
                + "the file has 123")
        let headerCut = try directory.write("h.npy", Array(full.prefix(40)))
        #expect(
            traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: headerCut) }
                == "\(headerCut): truncated .npy header (header says 118 bytes after byte 10, file is 40 bytes)")
    }

    @Test("malformed header dictionaries are rejected")
    func malformedHeader() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let cases: [(String, String)] = [
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2) ", "malformed .npy header: expected ',' or '}'"),
            ("{'descr': '<f4', 'fortran_order': False}", ".npy header has no 'shape'"),
            ("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 2)}", ".npy header 'fortran_order' is 0, expected True or False"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -2)}", ".npy header 'shape' is (2, -2), expected non-negative integers"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), } junk", "malformed .npy header: unexpected text after the dictionary"),
        ]
        for (index, (header, expected)) in cases.enumerated() {
            let path = try directory.write("m\(index).npy", TraceNpyBytes.file(header: header, payload: []))
            let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
            #expect(message?.hasPrefix("\(path): \(expected)") == true, "\(message ?? "no error")")
        }
    }

    @Test("Python 2 long suffix and double quotes in the header are accepted")
    func python2Header() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let header = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1L, 2L)}"
        let path = try directory.write("p2.npy", TraceNpyBytes.file(header: header, payload: TraceNpyBytes.float32([7, 8])))
        let array = try NpyArray(path: path)
        #expect(array.shape == [1, 2])
        #expect(try array.decode(0..<2) == [7, 8])
    }

    @Test("missing file and directory are reported")
    func missingFile() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("nope.npy").path
        #expect(traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) } == "\(path): no such file")
        let dir = directory.url.path
        #expect(
            traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: dir) }
                == "\(dir): is a directory, not a .npy file")
    }
}
