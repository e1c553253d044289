/// `count` values the router only reads (a batch's logits, a row of them), carried into workers
/// by value: the read-only counterpart of `SharedBuffer`, with the same debug-only index checks.
struct ReadBuffer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
    let count: Int

    init(_ base: UnsafePointer<Element>, count: Int) {
        BufferBounds.checkCount(count)
        (self.base, self.count) = (base, count)
    }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            BufferBounds.checkIndex(index, count)
            return base[index]
        }
    }

    /// Elements `start..<start + length`, which must lie inside this buffer.
    @inline(__always)
    func slice(_ start: Int, _ length: Int) -> ReadBuffer {
        BufferBounds.checkSlice(start, length, count)
        return ReadBuffer(base + start, count: length)
    }
}

extension ReadBuffer where Element: BitwiseCopyable {
    /// The bytes from element `index` on read as one `T`, unaligned (four floats as a vector, a
    /// float's bits as an integer); they must lie inside the buffer.
    @inline(__always)
    func load<T: BitwiseCopyable>(_ type: T.Type, at index: Int) -> T {
        BufferBounds.checkBytes(of: T.self, at: index, in: count, of: Element.self)
        return UnsafeRawPointer(base + index).loadUnaligned(as: type)
    }
}
