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
