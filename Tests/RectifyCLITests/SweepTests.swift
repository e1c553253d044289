import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `rectify sweep`: output shape, nulls, the SVG, usage errors and the paper's qualitative picture.
@Suite("rectify sweep")
struct SweepTests {
    static let allModes = ["vanilla", "ir", "fr", "ir+fr", "dropless", "expert-choice"]
    /// A small default workload so the suite stays fast.
    static let small = ["--tokens-per-gpu", "128", "--steps", "2"]

    static func sweep(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        do {
            return try SweepCommand.run(arguments)
        } catch {
            Issue.record("rectify sweep \(arguments.joined(separator: " ")) failed: \(error.message)", sourceLocation: sourceLocation)
            throw error
        }
    }

    static func points(_ arguments: [String]) throws -> (config: [String: Any], points: [[String: Any]]) {
        let json = try #require(try foundationJSON(try sweep(arguments + ["--format", "json"])) as? [String: Any])
        return (try #require(json.object("config")), try #require(json.objects("points")))
    }

    @Test("dropless, evaluated at the first factor only and carried, equals dropless swept at each factor on its own")
    func droplessCarried() throws {
        func dropless(_ factors: String) throws -> [[String: Any]] {
            try Self.points(Self.small + ["--capacity-factors", factors, "--modes", "dropless,ir"]).points
                .filter { $0["mode"] as? String == "dropless" }
        }
        let swept = try dropless("0.5,1.25,2")
        #expect(swept.count == 3)
        for (index, factor) in ["0.5", "1.25", "2"].enumerated() {
            let alone = try #require(try dropless(factor).first)
            #expect(NSDictionary(dictionary: swept[index]).isEqual(to: alone), "cf \(factor)")
        }
    }

    @Test("JSON: config with factors and modes, one point per (mode, factor)")
    func jsonShape() throws {
        let (config, points) = try Self.points(Self.small + ["--capacity-factors", "0.5:1.5:0.5"])
        #expect((config["capacityFactors"] as? [Double]) == [0.5, 1, 1.5])
        #expect((config["modes"] as? [String]) == Self.allModes)
        #expect(config.int("steps") == 2)
        #expect(config.int("tokensPerGPU") == 128)
        #expect(config["capacityFactor"] == nil && config["capacity"] == nil)
        #expect(points.count == 18)
        var seen: Set<String> = []
        for point in points {
            let mode = try #require(point["mode"] as? String)
            let factor = try #require(point.double("capacityFactor"))
            #expect(seen.insert("\(mode)@\(factor)").inserted, "duplicate point \(mode)@\(factor)")
            #expect(Self.allModes.contains(mode))
            #expect(point.int("steps") == 2)
            for key in ["dropRate", "unrecoveredRate", "paddingRate", "dropped", "recovered", "unrecovered", "filled",
                        "residualPadding", "coveredTokens", "coverageRate", "crossGPU", "imbalance", "outputError",
                        "stepTime", "usefulTokensPerSecond", "capacity"] {
                #expect(point[key] != nil, "\(mode)@\(factor) lacks \(key)")
            }
            #expect((point.double("stepTime") ?? 0) > 0, "\(mode)@\(factor): step time")
            #expect((point.double("usefulTokensPerSecond") ?? 0) > 0, "\(mode)@\(factor): throughput")
            #expect(point.double("outputError") != nil, "synthetic batches carry hidden states: \(mode)@\(factor)")
        }
        #expect(seen.count == 18)
    }

    @Test("figures that do not apply are null, never 0")
    func nulls() throws {
        let (_, points) = try Self.points(Self.small + ["--capacity-factors", "1", "--fidelity-reference", "topk"])
        func point(_ mode: String) throws -> [String: Any] { try #require(points.first { $0["mode"] as? String == mode }) }
        let choice = try point("expert-choice")
        for key in ["dropRate", "unrecoveredRate", "dropped", "recovered", "unrecovered", "filled"] {
            #expect(choice[key] is NSNull, "expert-choice \(key) should be null")
        }
        #expect(choice.int("capacity") != nil)
        let dropless = try point("dropless")
        #expect(dropless["capacity"] is NSNull)
        #expect(dropless["recovered"] is NSNull && dropless["filled"] is NSNull)
        #expect(dropless.double("dropRate") == 0 && dropless.double("paddingRate") == 0)
        #expect(dropless.double("outputError") == 0, "dropless is the top-k reference")
        let vanilla = try point("vanilla")
        #expect(vanilla["recovered"] is NSNull && vanilla["filled"] is NSNull)
        #expect(try point("ir")["filled"] is NSNull)
        #expect(try point("fr")["recovered"] is NSNull)
        #expect(try point("ir+fr").double("recovered") != nil && point("ir+fr").double("filled") != nil)
    }

    @Test("CSV: a header row and one row per (mode, factor); empty cells for null")
    func csvShape() throws {
        let text = try Self.sweep(Self.small + ["--capacity-factors", "0.75,1.25", "--modes", "vanilla,expert-choice", "--format", "csv"])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.first == SweepReport.csvColumns.joined(separator: ","))
        #expect(lines.count == 1 + 4)
        let dropRate = try #require(SweepReport.csvColumns.firstIndex(of: "dropRate"))
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cells.count == SweepReport.csvColumns.count, "\(line)")
            if cells.first == "expert-choice" { #expect(cells[dropRate].isEmpty) } else { #expect(Double(cells[dropRate]) != nil) }
        }
        #expect(lines.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: "@") }
                == ["vanilla@0.75", "vanilla@1.25", "expert-choice@0.75", "expert-choice@1.25"])
    }

    @Test("the table lists every (factor, mode) and the same batches give the same numbers")
    func tableAndDeterminism() throws {
        let arguments = Self.small + ["--capacity-factors", "0.5,2"]
        let table = try Self.sweep(arguments)
        for mode in Self.allModes { #expect(table.contains(" \(mode) ")) }
        #expect(try Self.sweep(arguments) == table)
        #expect(try Self.sweep(arguments + ["--format", "json"]) == Self.sweep(arguments + ["--format", "json"]))
    }

    @Test("a factor's figures do not depend on which other factors are swept")
    func sameBatches() throws {
        let (_, alone) = try Self.points(Self.small + ["--capacity-factors", "1.25", "--modes", "ir+fr"])
        let (_, among) = try Self.points(Self.small + ["--capacity-factors", "0.5:2:0.75", "--modes", "ir+fr"])
        let match = try #require(among.first { $0.double("capacityFactor") == 1.25 })
        for key in ["dropRate", "paddingRate", "crossGPU", "outputError", "stepTime"] {
            #expect(alone.first?.double(key) == match.double(key), "\(key)")
        }
    }

    @Test("a trace has no hidden states: output error is null")
    func traceOutputError() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        var random = RandomStream(seed: 5)
        let logits = (0..<(2 * 8 * 4)).map { _ in random.gaussian() }
        let path = try folder.write("trace.npy", NpyWriter.float32(logits, shape: [2, 8, 4]))
        let (config, points) = try Self.points(["--trace", path, "--gpus", "2", "--top-k", "1", "--steps", "5",
                                                "--capacity-factors", "1,2"])
        #expect(config.int("steps") == 2, "the trace ends after two steps")
        #expect(config["fidelity"] is NSNull)
        #expect(points.count == 12)
        for point in points { #expect(point["outputError"] is NSNull, "\(point["mode"] ?? "")") }
    }

    @Test("--svg writes a well-formed, self-contained SVG: four charts, one polyline per mode, a marker per point")
    func svg() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = folder.path + "/sweep.svg"
        _ = try Self.sweep(Self.small + ["--capacity-factors", "0.5:1.5:0.25", "--svg", path])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("<script") && !text.contains("@import") && !text.contains("href") && !text.contains("@font-face"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["sweep.svg"], "no temporary file left")

        let collector = SVGCollector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        #expect(collector.root == "svg")
        #expect(collector.charts.map(\.metric) == ["dropRate", "paddingRate", "outputError", "stepTime"])
        for chart in collector.charts {
            let expected = chart.metric == "dropRate" ? Self.allModes.filter { $0 != "expert-choice" } : Self.allModes
            #expect(chart.series.map(\.mode) == expected, "\(chart.metric)")
            for series in chart.series {
                #expect(series.polylines == 1, "\(chart.metric)/\(series.mode)")
                #expect(series.points == 5, "\(chart.metric)/\(series.mode): \(series.points) points")
                #expect(series.markers == 5, "\(chart.metric)/\(series.mode): \(series.markers) markers")
            }
            #expect(chart.texts.contains { $0.contains("capacity factor") }, "x axis label")
            #expect(chart.texts.contains { $0.contains("(%)") || $0.contains("s)") }, "y axis label with unit")
        }
        #expect(collector.legend.count >= Self.allModes.count)
        for mode in Self.allModes { #expect(collector.legend.contains(mode), "legend lacks \(mode)") }
    }

    @Test("the paper's picture: low factors drop and IR recovers, high factors pad and FR fills")
    func qualitativePicture() throws {
        let (_, points) = try Self.points(["--tokens-per-gpu", "256", "--steps", "2", "--capacity-factors", "0.5:2:0.5",
                                           "--modes", "vanilla,ir,fr,ir+fr"])
        func point(_ mode: String, _ factor: Double) throws -> [String: Any] {
            try #require(points.first { $0["mode"] as? String == mode && $0.double("capacityFactor") == factor })
        }
        let vanillaLow = try point("vanilla", 0.5)
        let bothLow = try point("ir+fr", 0.5)
        #expect(try #require(vanillaLow.double("dropRate")) > 0.3, "drops dominate at 0.5")
        let dropped = try #require(bothLow.double("dropped"))
        #expect(dropped > 0)
        #expect(try #require(bothLow.double("unrecovered")) / dropped < 0.1, "IR recovers most drops")
        #expect(try #require(bothLow.double("recovered")) / dropped > 0.9)
        #expect(try #require(bothLow.double("coverageRate")) > (try #require(vanillaLow.double("coverageRate"))))

        let vanillaHigh = try point("vanilla", 2)
        let frHigh = try point("fr", 2)
        let vanillaPadding = try #require(vanillaHigh.double("paddingRate"))
        #expect(vanillaPadding > 0.3, "padding dominates at 2.0")
        #expect(try #require(vanillaHigh.double("dropRate")) < 0.02)
        #expect(try #require(frHigh.double("paddingRate")) < 0.75 * vanillaPadding, "FR fills a large share of the padding")
        #expect(try #require(frHigh.double("filled")) / (try #require(vanillaHigh.double("residualPadding"))) > 0.3)

        let vanillaDrops = try [0.5, 1, 1.5, 2].map { try #require(point("vanilla", $0).double("dropRate")) }
        let vanillaPads = try [0.5, 1, 1.5, 2].map { try #require(point("vanilla", $0).double("paddingRate")) }
        #expect(vanillaDrops == vanillaDrops.sorted(by: >), "drops fall as capacity grows")
        #expect(vanillaPads == vanillaPads.sorted(), "padding grows with capacity")
    }

    @Test("usage errors exit 2 with one line", arguments: [
        (["--capacity-factors", "0.5:2"], "expected START:END:STEP"),
        (["--capacity-factors", "2:1:0.5"], "the start is above the end"),
        (["--capacity-factors", "0.5:2:0"], "is not a decimal from 0.0001"),
        (["--capacity-factors", "a,b"], "'a' is not a decimal"),
        (["--capacity-factors", "0.01:10:0.01"], "1000 factors, at most 64"),
        (["--modes", "vanilla,turbo"], "invalid --modes 'turbo'"),
        (["--steps", "0"], "invalid --steps '0'"),
        (["--steps", "-2"], "invalid --steps '-2'"),
        (["--format", "jsonl"], "invalid --format 'jsonl'"),
        (["--capacity-factor", "1"], "unknown option --capacity-factor"),
        (["--svg", ""], "--svg needs a file name"),
        (["stray"], "unexpected argument 'stray'"),
        (["--svg", "/nonexistent-rectify-folder/chart.svg"], "the folder /nonexistent-rectify-folder does not exist"),
    ])
    func usageErrors(arguments: [String], fragment: String) throws {
        let error = try #require(cliError { () throws(CLIError) -> String in try SweepCommand.run(arguments) })
        #expect(error.exitStatus == 2, "\(arguments): \(error.message)")
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains(fragment), "\(arguments): \(error.message)")
        if case .usage = error { #expect(error.message.contains("see 'rectify sweep --help'")) }
    }

    @Test("--help lists the options; the top-level help lists the command")
    func help() throws {
        let help = try SweepCommand.run(["--help"])
        for option in ["--capacity-factors", "--modes", "--steps", "--format", "--svg", "--preset", "--trace"] {
            #expect(help.contains(option))
        }
        #expect(Rectify.overview.contains("sweep"))
    }

    @Test("range parsing is exact and inclusive; lists are sorted without repeats")
    func factorParsing() throws {
        #expect(try SweepCommand.parseFactors("0.5:2.0:0.25").map(\.description) == ["0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"])
        #expect(try SweepCommand.parseFactors("0.1:0.3:0.1").map(\.description) == ["0.1", "0.2", "0.3"])
        #expect(try SweepCommand.parseFactors("1:2:0.4").map(\.description) == ["1", "1.4", "1.8"])
        #expect(try SweepCommand.parseFactors("2,1,2,0.5").map(\.description) == ["0.5", "1", "2"])
        #expect(try SweepCommand.parseSchemes("all") == RoutingScheme.allCases)
        #expect(try SweepCommand.parseSchemes("ir+fr,dropless,ir+fr") == [.rectify(.irfr), .baseline(.dropless)])
    }
}

/// Collects the sweep SVG's charts, series and legend with Foundation's XML parser.
final class SVGCollector: NSObject, XMLParserDelegate {
    struct Series {
        let mode: String
        var polylines = 0
        var points = 0
        var markers = 0
    }

    struct Chart {
        let metric: String
        var series: [Series] = []
        var texts: [String] = []
    }

    var root: String?
    var charts: [Chart] = []
    var legend: [String] = []
    private var inChart = false
    private var inSeries = false
    private var inLegend = false
    private var groupStack: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        text = ""
        if name == "g" {
            let kind = attributes["class"] ?? ""
            groupStack.append(kind)
            switch kind {
            case "chart": charts.append(Chart(metric: attributes["data-metric"] ?? "")); inChart = true
            case "series": charts[charts.count - 1].series.append(Series(mode: attributes["data-mode"] ?? "")); inSeries = true
            case "legend": inLegend = true
            default: break
            }
            return
        }
        guard inSeries, !charts.isEmpty, let last = charts[charts.count - 1].series.indices.last else { return }
        if name == "polyline" {
            charts[charts.count - 1].series[last].polylines += 1
            charts[charts.count - 1].series[last].points += (attributes["points"] ?? "").split(separator: " ").count
        } else if attributes["class"] == "marker" {
            charts[charts.count - 1].series[last].markers += 1
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" {
            if inLegend { legend.append(text) } else if inChart, !charts.isEmpty { charts[charts.count - 1].texts.append(text) }
        }
        if name == "g" {
            switch groupStack.popLast() {
            case "chart": inChart = false
            case "series": inSeries = false
            case "legend": inLegend = false
            default: break
            }
        }
    }
}
