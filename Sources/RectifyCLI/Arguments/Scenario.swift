import RectifyEngine

/// What the workload options resolved to: the preset to run, and the trace or capture the options
/// named, already opened and checked while reading them, so a long capture is not read twice.
struct Scenario {
    var preset: Preset
    /// Opened from `--trace` or `--follow`; `nil` for a synthetic workload or a preset's own trace.
    var openedSource: (any BatchSource)?

    /// The opened source, or a new one from the preset.
    func source(threads: Int, includeHidden: Bool = false) throws(WorkloadError) -> any BatchSource {
        if let openedSource { return openedSource }
        return try preset.makeSource(includeHidden: includeHidden, threads: threads)
    }
}
