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

    /// The resolved configuration, then the cost model's parameters and the fidelity options.
    private func config() -> JSONValue {
        let base = ConfigJSON.make(preset, steps: stepsRun, modes: runs.map(\.mode))
        guard case .object(let members) = base else { return base }
        return .object(members + [
            ("costParameters", ConfigJSON.costParameters(costParameters)),
            ("fidelity", ConfigJSON.fidelity(fidelityOptions, measured: measuredFidelity)),
            ("costProfile", QualityJSON.costProfile(costSettings)),
            ("quality", QualityJSON.qualityFile(preset.quality)),
        ])
    }

    func json(detail: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("config", config())]
        if let follow = followJSON() { members.append(("follow", follow)) }
        members.append(("runs", .array(runs.map { run in
            .object([
                ("mode", .string(run.mode.rawValue)),
                ("steps", .array(run.steps.indices.map { i in
                    FiguresJSON.step(run.steps[i], estimate: run.estimate(i), detail: detail ? run.details[i] : nil)
                })),
                ("total", FiguresJSON.total(run)),
                ("measuredQuality", QualityJSON.measured(preset.quality, config: preset.routing, mode: run.mode)),
            ])
        })))
        return .object(members)
    }

    /// With `--follow`: what was followed, what became of its steps, and each routed step's origin.
    func followJSON() -> JSONValue? {
        guard let status = followStatus else { return nil }
        return .object([
            ("path", .string(status.path)), ("layer", .int(status.layer)), ("layerName", .string(status.layerName)),
            ("routed", .int(status.routed)), ("skipped", .int(status.skipped)), ("rejected", .int(status.rejected)),
            ("lastProblem", status.lastProblem.map(JSONValue.string) ?? .null),
            ("stoppedBy", stoppedBy.map(JSONValue.string) ?? .null),
            ("steps", .array(followed.enumerated().map { index, step in
                .object([("step", .int(index)), ("captureStep", .int(step.captureStep)), ("session", .string(step.session)),
                         ("lag", .double(step.lag)), ("skippedBefore", .int(step.skippedBefore))])
            })),
        ])
    }

    /// One line for tables and standard error: what following did.
    func followSummary() -> String? {
        guard let status = followStatus else { return nil }
        var text = "followed \(status.path) layer \(status.layer) (\(status.layerName)): routed \(status.routed), "
            + "skipped \(status.skipped) (reader behind), rejected \(status.rejected)"
        if let last = followed.last { text += String(format: ", last capture step %d, lag %.2f s", last.captureStep, last.lag) }
        if let stoppedBy { text += "; stopped by \(stoppedBy)" }
        if let problem = status.lastProblem { text += "; last problem: \(problem)" }
        return text
    }

    /// One object a line: the config, then every (mode, step), then each mode's total.
    private func jsonLines(detail: Bool) -> String {
        var lines = [JSONWriter.write(.object([("config", config())]))]
        if let follow = followJSON() { lines.append(JSONWriter.write(.object([("follow", follow)]))) }
        for index in runs.indices {
            for step in runs[index].steps.indices { lines.append(stepLine(run: index, step: step, detail: detail)) }
        }
        return (lines + totalLines()).joined(separator: "\n") + "\n"
    }

    /// `{"mode": ..., step fields...}`, plus where the step came from when following.
    private func stepLine(run index: Int, step: Int, detail: Bool, origin: FollowedStep? = nil) -> String {
        let run = runs[index]
        guard case .object(let members) = FiguresJSON.step(run.steps[step], estimate: run.estimate(step),
                                                            detail: detail ? run.details[step] : nil) else { return "" }
        var line: [(key: String, value: JSONValue)] = [("mode", .string(run.mode.rawValue))] + members
        if let origin {
            line.append(("follow", .object([("captureStep", .int(origin.captureStep)), ("session", .string(origin.session)),
                                             ("lag", .double(origin.lag)), ("skippedBefore", .int(origin.skippedBefore))])))
        }
        return JSONWriter.write(.object(line))
    }

    private func totalLines() -> [String] {
        runs.map { run in
            JSONWriter.write(.object([("mode", .string(run.mode.rawValue)), ("total", FiguresJSON.total(run)),
                                      ("measuredQuality", QualityJSON.measured(preset.quality, config: preset.routing,
                                                                               mode: run.mode))]))
        }
    }

    // MARK: Streaming (`run --follow --format jsonl`)

    /// The first line of a streamed follow: the configuration, `steps` null until the end.
    func streamHeader() -> String {
        guard case .object(var members) = config() else { return "" }
        if let index = members.firstIndex(where: { $0.key == "steps" }) { members[index].value = .null }
        return JSONWriter.write(.object([("config", .object(members))])) + "\n"
    }

    /// The lines of the latest recorded step, one per mode, each with its origin in the capture.
    func streamLatestStep(detail: Bool) -> String {
        guard let step = runs.first.map({ $0.steps.count - 1 }), step >= 0 else { return "" }
        return runs.indices.map { stepLine(run: $0, step: step, detail: detail, origin: followed.last) }
            .joined(separator: "\n") + "\n"
    }

    /// The last lines: what following did (without the per-step list, already streamed), then totals.
    func streamFooter() -> String {
        var lines: [String] = []
        if case .object(let members)? = followJSON() {
            lines.append(JSONWriter.write(.object([("follow", .object(members.filter { $0.key != "steps" }))])))
        }
        return (lines + totalLines()).joined(separator: "\n") + "\n"
    }

    static let csvColumns = ["mode", "step", "capacity", "requested", "kept", "dropped", "recovered", "unrecovered",
                             "irTokens", "filled", "slots", "padding", "residualPadding", "crossGPU", "coveredTokens",
                             "tokens", "imbalance", "dropRate", "paddingRate", "gpuLoad",
                             "outputError", "stepTime", "usefulTokensPerSecond"] + QualityJSON.gateMassKeys

    /// A row per (mode, step) and a `total` row per mode; gpuLoad as `;`-separated counts; an
    /// empty cell is a figure that does not apply (output error without hidden states).
    private func csv() -> String {
        func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        func finite(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "" }
            return String(value)
        }
        var rows = [Self.csvColumns.joined(separator: ",")]
        for run in runs {
            for (i, f) in run.steps.enumerated() {
                let estimate = run.estimate(i)
                rows.append(([run.mode.rawValue] + [f.step, f.capacity, f.requested, f.kept, f.dropped, f.recovered, f.unrecovered,
                              f.irTokens, f.filled, f.slots, f.padding, f.residualPadding, f.crossGPU, f.coveredTokens,
                              f.tokens].map(String.init) + [number(f.imbalance), number(f.dropRate), number(f.paddingRate),
                              f.gpuLoad.map(String.init).joined(separator: ";"), finite(estimate?.outputError),
                              finite(estimate?.stepTime), finite(estimate?.usefulTokensPerSecond)]
                              + QualityJSON.gateMassValues(f.gateMass).map(finite)).joined(separator: ","))
            }
            let t = run.totals
            rows.append(([run.mode.rawValue, "total"] + [t.capacity, t.requested, t.kept, t.dropped, t.recovered, t.unrecovered,
                          t.irTokens, t.filled, t.slots, t.padding, t.residualPadding, t.crossGPU, t.coveredTokens,
                          t.tokens].map(String.init) + [number(t.imbalance), number(t.dropRate), number(t.paddingRate),
                          t.gpuLoad.map(String.init).joined(separator: ";"), finite(run.outputError),
                          finite(run.cost.meanStepSeconds), finite(run.cost.usefulTokensPerSecond)]
                          + QualityJSON.gateMassValues(t.gateMass).map(finite)).joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// A readable summary: the configuration, then one row per mode (and per step with --detail).
    private func table(detail: Bool) -> String {
        let r = preset.routing
        var out = "preset \(preset.name): \(preset.workloadLabel)\n"
        if let summary = followSummary() { out += summary + "\n" }
        out += "\(r.gpus) GPUs x \(r.experts / r.gpus) experts (\(r.experts) in all), top-\(r.topK), capacity factor \(r.capacityFactor) -> C = \(r.capacity) per (GPU, expert), policy \(r.dropPolicy.rawValue), \(stepsRun) step\(stepsRun == 1 ? "" : "s") of \(r.tokens) tokens\n"
        out += "intended %, subst %: top-k gate mass computed by the intended experts / handed to IR and FR experts (router-side, no model)\n"
        out += measuredFidelity
            ? "distort %: layer-distortion proxy, not model quality: relative L2 against dropless \(fidelityOptions.reference.rawValue) on seeded synthetic experts, expert similarity \(fidelityOptions.expertSimilarity), \(fidelityOptions.sampleTokens) sampled tokens per step\n"
            : "distort %: layer-distortion proxy, not measured (no hidden states)\n"
        out += "step ms: cost model, profile \(costSettings.profile.name), \(costSettings.dispatch.rawValue) dispatch\(costSettings.irOverlap ? ", IR overlaps the dispatch" : "")\n"
        out += measuredQualityLine() + "\n"
        let header = ["mode", "step", "drop %", "dropped", "recovered", "filled", "pad %", "covered %", "crossGPU", "imbalance",
                      "intended %", "subst %", "distort %", "step ms"]
        var rows: [[String]] = []
        for run in runs {
            if detail {
                for (i, f) in run.steps.enumerated() {
                    let estimate = run.estimate(i)
                    rows.append([run.mode.rawValue, String(f.step), Self.percent(f.dropRate), String(f.dropped), String(f.recovered),
                                 String(f.filled), Self.percent(f.paddingRate),
                                 Self.percent(f.tokens > 0 ? Double(f.coveredTokens) / Double(f.tokens) : nil),
                                 String(f.crossGPU), Self.ratio(f.imbalance), Self.percent(f.gateMass.intendedShare),
                                 Self.percent(f.gateMass.substituteShare), Self.percent(estimate?.outputError),
                                 Self.milliseconds(estimate?.stepTime)])
                }
            }
            let t = run.totals
            rows.append([run.mode.rawValue, "all", Self.percent(t.dropRate), String(t.dropped), String(t.recovered), String(t.filled),
                         Self.percent(t.paddingRate), Self.percent(t.coverageRate), String(t.crossGPU), Self.ratio(t.imbalance),
                         Self.percent(t.gateMass.intendedShare), Self.percent(t.gateMass.substituteShare),
                         Self.percent(run.outputError), Self.milliseconds(run.cost.meanStepSeconds)])
        }
        out += TextTable.render(header: header, rows: rows)
        return out
    }

    /// One line: the measured quality per mode for these settings, or why there is none.
    func measuredQualityLine() -> String {
        guard let quality = preset.quality else { return "measured quality: none (the preset names no quality file)\n" }
        let values = runs.map { run in
            "\(run.mode.rawValue) " + (quality.value(config: preset.routing, mode: run.mode).map { String(format: "%.4g", $0) } ?? "-")
        }
        guard values.contains(where: { !$0.hasSuffix(" -") }) else {
            return "measured quality (\(quality.metric), \(quality.source)): no measurement for top-\(preset.routing.topK), cf \(preset.routing.capacityFactor), policy \(preset.routing.dropPolicy.rawValue)\n"
        }
        return "measured quality (\(quality.metric), \(quality.lowerIsBetter ? "lower" : "higher") is better, dropless \(String(format: "%.4g", quality.dropless)), \(quality.source)): "
            + values.joined(separator: ", ") + "\n"
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.2f", value * 100)
    }

    static func milliseconds(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        return String(format: "%.3f", seconds * 1e3)
    }

    static func ratio(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.3f", value)
    }
}

extension RunReport.ModeRun {
    /// The issue 4 figures of step `index`, if recorded.
    func estimate(_ index: Int) -> RunReport.StepEstimate? {
        estimates.indices.contains(index) ? estimates[index] : nil
    }
}
