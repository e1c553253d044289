import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `rectify run --trace DIR` and `--follow DIR` on capture folders.
@Suite("rectify run: captures")
struct RunCaptureTests {
    /// A fresh folder with a two-rank capture of `steps` steps (6 tokens per rank, 4 experts, top-3).
    final class Capture: @unchecked Sendable {  // the writer thread only calls write(step:), which touches files
        let root: URL
        var path: String { root.path + "/capture" }
        var layerFolder: String { path + "/layer-000" }

        init(steps: Int, writtenAt: Double = 1_000) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-capture-\(UUID().uuidString)")
            for step in 0..<steps { try write(step: step, writtenAt: writtenAt + Double(step)) }
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        static func logits(step: Int, rank: Int) -> [Float] {
            (0..<24).map { index in Float((index * 7 + step * 5 + rank * 3 + (index % 4) * (rank + 1)) % 17) * 0.3 }
        }

        func write(step: Int, writtenAt: Double, session: String = "s1") throws {
            try FileManager.default.createDirectory(atPath: layerFolder, withIntermediateDirectories: true)
            for rank in 0..<2 {
                let stem = "step-" + String(format: "%08d", step) + ".rank-" + String(format: "%05d", rank)
                try atomically(Data(CaptureNpy.float32(Self.logits(step: step, rank: rank), shape: [6, 4])), to: stem + ".npy")
                let sidecar: [String: Any] = [
                    "format": "rectify-capture", "version": 1, "session": session, "step": step, "layer": 0,
                    "layerName": "blocks.0.moe.gate", "rank": rank, "worldSize": 2, "tokens": 6, "experts": 4, "topK": 3,
                    "dtype": "float32", "tokenOrder": "batch-major", "file": stem + ".npy", "writtenAt": writtenAt,
                ]
                try atomically(try JSONSerialization.data(withJSONObject: sidecar), to: stem + ".json")
            }
        }

        private func atomically(_ data: Data, to name: String) throws {
            let temporary = layerFolder + "/." + name + ".tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, layerFolder + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }

        /// The steps merged GPU-major into one `[steps, 12, 4]` file, as an independent reference.
        func merged(steps: [Int]) throws -> String {
            let values = steps.flatMap { Self.logits(step: $0, rank: 0) + Self.logits(step: $0, rank: 1) }
            let file = root.path + "/merged.npy"
            try Data(CaptureNpy.float32(values, shape: [steps.count, 12, 4])).write(to: URL(fileURLWithPath: file))
            return file
        }
    }

    static func document(_ text: String) throws -> [String: Any] {
        try #require(try foundationJSON(text) as? [String: Any])
    }

    @Test("a capture folder replays exactly like the same logits merged by hand, with top-k and GPUs from the sidecars")
    func replayEqualsMerged() throws {
        let capture = try Capture(steps: 3)
        let fromCapture = try Self.document(runOutput(["--trace", capture.path, "--format", "json", "--detail"]))
        let fromFile = try Self.document(runOutput(["--trace", try capture.merged(steps: [0, 1, 2]), "--gpus", "2", "--top-k", "3",
                                                    "--format", "json", "--detail"]))
        let config = try #require(fromCapture.object("config"))
        #expect(config.int("gpus") == 2 && config.int("topK") == 3 && config.int("tokensPerGPU") == 6 && config.int("experts") == 4)
        #expect(config.int("steps") == 3)
        #expect(config.object("workload")?["kind"] as? String == "trace")
        let a = try #require(fromCapture["runs"] as? NSArray)
        let b = try #require(fromFile["runs"] as? NSArray)
        #expect(a == b)
    }

    @Test("--trace DIR --loop starts the capture again; without it the run stops at its end")
    func loopCapture() throws {
        let capture = try Capture(steps: 2)
        let looped = try Self.document(runOutput(["--trace", capture.path, "--steps", "5", "--loop", "--format", "json", "--mode", "vanilla"]))
        let steps = try #require(looped.objects("runs")?.first?.objects("steps"))
        #expect(steps.map { $0.int("step") } == [0, 1, 2, 3, 4])
        let figures = steps.map { step in step.filter { $0.key != "step" } }
        #expect(NSDictionary(dictionary: figures[2]) == NSDictionary(dictionary: figures[0]))
        #expect(NSDictionary(dictionary: figures[3]) == NSDictionary(dictionary: figures[1]))
        let once = try Self.document(runOutput(["--trace", capture.path, "--steps", "5", "--format", "json", "--mode", "vanilla"]))
        #expect(once.objects("runs")?.first?.objects("steps")?.count == 2)
    }

    @Test("--layer by name; --top-k and --gpus override the sidecars")
    func overrides() throws {
        let capture = try Capture(steps: 1)
        let document = try Self.document(runOutput(["--trace", capture.path, "--layer", "blocks.0.moe.gate", "--top-k", "1",
                                                    "--gpus", "4", "--format", "json"]))
        let config = try #require(document.object("config"))
        #expect(config.int("topK") == 1 && config.int("gpus") == 4 && config.int("tokensPerGPU") == 3)
        #expect(config.object("workload")?["layer"] as? String == "blocks.0.moe.gate")
    }

