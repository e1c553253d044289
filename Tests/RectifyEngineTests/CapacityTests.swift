import Testing
@testable import RectifyEngine

/// Spec section 2: `C = max(minCapacity, ceil(n * k * capacityFactor / E))` in integer arithmetic,
/// and the exact decimal the capacity factor is held in.
@Suite("Capacity")
struct CapacityTests {
    static func factor(_ text: String) throws -> CapacityFactor {
        try #require(CapacityFactor(parsing: text), "\(text) should parse")
    }

    @Test("n=320, k=2, E=64, capacity factor 1.1 gives 11, not the 12 of doubles")
    func specExample() throws {
        let config = RoutingConfig(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 320, capacityFactor: try Self.factor("1.1"))
        #expect(config.capacity == 11)
        #expect(config.slots == 8 * 64 * 11)
    }

    @Test("where doubles do overshoot (n=400, k=2, E=16, factor 1.1: 55, doubles say 56), integers do not")
    func doubleTrap() throws {
        // 400 * 2 * 1.1 is 880.0000000000001 in doubles, so the naive ceiling is one too many.
        let n = 400.0, k = 2.0, e = 16.0, factor = 1.1
        #expect((n * k * factor / e).rounded(.up) == 56)
        let config = RoutingConfig(gpus: 1, experts: 16, topK: 2, tokensPerGPU: 400, capacityFactor: try Self.factor("1.1"))
        #expect(config.capacity == 55)
    }

    @Test("exact multiples never round up", arguments: [
        // (n, k, E, factor, C)
        (4, 1, 4, "1", 1), (4096, 2, 64, "1", 128), (4096, 2, 64, "1.25", 160), (4096, 1, 64, "0.0625", 4),
        (320, 2, 64, "1.1", 11), (1000, 3, 30, "0.3", 30), (700, 1, 7, "0.7", 70), (640, 2, 64, "2.55", 51),
    ])
    func exactMultiples(n: Int, k: Int, e: Int, text: String, expected: Int) throws {
        let config = RoutingConfig(gpus: 1, experts: e, topK: k, tokensPerGPU: n, capacityFactor: try Self.factor(text))
        #expect(config.capacity == expected)
    }

    @Test("anything above an exact multiple rounds up")
    func roundsUp() throws {
        // 320 * 2 * 1.1001 / 64 = 11.001
        let config = RoutingConfig(gpus: 1, experts: 64, topK: 2, tokensPerGPU: 320, capacityFactor: try Self.factor("1.1001"))
        #expect(config.capacity == 12)
        // 1 token, top-1, 64 experts: 1/64 of a slot is still one slot.
        #expect(RoutingConfig(gpus: 1, experts: 64, topK: 1, tokensPerGPU: 1, minCapacity: 0).capacity == 1)
    }

    @Test("minCapacity is a floor, never a cap")
    func minCapacityFloor() throws {
        var config = RoutingConfig(gpus: 2, experts: 64, topK: 1, tokensPerGPU: 64, capacityFactor: try Self.factor("0.5"))
        config.minCapacity = 0
        #expect(config.capacity == 1)   // ceil(64 * 0.5 / 64) = 1
        config.minCapacity = 1
        #expect(config.capacity == 1)
        config.minCapacity = 4
        #expect(config.capacity == 4)
        #expect(config.slots == 2 * 64 * 4)
        config.capacityFactor = try Self.factor("10")
        #expect(config.capacity == 10)  // ceil(64 * 10 / 64) = 10 beats the floor of 4
    }

    @Test("the default minCapacity is 1")
    func defaultMinCapacity() {
        #expect(RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 1).minCapacity == 1)
    }

    @Test("irCapacity is ceil(irCapacityFactor * C)")
    func irCapacity() throws {
        var config = RoutingConfig(gpus: 1, experts: 64, topK: 2, tokensPerGPU: 320, capacityFactor: try Self.factor("1.1"))
        #expect(config.irCapacity == nil)
        config.irCapacityFactor = try Self.factor("0.5")
        #expect(config.irCapacity == 6)   // ceil(0.5 * 11)
        config.irCapacityFactor = try Self.factor("2")
        #expect(config.irCapacity == 22)
    }

    @Test("parses plain decimals with up to four places", arguments: [
        ("1", 10_000), ("1.25", 12_500), ("0.0625", 625), ("1.1", 11_000), ("0.0001", 1), ("1000", 10_000_000),
        ("2.5000", 25_000), ("0", 0),
    ])
    func parses(text: String, tenThousandths: Int) throws {
        #expect(try Self.factor(text).tenThousandths == tenThousandths)
    }

    @Test("rejects anything else", arguments: ["1.00001", "-1", "abc", "", "1e3", "+1", "1.2.3", "1,5", " 1", "1 ", ".", "nan", "inf", "0x10"])
    func rejects(text: String) {
        #expect(CapacityFactor(parsing: text) == nil, "\(text.debugDescription) should not parse")
    }

    @Test("description is the shortest decimal and parses back to the same factor")
    func descriptionRoundTrip() throws {
        let expected: [Int: String] = [10_000: "1", 12_500: "1.25", 625: "0.0625", 11_000: "1.1", 1: "0.0001",
                                       10_000_000: "1000", 0: "0", 10_001: "1.0001", 100_500: "10.05"]
        for (value, text) in expected {
            #expect(CapacityFactor(tenThousandths: value).description == text)
        }
        for value in [0, 1, 9, 10, 99, 100, 625, 999, 1_000, 9_999, 10_000, 10_010, 12_345, 99_999, 123_456_789] {
            let factor = CapacityFactor(tenThousandths: value)
            #expect(CapacityFactor(parsing: factor.description) == factor, "\(value) -> \(factor.description)")
        }
    }

    @Test("from a double: four places exactly or nothing")
    func fromDouble() {
        #expect(CapacityFactor(exactly: 1.1)?.tenThousandths == 11_000)
        #expect(CapacityFactor(exactly: 0.0625)?.tenThousandths == 625)
        #expect(CapacityFactor(exactly: 1.00001) == nil)
        #expect(CapacityFactor(exactly: .nan) == nil)
        #expect(CapacityFactor(exactly: .infinity) == nil)
    }

    @Test("ordering follows the value")
    func ordering() throws {
        #expect(try Self.factor("0.9999") < Self.factor("1"))
        #expect(try Self.factor("1.25") > Self.factor("1.2"))
        #expect(try Self.factor("1.10") == Self.factor("1.1"))
    }
}
