import Foundation

extension Preset {
    /// Opens the preset's batch stream: the synthetic generator or the trace, checked against the cluster.
    public func makeSource(includeHidden: Bool = false,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(WorkloadError) -> any BatchSource {
        switch workload {
        case .synthetic(let parameters):
            return try SyntheticWorkload(parameters: parameters, gpus: routing.gpus, experts: routing.experts,
                                         tokensPerGPU: routing.tokensPerGPU, includeHidden: includeHidden, threads: threads)
        case .trace(let trace):
            return try TraceSource(path: trace.path, expectedTokens: routing.tokens,
                                   expectedExperts: routing.experts, loop: trace.loop)
        }
    }

    /// A one-line account of where batches come from.
    public var workloadLabel: String {
        switch workload {
        case .synthetic(let p): return "synthetic (seed \(p.seed), skew \(p.popularitySkew), temperature \(p.temperature))"
        case .trace(let t): return "trace \(t.path)\(t.loop ? " (loop)" : "")"
        }
    }
}
