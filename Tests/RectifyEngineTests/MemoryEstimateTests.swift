import Testing
@testable import RectifyEngine

@Suite("memory estimate")
struct MemoryEstimateTests {
    @Test("sizes parse in powers of 1024, with or without B or iB")
    func parsing() {
        #expect(MemoryBudget(parsing: "8G")?.bytes == 8 << 30)
        #expect(MemoryBudget(parsing: "512m")?.bytes == 512 << 20)
        #expect(MemoryBudget(parsing: "1.5GiB")?.bytes == 3 << 29)
        #expect(MemoryBudget(parsing: "2KB")?.bytes == 2048)
        #expect(MemoryBudget(parsing: "3000000000")?.bytes == 3_000_000_000)
        #expect(MemoryBudget(parsing: "none")?.bytes == nil)
        #expect(MemoryBudget(parsing: "none") != nil)
        for bad in ["", "G", "-1G", "1e3", "8 G", "8X", "nan", "99999999999T"] {
            #expect(MemoryBudget(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("the logits dominate and grow with every batch held")
    func logits() {
        let config = RoutingConfig(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 4096)
        let one = MemoryEstimate.routing(config, batchesHeld: 1, hiddenSize: nil)
        let four = MemoryEstimate.routing(config, batchesHeld: 4, hiddenSize: 16)
        #expect(one.parts.first { $0.name == "logits" }?.bytes == 8 * 4096 * 64 * 4)
        #expect(four.parts.first { $0.name == "logits" }?.bytes == 4 * 8 * 4096 * 64 * 4)
        #expect(four.parts.first { $0.name == "hidden states" }?.bytes == 4 * 8 * 4096 * 16 * 4)
        #expect(four.bytes > one.bytes)
    }

    @Test("a looped trace's kept steps are counted up to the limit; larger or unlooped traces keep none")
    func keptTrace() throws {
        #expect(TraceSource.keptBytes(steps: 9, tokens: 32_768, experts: 64, loop: true) == 9 * 32_768 * 64 * 4)
        #expect(TraceSource.keptBytes(steps: 9, tokens: 32_768, experts: 64, loop: false) == 0)
        #expect(TraceSource.keptBytes(steps: 40, tokens: 32_768, experts: 64, loop: true) == 0)   // 320 MiB > 256 MiB
        #expect(TraceSource.keptBytes(steps: Int.max / 2, tokens: 3, experts: 5, loop: true) == 0)
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("t.npy", TraceNpyBytes.float32File([Float](repeating: 1, count: 24), shape: [3, 4, 2]))
        #expect(TraceSource.keptBytes(path: path, loop: true) == 96)
        #expect(TraceSource.keptBytes(path: directory.url.appendingPathComponent("missing.npy").path, loop: true) == 0)
        let config = RoutingConfig(gpus: 2, experts: 2, topK: 1, tokensPerGPU: 2)
        let estimate = MemoryEstimate.routing(config, batchesHeld: 1, hiddenSize: nil, traceElementSize: 4, keptTraceBytes: 96)
        #expect(estimate.parts.first { $0.name == "looped trace kept" }?.bytes == 96)
        #expect(MemoryEstimate.routing(config, batchesHeld: 1, hiddenSize: nil).parts.allSatisfy { $0.name != "looped trace kept" })
    }

    @Test("sizes that overflow saturate and are refused")
    func saturates() throws {
        let config = RoutingConfig(gpus: 4096, experts: 16_384, topK: 64, tokensPerGPU: 1 << 14)
        let estimate = MemoryEstimate.routing(config, batchesHeld: Int.max / 2, hiddenSize: 1024)
        #expect(estimate.bytes == Int.max)
        let error = #expect(throws: MemoryError.self) { try MemoryBudget(bytes: 1 << 40, origin: "test").check(estimate) }
        #expect(error?.description.contains("more than 8 EiB") == true)
        #expect(throws: Never.self) { try MemoryBudget(bytes: nil, origin: "none").check(estimate) }
    }
}
