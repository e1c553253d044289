import Testing
@testable import RectifyEngine

/// The tuning recommendation against points whose answer is worked out by hand.
@Suite("Recommendation")
struct RecommendationTests {
    static func cf(_ text: String) -> CapacityFactor { CapacityFactor(parsing: text) ?? CapacityFactor(tenThousandths: 0) }

    static func point(_ scheme: RoutingScheme, _ factor: String, lost: Double?, padding: Double?, rate: Double? = nil) -> TuningPoint {
        TuningPoint(scheme: scheme, capacityFactor: cf(factor), lost: lost, padding: padding,
                    stepSeconds: rate.map { 1 / $0 }, usefulTokensPerSecond: rate)
    }

    /// Two factors, the four modes and both baselines, figures chosen so each case has one answer:
    ///
    /// | cf | vanilla | ir | fr | ir+fr | dropless | expert-choice |
    /// | 1.0 | lost 5% pad 20% 8M | 2% 20% 8.5M | 5% 4% 9M | 0.5% 4% 9.5M | 0% 0% 6M | - 12% 7M |
    /// | 1.5 | lost 1% pad 30% 7M | 0.2% 30% 7.2M | 1% 15% 7.5M | 0% 15% 7.6M | 0% 0% 6M | - 25% 6.5M |
    static let points: [TuningPoint] = [
        point(.rectify(.vanilla), "1", lost: 0.05, padding: 0.2, rate: 8e6),
        point(.rectify(.ir), "1", lost: 0.02, padding: 0.2, rate: 8.5e6),
        point(.rectify(.fr), "1", lost: 0.05, padding: 0.04, rate: 9e6),
        point(.rectify(.irfr), "1", lost: 0.005, padding: 0.04, rate: 9.5e6),
        point(.baseline(.dropless), "1", lost: 0, padding: 0, rate: 6e6),
        point(.baseline(.expertChoice), "1", lost: nil, padding: 0.12, rate: 7e6),
        point(.rectify(.vanilla), "1.5", lost: 0.01, padding: 0.3, rate: 7e6),
        point(.rectify(.ir), "1.5", lost: 0.002, padding: 0.3, rate: 7.2e6),
        point(.rectify(.fr), "1.5", lost: 0.01, padding: 0.15, rate: 7.5e6),
        point(.rectify(.irfr), "1.5", lost: 0, padding: 0.15, rate: 7.6e6),
        point(.baseline(.dropless), "1.5", lost: 0, padding: 0, rate: 6e6),
        point(.baseline(.expertChoice), "1.5", lost: nil, padding: 0.25, rate: 6.5e6),
    ]

    @Test("smallest cf meeting lost <= 1% and padding <= 10%: ir+fr at 1.0; dropless is never a candidate")
    func smallestFactor() throws {
        let r = try #require(Recommendation(points: Self.points, targets: .standard))
        #expect(r.meetsTargets)
        #expect(r.choice.capacityFactor == Self.cf("1") && r.mode == .irfr)
    }

    @Test("only a padding target: at the smallest cf fr and ir+fr meet it; ir+fr has the higher throughput")
    func onlyPadding() throws {
        let r = try #require(Recommendation(points: Self.points, targets: TuningTargets(maxPadding: 0.05)))
        #expect(r.meetsTargets && r.choice.capacityFactor == Self.cf("1") && r.mode == .irfr)
        // Without ir+fr, fr is the only one at 1.0 under 5% padding.
        let noIRFR = Self.points.filter { $0.scheme != .rectify(.irfr) }
        let fr = try #require(Recommendation(points: noIRFR, targets: TuningTargets(maxPadding: 0.05)))
        #expect(fr.choice.capacityFactor == Self.cf("1") && fr.mode == .fr)
    }

    @Test("only a lost target of 0.1%: nothing at 1.0 meets it, ir+fr at 1.5 (0%) does")
    func onlyLost() throws {
        let r = try #require(Recommendation(points: Self.points, targets: TuningTargets(maxLost: 0.001)))
        #expect(r.meetsTargets && r.choice.capacityFactor == Self.cf("1.5") && r.mode == .irfr)
    }

    @Test("ties: equal throughput and lost go to the smaller factor, then the earlier mode")
    func ties() throws {
        let tied = [Self.point(.rectify(.irfr), "1.5", lost: 0, padding: 0, rate: 5e6),
                    Self.point(.rectify(.fr), "1.5", lost: 0, padding: 0, rate: 5e6),
                    Self.point(.rectify(.ir), "1.5", lost: 0, padding: 0, rate: 5e6)]
        let r = try #require(Recommendation(points: tied, targets: .standard))
        #expect(r.mode == .ir, "same figures: the simpler mode first")
        let throughput = try #require(Recommendation(points: tied + [Self.point(.rectify(.irfr), "1.25", lost: 0, padding: 0, rate: 5e6)],
                                                     targets: .standard, goal: .throughput))
        #expect(throughput.choice.capacityFactor == Self.cf("1.25") && throughput.mode == .irfr, "same throughput: the smaller factor")
        let lostBreaks = [Self.point(.rectify(.ir), "1", lost: 0.004, padding: 0, rate: 5e6),
                          Self.point(.rectify(.irfr), "1", lost: 0.001, padding: 0, rate: 5e6)]
        #expect(Recommendation(points: lostBreaks, targets: .standard)?.mode == .irfr, "same throughput: the lower lost")
    }

    @Test("nothing meets: the closest candidate (least total overshoot) is named, meetsTargets false")
    func nothingMeets() throws {
        let r = try #require(Recommendation(points: Self.points, targets: TuningTargets(maxLost: 0, maxPadding: 0.01)))
        #expect(!r.meetsTargets)
        // Overshoots: ir+fr 1.0 is 0.005 + 0.03 = 0.035; fr 1.0 0.05 + 0.03; ir+fr 1.5 0 + 0.14.
        #expect(r.choice.capacityFactor == Self.cf("1") && r.mode == .irfr)
        #expect(TuningTargets(maxLost: 0, maxPadding: 0.01).shortfall(r.choice) == 0.005 + 0.03)
    }

    @Test("throughput goal: the best useful tokens/s among the points that meet the targets; without targets the best of all")
    func throughputGoal() throws {
        let met = try #require(Recommendation(points: Self.points, targets: TuningTargets(maxLost: 0.001), goal: .throughput))
        #expect(met.choice.capacityFactor == Self.cf("1.5") && met.mode == .irfr)
        let free = try #require(Recommendation(points: Self.points, targets: TuningTargets(), goal: .throughput))
        #expect(free.meetsTargets && free.choice.capacityFactor == Self.cf("1") && free.mode == .irfr && free.choice.usefulTokensPerSecond == 9.5e6)
        let noTargetsSmallest = try #require(Recommendation(points: Self.points, targets: TuningTargets()))
        #expect(noTargetsSmallest.choice.capacityFactor == Self.cf("1") && noTargetsSmallest.mode == .irfr)
    }

    @Test("no rectify mode among the points: no recommendation")
    func noCandidates() {
        #expect(Recommendation(points: Self.points.filter { $0.scheme.mode == nil }, targets: .standard) == nil)
        #expect(Recommendation(points: [], targets: .standard) == nil)
    }

    @Test("a missing figure cannot meet a target that reads it")
    func missingFigure() {
        let targets = TuningTargets(maxLost: 0.5)
        #expect(!targets.met(by: Self.point(.rectify(.ir), "1", lost: nil, padding: 0)))
        #expect(TuningTargets(maxPadding: 0.5).met(by: Self.point(.rectify(.ir), "1", lost: nil, padding: 0)))
    }
}
