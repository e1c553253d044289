/// A raw buffer of plain values reused across steps so the hot path allocates nothing.
///
/// Workers write disjoint ranges of one buffer at once, which is why it hands out a raw pointer.
final class ScratchBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
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

    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<Element> {
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: count)
        UnsafeMutableRawPointer(pointer).initializeMemory(
            as: UInt8.self, repeating: 0, count: count * MemoryLayout<Element>.stride)
        return pointer
    }

    deinit { base.deallocate() }
}

/// A pointer carried into concurrent workers that each touch their own disjoint range.
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
    func advanced(by offset: Int) -> UnsafeMutablePointer<Element> { base + offset }
}
