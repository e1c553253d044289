import Dispatch

/// Splits `0..<count` into at most `workers` contiguous chunks and runs them concurrently.
///
/// The router's stages are independent per token and per source GPU, so contiguous chunks
/// need no synchronisation beyond the join at the end. `body` gets the chunk's index (each chunk
/// uses the scratch of that index); the running threads take chunks as they become free, so
/// there may be more chunks than threads.
func parallelChunks(count: Int, workers: Int, _ body: @Sendable (_ worker: Int, _ range: Range<Int>) -> Void) {
    let chunks = max(1, min(workers, count))
    if chunks == 1 {
        body(0, 0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { worker in
        let start = count * worker / chunks
        let end = count * (worker + 1) / chunks
        body(worker, start..<end)
    }
}
