import Foundation
import RectifyEngine

/// The `--svg` document of `rectify sweep`: four line charts against the capacity factor in one
/// self-contained SVG (no external fonts, images or scripts), one polyline per scheme with a
/// marker per point.
enum SVGChart {
    /// One chart's data: a metric, its axis label with unit, and the scale its values are shown in.
    struct Panel {
        let metric: SweepMetric
        let title: String
        let yLabel: String
        let scale: Double
    }

    static let chartWidth = 520.0
    static let chartHeight = 300.0
    static let margin = (left: 70.0, right: 20.0, top: 36.0, bottom: 50.0)
    static let legendHeight = 40.0
    static let headerHeight = 60.0

    /// Colour and dash of a scheme, from the scheme table, so a scheme looks the same on every chart.
    static func style(_ scheme: RoutingScheme) -> (color: String, dash: String?) {
        (scheme.style.color, scheme.style.dash)
    }

    static func panels(_ report: SweepReport) -> [Panel] {
        let stepSeconds = report.points.compactMap(\.stepSeconds).max() ?? 0
        let (timeScale, timeUnit) = stepSeconds >= 0.1 ? (1.0, "s") : stepSeconds >= 1e-4 ? (1e3, "ms") : (1e6, "µs")
        return [
            Panel(metric: .dropRate, title: "Drop rate left after IR recovery", yLabel: "requests dropped, not recovered (%)", scale: 100),
            Panel(metric: .paddingRate, title: "Padding rate left after FR fill-in", yLabel: "empty buffer slots (%)", scale: 100),
            Panel(metric: .outputError, title: "Synthetic layer-distortion proxy (not model quality)",
                  yLabel: "relative L2 vs dropless \(report.fidelityOptions.reference.rawValue), synthetic experts (%)", scale: 100),
            Panel(metric: .stepTime, title: "Estimated step time", yLabel: "step time (\(timeUnit))", scale: timeScale),
        ]
    }

