import Foundation
import RectifyEngine

/// What a trace says about the cluster it came from, so `--trace` and `--follow` need no other
/// flags: tokens and experts from the logits, top-k and GPUs from sidecars where they exist.
struct TraceShape {
    var tokens: Int
    var experts: Int
    /// The model's top-k, when a sidecar says it.
    var topK: Int?
    /// GPUs the tokens span: a capture's world size, or a single file sidecar's `gpus`.
    var gpus: Int?
    /// What `gpus` came from, for error messages.
    var gpusOrigin = ""
    /// The trace or capture, opened to read its shape: the run's batches come from it.
    var source: (any BatchSource)?

    /// Opens a `.npy` file (and its sidecar, if any) or a capture folder's layer and reads its shape.
    static func read(path: String, layer: String?, loop: Bool) throws(CLIError) -> TraceShape {
        do {
            if CaptureDirectory.isDirectory(path) {
                let capture = try CaptureSource(path: path, layer: layer, loop: loop)
                warnSkipped(capture)
                return TraceShape(tokens: capture.tokens, experts: capture.experts, topK: capture.topK,
                                  gpus: capture.worldSize, gpusOrigin: "the capture's \(capture.worldSize) ranks", source: capture)
            }
            if layer != nil, !pathExists(path) {
                throw CLIError.invalid("\(path): no such capture folder")
            }
            if layer != nil {
                throw CLIError.usage(UsageError("--layer applies to a capture folder; \(TerminalText.path(path)) is a file", command: nil))
            }
            let trace = try TraceSource(path: path, loop: loop)
            var shape = TraceShape(tokens: trace.tokens, experts: trace.experts, source: trace)
            let sidecarPath = CaptureSidecar.path(besideTrace: path)
            if pathExists(sidecarPath) {
                let sidecar = try TraceSidecar(path: sidecarPath)
                try sidecar.check(tokens: trace.tokens, experts: trace.experts, dtype: trace.dtype)
                shape.topK = sidecar.topK
                shape.gpus = sidecar.gpus
                shape.gpusOrigin = "\(sidecarPath)'s gpus \(sidecar.gpus.map(String.init) ?? "")"
            }
            return shape
        } catch let error as WorkloadError {
            throw .invalid(error.description)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .invalid(String(describing: error))
        }
    }

    /// Waits until the capture at `path` has a complete step of `layer`, saying so on standard
    /// error; gives up after `limit` seconds, or when `stop` receives a signal.
    static func follow(path: String, layer: String?, limit: Double?, stop: StopRequest? = nil) throws(CLIError) -> TraceShape {
        let start = Date()
        var said: String?
        while true {
            switch FollowSource.open(path: path, layer: layer) {
            case .ready(let source):
                return TraceShape(tokens: source.tokens, experts: source.experts, topK: source.topK,
                                  gpus: source.worldSize, gpusOrigin: "the capture's \(source.worldSize) ranks", source: source)
            case .waiting(let reason):
                if let signo = stop?.received {
                    throw .runtime("\(TerminalText.path(path)): stopped by \(StopRequest.name(signo)) before a complete step arrived (\(reason))")
                }
                if stop?.keyRequested == true {
                    throw .runtime("\(TerminalText.path(path)): stopped by q before a complete step arrived (\(reason))")
                }
                if let limit, Date().timeIntervalSince(start) >= limit {
                    throw .runtime("\(TerminalText.path(path)): no complete step to follow after \(String(format: "%g", limit)) s (\(reason))")
                }
                if said != reason {
                    StandardStreams.writeError("rectify: waiting for a complete step in \(TerminalText.path(path)) (\(reason)); \(stop?.keyStop == nil ? "" : "q or ")Ctrl+C stops")
                    said = reason
                }
                Thread.sleep(forTimeInterval: FollowSource.pollInterval)
            }
        }
    }

    /// A capture's incomplete steps are left out of a replay; say so rather than lose them silently.
    private static func warnSkipped(_ capture: CaptureSource) {
        guard let first = capture.skipped.first else { return }
        let more = capture.skipped.count > 1 ? " (and \(capture.skipped.count - 1) more)" : ""
        StandardStreams.writeError("rectify: warning: \(capture.layer.path): left out \(first)\(more)")
    }
}
