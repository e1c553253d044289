import Synchronization

/// Standard-error lines collected instead of printed (see `StandardStreams.errorLines`).
final class ErrorLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}
