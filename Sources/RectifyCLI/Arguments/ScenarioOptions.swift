import RectifyEngine

/// The workload and routing options shared by `run`, `dash` and `bench`: a preset plus overrides.
enum ScenarioOptions {
    static let preset = OptionKey<String>.text("preset", "NAME|FILE", "Preset name (see 'rectify presets') or path to a preset .json. Default: default.")
    static let trace = OptionKey<String>.text("trace", "FILE.npy|DIR", "Replay router logits instead of the synthetic workload: a NumPy file (defaults from a FILE.json sidecar beside it) or a capture folder (its complete steps of one layer, ranks merged GPU-major).")
    static let follow = OptionKey<String>.text("follow", "DIR", "Route a capture's steps as a live job writes them, newest first when behind; waits for the first complete step.")
    static let layer = OptionKey<String>.text("layer", "L", "With a capture folder: the layer, by index or module name. Default: the lowest.")
    static let loop = FlagKey("loop", "With --trace: start again at the first step after the last.")
    static let noLoop = FlagKey("no-loop", "With --trace: stop after the last step.")
    static let gpus = OptionKey<Int>.int("gpus", "G", in: RoutingLimits.gpus, "Expert-parallel GPUs (\(RoutingLimits.gpus.lowerBound)-\(RoutingLimits.gpus.upperBound)).")
    static let experts = OptionKey<Int>.int("experts", "E", in: RoutingLimits.experts, "Experts, a multiple of --gpus (\(RoutingLimits.experts.lowerBound)-\(RoutingLimits.experts.upperBound)).")
    static let tokensPerGPU = OptionKey<Int>.int("tokens-per-gpu", "N", in: RoutingLimits.tokensPerGPU, "Tokens each GPU holds per step.")
    static let topK = OptionKey<Int>.int("top-k", "K", in: RoutingLimits.topK, "Experts per token (1-\(RoutingLimits.topK.upperBound), at most E).")
    static let capacityFactor = OptionKey<CapacityFactor>.capacityFactor("capacity-factor", "F", "Capacity factor, a decimal with at most 4 places (0.0001-1000).")
    static let dropPolicy = OptionKey<DropPolicy>.choice("drop-policy", "P", "Which requests an over-full expert keeps: score, position or choice.")
    static let minCapacity = OptionKey<Int>.int("min-capacity", "N", in: RoutingLimits.minCapacity, "Lower bound for the capacity C per (GPU, expert). Default 1.")
    static let irCapacityFactor = OptionKey<CapacityFactor>.capacityFactor("ir-capacity-factor", "F", "Bound IR work per expert to ceil(F * C); default unbounded.")
    static let gate = OptionKey<GateNormalization>.choice("gate", "G", "Combination-weight normalisation: topk or softmax.")
    static let seed = OptionKey<UInt64>("seed", "S", "Seed of the synthetic workload.") { text, command throws(CLIError) in
        guard let seed = UInt64(text) else {
            throw OptionKey<UInt64>.invalid("seed", text, ": expected a non-negative integer", command)
        }
        return seed
    }

    /// Every workload and routing option, in the order `--help` lists them.
    static let declarations: [any OptionDeclaration] = [
        preset, trace, follow, layer, loop, noLoop, gpus, experts, tokensPerGPU, topK, capacityFactor, dropPolicy,
        minCapacity, irCapacityFactor, gate, seed, MemoryCheck.maxMemory,
    ] + MeasurementOptions.declarations

