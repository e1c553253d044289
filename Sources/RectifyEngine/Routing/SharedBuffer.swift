/// `count` values that concurrent workers write in disjoint ranges, carried into them by value.
///
/// A bare pointer would let an index run past the end unnoticed; this one carries its count and
/// checks every index with `assert` (see `BufferBounds`), so debug builds (the tests') trap at the
/// first bad index and release builds keep the plain pointer arithmetic the hot loops need.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ base: UnsafeMutablePointer<Element>, count: Int) {
        BufferBounds.checkCount(count)
        self.base = base
        self.count = count
    }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            BufferBounds.checkIndex(index, count)
            return base[index]
        }
        @inline(__always) nonmutating set {
            BufferBounds.checkIndex(index, count)
            base[index] = newValue
        }
    }

    /// Elements `start..<start + length`, which must lie inside this buffer.
    @inline(__always)
    func slice(_ start: Int, _ length: Int) -> SharedBuffer {
        BufferBounds.checkSlice(start, length, count)
        return SharedBuffer(base + start, count: length)
    }

    /// The same elements as the standard library's buffer (for APIs that take one).
    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// A copy of the elements in an array.
    var copied: [Element] { Array(buffer) }

    /// The same elements, for code that only reads them.
    var readOnly: ReadBuffer<Element> { ReadBuffer(UnsafePointer(base), count: count) }
}

extension SharedBuffer where Element: BitwiseCopyable {
    /// The bytes from element `index` on read as one `T`, unaligned; they must lie inside the buffer.
    @inline(__always)
    func load<T: BitwiseCopyable>(_ type: T.Type, at index: Int) -> T { readOnly.load(type, at: index) }

    /// Stores `value`'s bytes from element `index` on, unaligned; they must lie inside the buffer.
    @inline(__always)
    func store<T: BitwiseCopyable>(_ value: T, at index: Int) {
        BufferBounds.checkBytes(of: T.self, at: index, in: count, of: Element.self)
        UnsafeMutableRawPointer(base + index).storeBytes(of: value, as: T.self)
    }
}
