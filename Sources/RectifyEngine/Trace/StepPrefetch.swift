import Dispatch
import Synchronization

/// One recorded step read on another thread while the current one is being routed.
///
/// Replaying a trace or a capture alternates reading a step (`pread`s of megabytes and a NaN scan)
/// and routing it; reading the next step meanwhile takes the read off the routing's critical path.
/// Only plain values cross threads: the reading closure and its `Result`.
final class StepPrefetch<Value: Sendable>: Sendable {
    typealias Outcome = Result<Value, WorkloadError>

    /// The recorded step being read.
    let position: Int
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Outcome?>(nil)

    private init(position: Int) { self.position = position }

    /// Starts reading `position` with `read` on a background thread.
    static func start(position: Int, _ read: @escaping @Sendable () -> Outcome) -> StepPrefetch {
        let prefetch = StepPrefetch(position: position)
        DispatchQueue.global(qos: .userInitiated).async {
            let result = read()
            prefetch.outcome.withLock { $0 = result }
            prefetch.done.signal()
        }
        return prefetch
    }

    /// The recorded step at `position`: `ahead`'s result when it is reading that step, otherwise
    /// read now with `read`. `ahead` is used up either way (the next read is started by the
    /// caller once the step has passed its checks).
    static func take(_ ahead: inout StepPrefetch?, position: Int, orRead read: () -> Outcome) -> Outcome {
        defer { ahead = nil }
        if let ahead, ahead.position == position { return ahead.wait() }
        return read()
    }

    /// Waits for the read to finish and gives its result.
    func wait() -> Outcome {
        done.wait()
        done.signal()  // a second wait (there is none today) must not block forever
        return outcome.withLock { $0 } ?? .failure(WorkloadError("step \(position): read ahead produced nothing"))
    }
}
