import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile trace and capture inputs through the real binary (issue 12): exit 2 at start or 1
/// mid-run, one line on stderr, never a signal.
@Suite("rectify as a process: hostile trace inputs")
struct HostileTraceProcessTests {
    /// A one-rank capture of `[2, 4]` logits whose sidecar says `worldSize` is `worldSize`.
    static func capture(in root: String, worldSize: String) throws -> String {
        let folder = root + "/capture/layer-000"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try RectifyProcess.npy([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4]).write(to: URL(fileURLWithPath: folder + "/s.npy"))
        let sidecar = """
            {"format": "rectify-capture", "version": 1, "session": "s", "step": 0, "layer": 0, "layerName": "g", "rank": 0,
             "worldSize": \(worldSize), "tokens": 2, "experts": 4, "topK": 2, "dtype": "float32", "tokenOrder": "flat",
             "file": "s.npy", "writtenAt": 1}
            """
        try Data(sidecar.utf8).write(to: URL(fileURLWithPath: folder + "/s.json"))
        return root + "/capture"
    }

    @Test("a sidecar with worldSize 2^62: --trace exits 2, --follow waits and gives up with exit 1, one line each")
    func hugeWorldSize() async throws {
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let capture = try Self.capture(in: root, worldSize: "4611686018427387904")
        let replay = try await RectifyProcess.run(["run", "--trace", capture])
        expectCleanFailure(replay, status: 2)
        #expect(replay.standardError.contains("s.json: sidecar key 'worldSize' is 4611686018427387904, expected an integer from 1 to 4096"))
        let follow = try await RectifyProcess.run(["run", "--follow", capture, "--idle-timeout", "0.3"])
        #expect(follow.exitCode == 1, "\(follow)")
        #expect(follow.standardError.contains("sidecar key 'worldSize' is 4611686018427387904"), "\(follow)")
    }

    @Test("devices, FIFOs, missing folders with --layer and mutated files: exit 2 and one line", arguments: 0..<6)
    func badInputs(index: Int) async throws {
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let good = RectifyProcess.npy((0..<32).map(Float.init), shape: [2, 4, 4])
        let arguments: [String]
        let expected: String
        switch index {
        case 0:
            (arguments, expected) = (["--trace", "/dev/zero"], "/dev/zero: is a character device, not a .npy file")
        case 1:
            let fifo = root + "/pipe.npy"
            #expect(mkfifo(fifo, 0o644) == 0)
            (arguments, expected) = (["--trace", fifo], "\(fifo): is a named pipe (FIFO), not a .npy file")
        case 2:
            (arguments, expected) = (["--trace", root + "/none", "--layer", "0"], "\(root)/none: no such capture folder")
        case 3:
            let path = root + "/long.npy"
            try (good + Data([0, 0, 0])).write(to: URL(fileURLWithPath: path))
            (arguments, expected) = (["--trace", path, "--gpus", "2"], "\(path): 3 bytes after the data")
        default:
            // Seeded truncations: never a whole array, so always an error.
            let path = root + "/cut.npy"
            let length = [good.count - 1, 70][index - 4]
            try good.prefix(length).write(to: URL(fileURLWithPath: path))
            (arguments, expected) = (["--trace", path, "--gpus", "2"], "\(path): ")
        }
        let result = try await RectifyProcess.run(["run"] + arguments)
        expectCleanFailure(result, status: 2)
        #expect(result.standardError.hasPrefix("rectify: " + expected), "\(result)")
    }

    @Test("a trace truncated while it is replayed ends with a one-line error, not SIGBUS")
    func truncatedWhileRunning() async throws {
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/t.npy"
        try RectifyProcess.npy((0..<(64 * 32)).map { Float($0 % 7) }, shape: [64, 8, 4]).write(to: URL(fileURLWithPath: path))
        let run = Task { try await RectifyProcess.run(["run", "--trace", path, "--gpus", "2", "--loop", "--steps", "1000000"]) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(truncate(path, 200) == 0)
        let result = try await run.value
        #expect(result.signal == nil, "\(result)")
        // Exit 1 mid-run (the usual case); 2 if the truncation came before the file was opened.
        expectCleanFailure(result, status: result.exitCode == 2 ? 2 : 1)
        #expect(result.standardError.hasPrefix("rectify: \(path): "), "\(result)")
    }
}
