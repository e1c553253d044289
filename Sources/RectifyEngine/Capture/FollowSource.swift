import Foundation

/// Follows one layer of a capture while a live job writes it (`--follow DIR`).
///
/// Each call routes at most one step: the newest complete step not yet seen. When the reader
/// falls behind, older unseen steps are passed over and counted, so what is shown stays current.
/// Steps are identified by (session, step), so a restarted writer (a new session counting from 0
/// again, replacing files) is followed too. A missing folder, a paused writer or a bad step never
/// ends the stream: `nextBatch` returns `nil` ("nothing new yet") and `status` says why.
public final class FollowSource: BatchSource {
    /// How often a follower with nothing new looks again, in seconds (the dashboard and `run`).
    public static let pollInterval = 0.1

    public let path: String
    /// The shape fixed by the first complete step; later steps of another shape are refused.
    public let tokens: Int
    public let experts: Int
    public let topK: Int
    public let worldSize: Int
    public private(set) var status: FollowStatus
    public var follow: FollowStatus? { status }
    public let label: String

    private let layer: CaptureLayerFolder
    private let watcher: SidecarWatcher
    private var seen: Set<StepKey> = []
    /// Readable sidecars of steps not yet routed or passed over, by path: steps being written,
    /// and shards that never made a complete step.
    private var pending: [String: CaptureSidecar] = [:]
    private var stepNumber = 0

    /// What opening found: a source, or why it must wait (no folder, no complete step yet).
    public enum Opening {
        case ready(FollowSource)
        case waiting(String)
    }

    /// Opens the capture at `path` if it already has a complete step of the layer; otherwise says
    /// why not. Nothing is fatal here: the writer may yet create the folder, the layer or the step,
    /// or replace an unreadable sidecar.
    public static func open(path: String, layer selector: String?) -> Opening {
        let directory: CaptureDirectory
        do { directory = try CaptureDirectory(path: path) } catch { return .waiting(error.description) }
        let layer: CaptureLayerFolder
        do { layer = try directory.layer(selector) } catch { return .waiting(error.description) }
        let watcher = SidecarWatcher(folder: layer.path)
        guard let changes = watcher.poll(check: layer.check) else { return .waiting("\(layer.path): not found") }
        let steps = CaptureSteps(changes.sidecars)
        guard let newest = steps.complete.max(by: { ($0.completedAt, $0.step) < ($1.completedAt, $1.step) }) else {
            let why = changes.freshProblems.first?.description ?? steps.problems.first.map { "\(layer.path): \($0)" }
                ?? "\(layer.path): no complete step yet"
            return .waiting(why)
        }
        return .ready(FollowSource(path: path, layer: layer, watcher: watcher, shape: newest, sidecars: changes.sidecars))
    }

    private init(path: String, layer: CaptureLayerFolder, watcher: SidecarWatcher, shape: CaptureStep, sidecars: [CaptureSidecar]) {
        self.path = path
        self.layer = layer
        self.watcher = watcher
        tokens = shape.tokens
        experts = shape.experts
        topK = shape.topK
        worldSize = shape.worldSize
        status = FollowStatus(path: path, layer: layer.index, layerName: shape.layerName)
        label = "follow \(path) layer \(layer.index) (\(shape.layerName))"
        for sidecar in sidecars { pending[sidecar.path] = sidecar }
    }

    public func nextBatch() throws(WorkloadError) -> RoutingBatch? {
        guard let changes = watcher.poll(check: layer.check) else {
            pending.removeAll()
            status.problem = "\(layer.path): not found; waiting for the writer"
            return nil
        }
        // A sidecar that cannot be read or is out of bounds rejects its step's shard; following goes on.
        status.rejected += changes.freshProblems.count
        if let problem = changes.freshProblems.last { status.problem = problem.description }
        for path in changes.gone { pending[path] = nil }
        for sidecar in changes.sidecars where !seen.contains(key(sidecar)) { pending[sidecar.path] = sidecar }
        let fresh = CaptureSteps(Array(pending.values)).complete
        guard let newest = fresh.max(by: { ($0.completedAt, $0.step) < ($1.completedAt, $1.step) }) else { return nil }
        for step in fresh where key(step) != key(newest) {
            markSeen(step)
            status.skipped += 1
        }
        markSeen(newest)
        guard newest.tokens == tokens, newest.experts == experts else {
            refuse("\(newest.shards[0].path): step \(newest.step) has \(newest.tokens) tokens x \(newest.experts) experts; "
                   + "following \(tokens) x \(experts)")
            return nil
        }
        let batch: RoutingBatch
        do { batch = try newest.load(stepNumber: stepNumber) } catch {
            refuse(error.description)
            return nil
        }
        guard watcher.unchanged(newest.shards) else {
            // Replaced while being read: the watcher reports the new files at the next call.
            seen.remove(key(newest))
            return nil
        }
        stepNumber += 1
        status.routed += 1
        status.lastStep = newest.step
        status.lastSession = newest.session
        status.lastWrittenAt = newest.completedAt
        status.problem = nil
        return batch
    }

    /// Following has no beginning to go back to.
    public func rewind() {}

    private func refuse(_ problem: String) {
        status.rejected += 1
        status.problem = problem
    }

    /// A routed or passed-over step leaves the pending sidecars for good.
    private func markSeen(_ step: CaptureStep) {
        seen.insert(key(step))
        for shard in step.shards { pending[shard.path] = nil }
    }

    private func key(_ step: CaptureStep) -> StepKey { StepKey(session: step.session, step: step.step) }
    private func key(_ sidecar: CaptureSidecar) -> StepKey { StepKey(session: sidecar.session, step: sidecar.step) }
}
