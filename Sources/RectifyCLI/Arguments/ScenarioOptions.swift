import RectifyEngine

/// The workload and routing options shared by `run`, `dash` and `bench`: a preset plus overrides.
enum ScenarioOptions {
    static let specs: [OptionSpec] = [
        OptionSpec("preset", "NAME|FILE", "Preset name (see 'rectify presets') or path to a preset .json. Default: default."),
        OptionSpec("trace", "FILE.npy|DIR", "Replay router logits instead of the synthetic workload: a NumPy file (defaults from a FILE.json sidecar beside it) or a capture folder (its complete steps of one layer, ranks merged GPU-major)."),
        OptionSpec("follow", "DIR", "Route a capture's steps as a live job writes them, newest first when behind; waits for the first complete step."),
        OptionSpec("layer", "L", "With a capture folder: the layer, by index or module name. Default: the lowest."),
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
        MemoryCheck.spec,
    ] + MeasurementOptions.specs

    /// The preset named by `--preset` with every override applied and checked, and the trace or
    /// capture named by `--trace`/`--follow`, opened.
    /// `followWait` bounds the wait for a followed capture's first step (seconds; `nil`: no bound);
    /// `stop`, when given, ends that wait on a signal.
    static func resolve(_ args: ParsedArguments, traceLoopDefault: Bool, followWait: Double? = nil,
                        stop: StopRequest? = nil) throws(CLIError) -> Scenario {
        var scenario: Scenario
        do {
            scenario = Scenario(preset: try PresetCatalog.load(args.value("preset") ?? PresetCatalog.defaultName))
        } catch {
            throw .invalid(error.description)
        }
        do {
            scenario.openedSource = try applyOverrides(args, to: &scenario.preset, traceLoopDefault: traceLoopDefault,
                                                       followWait: followWait, stop: stop)
        } catch let error as UsageError {
            throw .usage(error)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .invalid(String(describing: error))
        }
        return scenario
    }

