import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// Every routing scheme reaches every output: a scheme added to the enum and forgotten in the
/// scheme table, the evaluation, `run`, `sweep` or the SVG chart fails here.
@Suite("every scheme in every output")
struct EverySchemeTests {
    static let small = ["--tokens-per-gpu", "64", "--steps", "2"]

    @Test("the scheme table has one row per scheme, in order, each telling apart from the others")
    func table() {
        #expect(SchemeStyle.table.map(\.scheme) == RoutingScheme.allCases)
        for (index, scheme) in RoutingScheme.allCases.enumerated() {
            #expect(scheme.index == index && scheme.style.scheme == scheme, "\(scheme)")
        }
        let rows = SchemeStyle.table
        #expect(Set(rows.map(\.marker)).count == rows.count)
        #expect(Set(rows.map(\.color)).count == rows.count)
        #expect(Set(rows.map(\.title)).count == rows.count)
        let keys = rows.compactMap(\.key)
        #expect(Set(keys).count == keys.count)
        // Every rectify mode has a dashboard key; its index is its place in the table.
        for mode in RectifyMode.allCases {
            #expect(mode.style.key != nil && mode.index == RoutingScheme.rectify(mode).index, "\(mode)")
        }
    }

    @Test("run (JSON) reports every rectify mode under its label")
    func run() throws {
        let modes = RoutingScheme.allCases.compactMap(\.mode)
        let text = try RunCommand.run(Self.small + ["--mode", modes.map(\.label).joined(separator: ","), "--format", "json"])
        let json = try #require(try foundationJSON(text) as? [String: Any])
        let runs = try #require(json.objects("runs"))
        #expect(runs.compactMap { $0["mode"] as? String } == modes.map(\.label))
        for run in runs { #expect(run.object("total")?["stepTime"] is Double) }
    }

    @Test("sweep (JSON) and its SVG chart list every scheme with its label, colour and dash")
    func sweepAndChart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-every-scheme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.path + "/sweep.svg"
        let text = try SweepCommand.run(Self.small + ["--capacity-factors", "0.75,1.25", "--format", "json", "--svg", path])
        let json = try #require(try foundationJSON(text) as? [String: Any])
        let points = try #require(json.objects("points"))
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect((json.object("config")?["modes"] as? [String]) == RoutingScheme.allCases.map(\.label))
        for scheme in RoutingScheme.allCases {
            let mine = points.filter { $0["mode"] as? String == scheme.label }
            #expect(mine.count == 2, "\(scheme): one point per factor")
            #expect(mine.allSatisfy { $0["stepTime"] is Double && $0["coverageRate"] is Double }, "\(scheme)")
            #expect(svg.contains("data-mode=\"\(SVGChart.escape(scheme.label))\""), "\(scheme): a series")
            let dash = scheme.style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            #expect(svg.contains("stroke=\"\(scheme.style.color)\" stroke-width=\"2\"\(dash)/>"), "\(scheme): legend line")
            #expect(svg.contains(">\(SVGChart.escape(scheme.label))</text>"), "\(scheme): legend label")
        }
    }
}
