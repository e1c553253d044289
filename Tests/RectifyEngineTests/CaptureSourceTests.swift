import Foundation
import Testing

@testable import RectifyEngine

/// Replaying a capture folder: sidecars checked, ranks merged GPU-major, steps in order.
@Suite("Capture replay")
struct CaptureSourceTests {
    @Test("two ranks merge GPU-major, steps replay in step order, top-k and world size come from the sidecars")
    func mergesRanks() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        // Written out of order: the reader orders by step number, not by file time.
        for step in [20, 0, 10] {
            try fixture.writeStep(step, ranks: (0..<2).map { CaptureFixture.logits(step: step, rank: $0, tokens: 6, experts: 4) },
                                  experts: 4, topK: 3)
        }
        let source = try CaptureSource(path: fixture.path)
        #expect(source.steps.map(\.step) == [0, 10, 20])
        #expect(source.tokens == 12 && source.experts == 4 && source.topK == 3 && source.worldSize == 2)
        #expect(source.tokensPerRank == 6)
        #expect(source.layerName == "blocks.0.moe.gate")
        for (index, step) in [0, 10, 20].enumerated() {
            let batch = try #require(try source.nextBatch())
            #expect(batch.step == index)
            let expected = CaptureFixture.logits(step: step, rank: 0, tokens: 6, experts: 4)
                + CaptureFixture.logits(step: step, rank: 1, tokens: 6, experts: 4)
            #expect(batch.logits == expected)
        }
        #expect(try source.nextBatch() == nil)
        source.rewind()
        #expect(try source.nextBatch()?.logits.count == 48)
    }

    @Test("a looping replay wraps; the batch step keeps counting")
    func loops() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try fixture.writeStep(0, ranks: [CaptureFixture.logits(step: 0, rank: 0, tokens: 4, experts: 2)], experts: 2, topK: 1)
        let source = try CaptureSource(path: fixture.path, loop: true)
        let steps = try (0..<3).map { _ in try #require(try source.nextBatch()).step }
        #expect(steps == [0, 1, 2])
    }

    @Test("an incomplete step (a rank missing) is left out and listed")
    func incompleteStep() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try fixture.writeStep(0, ranks: [[Float](repeating: 0, count: 8), [Float](repeating: 1, count: 8)], experts: 4)
        try fixture.writeShard([Float](repeating: 2, count: 8), experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 1, rank: 0, worldSize: 2, tokens: 2, experts: 4))
        let source = try CaptureSource(path: fixture.path)
        #expect(source.steps.map(\.step) == [0])
        #expect(source.skipped == [.incomplete(step: 1, missingRanks: [1])])
        #expect(source.skipped[0].description == "step 1 is missing rank 1")
    }

    @Test("layers are chosen by index or module name; an unknown layer lists the known ones")
    func layers() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        for layer in [0, 3] {
            try fixture.writeStep(0, ranks: [CaptureFixture.logits(step: layer, rank: 0, tokens: 4, experts: 2)], experts: 2,
                                  topK: 1, layer: layer)
        }
        #expect(try CaptureSource(path: fixture.path).layer.index == 0)
        #expect(try CaptureSource(path: fixture.path, layer: "3").layer.index == 3)
        let byName = try CaptureSource(path: fixture.path, layer: "blocks.3.moe.gate")
        #expect(byName.layer.index == 3)
        #expect(try byName.nextBatch()?.logits == CaptureFixture.logits(step: 3, rank: 0, tokens: 4, experts: 2))
        let message = workloadMessage { _ = try CaptureSource(path: fixture.path, layer: "7") }
        #expect(message == "\(fixture.path): no layer '7'; the capture has 0 (blocks.0.moe.gate), 3 (blocks.3.moe.gate)")
    }

    @Test("the configuration's shape is checked against the capture")
    func expectedShape() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try fixture.writeStep(0, ranks: [[Float](repeating: 0, count: 8), [Float](repeating: 0, count: 8)], experts: 4)
        let message = workloadMessage { _ = try CaptureSource(path: fixture.path, expectedTokens: 8, expectedExperts: 8) }
        #expect(message == "\(fixture.path): layer 0 has 4 tokens per step (2 ranks x 2), the configuration 8; 4 experts, the configuration 8")
    }

    @Test("steps of different shapes cannot be replayed together")
    func mixedShapes() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try fixture.writeStep(0, ranks: [[Float](repeating: 0, count: 8)], experts: 4)
        try fixture.writeStep(1, ranks: [[Float](repeating: 0, count: 12)], experts: 4)
        let message = workloadMessage { _ = try CaptureSource(path: fixture.path) }
        #expect(message?.hasSuffix("step 1 has 1 ranks x 3 tokens x 4 experts, step 0 has 1 x 2 x 4; a replay needs one shape") == true)
        #expect(message?.hasPrefix(fixture.folder(layer: 0) + "/step-00000001.rank-00000.json") == true)
    }

    @Test("ranks that disagree about the step are reported by file")
    func ranksDisagree() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try fixture.writeShard([Float](repeating: 0, count: 8), experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 2, tokens: 2, experts: 4))
        try fixture.writeShard([Float](repeating: 0, count: 12), experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 0, rank: 1, worldSize: 2, tokens: 3, experts: 4))
        let message = workloadMessage { _ = try CaptureSource(path: fixture.path) }
        #expect(message == "\(fixture.folder(layer: 0)): no complete step: \(fixture.folder(layer: 0))/step-00000000.rank-00001.json: "
                + "sidecar key 'tokens' is 3 but \(fixture.folder(layer: 0))/step-00000000.rank-00000.json says 2; every rank of a step must agree")
    }

    /// (key, new value as JSON text or nil to remove it, the error after the file name).
    static let sidecarBreaks: [(String, String?, String)] = [
        ("session", nil, "sidecar key 'session' is missing"),
        ("topK", nil, "sidecar key 'topK' is missing"),
        ("writtenAt", nil, "sidecar key 'writtenAt' is missing"),
        ("format", "\"other\"", "sidecar key 'format' is \"other\", expected \"rectify-capture\""),
        ("version", "2", "sidecar key 'version' is 2; this rectify reads version 1"),
        ("rank", "1", "sidecar key 'rank' is 1, expected 0 to 0 (worldSize 1)"),
        ("topK", "5", "sidecar key 'topK' is 5, expected 1 to 4 (at most experts, 4)"),
        ("dtype", "\"int8\"", "sidecar key 'dtype' is \"int8\", expected \"float32\" or \"float16\""),
        ("tokens", "\"two\"", "sidecar key 'tokens' is \"two\", expected an integer from 1 to 67108864"),
        ("tokenOrder", "\"random\"", "sidecar key 'tokenOrder' is \"random\", expected one of batch-major, sequence-major, flat"),
        ("file", "\"../x.npy\"", "sidecar key 'file' is \"../x.npy\", expected a file name in the sidecar's folder"),
        ("layer", "2", "sidecar key 'layer' is 2, but the file is in layer folder 0"),
    ]

    @Test("bad sidecars name the file and the key", arguments: 0..<sidecarBreaks.count)
    func badSidecar(index: Int) throws {
        let (key, value, expected) = Self.sidecarBreaks[index]
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        var sidecar = CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 1, tokens: 2, experts: 4)
        sidecar[key] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
        try fixture.writeShard([Float](repeating: 0, count: 8), experts: 4, sidecar: sidecar)
        let message = workloadMessage { _ = try CaptureSource(path: fixture.path) }
        let stem = CaptureFixture.stem(step: 0, rank: sidecar["rank"] as? Int ?? 0)
        #expect(message == "\(fixture.folder(layer: 0))/\(stem).json: \(expected)", "\(key)")
    }

    @Test("a .npy that does not match its sidecar, or holds NaN, is named with what is wrong")
    func badData() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        let npy = fixture.folder(layer: 0) + "/step-00000000.rank-00000.npy"
        try fixture.writeShard([Float](repeating: 0, count: 8), experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 1, tokens: 2, experts: 4),
                               npyShape: [4, 2])
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path) }
                == "\(npy): shape [4, 2] does not match its sidecar (tokens 2, experts 4)")
        var sidecar = CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 1, tokens: 2, experts: 4)
        sidecar["dtype"] = "float16"
        try fixture.writeShard([Float](repeating: 0, count: 8), experts: 4, sidecar: sidecar)
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path) }
                == "\(npy): dtype '<f4' does not match its sidecar's \"float16\"")
        var values = [Float](repeating: 0, count: 8)
        values[6] = .nan
        try fixture.writeShard(values, experts: 4, sidecar: CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 1, tokens: 2, experts: 4))
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path).nextBatch() }
                == "\(npy): token 1, expert 2: logit is NaN; finite values required (step 0, rank 0)")
        try FileManager.default.removeItem(atPath: npy)
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path) } == "\(npy): no such file")
    }

    @Test("a folder without layer folders is not a capture; temporary files are not sidecars")
    func notACapture() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try FileManager.default.createDirectory(atPath: fixture.path, withIntermediateDirectories: true)
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path) }
                == "\(fixture.path): no layer-NNN folders; not a capture (see docs/capture-format.md)")
        try FileManager.default.createDirectory(atPath: fixture.folder(layer: 0), withIntermediateDirectories: true)
        try Data("{".utf8).write(to: URL(fileURLWithPath: fixture.folder(layer: 0) + "/.step-00000000.rank-00000.json.tmp"))
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path) } == "\(fixture.folder(layer: 0)): no complete step: no sidecars")
    }

    @Test("a single trace's sidecar gives defaults and must describe the file")
    func traceSidecar() throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("t.json", Array(#"{"topK": 2, "gpus": 4, "experts": 8}"#.utf8))
        let sidecar = try TraceSidecar(path: path)
        #expect(sidecar.topK == 2 && sidecar.gpus == 4 && sidecar.tokens == nil)
        try sidecar.check(tokens: 16, experts: 8, dtype: .float32)
        #expect(workloadMessage { try sidecar.check(tokens: 16, experts: 6, dtype: .float32) }
                == "\(path): sidecar key 'experts' is 8, the trace has 6")
        #expect(CaptureSidecar.path(besideTrace: "/a/b/t.npy") == "/a/b/t.json")
        let bad = try folder.write("u.json", Array(#"{"topK": 0}"#.utf8))
        #expect(workloadMessage { _ = try TraceSidecar(path: bad) } == "\(bad): sidecar key 'topK' is 0, expected an integer from 1 to 64")
    }
}