    @Test("usage errors: --trace with --follow, --layer without a folder, --idle-timeout without --follow")
    func usageErrors() throws {
        let capture = try Capture(steps: 1)
        let file = try capture.merged(steps: [0])
        let cases: [([String], String)] = [
            (["--trace", capture.path, "--follow", capture.path], "--trace and --follow contradict each other"),
            (["--layer", "0"], "--layer applies to a capture folder given with --trace DIR or --follow DIR"),
            (["--trace", file, "--layer", "0"], "--layer applies to a capture folder; \(file) is a file"),
            (["--trace", capture.path, "--idle-timeout", "1"], "--idle-timeout applies to --follow"),
            (["--follow", capture.path, "--loop"], "--loop and --no-loop apply to --trace, not to --follow"),
            (["--follow", capture.path, "--idle-timeout", "0"], "invalid --idle-timeout '0'"),
        ]
        for (arguments, expected) in cases {
            let error = cliError { () throws(CLIError) -> String in try RunCommand.run(arguments) }
            #expect(error?.exitStatus == 2, "\(arguments)")
            #expect(error?.message.contains(expected) == true, "\(arguments): \(error?.message ?? "no error")")
        }
    }

    @Test("a bad capture fails with exit status 2 and names the sidecar and key")
    func badCapture() throws {
        let capture = try Capture(steps: 1)
        let sidecar = capture.layerFolder + "/step-00000000.rank-00001.json"
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sidecar))) as? [String: Any])
        object["experts"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: sidecar))
        let error = cliError { () throws(CLIError) -> String in try RunCommand.run(["--trace", capture.path]) }
        #expect(error?.exitStatus == 2)
        #expect(error?.message == "\(sidecar): sidecar key 'experts' is missing")
    }

    @Test("a .npy trace's sidecar supplies top-k and GPUs")
    func traceSidecarDefaults() throws {
        let capture = try Capture(steps: 2)
        let file = try capture.merged(steps: [0, 1])
        try Data(#"{"topK": 3, "gpus": 2}"#.utf8).write(to: URL(fileURLWithPath: capture.root.path + "/merged.json"))
        let config = try #require(try Self.document(runOutput(["--trace", file, "--format", "json"])).object("config"))
        #expect(config.int("topK") == 3 && config.int("gpus") == 2 && config.int("tokensPerGPU") == 6)
    }

    @Test("--follow on a finished capture routes the newest step, counts the rest as skipped, stops when idle")
    func followIdle() throws {
        let capture = try Capture(steps: 4)
        let document = try Self.document(runOutput(["--follow", capture.path, "--idle-timeout", "0.3", "--format", "json"]))
        let follow = try #require(document.object("follow"))
        #expect(follow.int("routed") == 1 && follow.int("skipped") == 3 && follow.int("rejected") == 0)
        #expect(follow["stoppedBy"] as? String == "--idle-timeout")
        let steps = try #require(follow.objects("steps"))
        #expect(steps.count == 1 && steps[0].int("captureStep") == 3 && steps[0].int("skippedBefore") == 3)
        #expect(document.object("config")?.object("workload")?["kind"] as? String == "follow")
        // The routed step's figures equal a replay of that step alone.
        let replay = try Self.document(runOutput(["--trace", try capture.merged(steps: [3]), "--gpus", "2", "--top-k", "3", "--format", "json"]))
        #expect((document["runs"] as? NSArray) == (replay["runs"] as? NSArray))
    }

    @Test("--follow routes steps while a writer appends them, in order, none half-read")
    func followWriter() throws {
        let capture = try Capture(steps: 1)
        let writer = Thread {
            for step in 1...12 {
                Thread.sleep(forTimeInterval: 0.15)
                try? capture.write(step: step, writtenAt: Date().timeIntervalSince1970)
            }
        }
        writer.start()
        let document = try Self.document(runOutput(["--follow", capture.path, "--idle-timeout", "5", "--format", "json", "--mode", "vanilla"]))
        let follow = try #require(document.object("follow"))
        let steps = try #require(follow.objects("steps"))
        let captured = steps.compactMap { $0.int("captureStep") }
        #expect(captured.count >= 2)
        #expect(captured == captured.sorted() && Set(captured).count == captured.count)
        #expect(captured.last == 12)
        #expect(follow.int("rejected") == 0)
        #expect(follow.int("routed")! + follow.int("skipped")! == 13)
        // Replay exactly the followed steps (run's default --steps is 10; the follower may route more).
        let expected = try Self.document(runOutput(["--trace", try capture.merged(steps: captured), "--gpus", "2", "--top-k", "3",
                                                    "--steps", String(captured.count), "--format", "json", "--mode", "vanilla"]))
        let followedRuns = try #require(document.objects("runs"))
        let expectedRuns = try #require(expected.objects("runs"))
        let followedSteps = try #require(followedRuns[0].objects("steps"))
        let expectedSteps = try #require(expectedRuns[0].objects("steps"))
        #expect(followedSteps.count == expectedSteps.count)
        for (index, (a, b)) in zip(followedSteps, expectedSteps).enumerated() {
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b), "step \(index) (capture step \(captured[index])): \(a) vs \(b)")
        }
    }

    @Test("--follow gives up waiting for a first step after --idle-timeout (exit 1)")
    func followNothing() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-none-\(UUID().uuidString)").path
        let error = cliError { () throws(CLIError) -> String in try RunCommand.run(["--follow", root, "--idle-timeout", "0.2"]) }
        #expect(error?.exitStatus == 1)
        #expect(error?.message == "\(root): no complete step to follow after 0.2 s (\(root): no such capture folder)")
    }
}

/// `.npy` bytes for float32 arrays, laid out as NumPy writes them.
enum CaptureNpy {
    static func float32(_ values: [Float], shape: [Int]) -> [UInt8] {
        let dims = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }".utf8)
        header += [UInt8](repeating: 0x20, count: (64 - (10 + header.count + 1) % 64) % 64) + [0x0A]
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        bytes += header
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }
}
