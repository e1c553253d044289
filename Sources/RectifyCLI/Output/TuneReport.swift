import Foundation
import RectifyEngine

/// What `rectify tune` prints: the recommendation in one line, then the figures behind it.
struct TuneReport {
    let sweep: SweepReport
    let recommendation: Recommendation

    /// What the targets and goal were, in words.
    var targetsLine: String {
        let t = recommendation.targets
        let limits = [t.maxLost.map { "lost <= \(Recommendation.percent($0))" }, t.maxPadding.map { "padding <= \(Recommendation.percent($0))" }]
            .compactMap(\.self)
        let goal = recommendation.goal == .throughput ? "best estimated useful tokens/s" : "smallest capacity factor"
        return "targets: \(limits.isEmpty ? "none" : limits.joined(separator: ", ")); goal: \(goal)\n"
    }

    /// The chosen factor and its neighbours in the sweep.
    var neighbourFactors: [CapacityFactor] {
        guard let index = sweep.factors.firstIndex(of: recommendation.choice.capacityFactor) else { return sweep.factors }
        return Array(sweep.factors[max(0, index - 1)...min(sweep.factors.count - 1, index + 1)])
    }

    func table() -> String {
        var out = recommendation.summary + "\n\n"
        out += TableNotes.preset(sweep.preset)
        out += targetsLine
        out += "\(sweep.steps) step\(sweep.steps == 1 ? "" : "s") per point, the same batches for every point; "
        out += "step time and tok/s: \(TableNotes.costModel(sweep.costSettings))\n\n"
        let header = ["cf", "mode", "lost %", "pad %", "meets", "step ms", "Mtok/s", ""]
        var rows: [[String]] = []
        for factor in neighbourFactors {
            for scheme in sweep.schemes {
                guard let p = sweep.point(scheme, factor) else { continue }
                let point = p.tuningPoint
                let meets = scheme.mode == nil ? "ref" : (recommendation.targets.met(by: point) ? "yes" : "no")
                let chosen = point != recommendation.choice ? "" : recommendation.meetsTargets ? "<- recommended" : "<- closest"
                rows.append([factor.description, scheme.label, SweepReport.percent(p.lost), SweepReport.percent(p.padding), meets,
                             p.stepSeconds.map { String(format: "%.3f", $0 * 1e3) } ?? "-",
                             p.usefulTokensPerSecond.map { String(format: "%.2f", $0 / 1e6) } ?? "-", chosen])
            }
        }
        // The marker column is empty on most rows: no trailing blanks.
        for line in TextTable.render(header: header, rows: rows).split(separator: "\n") {
            out += line.replacingOccurrences(of: " +$", with: "", options: .regularExpression) + "\n"
        }
        out += "meets: the point meets every target; ref: a baseline, shown for reference, not a candidate. "
        out += "Every factor: rectify sweep, or --format json.\n"
        return out
    }

    func json() -> String {
        let r = recommendation
        let p = r.choice
        let recommendation: JSONValue = .object([
            ("capacityFactor", .number(p.capacityFactor.description)), ("mode", .string(p.scheme.label)),
            ("meetsTargets", .bool(r.meetsTargets)), ("lost", .double(p.lost)), ("padding", .double(p.padding)),
            ("stepTime", .double(p.stepSeconds)), ("usefulTokensPerSecond", .double(p.usefulTokensPerSecond)),
            ("summary", .string(r.summary)),
        ])
        let targets: JSONValue = .object([
            ("maxLost", .double(r.targets.maxLost)), ("maxPadding", .double(r.targets.maxPadding)),
            ("goal", .string(r.goal.rawValue)),
        ])
        let document: JSONValue = .object([
            ("config", sweep.configJSON()), ("targets", targets), ("recommendation", recommendation),
            ("points", .array(sweep.points.map(sweep.pointJSON))),
        ])
        return JSONWriter.write(document, indent: 2) + "\n"
    }
}
