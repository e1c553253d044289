/// Where a replay of recorded steps stands: the recorded step to read next and the batch number it
/// gets. Batch numbers keep counting across loops; positions are the recording's own.
struct ReplayCursor {
    let count: Int
    let loop: Bool
    private(set) var position = 0
    private(set) var stepNumber = 0

    init(count: Int, loop: Bool) {
        self.count = count
        self.loop = loop
    }

    /// The next (recorded step, batch number), wrapping when looping; `nil` at the end.
    mutating func next() -> (position: Int, stepNumber: Int)? {
        if position == count {
            guard loop else { return nil }
            position = 0
        }
        defer {
            position += 1
            stepNumber += 1
        }
        return (position, stepNumber)
    }

    mutating func rewind() {
        position = 0
        stepNumber = 0
    }
}

/// The first value that is NaN or infinite and how to name it, for errors that point at it.
func firstNonFinite(_ values: [Float]) -> (index: Int, name: String)? {
    guard let index = values.firstIndex(where: { !$0.isFinite }) else { return nil }
    let value = values[index]
    return (index, value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf"))
}
