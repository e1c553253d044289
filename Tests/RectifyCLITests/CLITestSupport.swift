import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// `rectify run` with these arguments; its output, or the failure recorded as an issue. Its
/// standard-error notes go to `errors` (kept out of the test log).
func runOutput(_ arguments: [String], errors: ErrorLines = ErrorLines(),
               sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    do {
        return try StandardStreams.$errorLines.withValue(errors) {
            Result { () throws(CLIError) -> String in try RunCommand.run(arguments) }
        }.get()
    } catch {
        Issue.record("rectify run \(arguments.joined(separator: " ")) failed: \(error.message)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The `CLIError` a command throws, or nil when it succeeds; its notes stay out of the test log.
func cliError(_ body: () throws(CLIError) -> String) -> CLIError? {
    do {
        _ = try StandardStreams.$errorLines.withValue(ErrorLines()) { Result { () throws(CLIError) -> String in try body() } }.get()
        return nil
    } catch {
        return error
    }
}

/// A JSON document parsed by Foundation (an independent reader, not the engine's own).
func foundationJSON(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

extension Dictionary where Key == String, Value == Any {
    func int(_ key: String) -> Int? { self[key] as? Int }
    func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func ints(_ key: String) -> [Int]? { self[key] as? [Int] }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func objects(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
}

/// The spec section 7 names each step object carries, exactly.
let specStepFields = ["step", "capacity", "requested", "kept", "dropped", "recovered", "unrecovered", "irTokens", "filled",
                      "slots", "padding", "residualPadding", "crossGPU", "coveredTokens", "tokens", "gpuLoad", "imbalance"]

/// Checks a step object against figures the engine computed directly.
func expectStep(_ json: [String: Any], equals f: StepFigures, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let counts: [(String, Int?)] = [
        ("step", f.step), ("capacity", f.capacity), ("requested", f.requested), ("kept", f.kept), ("dropped", f.dropped),
        ("recovered", f.recovered), ("unrecovered", f.unrecovered), ("irTokens", f.irTokens), ("filled", f.filled),
        ("slots", f.slots), ("padding", f.padding), ("residualPadding", f.residualPadding), ("crossGPU", f.crossGPU),
        ("coveredTokens", f.coveredTokens), ("tokens", f.tokens),
    ]
    for (key, value) in counts {
        #expect(json.int(key) == value, "\(context): \(key)", sourceLocation: sourceLocation)
    }
    #expect(json.ints("gpuLoad") == f.gpuLoad, "\(context): gpuLoad", sourceLocation: sourceLocation)
    expectClose(json.double("imbalance"), f.imbalance, "\(context): imbalance", sourceLocation: sourceLocation)
    expectGateMass(json, f.gateMass, context, sourceLocation: sourceLocation)
}

/// The four gate-mass figures of a step or total object against the engine's sums.
func expectGateMass(_ json: [String: Any], _ mass: GateMass, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(json.double("intendedGateMass"), mass.intendedShare, "\(context): intendedGateMass", sourceLocation: sourceLocation)
    expectClose(json.double("substituteGateMass"), mass.substituteShare, "\(context): substituteGateMass", sourceLocation: sourceLocation)
    expectClose(json.double("meanIRRank"), mass.meanIntraGPURank, "\(context): meanIRRank", sourceLocation: sourceLocation)
    expectClose(json.double("meanFRRank"), mass.meanFillInRank, "\(context): meanFRRank", sourceLocation: sourceLocation)
}

/// Checks a total object against totals summed directly.
func expectTotal(_ json: [String: Any], equals t: SchemeTotals, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let counts: [(String, Int?)] = [
        ("steps", t.steps), ("capacity", t.capacity), ("requested", t.requested), ("kept", t.kept), ("dropped", t.dropped),
        ("recovered", t.recovered), ("unrecovered", t.unrecovered), ("irTokens", t.irTokens), ("filled", t.filled),
        ("slots", t.slots), ("padding", t.padding), ("residualPadding", t.residualPadding), ("crossGPU", t.crossGPU),
        ("coveredTokens", t.coveredTokens), ("tokens", t.tokens),
    ]
    for (key, value) in counts {
        #expect(json.int(key) == value, "\(context): total \(key)", sourceLocation: sourceLocation)
    }
    #expect(json.ints("gpuLoad") == t.gpuLoad, "\(context): total gpuLoad", sourceLocation: sourceLocation)
    expectClose(json.double("imbalance"), t.imbalance, "\(context): total imbalance", sourceLocation: sourceLocation)
    expectClose(json.double("dropRate"), t.dropRate, "\(context): total dropRate", sourceLocation: sourceLocation)
    expectClose(json.double("paddingRate"), t.paddingRate, "\(context): total paddingRate", sourceLocation: sourceLocation)
    expectGateMass(json, t.gateMass, "\(context): total", sourceLocation: sourceLocation)
}

func expectClose(_ a: Double?, _ b: Double?, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let a, let b else {
        #expect(a == nil && b == nil, "\(context): \(String(describing: a)) vs \(String(describing: b))", sourceLocation: sourceLocation)
        return
    }
    #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(context): \(a) vs \(b)", sourceLocation: sourceLocation)
}

/// Routes `steps` batches of `preset` with the engine directly: per mode, the figures and analyses.
func routeDirectly(_ preset: Preset, modes: [RectifyMode], steps: Int) throws -> (figures: [RectifyMode: [StepFigures]], analyses: [StepAnalysis]) {
    let source = try preset.makeSource(threads: 1)
    let router = Router(threads: 1)
    var figures: [RectifyMode: [StepFigures]] = [:]
    var analyses: [StepAnalysis] = []
    for _ in 0..<steps {
        guard let batch = try source.nextBatch() else { break }
        let analysis = try router.route(batch, config: preset.routing, modes: Set(modes))
        analyses.append(analysis)
        for mode in modes { figures[mode, default: []].append(try #require(analysis.figures(mode))) }
    }
    return (figures, analyses)
}

/// Builds `.npy` files: magic, version 1.0, little-endian header length, the header dictionary
/// padded with spaces to a multiple of 64 bytes and ending in a newline, then the data.
enum NpyWriter {
    static func float32(_ values: [Float], shape: [Int]) -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }".utf8)
        let unpadded = 10 + header.count + 1
        header += [UInt8](repeating: UInt8(ascii: " "), count: (64 - unpadded % 64) % 64) + [UInt8(ascii: "\n")]
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        bytes += header
        for value in values {
            let bits = value.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return bytes
    }
}

/// A fresh temporary folder, removed by `remove()`.
struct ScratchFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// How the built `rectify` binary ended and what it wrote.
struct BinaryResult: CustomStringConvertible {
    let status: Int32
    /// The process ended by a signal (a trap), not an exit.
    let signalled: Bool
    let stdout: [UInt8]
    let stderr: [UInt8]

    var description: String {
        "\(signalled ? "signal" : "exit") \(status); stdout \(String(decoding: stdout.prefix(300), as: UTF8.self).debugDescription); "
            + "stderr \(String(decoding: stderr.prefix(300), as: UTF8.self).debugDescription)"
    }
}

/// Runs the `rectify` executable built beside the test bundle (`swift test` builds it), output
/// into temporary files so nothing blocks on a full pipe.
func runBinary(_ arguments: [String], environment: [String: String]? = nil) throws -> BinaryResult {
    let folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    let candidates = [folder.appendingPathComponent("rectify").path,
                      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                        .deletingLastPathComponent().appendingPathComponent(".build/debug/rectify").path]
    guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.joined(separator: ", ")])
    }
    let scratch = try ScratchFolder()
    defer { scratch.remove() }
    let out = try scratch.write("stdout", [])
    let err = try scratch.write("stderr", [])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    try process.run()
    process.waitUntilExit()
    return BinaryResult(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                        stdout: Array(try Data(contentsOf: URL(fileURLWithPath: out))),
                        stderr: Array(try Data(contentsOf: URL(fileURLWithPath: err))))
}