    /// The whole SVG document.
    static func document(_ report: SweepReport) -> String {
        let columns = 2.0
        let width = columns * chartWidth
        let height = headerHeight + legendHeight + 2 * chartHeight
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="sans-serif" font-size="12">

        """
        let r = report.preset.routing
        svg += "<rect x=\"0\" y=\"0\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"#ffffff\"/>\n"
        svg += text(x: 16, y: 22, "rectify sweep: preset \(report.preset.name), \(r.gpus) GPUs x \(r.experts) experts, top-\(r.topK), \(r.tokens) tokens per step, \(report.steps) step\(report.steps == 1 ? "" : "s") per point",
                    attributes: "font-size=\"14\" font-weight=\"bold\"")
        let note = "font-size=\"11\" fill=\"#444444\""
        svg += text(x: 16, y: 38, "Means over the same batches at every capacity factor. Step time: cost model, profile \(report.costSettings.profile.name), \(report.costSettings.dispatch.rawValue) dispatch\(report.costSettings.irOverlap ? ", IR overlapping the dispatch" : "") (\(report.costParameters.gpusPerNode) GPUs per node).",
                    attributes: note)
        svg += text(x: 16, y: 52, report.measuredFidelity
                    ? "Distortion proxy: relative L2 of one MoE layer's output on seeded synthetic experts (expert similarity \(report.fidelityOptions.expertSimilarity)) against dropless \(report.fidelityOptions.reference.rawValue), \(report.fidelityOptions.sampleTokens) sampled tokens per step. It is not a measurement of model quality."
                    : "Distortion proxy: not measured (the batches carry no hidden states).",
                    attributes: note)
        svg += legend(report.schemes, y: headerHeight + 6, width: width)
        for (index, panel) in panels(report).enumerated() {
            let x = Double(index % 2) * chartWidth
            let y = headerHeight + legendHeight + Double(index / 2) * chartHeight
            svg += chart(panel, report: report, x: x, y: y)
        }
        svg += "</svg>\n"
        return svg
    }

    private static func legend(_ schemes: [RoutingScheme], y: Double, width: Double) -> String {
        var out = "<g class=\"legend\">\n"
        let spacing = min(140.0, (width - 32) / Double(max(1, schemes.count)))
        for (index, scheme) in schemes.enumerated() {
            let x = 16 + Double(index) * spacing
            let (color, dash) = style(scheme)
            out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(y + 10))\" x2=\"\(fmt(x + 28))\" y2=\"\(fmt(y + 10))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
            out += marker(scheme, x: x + 14, y: y + 10)
            out += text(x: x + 34, y: y + 14, scheme.label)
        }
        return out + "</g>\n"
    }

    private static func chart(_ panel: Panel, report: SweepReport, x originX: Double, y originY: Double) -> String {
        let left = originX + margin.left, right = originX + chartWidth - margin.right
        let top = originY + margin.top, bottom = originY + chartHeight - margin.bottom
        let xs = report.factors.map(\.doubleValue)
        let xMin = xs.first ?? 0, xMax = xs.last ?? 1
        let xSpan = xMax > xMin ? xMax - xMin : 1
        let series: [(RoutingScheme, [(Double, Double)])] = report.schemes.compactMap { scheme in
            let values = report.factors.compactMap { factor -> (Double, Double)? in
                guard let value = report.point(scheme, factor)?.value(panel.metric), value.isFinite else { return nil }
                return (factor.doubleValue, value * panel.scale)
            }
            return values.isEmpty ? nil : (scheme, values)
        }
        let yTop = niceTicks(max: series.flatMap { $0.1.map(\.1) }.max() ?? 0)
        func px(_ value: Double) -> Double { left + (value - xMin) / xSpan * (right - left) }
        func py(_ value: Double) -> Double { bottom - value / yTop.max * (bottom - top) }

        var out = "<g class=\"chart\" data-metric=\"\(panel.metric)\">\n"
        out += text(x: (left + right) / 2, y: originY + 22, panel.title, attributes: "text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\"")
        // Grid and y ticks.
        for tick in yTop.ticks {
            let y = py(tick)
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(right))\" y2=\"\(fmt(y))\" stroke=\"#e0e0e0\" stroke-width=\"1\"/>\n"
            out += text(x: left - 6, y: y + 4, label(tick), attributes: "text-anchor=\"end\" font-size=\"11\"")
        }
        // X ticks at the swept factors (thinned when crowded).
        let every = max(1, Int((Double(xs.count) / 10).rounded(.up)))
        for (index, factor) in report.factors.enumerated() where index % every == 0 || index == xs.count - 1 {
            let x = px(factor.doubleValue)
            out += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(x))\" y2=\"\(fmt(bottom + 5))\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
            out += text(x: x, y: bottom + 18, factor.description, attributes: "text-anchor=\"middle\" font-size=\"11\"")
        }
        // Axes and their labels.
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(bottom))\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(right))\" y2=\"\(fmt(bottom))\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        out += text(x: (left + right) / 2, y: bottom + 38, "capacity factor (C = factor × tokens per GPU × k / E)", attributes: "text-anchor=\"middle\"")
        let yMid = (top + bottom) / 2
        out += text(x: originX + 16, y: yMid, panel.yLabel,
                    attributes: "text-anchor=\"middle\" transform=\"rotate(-90 \(fmt(originX + 16)) \(fmt(yMid)))\"")
        if series.isEmpty {
            out += text(x: (left + right) / 2, y: yMid, "not applicable", attributes: "text-anchor=\"middle\" fill=\"#888888\"")
        }
        // Earlier schemes draw wider, so a scheme that coincides with a later one (vanilla and FR
        // share their drop rate) still shows as a halo around it.
        for (scheme, values) in series {
            let (color, dash) = style(scheme)
            let rank = Double(report.schemes.count - 1 - (report.schemes.firstIndex(of: scheme) ?? 0))
            out += "<g class=\"series\" data-mode=\"\(escape(scheme.label))\">\n"
            let points = values.map { "\(fmt(px($0.0))),\(fmt(py($0.1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(fmt(1.5 + 1.2 * rank))\" stroke-linejoin=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
            for (xValue, yValue) in values { out += marker(scheme, x: px(xValue), y: py(yValue), size: 3.5 + 1.2 * rank) }
            out += "</g>\n"
        }
        return out + "</g>\n"
    }

    /// A marker whose shape tells apart schemes that draw on top of each other.
    private static func marker(_ scheme: RoutingScheme, x: Double, y: Double, size r: Double = 3.5) -> String {
        let color = style(scheme).color
        switch scheme.style.shape {
        case .circle:
            return "<circle class=\"marker\" cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"\(fmt(r))\" fill=\"\(color)\"/>\n"
        case .square:
            return "<rect class=\"marker\" x=\"\(fmt(x - r))\" y=\"\(fmt(y - r))\" width=\"\(fmt(2 * r))\" height=\"\(fmt(2 * r))\" fill=\"\(color)\"/>\n"
        case .triangle:
            return "<path class=\"marker\" d=\"M\(fmt(x)) \(fmt(y - 1.3 * r)) L\(fmt(x + 1.15 * r)) \(fmt(y + 0.85 * r)) L\(fmt(x - 1.15 * r)) \(fmt(y + 0.85 * r)) Z\" fill=\"\(color)\"/>\n"
        case .diamond:
            return "<path class=\"marker\" d=\"M\(fmt(x)) \(fmt(y - 1.3 * r)) L\(fmt(x + 1.3 * r)) \(fmt(y)) L\(fmt(x)) \(fmt(y + 1.3 * r)) L\(fmt(x - 1.3 * r)) \(fmt(y)) Z\" fill=\"\(color)\"/>\n"
        }
    }

    /// The y axis top and its ticks: 1, 2 or 5 times a power of ten, about five ticks.
    static func niceTicks(max value: Double) -> (max: Double, ticks: [Double]) {
        guard value.isFinite, value > 0 else { return (1, [0, 0.25, 0.5, 0.75, 1]) }
        let raw = value / 5
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        let count = Int((value / step).rounded(.up))
        let top = Double(max(1, count)) * step
        return (top, (0...max(1, count)).map { Double($0) * step })
    }

    private static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        if abs(value) >= 1 { return trimmed(String(format: "%.2f", value)) }
        return trimmed(String(format: "%.4f", value))
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    private static func text(x: Double, y: Double, _ content: String, attributes: String = "") -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\"\(attributes.isEmpty ? "" : " " + attributes)>\(escape(content))</text>\n"
    }

    static func fmt(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        // A preset name with a control character would make the document invalid XML.
        for character in TerminalText.sanitized(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Writes `text` to a temporary file beside `path`, then renames it over `path`, so readers
    /// never see half a chart.
    static func writeAtomically(_ text: String, to path: String) throws(CLIError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw .runtime("cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .runtime("cannot write \(path): \(reason)")
        }
    }
}
