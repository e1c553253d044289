import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `rectify run --trace`: a NumPy file of router logits replayed through the command.
@Suite("rectify run: trace replay")
struct RunTraceTests {
    /// `[2 steps, 8 tokens, 4 experts]`, varied enough that pairs overflow and every mode has work.
    static let logits: [Float] = (0..<(2 * 8 * 4)).map { index in
        let step = index / 32, token = (index / 4) % 8, expert = index % 4
        return Float((token * 7 + expert * 3 + step * 5) % 11) * 0.5 - Float(expert == 3 ? 1 : 0)
    }

    /// The default preset's routing on the trace's shape, split over `gpus`.
    static func config(gpus: Int) -> RoutingConfig {
        var routing = PresetCatalog.builtInDefault.routing
        routing.gpus = gpus
        routing.experts = 4
        routing.tokensPerGPU = 8 / gpus
        return routing
    }

    /// Routes the trace's steps (wrapping when `steps` runs past the end) with the engine directly.
    static func directFigures(steps: Int, gpus: Int) throws -> [RectifyMode: [StepFigures]] {
        let router = Router(threads: 1)
        var figures: [RectifyMode: [StepFigures]] = [:]
        for step in 0..<steps {
            let slice = Array(logits[((step % 2) * 32)..<((step % 2) * 32 + 32)])
            let analysis = try router.route(RoutingBatch(step: step, tokens: 8, experts: 4, logits: slice), config: config(gpus: gpus))
            for mode in RectifyMode.allCases { figures[mode, default: []].append(try #require(analysis.figures(mode))) }
        }
        return figures
    }

    static func checkRuns(_ text: String, steps: Int, gpus: Int = 2) throws {
        let document = try #require(try foundationJSON(text) as? [String: Any])
        let config = try #require(document.object("config"))
        #expect(config.int("gpus") == gpus)
        #expect(config.int("experts") == 4)
        #expect(config.int("tokensPerGPU") == 8 / gpus)
        #expect(config.int("steps") == steps)
        #expect(config.object("workload")?["kind"] as? String == "trace")
        let expected = try directFigures(steps: steps, gpus: gpus)
        let runs = try #require(document.objects("runs"))
        #expect(runs.count == 4)
        for run in runs {
            let mode = try #require(RectifyMode(rawValue: run["mode"] as? String ?? ""))
            let stepObjects = try #require(run.objects("steps"))
            #expect(stepObjects.count == steps, "\(mode)")
            var totals = SchemeTotals(mode: mode)
            for (index, step) in stepObjects.enumerated() {
                expectStep(step, equals: expected[mode]![index], "\(mode) step \(index)")
                totals.add(expected[mode]![index])
            }
            expectTotal(try #require(run.object("total")), equals: totals, "\(mode)")
        }
    }

    @Test("without --loop the run stops at the trace's last step")
    func stops() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(Self.logits, shape: [2, 8, 4]))
        let text = try runOutput(["--trace", path, "--gpus", "2", "--steps", "5", "--format", "json"])
        try Self.checkRuns(text, steps: 2)
        let document = try #require(try foundationJSON(text) as? [String: Any])
        let workload = try #require(document.object("config")?.object("workload"))
        #expect(workload["path"] as? String == path)
        #expect(workload["loop"] as? Bool == false)
        #expect(try runOutput(["--trace", path, "--gpus", "2", "--steps", "5", "--format", "json", "--no-loop"]) == text)
    }

    @Test("a run that stops short of --steps says so on standard error; its JSON describes the trace, not the preset")
    func shortRunNote() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(Self.logits, shape: [2, 8, 4]))
        let errors = ErrorLines()
        let text = try runOutput(["--trace", path, "--gpus", "2", "--steps", "12", "--format", "json"], errors: errors)
        #expect(errors.all == ["rectify: note: the trace ended after 2 of the 12 steps asked for (--loop starts it again)"])
        let config = try #require((try foundationJSON(text) as? [String: Any])?.object("config"))
        #expect(config["description"] as? String == "router logits replayed from \(path)")
        let complete = ErrorLines()
        _ = try runOutput(["--trace", path, "--gpus", "2", "--steps", "2"], errors: complete)
        #expect(complete.all.isEmpty)
    }

    @Test("a trace from one process is routed as one GPU, and a note says what --gpus would do")
    func oneProcessNote() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(Self.logits, shape: [2, 8, 4]))
        _ = try folder.write("trace.json", Array(#"{"gpus": 1}"#.utf8))
        let errors = ErrorLines()
        _ = try runOutput(["--trace", path, "--steps", "2"], errors: errors)
        #expect(errors.all.count == 1)
        #expect(errors.all.first?.contains("comes from one process") == true)
        #expect(errors.all.first?.contains("--gpus G splits its tokens over G simulated GPUs") == true)
        let split = ErrorLines()
        _ = try runOutput(["--trace", path, "--steps", "2", "--gpus", "2"], errors: split)
        #expect(split.all.isEmpty)
    }

    @Test("with --loop the trace starts again and the run has every step asked for")
    func loops() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(Self.logits, shape: [2, 8, 4]))
        let text = try runOutput(["--trace", path, "--gpus", "2", "--steps", "5", "--format", "json", "--loop"])
        try Self.checkRuns(text, steps: 5)
        // Steps count on across the wrap.
        let document = try #require(try foundationJSON(text) as? [String: Any])
        let steps = try #require(document.objects("runs")?.first?.objects("steps"))
        #expect(steps.map { $0.int("step") } == [0, 1, 2, 3, 4])
    }

    @Test("other GPU splits of the same trace", arguments: [1, 4])
    func otherSplits(gpus: Int) throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(Self.logits, shape: [2, 8, 4]))
        try Self.checkRuns(try runOutput(["--trace", path, "--gpus", String(gpus), "--steps", "2", "--format", "json"]), steps: 2, gpus: gpus)
    }

    @Test("a 2-D trace is one step")
    func twoDimensional() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("one.npy", NpyWriter.float32(Array(Self.logits.prefix(32)), shape: [8, 4]))
        try Self.checkRuns(try runOutput(["--trace", path, "--gpus", "2", "--steps", "3", "--format", "json"]), steps: 1)
    }

    @Test("a NaN logit fails naming the file, step and token, with nothing printed")
    func nan() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        var values = Self.logits
        values[32 + 5 * 4 + 2] = .nan   // step 1, token 5, expert 2
        let path = try folder.write("nan.npy", NpyWriter.float32(values, shape: [2, 8, 4]))
        let error = try #require(cliError { () throws(CLIError) -> String in
            try RunCommand.run(["--trace", path, "--gpus", "2", "--steps", "5", "--format", "json"])
        })
        #expect(error.exitStatus == 1 || error.exitStatus == 2)
        #expect(error.message.hasPrefix(path), "\(error.message)")
        #expect(error.message.contains("step 1"), "\(error.message)")
        #expect(error.message.contains("token 5"), "\(error.message)")
        #expect(error.message.contains("NaN"), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }

    @Test("a trace that does not fit the options is refused with exit 2", arguments: [
        (["--gpus", "3"], "cannot be split over 3 GPUs"),
        (["--gpus", "2", "--experts", "8"], "the trace has 4 experts, --experts says 8"),
        (["--gpus", "2", "--tokens-per-gpu", "3"], "the trace has 8 tokens per step, not 2 GPUs x 3"),
        (["--gpus", "2", "--seed", "3"], "--seed applies to the synthetic workload, not to a trace"),
        (["--gpus", "2", "--top-k", "5"], "invalid topK 5"),
    ])
    func mismatches(extra: [String], fragment: String) throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("trace.npy", NpyWriter.float32(Self.logits, shape: [2, 8, 4]))
        let error = try #require(cliError { () throws(CLIError) -> String in try RunCommand.run(["--trace", path] + extra) })
        #expect(error.exitStatus == 2)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test("a file that is not NumPy is exit 2 naming the file")
    func notNumpy() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = try folder.write("text.npy", Array("hello, not an array".utf8))
        let error = try #require(cliError { () throws(CLIError) -> String in try RunCommand.run(["--trace", path]) })
        #expect(error.exitStatus == 2)
        #expect(error.message.hasPrefix(path), "\(error.message)")
    }
}
