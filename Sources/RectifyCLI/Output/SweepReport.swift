import Foundation
import RectifyEngine

/// The figures of one routing scheme at one capacity factor, each the mean over the sweep's
/// batches (counts per step; rates as ratios of the summed counts, which for equal-sized steps
/// is the mean of the per-step rates). `nil` where the figure does not apply to the scheme.
struct SweepPoint: Sendable {
    let scheme: RoutingScheme
    let capacityFactor: CapacityFactor
    let steps: Int
    /// `C` per (GPU, expert); `nil` for dropless (no capacity).
    var capacity: Int?
    var dropRate: Double?
    /// `unrecovered / requested`: requests dropped and not computed by IR either.
    var unrecoveredRate: Double?
    var paddingRate: Double?
    var dropped: Double?
    var recovered: Double?
    var unrecovered: Double?
    var filled: Double?
    var residualPadding: Double?
    var coveredTokens: Double
    var coverageRate: Double?
    var crossGPU: Double
    var imbalance: Double?
    /// Layer-distortion proxy: relative L2 error of the layer output on synthetic experts against
    /// the dropless reference; `nil` without hidden states.
    var outputError: Double?
    /// Router-side quality summed over the batches; `nil` never (every scheme has a top-k mass).
    var gateMass: GateMass?
    /// Mean estimated step time, seconds (cost model, default parameters).
    var stepSeconds: Double?
    var usefulTokensPerSecond: Double?

    /// `unrecovered / dropped`: the share of drops nobody computed in the end.
    var unrecoveredShare: Double? {
        guard let dropped, let unrecovered, dropped > 0 else { return nil }
        return unrecovered / dropped
    }

    /// The value a chart plots for `metric`.
    func value(_ metric: SweepMetric) -> Double? {
        switch metric {
        case .dropRate: return unrecoveredRate
        case .paddingRate: return paddingRate
        case .outputError: return outputError
        case .stepTime: return stepSeconds
        }
    }
}

/// The four figures `--svg` draws against the capacity factor.
enum SweepMetric: CaseIterable, Sendable {
    case dropRate, paddingRate, outputError, stepTime
}

/// Everything `rectify sweep` measured, and its three text formats.
struct SweepReport: Sendable {
    let preset: Preset
    let factors: [CapacityFactor]
    let schemes: [RoutingScheme]
    /// Batches actually routed for every point (fewer than requested when a trace ends).
    let steps: Int
    let costSettings: CostSettings
    var costParameters: CostParameters { costSettings.parameters }
    let fidelityOptions: FidelityOptions
    /// Whether the batches carried hidden states, i.e. whether output error was measured.
    let measuredFidelity: Bool
    /// Scheme-major: every factor of the first scheme, then of the next.
    let points: [SweepPoint]

    func point(_ scheme: RoutingScheme, _ factor: CapacityFactor) -> SweepPoint? {
        points.first { $0.scheme == scheme && $0.capacityFactor == factor }
    }

