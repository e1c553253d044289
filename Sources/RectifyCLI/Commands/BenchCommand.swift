import Foundation
import RectifyEngine

/// `rectify bench`: tokens routed per second per mode on the shapes the peers were measured on.
enum BenchCommand {
    /// A benchmark shape and what peers reach on it on the reference 2-core machine.
    struct Shape {
        let name: String
        let config: RoutingConfig
        let peers: String
    }

    static let shapes = [
        Shape(name: "e64", config: RoutingConfig(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 4096),
              peers: "Megatron-Core ~2M tokens/s, NumPy 2.3-3.6M; target ir+fr >= 20M"),
        Shape(name: "e256", config: RoutingConfig(gpus: 64, experts: 256, topK: 8, tokensPerGPU: 1024),
              peers: "Megatron-Core ~0.2M tokens/s, NumPy 0.35-0.55M; target ir+fr >= 2M"),
    ]

    enum Keys {
        static let shape = OptionKey<String>.choice("shape", "S", allowed: shapes.map(\.name) + ["all"],
                                                    "e64 (8 GPUs, 64 experts, top-2, 8 x 4096 tokens), e256 (64 GPUs, 256 experts, top-8, 65,536 tokens) or all (default).") { text in
            shapes.contains { $0.name == text } || text == "all" ? text : nil
        }
        static let steps = OptionKey<Int>.int("steps", "N", in: 1...10_000, "Timed steps per mode, 1-10000 (default 30); the median step is reported.")
        static let threads = OptionKey<Int>.int("threads", "N", in: 1...256, "Worker threads (default: all cores).")
        static let format = OptionKey<Bool>.choice("format", "F", allowed: ["table", "json"], "table (default) or json.") { ["table": false, "json": true][$0] }
        static let trace = OptionKey<String>.text("trace", "FILE.npy", "Route the first steps of this .npy trace instead of synthetic batches; it must have a shape's tokens and experts (that shape is chosen).")
    }

    static let spec = CommandSpec(
        name: "bench",
        summary: "Measure routing speed (tokens/s, one step at a time) per mode, and the synthetic generator's rate.",
        usage: "rectify bench [--shape all|e64|e256] [--trace FILE.npy] [--steps N] [--threads N] [--format table|json]",
        options: [Keys.shape, Keys.trace, Keys.steps, Keys.threads, Keys.format],
        notes: """
        Build with 'swift build -c release' for meaningful figures. Capacity factor 1.0, score policy, default
        synthetic workload. With --trace the routed batches are the trace's first (up to four) steps, so the
        router's speed can be compared on the very logits 'run --trace' replays; there is no generator row.
        """)

    struct Measurement {
        let shape: String
        let label: String
        let tokensPerSecond: Double
        let stepMilliseconds: Double
    }

    /// The command line, read and checked; `nil` means `--help` was asked for.
    struct Options {
        let steps: Int
        let threads: Int
        let json: Bool
        let shapes: [Shape]
        let trace: String?
    }

    /// `among`: the shapes to choose from (tests pass small ones).
    static func options(_ arguments: [String], among shapes: [Shape] = shapes) throws(CLIError) -> Options? {
        guard let args = try spec.parseOptions(arguments) else { return nil }
        let steps = try args[Keys.steps] ?? 30
        let threads = try args[Keys.threads] ?? ProcessInfo.processInfo.activeProcessorCount
        let json = try args[Keys.format] ?? false
        let shapeName = try args[Keys.shape] ?? "all"
        let trace = try args[Keys.trace]
        return Options(steps: steps, threads: threads, json: json,
                       shapes: shapes.filter { shapeName == "all" || $0.name == shapeName }, trace: trace)
    }

    static func run(_ arguments: [String]) throws(CLIError) -> String {
        try run(arguments, among: shapes)
    }

