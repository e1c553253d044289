import Foundation
import Testing

@testable import RectifyEngine

/// Files written by NumPy itself (2.4.6, Python 3), embedded as base64 so the tests need no
/// Python or SwiftPM resources. Made with:
///
///     a = np.arange(32, dtype=np.float32).reshape(2, 4, 4) * 0.25 - 3.0
///     np.save(f, a)                                            # float32Steps
///     b = np.array([[1.0, -2.0, 0.5, 65504.0],
///                   [2.0**-24, -0.0, 0.1, 3.140625],
///                   [-(2.0**-24) * 1023, 2.0**-14, -65504.0, 0.333251953125],
///                   [1024.0, -0.5, 2.0**-20, 7.0]], dtype=np.float16)
///     np.save(f, b)                                            # float16Tokens
///     c = np.array([[1.5, -2.25, 4.0], [0.0, 8.0, -0.125]], dtype=np.float32)
///     np.lib.format.write_array(f, c, version=(2, 0))          # float32Version2
///     np.lib.format.write_array(f, c, version=(3, 0))          # float32Version3
///
/// then `base64.b64encode(f.getvalue())`.
@Suite("Trace: files written by NumPy")
struct TraceNumpyFixtureTests {
    static let float32Steps =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDQsIDQpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAEDAAAAwwAAAIMAAABDAAAAAwAAA4L8AAMC/AACgvwAAgL8AAEC/AAAAvwAAgL4AAAAAAACAPgAAAD8AAEA/AACAPwAAoD8AAMA/AADgPwAAAEAAABBAAAAgQAAAMEAAAEBAAABQQAAAYEAAAHBAAACAQAAAiEAAAJBAAACYQA=="
    static let float16Tokens =
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsIDQpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPADAADj/ewEAAIBmLkhC/4MABP/7VTUAZAC4EAAARw=="
    static let float32Version2 =
        "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwAAAgEAAAAAAAAAAQQAAAL4="
    static let float32Version3 =
        "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwAAAgEAAAAAAAAAAQQAAAL4="

    func write(_ base64: String, as name: String, in directory: TraceTemporaryDirectory) throws -> String {
        let data = try #require(Data(base64Encoded: base64))
        return try directory.write(name, Array(data))
    }

    @Test("NumPy float32 [2, 4, 4] replays as two steps")
    func float32Steps() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try write(Self.float32Steps, as: "steps.npy", in: directory)
        let source = try TraceSource(path: path, expectedTokens: 4, expectedExperts: 4, loop: false)
        #expect(source.steps == 2 && source.dtype == .float32)
        let expected = (0..<32).map { Float($0) * 0.25 - 3 }
        #expect(try source.nextBatch()?.logits == Array(expected[0..<16]))
        #expect(try source.nextBatch()?.logits == Array(expected[16..<32]))
        #expect(try source.nextBatch() == nil)
    }

    @Test("NumPy float16 [4, 4] converts exactly")
    func float16Tokens() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try write(Self.float16Tokens, as: "half.npy", in: directory)
        let source = try TraceSource(path: path, expectedTokens: 4, expectedExperts: 4)
        #expect(source.steps == 1 && source.dtype == .float16)
        let expected: [Float] = [
            1, -2, 0.5, 65504,
            0x1p-24, -0.0, 0.0999755859375, 3.140625,
            -1023 * 0x1p-24, 0x1p-14, -65504, 0.333251953125,
            1024, -0.5, 0x1p-20, 7,
        ]
        let batch = try #require(try source.nextBatch())
        #expect(batch.logits.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test("NumPy format versions 2.0 and 3.0", arguments: [2, 3])
    func laterVersions(version: Int) throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try write(version == 2 ? Self.float32Version2 : Self.float32Version3, as: "v.npy", in: directory)
        let array = try NpyArray(path: path)
        #expect(array.header.majorVersion == version && array.shape == [2, 3])
        #expect(try array.decode(0..<6) == [1.5, -2.25, 4, 0, 8, -0.125])
    }
}
