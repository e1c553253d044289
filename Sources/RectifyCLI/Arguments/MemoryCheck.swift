import RectifyEngine

/// The memory check every routing command makes once its scenario is known: the estimate for what
/// the command will hold, against `--max-memory` or the default budget. A refusal is exit status 2
/// with the sizes, before the first large allocation.
enum MemoryCheck {
    static let maxMemory = OptionKey<MemoryBudget>("max-memory", "SIZE",
                                                   "Refuse configurations estimated to need more memory than SIZE (e.g. 8G, 512M, none). Default: half of the physical memory.") { text, command throws(CLIError) in
        guard let budget = MemoryBudget(parsing: text) else {
            throw .usage(UsageError("invalid --max-memory '\(text)': expected a size such as 8G, 512M, 2000000000 or none",
                                    command: command))
        }
        return budget
    }

    /// The budget `--max-memory` names, or the default.
    static func budget(_ args: ParsedArguments) throws(CLIError) -> MemoryBudget {
        try args[maxMemory] ?? .standard
    }

    /// Checks what routing `scenario` holds at once: `batchesHeld` batches (with hidden states when
    /// `hidden`), plus `bytesPerKeptStep` for each of `keptSteps` steps kept for the output.
    static func check(_ args: ParsedArguments, scenario: Scenario, batchesHeld: Int, hidden: Bool,
                      keptSteps: Int = 0, bytesPerKeptStep: Int = 0) throws(CLIError) {
        let estimate = scenario.preset.memoryEstimate(batchesHeld: batchesHeld, hidden: hidden, keptSteps: keptSteps,
                                                      bytesPerKeptStep: bytesPerKeptStep)
        let budget = try budget(args)
        do { try budget.check(estimate) } catch { throw .invalid(error.description) }
    }

    /// Bytes one step of a run report keeps per mode: its per-expert and per-GPU arrays and scalars,
    /// and with `detail` its G x E matrices.
    static func reportBytesPerStep(_ routing: RoutingConfig, modes: Int, detail: Bool) -> Int {
        let perMode = routing.experts * 6 * 8 + routing.gpus * 8 + 512
        let matrices = detail ? routing.gpus.multipliedReportingOverflow(by: routing.experts * 4 * 8).partialValue : 0
        return modes * (perMode + matrices)
    }
}
