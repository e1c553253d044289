import Foundation
import Testing

@testable import RectifyEngine

/// Seeded mutations of valid `.npy` files and sidecars (issue 12): each case must be a clean
/// thrown error or a valid parse, never a trap. A fixed number of cases, so the time is bounded.
@Suite("Trace and capture readers: fuzzed inputs")
struct TraceFuzzTests {
    static let hugeNumbers = ["4611686018427387904", "9223372036854775807", "9223372036854775808", "-1", "0",
                              "99999999999999999999999999", "1e308", "-0", "65536", "4097", "1.5"]
    static let wrongTypes = ["\"x\"", "[]", "{}", "null", "true", "[1, 2]", "\"\"", "(1,)", "None", "'<f4'"]

    /// One mutation of `bytes`: truncation, byte flips, a number made huge, or a value of the wrong type.
    static func mutate(_ bytes: [UInt8], _ random: inout RandomStream) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            out = Array(out.prefix(Int.random(in: 0...out.count, using: &random)))
        case 1:
            for _ in 0..<Int.random(in: 1...4, using: &random) where !out.isEmpty {
                out[Int.random(in: 0..<out.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
        case 2, 3:
            // Replace one run of digits (or one value after a ':') with a huge number or a wrong type.
            let pool = Int.random(in: 2...3, using: &random) == 2 ? hugeNumbers : wrongTypes
            let replacement = Array((pool.randomElement(using: &random) ?? "0").utf8)
            let digits = out.indices.filter { (0x30...0x39).contains(out[$0]) }
            guard let start = digits.randomElement(using: &random) else { break }
            var end = start
            while end < out.count, (0x30...0x39).contains(out[end]) { end += 1 }
            out.replaceSubrange(start..<end, with: replacement)
        default:
            out += (0..<Int.random(in: 1...9, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return out
    }

    /// Valid `.npy` files to start from: 2-D and 3-D, float32 and float16, versions 1 to 3.
    static let npyFixtures: [[UInt8]] = [
        TraceNpyBytes.float32File([1, 2, 3, 4, 5, 6], shape: [3, 2]),
        TraceNpyBytes.float32File((0..<24).map(Float.init), shape: [2, 3, 4], version: 2),
        TraceNpyBytes.file(header: TraceNpyBytes.dictionary(descr: "<f2", shape: [2, 2]),
                           payload: TraceNpyBytes.float16(bits: [0x3C00, 0x4000, 0xC000, 0x0001]), version: 3),
    ]

    @Test("mutated .npy files are clean errors or valid arrays, in memory and through the trace reader")
    func npyMutations() throws {
        var random = RandomStream(seed: 12)
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        var errors = 0, parsed = 0
        for index in 0..<300 {
            let fixture = Self.npyFixtures[index % Self.npyFixtures.count]
            let bytes = Self.mutate(fixture, &random)
            do throws(WorkloadError) {
                let array = try NpyArray(data: Data(bytes), path: "case-\(index).npy")
                _ = try array.decode(0..<array.count)
                parsed += 1
            } catch {
                #expect(error.message.hasPrefix("case-\(index).npy: "), "\(error.message)")
                #expect(!error.message.contains("\n"))
                errors += 1
            }
            // Every fifth case also through a file and a whole replay.
            guard index % 5 == 0 else { continue }
            let path = try directory.write("case.npy", bytes)
            do throws(WorkloadError) {
                let source = try TraceSource(path: path)
                while try source.nextBatch() != nil {}
            } catch {
                #expect(error.message.hasPrefix(path + ": "), "\(error.message)")
            }
        }
        #expect(errors > 0 && parsed > 0, "the mutations should hit both: \(errors) errors, \(parsed) parses")
    }

    @Test("mutated sidecars are clean errors or valid sidecars, and valid ones assemble into steps")
    func sidecarMutations() throws {
        var random = RandomStream(seed: 34)
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let fields = CaptureFixture.sidecar(step: 3, rank: 1, worldSize: 2, tokens: 2, experts: 4)
        let base = Array(try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
        let traceBase = Array(#"{"topK": 2, "gpus": 4, "experts": 8, "tokens": 16, "dtype": "float32"}"#.utf8)
        var errors = 0, parsed = 0
        for index in 0..<300 {
            let bytes = Self.mutate(index % 3 == 0 ? traceBase : base, &random)
            let text = String(decoding: bytes, as: UTF8.self)
            do throws(WorkloadError) {
                let sidecar = try CaptureSidecar(text: text, path: "case-\(index).json")
                _ = CaptureSteps([sidecar])
                parsed += 1
            } catch {
                #expect(error.message.hasPrefix("case-\(index).json: ") && !error.message.contains("\n"), "\(error.message)")
                errors += 1
            }
            let path = try directory.write("case.json", bytes)
            do throws(WorkloadError) {
                let sidecar = try TraceSidecar(path: path)
                try sidecar.check(tokens: 16, experts: 8, dtype: .float32)
            } catch {
                #expect(error.message.hasPrefix(path + ": ") && !error.message.contains("\n"), "\(error.message)")
            }
        }
        #expect(errors > 0 && parsed > 0, "the mutations should hit both: \(errors) errors, \(parsed) parses")
    }
}
