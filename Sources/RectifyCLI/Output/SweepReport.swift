import Foundation
import RectifyEngine

/// The figures `rectify sweep` prints of one point: each the mean over the sweep's batches (counts
/// per step; rates as ratios of the summed counts, which for equal-sized steps is the mean of the
/// per-step rates). `nil` where the figure does not apply to the scheme.
extension CapacitySweep.Point {
    /// `C` per (GPU, expert); `nil` for dropless (no capacity).
    var capacity: Int? { totals.capacity }
    var dropRate: Double? { totals.dropRate }
    /// `unrecovered / requested`: requests dropped and not computed by IR either.
    var unrecoveredRate: Double? { totals.lostRate }
    var paddingRate: Double? { totals.paddingRate }
    var dropped: Double? { totals.perStep(totals.dropped) }
    /// IR's and FR's counts only for the schemes that have them (vanilla's are no figure, not 0).
    var recovered: Double? { scheme.usesIR ? totals.perStep(totals.recovered) : nil }
    var unrecovered: Double? { totals.perStep(totals.unrecovered) }
    var filled: Double? { scheme.usesFR ? totals.perStep(totals.filled) : nil }
    var residualPadding: Double? { totals.perStep(totals.residualPadding) }
    var coveredTokens: Double { totals.perStep(totals.coveredTokens) ?? 0 }
    var coverageRate: Double? { totals.coverageRate }
    var crossGPU: Double { totals.perStep(totals.crossGPU) ?? 0 }
    var imbalance: Double? { totals.imbalance }

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
    let points: [CapacitySweep.Point]

    func point(_ scheme: RoutingScheme, _ factor: CapacityFactor) -> CapacitySweep.Point? {
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

    func pointJSON(_ p: CapacitySweep.Point) -> JSONValue {
        // Baselines stay null here (the point holds dropless's reference value too).
        let measured = p.scheme.mode == nil ? .null : QualityJSON.measured(preset.quality, value: p.measuredQuality)
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
        var out = TableNotes.preset(preset)
        out += "\(r.gpus) GPUs x \(r.experts / r.gpus) experts (\(r.experts) in all), top-\(r.topK), policy \(r.dropPolicy.rawValue), "
        out += "\(steps) step\(steps == 1 ? "" : "s") of \(r.tokens) tokens per point, the same batches for every point\n"
        out += "intended %, subst %: top-k gate mass computed by the intended experts / handed to substitutes (router-side, no model)\n"
        out += TableNotes.distortion(fidelityOptions, measured: measuredFidelity, missing: "the batches carry no hidden states")
        out += "step time: \(TableNotes.costModel(costSettings)) (d \(costParameters.hiddenSize), f \(costParameters.ffnSize), \(costParameters.gpusPerNode) GPUs per node)\n\n"
        let header = ["cf", "mode", "C", "drop %", "unrec %", "recovered", "filled", "pad %", "covered %", "crossGPU",
                      "imbalance", "intended %", "subst %", "distort %", "step ms", "Mtok/s"]
        var rows: [[String]] = []
        for factor in factors {
            for scheme in schemes {
                guard let p = point(scheme, factor) else { continue }
                rows.append([factor.description, scheme.label, p.capacity.map(String.init) ?? "-",
                             Self.percent(p.dropRate), Self.percent(p.unrecoveredRate), Self.count(p.recovered),
                             Self.count(p.filled), Self.percent(p.paddingRate), Self.percent(p.coverageRate),
                             Self.count(p.crossGPU), RunReport.ratio(p.imbalance), Self.percent(p.gateMass.intendedShare),
                             Self.percent(p.gateMass.substituteShare), Self.percent(p.outputError),
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
