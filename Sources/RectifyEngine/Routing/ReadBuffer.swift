/// `count` values the router only reads (a batch's logits, a row of them), carried into workers
/// by value: the read-only counterpart of `SharedBuffer`, with the same debug-only index checks.
struct ReadBuffer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
    let count: Int

    init(_ base: UnsafePointer<Element>, count: Int) {
        assert(count >= 0, "negative count")
        self.base = base
        self.count = count
    }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            assert(index >= 0 && index < count, "index out of range")
            return base[index]
        }
    }

    /// Elements `start..<start + length`, which must lie inside this buffer.
    @inline(__always)
    func slice(_ start: Int, _ length: Int) -> ReadBuffer {
        assert(start >= 0 && length >= 0 && start <= count &- length, "slice out of range")
        return ReadBuffer(base + start, count: length)
    }
}

extension ReadBuffer where Element: BitwiseCopyable {
    /// The bytes from element `index` on read as one `T`, unaligned (four floats as a vector, a
    /// float's bits as an integer); they must lie inside the buffer.
    @inline(__always)
    func load<T: BitwiseCopyable>(_ type: T.Type, at index: Int) -> T {
        assert(index >= 0 && index &* MemoryLayout<Element>.stride &+ MemoryLayout<T>.size
               <= count &* MemoryLayout<Element>.stride, "load out of range")
        return UnsafeRawPointer(base + index).loadUnaligned(as: type)
    }
}