    func render(_ format: SweepFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json(), indent: 2) + "\n"
        case .csv: return csv()
        case .table: return table()
        }
    }

    // MARK: JSON

    func configJSON() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if case .object(let base) = ConfigJSON.make(preset, steps: steps, modes: []) {
            let replaced: Set<String> = ["capacityFactor", "capacity", "slots", "modes"]
            members = base.filter { !replaced.contains($0.key) }
        }
        members += [
            ("capacityFactors", .array(factors.map { .number($0.description) })),
            ("modes", .array(schemes.map { .string($0.label) })),
            ("costParameters", ConfigJSON.costParameters(costParameters)),
            ("fidelity", ConfigJSON.fidelity(fidelityOptions, measured: measuredFidelity)),
            ("costProfile", QualityJSON.costProfile(costSettings)),
            ("quality", QualityJSON.qualityFile(preset.quality)),
        ]
        return .object(members)
    }

    func json() -> JSONValue {
        .object([("config", configJSON()), ("points", .array(points.map(pointJSON)))])
    }

    func pointJSON(_ p: SweepPoint) -> JSONValue {
        var measured = JSONValue.null
        if case .rectify(let mode) = p.scheme {
            var config = preset.routing
            config.capacityFactor = p.capacityFactor
            measured = QualityJSON.measured(preset.quality, config: config, mode: mode)
        }
        return .object([
            ("mode", .string(p.scheme.label)), ("capacityFactor", .number(p.capacityFactor.description)),
            ("steps", .int(p.steps)), ("capacity", p.capacity.map(JSONValue.int) ?? .null),
            ("dropRate", .double(p.dropRate)), ("unrecoveredRate", .double(p.unrecoveredRate)),
            ("paddingRate", .double(p.paddingRate)),
            ("dropped", .double(p.dropped)), ("recovered", .double(p.recovered)), ("unrecovered", .double(p.unrecovered)),
            ("filled", .double(p.filled)), ("residualPadding", .double(p.residualPadding)),
            ("coveredTokens", .double(p.coveredTokens)), ("coverageRate", .double(p.coverageRate)),
            ("crossGPU", .double(p.crossGPU)), ("imbalance", .double(p.imbalance)),
            ("outputError", .double(p.outputError)), ("stepTime", .double(p.stepSeconds)),
            ("usefulTokensPerSecond", .double(p.usefulTokensPerSecond)),
        ] + QualityJSON.gateMass(p.gateMass) + [("measuredQuality", measured)])
    }

    // MARK: CSV

    static let csvColumns = ["mode", "capacityFactor", "steps", "capacity", "dropRate", "unrecoveredRate", "paddingRate", "dropped", "recovered",
                             "unrecovered", "filled", "residualPadding", "coveredTokens", "coverageRate", "crossGPU",
                             "imbalance", "outputError", "stepTime", "usefulTokensPerSecond"] + QualityJSON.gateMassKeys

    /// A header row, then a row per point; an empty cell is a figure that does not apply.
    func csv() -> String {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
        var rows = [Self.csvColumns.joined(separator: ",")]
        for p in points {
            let cells = [p.scheme.label, p.capacityFactor.description, String(p.steps), p.capacity.map(String.init) ?? "",
                         number(p.dropRate), number(p.unrecoveredRate), number(p.paddingRate), number(p.dropped), number(p.recovered),
                         number(p.unrecovered), number(p.filled), number(p.residualPadding), number(p.coveredTokens),
                         number(p.coverageRate), number(p.crossGPU), number(p.imbalance), number(p.outputError),
                         number(p.stepSeconds), number(p.usefulTokensPerSecond)] + QualityJSON.gateMassValues(p.gateMass).map(number)
            rows.append(cells.joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    // MARK: Table

    /// Grouped by capacity factor so the modes compare side by side; `-` where a figure does not apply.
    func table() -> String {
        let r = preset.routing
        var out = TerminalText.sanitized("preset \(preset.name): \(preset.workloadLabel)") + "\n"
        out += "\(r.gpus) GPUs x \(r.experts / r.gpus) experts (\(r.experts) in all), top-\(r.topK), policy \(r.dropPolicy.rawValue), "
        out += "\(steps) step\(steps == 1 ? "" : "s") of \(r.tokens) tokens per point, the same batches for every point\n"
        out += "intended %, subst %: top-k gate mass computed by the intended experts / handed to substitutes (router-side, no model)\n"
        out += measuredFidelity
            ? "distort %: layer-distortion proxy, not model quality: relative L2 against dropless \(fidelityOptions.reference.rawValue) on seeded synthetic experts, expert similarity \(fidelityOptions.expertSimilarity), \(fidelityOptions.sampleTokens) sampled tokens per step\n"
            : "distort %: layer-distortion proxy, not measured (the batches carry no hidden states)\n"
        out += "step time: cost model, profile \(costSettings.profile.name), \(costSettings.dispatch.rawValue) dispatch\(costSettings.irOverlap ? ", IR overlaps the dispatch" : "") (d \(costParameters.hiddenSize), f \(costParameters.ffnSize), \(costParameters.gpusPerNode) GPUs per node)\n\n"
        let header = ["cf", "mode", "C", "drop %", "unrec %", "recovered", "filled", "pad %", "covered %", "crossGPU",
                      "imbalance", "intended %", "subst %", "distort %", "step ms", "Mtok/s"]
        var rows: [[String]] = []
        for factor in factors {
            for scheme in schemes {
                guard let p = point(scheme, factor) else { continue }
                rows.append([factor.description, scheme.label, p.capacity.map(String.init) ?? "-",
                             Self.percent(p.dropRate), Self.percent(p.unrecoveredRate), Self.count(p.recovered),
                             Self.count(p.filled), Self.percent(p.paddingRate), Self.percent(p.coverageRate),
                             Self.count(p.crossGPU), RunReport.ratio(p.imbalance), Self.percent(p.gateMass?.intendedShare),
                             Self.percent(p.gateMass?.substituteShare), Self.percent(p.outputError),
                             p.stepSeconds.map { String(format: "%.3f", $0 * 1e3) } ?? "-",
                             p.usefulTokensPerSecond.map { String(format: "%.1f", $0 / 1e6) } ?? "-"])
            }
        }
        out += TextTable.render(header: header, rows: rows)
        out += "\ndrop %, unrec %: share of the T x k requests dropped / left uncomputed; recovered, filled, crossGPU: per step.\n"
        return out
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.2f", value * 100)
    }

    static func count(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// The output formats of `rectify sweep`.
enum SweepFormat: String, CaseIterable {
    case table, json, csv
}

/// Sums one scheme's figures, costs and fidelity over the batches of one capacity factor.
struct SweepAccumulator {
    let scheme: RoutingScheme
    let factor: CapacityFactor
    private var rectify: RunTotals?
    private var baseline: BaselineTotals?
    private(set) var cost = CostTotals()
    private var capacity: Int?

    init(scheme: RoutingScheme, factor: CapacityFactor) {
        self.scheme = scheme
        self.factor = factor
        switch scheme {
        case .rectify(let mode): rectify = RunTotals(mode: mode)
        case .baseline(let mode): baseline = BaselineTotals(mode: mode)
        }
    }

    mutating func add(_ figures: StepFigures, cost stepCost: StepCost) {
        rectify?.add(figures)
        capacity = figures.capacity
        cost.add(stepCost)
    }

    mutating func add(_ figures: BaselineFigures, cost stepCost: StepCost) {
        baseline?.add(figures)
        capacity = figures.capacity
        cost.add(stepCost)
    }

    func point(outputError: Double?) -> SweepPoint {
        let steps = max(1, cost.steps)
        func mean(_ value: Int?) -> Double? { value.map { Double($0) / Double(steps) } }
        if let t = rectify {
            let mode = t.mode
            return SweepPoint(
                scheme: scheme, capacityFactor: factor, steps: t.steps, capacity: capacity,
                dropRate: t.dropRate, unrecoveredRate: t.requested > 0 ? Double(t.unrecovered) / Double(t.requested) : nil,
                paddingRate: t.paddingRate, dropped: mean(t.dropped),
                recovered: mode.usesIR ? mean(t.recovered) : nil, unrecovered: mean(t.unrecovered),
                filled: mode.usesFR ? mean(t.filled) : nil, residualPadding: mean(t.residualPadding),
                coveredTokens: mean(t.coveredTokens) ?? 0, coverageRate: t.coverageRate, crossGPU: mean(t.crossGPU) ?? 0,
                imbalance: t.imbalance, outputError: outputError, gateMass: t.gateMass, stepSeconds: cost.meanStepSeconds,
                usefulTokensPerSecond: cost.usefulTokensPerSecond)
        }
        let t = baseline ?? BaselineTotals(mode: .dropless)
        return SweepPoint(
            scheme: scheme, capacityFactor: factor, steps: t.steps, capacity: capacity,
            dropRate: t.dropRate, unrecoveredRate: Self.rate(t.unrecovered, t.requested),
            paddingRate: t.paddingRate, dropped: mean(t.dropped), recovered: mean(t.recovered),
            unrecovered: mean(t.unrecovered), filled: mean(t.filled), residualPadding: mean(t.residualPadding),
            coveredTokens: mean(t.coveredTokens) ?? 0, coverageRate: t.coverageRate, crossGPU: mean(t.crossGPU) ?? 0,
            imbalance: t.imbalance, outputError: outputError, gateMass: t.gateMass, stepSeconds: cost.meanStepSeconds,
            usefulTokensPerSecond: cost.usefulTokensPerSecond)
    }

    private static func rate(_ part: Int?, _ whole: Int?) -> Double? {
        guard let part, let whole, whole > 0 else { return nil }
        return Double(part) / Double(whole)
    }
}
