import Foundation
import RectifyEngine

/// The four output formats of `rectify run`.
enum OutputFormat: String, CaseIterable {
    case table, json, jsonl, csv
}

extension RunReport {
    func render(_ format: OutputFormat, detail: Bool) -> String {
        switch format {
        case .json: return JSONWriter.write(json(detail: detail), indent: 2) + "\n"
        case .jsonl: return jsonLines(detail: detail)
        case .csv: return csv()
        case .table: return table(detail: detail)
        }
    }

    private func config() -> JSONValue {
        ConfigJSON.make(preset, steps: stepsRun, modes: runs.map(\.mode))
    }

    func json(detail: Bool) -> JSONValue {
        .object([
            ("config", config()),
            ("runs", .array(runs.map { run in
                .object([
                    ("mode", .string(run.mode.rawValue)),
                    ("steps", .array(run.steps.indices.map { i in
                        FiguresJSON.step(run.steps[i], detail: detail ? run.details[i] : nil)
                    })),
                    ("total", FiguresJSON.total(run.totals)),
                ])
            })),
        ])
    }

    /// One object a line: the config, then every (mode, step), then each mode's total.
    private func jsonLines(detail: Bool) -> String {
        var lines = [JSONWriter.write(.object([("config", config())]))]
        for run in runs {
            for (i, figures) in run.steps.enumerated() {
                guard case .object(let members) = FiguresJSON.step(figures, detail: detail ? run.details[i] : nil) else { continue }
                lines.append(JSONWriter.write(.object([("mode", .string(run.mode.rawValue))] + members)))
            }
        }
        for run in runs {
            lines.append(JSONWriter.write(.object([("mode", .string(run.mode.rawValue)), ("total", FiguresJSON.total(run.totals))])))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let csvColumns = ["mode", "step", "capacity", "requested", "kept", "dropped", "recovered", "unrecovered",
                             "irTokens", "filled", "slots", "padding", "residualPadding", "crossGPU", "coveredTokens",
                             "tokens", "imbalance", "dropRate", "paddingRate", "gpuLoad"]

    /// A row per (mode, step) and a `total` row per mode; gpuLoad as `;`-separated counts.
    private func csv() -> String {
        func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        var rows = [Self.csvColumns.joined(separator: ",")]
        for run in runs {
            for f in run.steps {
                rows.append(([run.mode.rawValue] + [f.step, f.capacity, f.requested, f.kept, f.dropped, f.recovered, f.unrecovered,
                              f.irTokens, f.filled, f.slots, f.padding, f.residualPadding, f.crossGPU, f.coveredTokens,
                              f.tokens].map(String.init) + [number(f.imbalance), number(f.dropRate), number(f.paddingRate),
                              f.gpuLoad.map(String.init).joined(separator: ";")]).joined(separator: ","))
            }
            let t = run.totals
            rows.append(([run.mode.rawValue, "total"] + [t.capacity, t.requested, t.kept, t.dropped, t.recovered, t.unrecovered,
                          t.irTokens, t.filled, t.slots, t.padding, t.residualPadding, t.crossGPU, t.coveredTokens,
                          t.tokens].map(String.init) + [number(t.imbalance), number(t.dropRate), number(t.paddingRate),
                          t.gpuLoad.map(String.init).joined(separator: ";")]).joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// A readable summary: the configuration, then one row per mode (and per step with --detail).
    private func table(detail: Bool) -> String {
        let r = preset.routing
        var out = "preset \(preset.name): \(preset.workloadLabel)\n"
        out += "\(r.gpus) GPUs x \(r.experts / r.gpus) experts (\(r.experts) in all), top-\(r.topK), capacity factor \(r.capacityFactor) -> C = \(r.capacity) per (GPU, expert), policy \(r.dropPolicy.rawValue), \(stepsRun) step\(stepsRun == 1 ? "" : "s") of \(r.tokens) tokens\n\n"
        let header = ["mode", "step", "drop %", "dropped", "recovered", "filled", "pad %", "covered %", "crossGPU", "imbalance"]
        var rows: [[String]] = []
        for run in runs {
            if detail {
                for f in run.steps {
                    rows.append([run.mode.rawValue, String(f.step), Self.percent(f.dropRate), String(f.dropped), String(f.recovered),
                                 String(f.filled), Self.percent(f.paddingRate),
                                 Self.percent(f.tokens > 0 ? Double(f.coveredTokens) / Double(f.tokens) : nil),
                                 String(f.crossGPU), Self.ratio(f.imbalance)])
                }
            }
            let t = run.totals
            rows.append([run.mode.rawValue, "all", Self.percent(t.dropRate), String(t.dropped), String(t.recovered), String(t.filled),
                         Self.percent(t.paddingRate), Self.percent(t.coverageRate), String(t.crossGPU), Self.ratio(t.imbalance)])
        }
        out += TextTable.render(header: header, rows: rows)
        return out
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.2f", value * 100)
    }

    static func ratio(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.3f", value)
    }
}
