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

    /// The recorded step `next()` will give, without moving.
    func peek() -> Int? {
        position < count ? position : (loop && count > 0 ? 0 : nil)
    }

    mutating func rewind() {
        position = 0
        stepNumber = 0
    }
}
