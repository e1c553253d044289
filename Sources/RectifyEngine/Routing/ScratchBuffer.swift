/// A raw buffer of plain values reused across steps so the hot path allocates nothing.
///
/// Workers write disjoint ranges of one buffer at once, which is why it hands out a `SharedBuffer`
/// (a pointer with its count) rather than an array.
final class ScratchBuffer<Element: BitwiseCopyable> {
    private var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        base = Self.zeroed(1)
        capacity = 1
    }

    /// Makes room for `count` elements; after growing, the contents are all zero bits.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        base.deallocate()
        base = Self.zeroed(count)
        capacity = count
    }

    /// The first `count` elements (at most the capacity reserved).
    func prefix(_ count: Int) -> SharedBuffer<Element> {
        precondition(count <= capacity, "scratch buffer smaller than asked for")
        return SharedBuffer(base, count: count)
    }

    /// Every element reserved.
    var all: SharedBuffer<Element> { SharedBuffer(base, count: capacity) }

    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<Element> {
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: count)
        UnsafeMutableRawPointer(pointer).initializeMemory(
            as: UInt8.self, repeating: 0, count: count * MemoryLayout<Element>.stride)
        return pointer
    }

    deinit { base.deallocate() }
}
