import Foundation
import Testing

@testable import RectifyEngine

@Suite("Trace: TraceSource")
struct TraceSourceTests {
    /// `[steps, tokens, experts]` values that say where they are: step*100 + token*10 + expert.
    static func positional(steps: Int, tokens: Int, experts: Int) -> [Float] {
        var values: [Float] = []
        for step in 0..<steps {
            for token in 0..<tokens {
                for expert in 0..<experts { values.append(Float(step * 100 + token * 10 + expert)) }
            }
        }
        return values
    }

    @Test("3-D float32 steps come back exactly and in order, then nil without loop")
    func threeDNoLoop() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let values = Self.positional(steps: 3, tokens: 4, experts: 2)
        let path = try directory.write("trace.npy", TraceNpyBytes.float32File(values, shape: [3, 4, 2]))
        let source = try TraceSource(path: path, expectedTokens: 4, expectedExperts: 2, loop: false)
        #expect((source.steps, source.tokens, source.experts) == (3, 4, 2))
        #expect(source.dtype == .float32)
        #expect(source.label == "trace \(path) (3 steps)")
        for step in 0..<3 {
            let batch = try #require(try source.nextBatch())
            #expect(batch.step == step)
            #expect((batch.tokens, batch.experts) == (4, 2))
            #expect(batch.logits == Array(values[(step * 8)..<((step + 1) * 8)]))
            #expect(batch.hidden == nil)
        }
        #expect(try source.nextBatch() == nil)
        #expect(try source.nextBatch() == nil)
        source.rewind()
        #expect(try source.nextBatch()?.step == 0)
    }

    @Test("looping wraps to the first step while step numbers keep counting; rewind restarts")
    func looping() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let values = Self.positional(steps: 2, tokens: 2, experts: 3)
        let path = try directory.write("loop.npy", TraceNpyBytes.float32File(values, shape: [2, 2, 3]))
        let source = try TraceSource(path: path, loop: true)
        #expect(source.label == "trace \(path) (2 steps, loop)")
        var seen: [(Int, Float)] = []
        for _ in 0..<5 {
            let batch = try #require(try source.nextBatch())
            seen.append((batch.step, batch.logits[0]))
        }
        #expect(seen.map(\.0) == [0, 1, 2, 3, 4])
        #expect(seen.map(\.1) == [0, 100, 0, 100, 0])
        source.rewind()
        let first = try #require(try source.nextBatch())
        #expect(first.step == 0 && first.logits == Array(values[0..<6]))
    }

    @Test("a 2-D file is one step")
    func twoD() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let values = Self.positional(steps: 1, tokens: 3, experts: 4)
        let path = try directory.write("one.npy", TraceNpyBytes.float32File(values, shape: [3, 4]))
        let source = try TraceSource(path: path, expectedTokens: 3, expectedExperts: 4)
        #expect(source.steps == 1 && source.label == "trace \(path) (1 step)")
        let batch = try #require(try source.nextBatch())
        #expect(batch.logits == values)
        #expect(batch.row(2) == [20, 21, 22, 23])
        #expect(try source.nextBatch() == nil)
    }

    @Test("shape mismatch with the configuration names the file and both numbers")
    func shapeMismatch() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "trace.npy", TraceNpyBytes.float32File([Float](repeating: 0, count: 3 * 64 * 8), shape: [3, 64, 8]))
        func message(_ tokens: Int?, _ experts: Int?) -> String? {
            traceErrorMessage { () throws(WorkloadError) in
                _ = try TraceSource(path: path, expectedTokens: tokens, expectedExperts: experts, loop: false)
            }
        }
        #expect(message(64, 16) == "\(path): shape [3, 64, 8] has 8 experts, the configuration has 16")
        #expect(message(32, nil) == "\(path): shape [3, 64, 8] has 64 tokens per step, the configuration has 32")
        #expect(
            message(32, 16) == "\(path): shape [3, 64, 8] has 64 tokens per step and 8 experts, the configuration has 32 and 16")
        #expect(message(nil, nil) == nil)
    }

    @Test("1-D, 4-D and empty shapes are rejected", arguments: [[6], [1, 2, 3, 1], [0, 2, 3], [2, 0]])
    func badRank(shape: [Int]) throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let count = shape.reduce(1, *)
        let path = try directory.write(
            "r.npy", TraceNpyBytes.float32File([Float](repeating: 0, count: count), shape: shape))
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try TraceSource(path: path) }
        switch shape.count {
        case 1, 4:
            #expect(
                message == "\(path): shape \(shape) has \(shape.count) dimensions; "
                    + "expected [tokens, experts] or [steps, tokens, experts]")
        default:
            let what = shape.count == 3 ? "steps" : "experts"
            #expect(message == "\(path): shape \(shape) has no \(what)")
        }
    }

    @Test(
        "NaN and infinities are rejected with the step, token and expert",
        arguments: [(Float.nan, "NaN"), (Float.infinity, "+Inf"), (-Float.infinity, "-Inf")])
    func nonFinite(bad: Float, name: String) throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        var values = Self.positional(steps: 3, tokens: 20, experts: 4)
        values[2 * 80 + 17 * 4 + 3] = bad
        let path = try directory.write("trace.npy", TraceNpyBytes.float32File(values, shape: [3, 20, 4]))
        let source = try TraceSource(path: path, loop: true)
        _ = try source.nextBatch()
        _ = try source.nextBatch()
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try source.nextBatch() }
        #expect(message == "\(path): step 2, token 17, expert 3: logit is \(name); finite values required")
    }

    @Test("float16 infinity in a trace is rejected too")
    func float16Infinity() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let file = TraceNpyBytes.file(
            header: TraceNpyBytes.dictionary(descr: "<f2", shape: [2, 2]),
            payload: TraceNpyBytes.float16(bits: [0x3C00, 0x3C00, 0x7C00, 0x3C00]))
        let path = try directory.write("h.npy", file)
        let source = try TraceSource(path: path)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try source.nextBatch() }
        #expect(message == "\(path): step 0, token 1, expert 0: logit is +Inf; finite values required")
    }

    @Test("a missing file is reported with its path")
    func missing() throws {
        let message = traceErrorMessage { () throws(WorkloadError) in
            _ = try TraceSource(path: "no/such/trace.npy", expectedTokens: 4, expectedExperts: 2, loop: false)
        }
        #expect(message == "no/such/trace.npy: no such file")
    }

    @Test("works through the BatchSource protocol")
    func asBatchSource() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("p.npy", TraceNpyBytes.float32File([1, 2, 3, 4], shape: [2, 1, 2]))
        let source: any BatchSource = try TraceSource(path: path)
        #expect(source.tokens == 1 && source.experts == 2)
        #expect(try source.nextBatch()?.logits == [1, 2])
        #expect(try source.nextBatch()?.logits == [3, 4])
        #expect(try source.nextBatch() == nil)
    }
}