    static func run(_ arguments: [String], among shapes: [Shape]) throws(CLIError) -> String {
        guard let options = try options(arguments, among: shapes) else { return spec.help }
        let (steps, threads, json) = (options.steps, options.threads, options.json)
        var chosen = options.shapes
        var results: [Measurement] = []
        if let path = options.trace {
            let (shape, batches) = try traceBatches(path, shapes: chosen)
            chosen = [shape]
            results = try measure(shape, batches: batches, steps: steps, threads: threads)
        } else {
            for shape in chosen {
                results += try measure(shape, steps: steps, threads: threads)
            }
        }
        if json {
            return JSONWriter.write(.object([
                ("threads", .int(threads)),
                ("steps", .int(steps)),
                ("trace", options.trace.map(JSONValue.string) ?? .null),
                ("results", .array(results.map { m in
                    .object([("shape", .string(m.shape)), ("what", .string(m.label)),
                             ("tokensPerSecond", .double(m.tokensPerSecond.rounded())),
                             ("stepMilliseconds", .double((m.stepMilliseconds * 1000).rounded() / 1000))])
                })),
            ]), indent: 2) + "\n"
        }
        var out = "threads \(threads), median of \(steps) steps\(options.trace.map { ", batches from \(TerminalText.path($0))" } ?? "")\n"
        for shape in chosen {
            let c = shape.config
            out += "\n\(shape.name): \(c.gpus) GPUs x \(c.tokensPerGPU) tokens, \(c.experts) experts, top-\(c.topK) (\(shape.peers))\n"
            let rows = results.filter { $0.shape == shape.name }.map { m in
                [m.label, String(format: "%.2fM", m.tokensPerSecond / 1e6), String(format: "%.3f", m.stepMilliseconds)]
            }
            out += TextTable.render(header: ["routing", "tokens/s", "ms/step"], rows: rows)
        }
        return out
    }

    static func measure(_ shape: Shape, steps: Int, threads: Int) throws(CLIError) -> [Measurement] {
        let c = shape.config
        let generator: SyntheticWorkload
        do {
            generator = try SyntheticWorkload(parameters: SyntheticParameters(), gpus: c.gpus, experts: c.experts,
                                              tokensPerGPU: c.tokensPerGPU, threads: threads)
        } catch { throw .runtime(error.description) }
        // Batches to route, kept; then the generator's own rate in steady state (each batch
        // released before the next, as in `run` and the dashboard).
        var batches: [RoutingBatch] = []
        var generatorTimes: [Double] = []
        for index in 0..<(4 + max(8, steps / 2)) {
            let start = DispatchTime.now().uptimeNanoseconds
            let batch: RoutingBatch?
            do { batch = try generator.nextBatch() } catch { throw .runtime(error.description) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard let batch else { continue }
            if index < 4 { batches.append(batch) } else { generatorTimes.append(seconds) }
        }
        let tokens = Double(c.tokens)
        let rate = Measurement(shape: shape.name, label: "synthetic generator", tokensPerSecond: tokens / median(generatorTimes),
                               stepMilliseconds: median(generatorTimes) * 1000)
        return [rate] + (try measure(shape, batches: batches, steps: steps, threads: threads))
    }

    /// The shape whose tokens and experts the trace at `path` has, among `shapes`, and its first
    /// (up to four) steps, read and checked as `run --trace` reads them.
    static func traceBatches(_ path: String, shapes: [Shape]) throws(CLIError) -> (Shape, [RoutingBatch]) {
        do {
            let trace = try TraceSource(path: path)
            guard let shape = shapes.first(where: { $0.config.tokens == trace.tokens && $0.config.experts == trace.experts }) else {
                let wanted = shapes.map { "\($0.name): \($0.config.tokens) x \($0.config.experts)" }.joined(separator: ", ")
                throw CLIError.invalid("\(TerminalText.path(path)): \(trace.tokens) tokens x \(trace.experts) experts per step; "
                                       + "bench needs a shape's (\(wanted))")
            }
            return (shape, try CapacitySweep.readBatches(from: trace, count: 4))
        } catch let error as CLIError {
            throw error
        } catch {
            throw .invalid(String(describing: error))
        }
    }

    /// Each mode's (and all four at once) median step over `batches`, routed in turn.
    static func measure(_ shape: Shape, batches: [RoutingBatch], steps: Int, threads: Int) throws(CLIError) -> [Measurement] {
        let c = shape.config
        let tokens = Double(c.tokens)
        var results: [Measurement] = []
        let router = Router(threads: threads)
        let cases: [(String, Set<RectifyMode>)] = RectifyMode.allCases.map { ($0.rawValue, [$0]) } + [("all four at once", Set(RectifyMode.allCases))]
        for (label, modes) in cases {
            var times: [Double] = []
            for step in -2..<steps {
                let batch = batches[(step + 2) % batches.count]
                let start = DispatchTime.now().uptimeNanoseconds
                do { _ = try router.route(batch, config: c, modes: modes) } catch { throw .runtime(error.description) }
                if step >= 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            }
            let seconds = median(times)
            results.append(Measurement(shape: shape.name, label: label, tokensPerSecond: tokens / seconds, stepMilliseconds: seconds * 1000))
        }
        return results
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
