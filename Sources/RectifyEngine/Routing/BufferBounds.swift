/// The index checks of `SharedBuffer` and `ReadBuffer`: `assert`s, so they run in debug builds
/// (the tests) and cost nothing in release builds, where the routing kernels' loops must stay bare.
enum BufferBounds {
    @inline(__always)
    static func checkCount(_ count: Int) {
        assert(count >= 0, "negative buffer count")
    }

    @inline(__always)
    static func checkIndex(_ index: Int, _ count: Int) {
        assert(index >= 0 && index < count, "index \(index) outside a buffer of \(count)")
    }

    @inline(__always)
    static func checkSlice(_ start: Int, _ length: Int, _ count: Int) {
        assert(start >= 0 && length >= 0 && start <= count &- length,
               "slice \(start) + \(length) outside a buffer of \(count)")
    }

    /// A `T` read or written from element `index` on lies inside `count` elements.
    @inline(__always)
    static func checkBytes<T, Element>(of type: T.Type, at index: Int, in count: Int, of element: Element.Type) {
        assert(index >= 0 && index &* MemoryLayout<Element>.stride &+ MemoryLayout<T>.size
               <= count &* MemoryLayout<Element>.stride, "\(T.self) at \(index) outside a buffer of \(count)")
    }
}
