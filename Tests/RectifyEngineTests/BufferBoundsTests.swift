import Testing
@testable import RectifyEngine

/// The routing kernels' buffers carry their count: inside it they read and write what is there,
/// and in debug builds (the tests') an index, slice or vector load past it stops the process
/// instead of touching memory beyond the buffer.
@Suite("Routing buffers: bounds")
struct BufferBoundsTests {
    @Test("indices, slices and vector loads inside the count see the buffer's values")
    func inside() {
        let scratch = ScratchBuffer<Float>()
        scratch.reserve(8)
        let buffer = scratch.prefix(8)
        for i in 0..<8 { buffer[i] = Float(i) }
        let tail = buffer.slice(4, 4)
        #expect(tail.count == 4 && tail[0] == 4 && tail[3] == 7)
        #expect(buffer.readOnly.load(SIMD4<Float>.self, at: 2) == SIMD4<Float>(2, 3, 4, 5))
        buffer.store(SIMD4<Float>(repeating: 9), at: 4)
        #expect(buffer.copied == [0, 1, 2, 3, 9, 9, 9, 9])
        #expect(buffer.readOnly.load(Int32.self, at: 1) == Int32(bitPattern: Float(1).bitPattern))
    }

    #if DEBUG
    @Test("an index past the count stops the process")
    func indexPastTheEnd() async {
        await #expect(processExitsWith: .failure) {
            let scratch = ScratchBuffer<Int32>()
            scratch.reserve(4)
            scratch.prefix(4)[4] = 1
        }
    }

    @Test("a slice reaching past the count stops the process")
    func slicePastTheEnd() async {
        await #expect(processExitsWith: .failure) {
            let scratch = ScratchBuffer<Float>()
            scratch.reserve(8)
            _ = scratch.prefix(8).readOnly.slice(6, 4)
        }
    }

    @Test("a vector load reaching past the count stops the process")
    func loadPastTheEnd() async {
        await #expect(processExitsWith: .failure) {
            let scratch = ScratchBuffer<Float>()
            scratch.reserve(8)
            _ = scratch.prefix(6).readOnly.load(SIMD4<Float>.self, at: 4)
        }
    }
    #endif
}
