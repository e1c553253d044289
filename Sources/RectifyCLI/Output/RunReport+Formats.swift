import Foundation
import RectifyEngine

/// The four output formats of `rectify run`.
enum OutputFormat: String, CaseIterable {
    case table, json, jsonl, csv
}

extension RunReport {
    /// The whole output as one text (tests; the command writes it in pieces with `write`).
    func render(_ format: OutputFormat, detail: Bool) throws(CLIError) -> String {
        var data = Data()
        try write(format, detail: detail) { (piece: Data) throws(CLIError) in data.append(piece) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the output in pieces: a spooled run's steps are read back from their files, so a long
    /// csv or jsonl run never holds its rows in memory.
    func write(_ format: OutputFormat, detail: Bool, to out: (Data) throws(CLIError) -> Void) throws(CLIError) {
        func text(_ string: String) throws(CLIError) { try out(Data(string.utf8)) }
        switch format {
        case .json: try text(JSONWriter.write(json(detail: detail), indent: 2) + "\n")
        case .table: try text(table(detail: detail))
        case .jsonl:
            var head = [JSONWriter.write(.object([("config", config())]))]
            if let follow = followJSON() { head.append(JSONWriter.write(.object([("follow", follow)]))) }
            try text(head.joined(separator: "\n") + "\n")
            for index in runs.indices { try writeSteps(index, format: .jsonl, to: out) }
            try text(totalLines().joined(separator: "\n") + "\n")
        case .csv:
            try text(Self.csvColumns.joined(separator: ",") + "\n")
            for index in runs.indices {
                try writeSteps(index, format: .csv, to: out)
                try text(Self.csvTotalRow(runs[index]) + "\n")
            }
        }
    }

    /// Mode `index`'s step lines: read back from the spool, or made from the kept steps.
    private func writeSteps(_ index: Int, format: OutputFormat, to out: (Data) throws(CLIError) -> Void) throws(CLIError) {
        if case .spool(let spool, _) = storage {
            try spool.drain(index, out)
            return
        }
        for step in runs[index].steps { try out(Data(Self.stepText(step, mode: runs[index].mode, format: format).utf8)) }
    }

    /// One step's line in csv or jsonl, newline included.
    static func stepText(_ step: ModeStep, mode: RectifyMode, format: OutputFormat) -> String {
        (format == .csv ? csvRow(step, mode: mode) : stepLine(step, mode: mode)) + "\n"
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
                ("steps", .array(run.steps.map { FiguresJSON.step($0.figures, estimate: $0.estimate, detail: $0.detail) })),
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
        return TerminalText.sanitized(text)
    }

    /// `{"mode": ..., step fields...}`, plus where the step came from when following.
    private static func stepLine(_ step: ModeStep, mode: RectifyMode, origin: FollowedStep? = nil) -> String {
        guard case .object(let members) = FiguresJSON.step(step.figures, estimate: step.estimate, detail: step.detail) else {
            return ""
        }
        var line: [(key: String, value: JSONValue)] = [("mode", .string(mode.rawValue))] + members
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
        let lines = runs.compactMap { run in run.latest.map { Self.stepLine($0, mode: run.mode, origin: followed.last) } }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// The last lines: what following did (without the per-step list, already streamed), then totals.
    func streamFooter() -> String {
        var lines: [String] = []
        if case .object(let members)? = followJSON() {
            lines.append(JSONWriter.write(.object([("follow", .object(members.filter { $0.key != "steps" }))])))
        }
        return (lines + totalLines()).joined(separator: "\n") + "\n"
    }

    static let csvColumns = ["mode", "step"] + SpecCounts.names + ["imbalance", "dropRate", "paddingRate", "gpuLoad",
                             "outputError", "stepTime", "usefulTokensPerSecond"] + QualityJSON.gateMassKeys

    /// A step's row: gpuLoad as `;`-separated counts; an empty cell is a figure that does not
    /// apply (output error without hidden states). A `total` row per mode follows its steps.
    private static func csvRow(_ step: ModeStep, mode: RectifyMode) -> String {
        let f = step.figures, estimate = step.estimate
        return ([mode.rawValue] + ([f.step] + f.specCounts).map(String.init) + [csvNumber(f.imbalance), csvNumber(f.dropRate), csvNumber(f.paddingRate),
                f.gpuLoad.map(String.init).joined(separator: ";"), csvFinite(estimate.outputError),
                csvFinite(estimate.stepTime), csvFinite(estimate.usefulTokensPerSecond)]
                + QualityJSON.gateMassValues(f.gateMass).map(csvFinite)).joined(separator: ",")
    }

    private static func csvTotalRow(_ run: ModeRun) -> String {
        let t = run.totals
        return ([run.mode.rawValue, "total"] + t.specCounts.map(csvCount) + [csvNumber(t.imbalance), csvNumber(t.dropRate), csvNumber(t.paddingRate),
                t.gpuLoad.map(String.init).joined(separator: ";"), csvFinite(run.outputError),
                csvFinite(run.cost.meanStepSeconds), csvFinite(run.cost.usefulTokensPerSecond)]
                + QualityJSON.gateMassValues(t.gateMass).map(csvFinite)).joined(separator: ",")
    }

    private static func csvNumber(_ value: Double?) -> String { value.map { String($0) } ?? "" }

    /// A count; empty where it does not apply to the scheme.
    private static func csvCount(_ value: Int?) -> String { value.map(String.init) ?? "" }

    private static func csvFinite(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(value)
    }

    /// A readable summary: the configuration, then one row per mode (and per step with --detail).
    private func table(detail: Bool) -> String {
        let r = preset.routing
        var out = TableNotes.preset(preset)
        if let summary = followSummary() { out += summary + "\n" }
        out += "\(r.gpus) GPUs x \(r.experts / r.gpus) experts (\(r.experts) in all), top-\(r.topK), capacity factor \(r.capacityFactor) -> C = \(r.capacity) per (GPU, expert), policy \(r.dropPolicy.rawValue), \(stepsRun) step\(stepsRun == 1 ? "" : "s") of \(r.tokens) tokens\n"
        out += "intended %, subst %: top-k gate mass computed by the intended experts / handed to IR and FR experts (router-side, no model)\n"
        out += TableNotes.distortion(fidelityOptions, measured: measuredFidelity, missing: "no hidden states")
        out += "step ms: \(TableNotes.costModel(costSettings))\n"
        out += measuredQualityLine() + "\n"
        let header = ["mode", "step", "drop %", "dropped", "recovered", "filled", "pad %", "covered %", "crossGPU", "imbalance",
                      "intended %", "subst %", "distort %", "step ms"]
        var rows: [[String]] = []
        for run in runs {
            if detail {
                for step in run.steps {
                    let f = step.figures, estimate = step.estimate
                    rows.append([run.mode.rawValue, String(f.step), Self.percent(f.dropRate), String(f.dropped), String(f.recovered),
                                 String(f.filled), Self.percent(f.paddingRate),
                                 Self.percent(f.tokens > 0 ? Double(f.coveredTokens) / Double(f.tokens) : nil),
                                 String(f.crossGPU), Self.ratio(f.imbalance), Self.percent(f.gateMass.intendedShare),
                                 Self.percent(f.gateMass.substituteShare), Self.percent(estimate.outputError),
                                 Self.milliseconds(estimate.stepTime)])
                }
            }
            let t = run.totals
            rows.append([run.mode.rawValue, "all", Self.percent(t.dropRate), Self.count(t.dropped), Self.count(t.recovered), Self.count(t.filled),
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

    static func count(_ value: Int?) -> String { value.map(String.init) ?? "-" }

    static func milliseconds(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        return String(format: "%.3f", seconds * 1e3)
    }

    static func ratio(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.3f", value)
    }
}
