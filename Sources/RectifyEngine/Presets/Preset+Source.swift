import Foundation

extension Preset {
    /// Opens the preset's batch stream: the synthetic generator or the trace, checked against the cluster.
    public func makeSource(includeHidden: Bool = false,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(WorkloadError) -> any BatchSource {
        switch workload {
        case .synthetic(let parameters):
            return try SyntheticWorkload(parameters: parameters, gpus: routing.gpus, experts: routing.experts,
                                         tokensPerGPU: routing.tokensPerGPU, includeHidden: includeHidden, threads: threads)
        case .follow(let follow):
            switch FollowSource.open(path: follow.path, layer: follow.layer) {
            case .ready(let source):
                guard source.tokens == routing.tokens, source.experts == routing.experts else {
                    throw WorkloadError("\(follow.path): the capture's steps have \(source.tokens) tokens x \(source.experts) experts, "
                                        + "the configuration \(routing.tokens) x \(routing.experts)")
                }
                return source
            case .waiting(let reason):
                throw WorkloadError(reason)
            }
        case .trace(let trace) where CaptureDirectory.isDirectory(trace.path):
            return try CaptureSource(path: trace.path, layer: trace.layer, expectedTokens: routing.tokens,
                                     expectedExperts: routing.experts, loop: trace.loop)
        case .trace(let trace):
            if let layer = trace.layer {
                throw WorkloadError("\(trace.path): layer \(layer) given, but layers apply to a capture folder, not a .npy file")
            }
            return try TraceSource(path: trace.path, expectedTokens: routing.tokens,
                                   expectedExperts: routing.experts, loop: trace.loop, threads: threads)
        }
    }

    /// A one-line account of where batches come from.
    public var workloadLabel: String {
        switch workload {
        case .synthetic(let p): return "synthetic (seed \(p.seed), skew \(p.popularitySkew), temperature \(p.temperature))"
        case .follow(let f): return "follow \(f.path)\(f.layer.map { " layer \($0)" } ?? "")"
        case .trace(let t): return "trace \(t.path)\(t.layer.map { " layer \($0)" } ?? "")\(t.loop ? " (loop)" : "")"
        }
    }
}
