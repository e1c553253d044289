import RectifyEngine
import Synchronization

/// A batch source opened before the engine thread starts (the CLI opens a `--trace` or `--follow`
/// capture to learn its shape), handed to that thread for its first open of the same preset, so a
/// long capture is not read twice. Taken once; later opens (reset, another preset) open afresh.
public final class SourceHandOff: Sendable {
    private let slot: Mutex<(source: any BatchSource, preset: Preset)?>

    public init(_ source: sending any BatchSource, for preset: Preset) {
        slot = Mutex((source, preset))
    }

    /// The source, if it was opened for `preset` and not taken yet.
    func take(for preset: Preset) -> (any BatchSource)? {
        slot.withLock { held -> (any BatchSource)? in
            guard let entry = held.take() else { return nil }
            return entry.preset == preset ? entry.source : nil
        }
    }
}
