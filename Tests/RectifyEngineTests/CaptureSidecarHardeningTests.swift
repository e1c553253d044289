import Foundation
import Testing

@testable import RectifyEngine

/// Sidecars written by a broken or hostile writer (issue 12): every number is bounded before
/// anything is sized by it, and a sidecar that cannot be read says why.
@Suite("Capture: sidecar bounds and read failures")
struct CaptureSidecarHardeningTests {
    /// A one-rank capture with step 0 written, and a follower that has routed it.
    static func followerPastFirstStep(_ fixture: CaptureFixture) throws -> FollowSource? {
        try fixture.writeStep(0, ranks: [CaptureFixture.logits(step: 0, rank: 0, tokens: 2, experts: 4)], experts: 4, writtenAt: 100)
        guard case .ready(let source) = FollowSource.open(path: fixture.path, layer: nil) else {
            Issue.record("the capture should be ready")
            return nil
        }
        _ = try source.nextBatch()
        return source
    }

    /// A valid capture sidecar's text with `key` set to `value` (JSON text).
    static func sidecarText(_ key: String, _ value: String) -> String {
        var fields = CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 1, tokens: 2, experts: 4)
        fields[key] = nil
        let body = fields.keys.sorted().map { name -> String in
            let json = try? JSONSerialization.data(withJSONObject: fields[name] as Any, options: [.fragmentsAllowed])
            return "\"\(name)\": " + String(decoding: json ?? Data(), as: UTF8.self)
        }
        return "{" + (body + ["\"\(key)\": \(value)"]).joined(separator: ", ") + "}"
    }

    /// (key, value, the error after "path: ").
    static let bounds: [(String, String, String)] = [
        ("worldSize", "4611686018427387904", "sidecar key 'worldSize' is 4611686018427387904, expected an integer from 1 to 4096"),
        ("worldSize", "4097", "sidecar key 'worldSize' is 4097, expected an integer from 1 to 4096"),
        ("rank", "-1", "sidecar key 'rank' is -1, expected an integer >= 0"),
        ("tokens", "67108865", "sidecar key 'tokens' is 67108865, expected an integer from 1 to 67108864"),
        ("tokens", "99999999999999999999999", "sidecar key 'tokens' is 99999999999999999999999, expected an integer from 1 to 67108864"),
        ("experts", "16385", "sidecar key 'experts' is 16385, expected an integer from 1 to 16384"),
        ("topK", "65", "sidecar key 'topK' is 65, expected an integer from 1 to 64"),
        ("topK", "5", "sidecar key 'topK' is 5, expected 1 to 4 (at most experts, 4)"),
        ("step", "9007199254740992", "sidecar key 'step' is 9007199254740992, expected an integer from 0 to 9007199254740991"),
        ("layer", "65536", "sidecar key 'layer' is 65536, expected an integer from 0 to 65535"),
        ("gpus", "1e9", "sidecar key 'gpus' is 1e9, expected an integer from 1 to 4096"),
    ]

    @Test("capture sidecar numbers outside the engine's limits are one-line errors", arguments: 0..<bounds.count)
    func captureBounds(index: Int) {
        let (key, value, expected) = Self.bounds[index]
        let message = workloadMessage { _ = try CaptureSidecar(text: Self.sidecarText(key, value), path: "s.json") }
        #expect(message == "s.json: \(expected)")
    }

    @Test("tokens x worldSize beyond a step's token limit is refused")
    func stepTokens() {
        var text = Self.sidecarText("tokens", "67108864")
        text = text.replacingOccurrences(of: "\"worldSize\": 1", with: "\"worldSize\": 2")
        #expect(workloadMessage { _ = try CaptureSidecar(text: text, path: "s.json") }
                == "s.json: sidecar keys 'tokens' (67108864) x 'worldSize' (2) make 134217728 tokens per step, expected at most 67108864")
    }

    @Test("a single trace's sidecar is bounded the same way")
    func traceSidecarBounds() throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        for (key, value, allowed) in [("gpus", "4611686018427387904", "1 to 4096"), ("topK", "100", "1 to 64"),
                                      ("tokens", "0", "1 to 67108864"), ("experts", "20000", "1 to 16384")] {
            let path = try folder.write("t.json", Array("{\"\(key)\": \(value)}".utf8))
            #expect(workloadMessage { _ = try TraceSidecar(path: path) }
                    == "\(path): sidecar key '\(key)' is \(value), expected an integer from \(allowed)")
        }
    }

    @Test("a capture with a 2^62 world size is refused at once, not allocated")
    func hugeWorldSizeCapture() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        var sidecar = CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 1, tokens: 2, experts: 4)
        sidecar["worldSize"] = 4_611_686_018_427_387_904
        try fixture.writeShard([Float](repeating: 0, count: 8), experts: 4, sidecar: sidecar)
        let path = fixture.folder(layer: 0) + "/step-00000000.rank-00000.json"
        #expect(workloadMessage { _ = try CaptureSource(path: fixture.path) }
                == "\(path): sidecar key 'worldSize' is 4611686018427387904, expected an integer from 1 to 4096")
    }

    @Test("a sidecar that cannot be read says why: missing, not a file, not UTF-8, too large")
    func readFailures() throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let missing = folder.url.appendingPathComponent("missing.json").path
        #expect(workloadMessage { _ = try CaptureSidecar(path: missing) } == "\(missing): cannot read the sidecar: no such file")
        let directory = folder.url.path
        #expect(workloadMessage { _ = try TraceSidecar(path: directory) }
                == "\(directory): cannot read the sidecar: is a directory, not a regular file")
        let latin1 = try folder.write("latin1.json", Array("{\"session\": \"caf".utf8) + [0xE9] + Array("\"}".utf8))
        #expect(workloadMessage { _ = try CaptureSidecar(path: latin1) }
                == "\(latin1): cannot read the sidecar: not UTF-8 (byte 0xE9 at offset 16)")
        let large = try folder.write("large.json", Array("{}".utf8) + [UInt8](repeating: 0x20, count: 1 << 20))
        #expect(workloadMessage { _ = try TraceSidecar(path: large) }
                == "\(large): cannot read the sidecar: it is 1048578 bytes, more than the 1048576 a sidecar may have")
        let invalid = try folder.write("invalid.json", Array("{\n  \"topK\": 2,\n}".utf8))
        #expect(workloadMessage { _ = try TraceSidecar(path: invalid) }?.hasPrefix("\(invalid): invalid JSON at line 3, column 1") == true)
    }

    @Test("following: a sidecar with a 2^62 world size is a rejected step and the follower goes on")
    func hugeWorldSizeFollowed() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        guard let source = try Self.followerPastFirstStep(fixture) else { return }
        var sidecar = CaptureFixture.sidecar(step: 1, rank: 0, worldSize: 1, tokens: 2, experts: 4, writtenAt: 101)
        sidecar["worldSize"] = 4_611_686_018_427_387_904
        try fixture.writeShard([Float](repeating: 0, count: 8), experts: 4, sidecar: sidecar)
        #expect(try source.nextBatch() == nil)
        #expect(source.status.rejected == 1)
        #expect(source.status.problem?.hasSuffix("sidecar key 'worldSize' is 4611686018427387904, expected an integer from 1 to 4096") == true)
        try fixture.writeStep(2, ranks: [CaptureFixture.logits(step: 2, rank: 0, tokens: 2, experts: 4)], experts: 4, writtenAt: 102)
        #expect(try source.nextBatch() != nil)
        #expect(source.status.lastStep == 2)
    }

    @Test("following: a shard with bytes after its data is a rejected step, not garbage")
    func trailingBytesFollowed() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        guard let source = try Self.followerPastFirstStep(fixture) else { return }
        try fixture.writeStep(1, ranks: [CaptureFixture.logits(step: 1, rank: 0, tokens: 2, experts: 4)], experts: 4, writtenAt: 101)
        let npy = fixture.folder(layer: 0) + "/step-00000001.rank-00000.npy"
        let handle = try #require(FileHandle(forWritingAtPath: npy))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1, 2, 3]))
        try handle.close()
        #expect(try source.nextBatch() == nil)
        #expect(source.status.rejected == 1)
        #expect(source.status.problem?.hasPrefix("\(npy): 3 bytes after the data") == true, "\(source.status.problem ?? "none")")
    }
}