    /// The preset named by `--preset` with every override applied and checked, and the trace or
    /// capture named by `--trace`/`--follow`, opened.
    /// `followWait` bounds the wait for a followed capture's first step (seconds; `nil`: no bound);
    /// `stop`, when given, ends that wait on a signal.
    static func resolve(_ args: ParsedArguments, traceLoopDefault: Bool, followWait: Double? = nil,
                        stop: StopRequest? = nil) throws(CLIError) -> Scenario {
        var scenario: Scenario
        let name = try args[preset] ?? PresetCatalog.defaultName
        do {
            scenario = Scenario(preset: try PresetCatalog.load(name))
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
        // `sweep` sweeps the capacity factor and reads a trace once: it declares neither
        // --capacity-factor nor --loop, --no-loop or --follow.
        let loop = try args[ifDeclared: Self.loop], noLoop = try args[ifDeclared: Self.noLoop]
        if loop && noLoop { throw UsageError("--loop and --no-loop contradict each other", command: args.command) }
        var routing = preset.routing
        if let factor = try args[ifDeclared: Self.capacityFactor] { routing.capacityFactor = factor }
        if let factor = try args[Self.irCapacityFactor] { routing.irCapacityFactor = factor }
        let topKGiven = try args[Self.topK]
        if let k = topKGiven { routing.topK = k }
        if let minimum = try args[Self.minCapacity] { routing.minCapacity = minimum }
        if let policy = try args[Self.dropPolicy] { routing.dropPolicy = policy }
        if let gate = try args[Self.gate] { routing.gateNormalization = gate }
        let gpus = try args[Self.gpus]
        let experts = try args[Self.experts]
        let tokensPerGPU = try args[Self.tokensPerGPU]

        let tracePath = try args[Self.trace]
        let followPath = try args[ifDeclared: Self.follow]
        let layer = try args[Self.layer]
        if tracePath != nil && followPath != nil {
            throw UsageError("--trace and --follow contradict each other: --follow DIR follows a capture as it is written", command: args.command)
        }
        if layer != nil && tracePath == nil && followPath == nil {
            throw UsageError("--layer applies to a capture folder given with --trace DIR or --follow DIR", command: args.command)
        }
        if followPath != nil && (loop || noLoop) {
            throw UsageError("--loop and --no-loop apply to --trace, not to --follow", command: args.command)
        }
        if let path = tracePath ?? followPath {
            let looping = loop ? true : noLoop ? false : traceLoopDefault
            let shape = followPath == nil
                ? try TraceShape.read(path: path, layer: layer, loop: looping)
                : try TraceShape.follow(path: path, layer: layer, limit: followWait, stop: stop)
            try fit(shape, path: path, routing: &routing, gpus: gpus, experts: experts, tokensPerGPU: tokensPerGPU,
                    topKGiven: topKGiven != nil)
            preset.workload = followPath == nil ? .trace(TraceSpec(path: path, loop: looping, layer: layer))
                                                : .follow(FollowSpec(path: path, layer: layer))
            // The preset's own description speaks of its synthetic workload, not of this trace.
            preset.description = followPath == nil ? "router logits replayed from \(path)" : "capture \(path), followed as it is written"
            opened = shape.source
        } else {
            if let gpus { routing.gpus = gpus }
            if let experts { routing.experts = experts }
            if let tokensPerGPU { routing.tokensPerGPU = tokensPerGPU }
            if case .trace(var spec) = preset.workload, loop || noLoop {
                spec.loop = loop
                preset.workload = .trace(spec)
            }
        }
        if let seed = try args[Self.seed] {
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

    /// `--mode` as a list of modes; `all` means the four.
    static func modes(_ name: String, _ placeholder: String, _ help: String) -> OptionKey<[RectifyMode]> {
        OptionKey(name, placeholder, help) { text, command throws(CLIError) in
            if text == "all" { return RectifyMode.allCases }
            var modes: [RectifyMode] = []
            for word in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let mode = RectifyMode(rawValue: String(word)) else {
                    let hint = Spelling.suggestion(for: String(word), in: RectifyMode.allCases.map(\.rawValue) + ["all"])
                    throw OptionKey<[RectifyMode]>.invalid(name, String(word), "\(hint): expected vanilla, ir, fr, ir+fr (comma-separated) or all",
                                                           command)
                }
                if !modes.contains(mode) { modes.append(mode) }
            }
            return modes
        }
    }
}
