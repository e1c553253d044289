import RectifyEngine

/// Reads one mode's latest step as bar values, per expert and per GPU.
struct ExpertData {
    let figures: StepFigures?
    let gpuTotals: [GPUTotals]
    let gpus: Int
    let experts: Int
    let scale: BarRow.Scale

    /// `peakBeyond` sets the scale beyond capacity (default: this mode's own peak); views that show
    /// two modes side by side pass the larger peak so both use one scale.
    init(_ mode: ModeSnapshot, config: RoutingConfig, peakBeyond: Int? = nil) {
        figures = mode.latest
        gpuTotals = mode.gpus
        gpus = max(1, config.gpus)
        experts = config.experts
        let capacity = (mode.latest?.capacity ?? config.capacity) * gpus
        scale = BarRow.Scale(capacity: capacity, peakBeyond: peakBeyond ?? mode.peakBeyondCapacity)
    }

    var perGPU: Int { max(1, experts / gpus) }
    var hasData: Bool { figures != nil }
    var expertCapacity: Int { scale.capacity }

    func values(expert e: Int) -> BarRow.Values {
        guard let f = figures, e >= 0, e < f.expertKept.count else {
            return BarRow.Values(kept: 0, filled: 0, irWork: 0, overflow: 0, capacity: expertCapacity)
        }
        let overflow = f.expertDropped[e]
        // The engine counts, per expert, the drops IR recovered (zero for modes without IR).
        let recovered = e < f.expertRecovered.count ? f.expertRecovered[e] : 0
        return BarRow.Values(kept: f.expertKept[e], filled: f.expertFilled[e], irWork: f.expertIR[e],
                             overflow: overflow, capacity: expertCapacity, recovered: min(overflow, recovered))
    }

    /// The experts `gpu` holds, in the order `sort` lists them.
    func experts(gpu: Int, sortedBy sort: ExpertSort) -> [Int] {
        sort.order(gpu * perGPU..<(gpu + 1) * perGPU, values: values(expert:))
    }

    func totals(gpu: Int) -> GPUTotals {
        gpu >= 0 && gpu < gpuTotals.count ? gpuTotals[gpu] : GPUTotals()
    }
}