    /// Applies the options to `preset`; returns the trace or capture they named, opened.
    private static func applyOverrides(_ args: ParsedArguments, to preset: inout Preset, traceLoopDefault: Bool,
                                       followWait: Double?, stop: StopRequest?) throws -> (any BatchSource)? {
        var opened: (any BatchSource)?
        if args.flag("loop") && args.flag("no-loop") { throw UsageError("--loop and --no-loop contradict each other", command: args.command) }
        var routing = preset.routing
        if let factor = args.value("capacity-factor") {
            guard let parsed = CapacityFactor(parsing: factor), RoutingLimits.capacityFactor.contains(parsed.tenThousandths) else {
                throw UsageError("invalid --capacity-factor \(UsageError.quoted(factor)): expected a decimal from 0.0001 to 1000 with at most 4 places", command: args.command)
            }
            routing.capacityFactor = parsed
        }
        if let factor = args.value("ir-capacity-factor") {
            guard let parsed = CapacityFactor(parsing: factor), RoutingLimits.capacityFactor.contains(parsed.tenThousandths) else {
                throw UsageError("invalid --ir-capacity-factor \(UsageError.quoted(factor)): expected a decimal from 0.0001 to 1000 with at most 4 places", command: args.command)
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

        let tracePath = args.value("trace")
        let followPath = args.value("follow")
        let layer = args.value("layer")
        if tracePath != nil && followPath != nil {
            throw UsageError("--trace and --follow contradict each other: --follow DIR follows a capture as it is written", command: args.command)
        }
        if layer != nil && tracePath == nil && followPath == nil {
            throw UsageError("--layer applies to a capture folder given with --trace DIR or --follow DIR", command: args.command)
        }
        if followPath != nil && (args.flag("loop") || args.flag("no-loop")) {
            throw UsageError("--loop and --no-loop apply to --trace, not to --follow", command: args.command)
        }
        if let path = tracePath ?? followPath {
            let loop = args.flag("loop") ? true : args.flag("no-loop") ? false : traceLoopDefault
            let shape = followPath == nil
                ? try TraceShape.read(path: path, layer: layer, loop: loop)
                : try TraceShape.follow(path: path, layer: layer, limit: followWait, stop: stop)
            try fit(shape, path: path, routing: &routing, gpus: gpus, experts: experts, tokensPerGPU: tokensPerGPU,
                    topKGiven: args.value("top-k") != nil)
            preset.workload = .trace(TraceSpec(path: path, loop: loop, layer: layer, follow: followPath != nil))
            // The preset's own description speaks of its synthetic workload, not of this trace.
            preset.description = followPath == nil ? "router logits replayed from \(path)" : "capture \(path), followed as it is written"
            opened = shape.source
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
                throw UsageError("invalid --seed \(UsageError.quoted(seedText)): expected a non-negative integer", command: args.command)
            }
            guard case .synthetic(var parameters) = preset.workload else {
                throw UsageError("--seed applies to the synthetic workload, not to a trace", command: args.command)
            }
            parameters.seed = seed
            preset.workload = .synthetic(parameters)
        }
        do { try routing.validate() } catch { throw CLIError.invalid(error.description) }
        preset.routing = routing
        try MeasurementOptions.apply(args, to: &preset)
        return opened
    }

    /// Takes experts and tokens from the trace's shape, top-k from its sidecar unless `--top-k`
    /// was given, GPUs from the options, else the trace (a capture's ranks), else the preset.
    private static func fit(_ shape: TraceShape, path: String, routing: inout RoutingConfig, gpus: Int?, experts: Int?,
                            tokensPerGPU: Int?, topKGiven: Bool) throws {
        if let experts, experts != shape.experts {
            throw CLIError.invalid("\(TerminalText.path(path)): the trace has \(shape.experts) experts, --experts says \(experts)")
        }
        let gpuCount = gpus ?? (tokensPerGPU.map { max(1, shape.tokens / $0) } ?? shape.gpus ?? routing.gpus)
        if gpus == nil && tokensPerGPU == nil && shape.gpus == 1 {
            StandardStreams.writeError("rectify: note: \(path) comes from one process (\(shape.gpusOrigin)), so it is routed as one GPU: "
                                       + "every expert is local and IR can recover every drop; --gpus G splits its tokens over G simulated GPUs")
        }
        guard shape.tokens % gpuCount == 0, shape.experts % gpuCount == 0 else {
            let origin = gpus == nil && tokensPerGPU == nil && shape.gpus != nil ? " (\(shape.gpusOrigin))" : ""
            throw CLIError.invalid("\(TerminalText.path(path)): \(shape.tokens) tokens and \(shape.experts) experts per step cannot be split over \(gpuCount) GPUs\(origin); pass --gpus with a divisor of both")
        }
        if let tokensPerGPU, tokensPerGPU * gpuCount != shape.tokens {
            throw CLIError.invalid("\(TerminalText.path(path)): the trace has \(shape.tokens) tokens per step, not \(gpuCount) GPUs x \(tokensPerGPU)")
        }
        routing.gpus = gpuCount
        routing.experts = shape.experts
        routing.tokensPerGPU = shape.tokens / gpuCount
        if !topKGiven, let topK = shape.topK { routing.topK = topK }
    }

    /// `--mode` as a list; `all` means the four modes.
    static func modes(_ args: ParsedArguments, default fallback: [RectifyMode]) throws(CLIError) -> [RectifyMode] {
        guard let text = args.value("mode") else { return fallback }
        if text == "all" { return RectifyMode.allCases }
        var modes: [RectifyMode] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let mode = RectifyMode(rawValue: String(word)) else {
                let hint = Spelling.suggestion(for: String(word), in: RectifyMode.allCases.map(\.rawValue) + ["all"])
                throw .usage(UsageError("invalid --mode \(UsageError.quoted(word))\(hint): expected vanilla, ir, fr, ir+fr (comma-separated) or all",
                                        command: args.command))
            }
            if !modes.contains(mode) { modes.append(mode) }
        }
        return modes
    }
}
