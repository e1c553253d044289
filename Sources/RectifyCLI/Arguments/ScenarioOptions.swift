import RectifyEngine

/// The workload and routing options shared by `run`, `dash` and `bench`: a preset plus overrides.
enum ScenarioOptions {
    static let specs: [OptionSpec] = [
        OptionSpec("preset", "NAME|FILE", "Preset name (see 'rectify presets') or path to a preset .json. Default: default."),
        OptionSpec("trace", "FILE.npy", "Replay router logits from a NumPy file instead of the synthetic workload."),
        OptionSpec("loop", nil, "With --trace: start again at the first step after the last."),
        OptionSpec("no-loop", nil, "With --trace: stop after the last step."),
        OptionSpec("gpus", "G", "Expert-parallel GPUs (\(RoutingLimits.gpus.lowerBound)-\(RoutingLimits.gpus.upperBound))."),
        OptionSpec("experts", "E", "Experts, a multiple of --gpus (\(RoutingLimits.experts.lowerBound)-\(RoutingLimits.experts.upperBound))."),
        OptionSpec("tokens-per-gpu", "N", "Tokens each GPU holds per step."),
        OptionSpec("top-k", "K", "Experts per token (1-\(RoutingLimits.topK.upperBound), at most E)."),
        OptionSpec("capacity-factor", "F", "Capacity factor, a decimal with at most 4 places (0.0001-1000)."),
        OptionSpec("drop-policy", "P", "Which requests an over-full expert keeps: score, position or choice."),
        OptionSpec("min-capacity", "N", "Lower bound for the capacity C per (GPU, expert). Default 1."),
        OptionSpec("ir-capacity-factor", "F", "Bound IR work per expert to ceil(F * C); default unbounded."),
        OptionSpec("gate", "G", "Combination-weight normalisation: topk or softmax."),
        OptionSpec("seed", "S", "Seed of the synthetic workload."),
    ]

    /// The preset named by `--preset` with every override applied and checked.
    static func resolve(_ args: ParsedArguments, traceLoopDefault: Bool) throws(CLIError) -> Preset {
        var preset: Preset
        do {
            preset = try PresetCatalog.load(args.value("preset") ?? PresetCatalog.defaultName)
        } catch {
            throw .invalid(error.description)
        }
        do {
            try applyOverrides(args, to: &preset, traceLoopDefault: traceLoopDefault)
        } catch let error as UsageError {
            throw .usage(error)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .invalid(String(describing: error))
        }
        return preset
    }

    private static func applyOverrides(_ args: ParsedArguments, to preset: inout Preset, traceLoopDefault: Bool) throws {
        if args.flag("loop") && args.flag("no-loop") { throw UsageError("--loop and --no-loop contradict each other", command: args.command) }
        var routing = preset.routing
        if let factor = args.value("capacity-factor") {
            guard let parsed = CapacityFactor(parsing: factor), RoutingLimits.capacityFactor.contains(parsed.tenThousandths) else {
                throw UsageError("invalid --capacity-factor '\(factor)': expected a decimal from 0.0001 to 1000 with at most 4 places", command: args.command)
            }
            routing.capacityFactor = parsed
        }
        if let factor = args.value("ir-capacity-factor") {
            guard let parsed = CapacityFactor(parsing: factor), RoutingLimits.capacityFactor.contains(parsed.tenThousandths) else {
                throw UsageError("invalid --ir-capacity-factor '\(factor)': expected a decimal from 0.0001 to 1000 with at most 4 places", command: args.command)
            }
            routing.irCapacityFactor = parsed
        }
        if let k = try args.int("top-k", in: RoutingLimits.topK) { routing.topK = k }
        if let minimum = try args.int("min-capacity", in: RoutingLimits.minCapacity) { routing.minCapacity = minimum }
        if let policy = try args.choice("drop-policy", DropPolicy.init(rawValue:), allowed: DropPolicy.allCases.map(\.rawValue)) {
            routing.dropPolicy = policy
        }
        if let gate = try args.choice("gate", GateNormalization.init(rawValue:), allowed: GateNormalization.allCases.map(\.rawValue)) {
            routing.gateNormalization = gate
        }
        let gpus = try args.int("gpus", in: RoutingLimits.gpus)
        let experts = try args.int("experts", in: RoutingLimits.experts)
        let tokensPerGPU = try args.int("tokens-per-gpu", in: RoutingLimits.tokensPerGPU)

        if let tracePath = args.value("trace") {
            let loop = args.flag("loop") ? true : args.flag("no-loop") ? false : traceLoopDefault
            try fitToTrace(path: tracePath, routing: &routing, gpus: gpus, experts: experts, tokensPerGPU: tokensPerGPU)
            preset.workload = .trace(TraceSpec(path: tracePath, loop: loop))
        } else {
            if let gpus { routing.gpus = gpus }
            if let experts { routing.experts = experts }
            if let tokensPerGPU { routing.tokensPerGPU = tokensPerGPU }
            if case .trace(var spec) = preset.workload, args.flag("loop") || args.flag("no-loop") {
                spec.loop = args.flag("loop")
                preset.workload = .trace(spec)
            }
        }
        if let seedText = args.value("seed") {
            guard let seed = UInt64(seedText) else {
                throw UsageError("invalid --seed '\(seedText)': expected a non-negative integer", command: args.command)
            }
            guard case .synthetic(var parameters) = preset.workload else {
                throw UsageError("--seed applies to the synthetic workload, not to a trace", command: args.command)
            }
            parameters.seed = seed
            preset.workload = .synthetic(parameters)
        }
        do { try routing.validate() } catch { throw CLIError.invalid(error.description) }
        preset.routing = routing
    }

    /// Takes experts and tokens from the trace's shape; GPUs from the options or the preset.
    private static func fitToTrace(path: String, routing: inout RoutingConfig, gpus: Int?, experts: Int?, tokensPerGPU: Int?) throws {
        let trace: TraceSource
        do { trace = try TraceSource(path: path) } catch { throw CLIError.invalid(error.description) }
        if let experts, experts != trace.experts {
            throw CLIError.invalid("\(path): the trace has \(trace.experts) experts, --experts says \(experts)")
        }
        let gpuCount = gpus ?? (tokensPerGPU.map { max(1, trace.tokens / $0) } ?? routing.gpus)
        guard trace.tokens % gpuCount == 0, trace.experts % gpuCount == 0 else {
            throw CLIError.invalid("\(path): \(trace.tokens) tokens and \(trace.experts) experts per step cannot be split over \(gpuCount) GPUs; pass --gpus with a divisor of both")
        }
        if let tokensPerGPU, tokensPerGPU * gpuCount != trace.tokens {
            throw CLIError.invalid("\(path): the trace has \(trace.tokens) tokens per step, not \(gpuCount) GPUs x \(tokensPerGPU)")
        }
        routing.gpus = gpuCount
        routing.experts = trace.experts
        routing.tokensPerGPU = trace.tokens / gpuCount
    }

    /// `--mode` as a list; `all` means the four modes.
    static func modes(_ args: ParsedArguments, default fallback: [RectifyMode]) throws(CLIError) -> [RectifyMode] {
        guard let text = args.value("mode") else { return fallback }
        if text == "all" { return RectifyMode.allCases }
        var modes: [RectifyMode] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let mode = RectifyMode(rawValue: String(word)) else {
                throw .usage(UsageError("invalid --mode '\(word)': expected vanilla, ir, fr, ir+fr (comma-separated) or all", command: args.command))
            }
            if !modes.contains(mode) { modes.append(mode) }
        }
        return modes
    }
}
