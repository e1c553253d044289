import Foundation
import Testing

// The built `rectify` binary run as a child process: exit statuses, what goes to stdout and what to
// stderr, and presets found (or built in) depending on where it runs.

/// Runs `rectify` through the Support helpers, optionally from another working directory.
enum RectifyProcess {
    /// The package root, from this file: `<package>/Tests/RectifyEndToEndTests/CommandLineProcessTests.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The environment with no preset folder override.
    static var environment: [String: String] { ChildProcess.environment(["RECTIFY_PRESETS": nil]) }

    /// `executable arguments...` run in `directory` (by a shell that changes into it and then execs).
    static func run(_ arguments: [String], in directory: String = packageRoot, executable: String? = nil) async throws -> ChildResult {
        let rectify = try executable ?? RectifyExecutable.path()
        return try await ChildProcess.run("/bin/sh", arguments: ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory, rectify] + arguments,
                                          environment: environment, timeout: .seconds(120))
    }

    /// Every preset file name in the package's `Presets/`, without `.json`.
    static func presetNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot + "/Presets")) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// A fresh directory under the system's temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-cli-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `[steps, tokens, experts]` float32 `.npy` bytes.
    static func npy(_ values: [Float], shape: [Int]) -> Data {
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))), }".utf8)
        header += [UInt8](repeating: 0x20, count: (64 - (10 + header.count + 1) % 64) % 64) + [0x0A]
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return Data(bytes)
    }
}

/// One line on stderr starting `rectify:`, nothing on stdout.
func expectCleanFailure(_ result: ChildResult, status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.exitCode == status, "\(result)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "nothing on stdout: \(result)", sourceLocation: sourceLocation)
    let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 2 && lines[1].isEmpty, "exactly one line on stderr: \(result)", sourceLocation: sourceLocation)
    #expect(result.standardError.hasPrefix("rectify: "), "\(result)", sourceLocation: sourceLocation)
}

@Suite("rectify as a process: exit statuses and streams")
struct CommandLineProcessTests {
    @Test("--version prints the version and exits 0")
    func version() async throws {
        let result = try await RectifyProcess.run(["--version"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.standardOutput.wholeMatch(of: /rectify \d+\.\d+\.\d+\n/) != nil, "\(result)")
        #expect(result.stderr.isEmpty)
    }

    @Test("--help prints the overview and exits 0")
    func help() async throws {
        let result = try await RectifyProcess.run(["--help"])
        #expect(result.exitCode == 0, "\(result)")
        for command in ["run", "bench", "presets", "validate", "dash"] {
            #expect(result.standardOutput.contains("  \(command) "), "\(command): \(result)")
        }
        #expect(result.stderr.isEmpty)
    }

    @Test("run --steps 2 --format json: exit 0, JSON on stdout, nothing on stderr")
    func runJSON() async throws {
        let result = try await RectifyProcess.run(["run", "--steps", "2", "--format", "json"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result.standardError)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let config = try #require(document["config"] as? [String: Any])
        #expect(config["preset"] as? String == "default")
        #expect(config["steps"] as? Int == 2)
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.map { $0["mode"] as? String } == ["vanilla", "ir", "fr", "ir+fr"])
        for run in runs {
            #expect((run["steps"] as? [Any])?.count == 2)
            let total = try #require(run["total"] as? [String: Any])
            let kept = try #require(total["kept"] as? Int), dropped = try #require(total["dropped"] as? Int)
            #expect(kept + dropped == total["requested"] as? Int)
        }
    }

    @Test("usage errors: exit 2, stdout empty, one line on stderr", arguments: [
        ["run", "--bogus"], ["run", "--steps", "0"], ["run", "--format", "xml"], ["run", "--mode", "turbo"],
        ["run", "--capacity-factor", "1.23456"], ["run", "--experts", "63", "--gpus", "8"], ["run", "--steps"],
        ["frobnicate"], ["validate"], ["bench", "--shape", "nope"], ["presets", "extra"],
    ])
    func usageErrors(arguments: [String]) async throws {
        let result = try await RectifyProcess.run(arguments)
        expectCleanFailure(result, status: 2)
    }

    @Test("run --bogus names the option and points to --help")
    func bogusMessage() async throws {
        let result = try await RectifyProcess.run(["run", "--bogus"])
        #expect(result.standardError == "rectify: unknown option --bogus for 'rectify run'; see 'rectify run --help'\n")
    }

    @Test("run --preset nope: exit 2 listing the presets there are")
    func unknownPreset() async throws {
        let result = try await RectifyProcess.run(["run", "--preset", "nope"])
        expectCleanFailure(result, status: 2)
        for name in RectifyProcess.presetNames() {
            #expect(result.standardError.contains(name), "\(name): \(result)")
        }
    }

    @Test("validate Presets/default.json exits 0; a bad preset file exits 2 naming it")
    func validate() async throws {
        let good = try await RectifyProcess.run(["validate", "Presets/default.json"])
        #expect(good.exitCode == 0, "\(good)")
        #expect(good.standardOutput == "Presets/default.json: ok\n")
        #expect(good.stderr.isEmpty)

        let all = RectifyProcess.presetNames().map { "Presets/\($0).json" }
        let every = try await RectifyProcess.run(["validate"] + all)
        #expect(every.exitCode == 0, "\(every)")
        #expect(every.standardOutput == all.map { "\($0): ok\n" }.joined())

        let folder = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bad = folder + "/bad.json"
        try Data(#"{"description": "x", "gpus": 8, "experts": 64, "topK": 2, "tokensPerGPU": 64, "colour": 1}"#.utf8)
            .write(to: URL(fileURLWithPath: bad))
        let result = try await RectifyProcess.run(["validate", bad])
        expectCleanFailure(result, status: 2)
        #expect(result.standardError.hasPrefix("rectify: \(bad): unknown key \"colour\""), "\(result)")
        let broken = folder + "/broken.json"
        try Data("{\n  \"gpus\": 8\n  \"experts\": 8\n}\n".utf8).write(to: URL(fileURLWithPath: broken))
        let syntax = try await RectifyProcess.run(["validate", broken])
        expectCleanFailure(syntax, status: 2)
        #expect(syntax.standardError.contains("line 3, column 3"), "\(syntax)")
    }

    @Test("presets lists every file in Presets/ plus default")
    func presets() async throws {
        let result = try await RectifyProcess.run(["presets"])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("default ") == true, "\(result)")
        let names = lines.map { String($0.prefix { $0 != " " }) }
        #expect(Set(names) == Set(RectifyProcess.presetNames() + ["default"]), "\(names)")
        #expect(names.count == Set(names).count)
        #expect(!result.standardOutput.contains("INVALID"))
    }

    @Test("a NaN in a trace: exit 1, stdout empty, one line naming file, step and token")
    func nanTrace() async throws {
        let folder = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var values = (0..<64).map { Float($0 % 7) }
        values[32 + 3 * 4 + 1] = .nan   // step 1, token 3, expert 1
        let path = folder + "/nan.npy"
        try RectifyProcess.npy(values, shape: [2, 8, 4]).write(to: URL(fileURLWithPath: path))
        let result = try await RectifyProcess.run(["run", "--trace", path, "--gpus", "2", "--steps", "4", "--format", "json"])
        expectCleanFailure(result, status: 1)
        #expect(result.standardError.contains(path) && result.standardError.contains("step 1")
                && result.standardError.contains("token 3"), "\(result)")
    }
}

@Suite("rectify as a process: away from the checkout")
struct CommandLineElsewhereTests {
    @Test("from an empty temporary folder, run uses the built-in default when no Presets folder is anywhere")
    func builtInDefault() async throws {
        let folder = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A copy of the binary, so no Presets folder sits beside or above it either.
        let binDirectory = folder + "/bin"
        try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: true)
        let copy = binDirectory + "/rectify"
        try FileManager.default.copyItem(atPath: try RectifyExecutable.path(), toPath: copy)
        let work = folder + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

        let table = try await RectifyProcess.run(["run", "--steps", "1"], in: work, executable: copy)
        #expect(table.exitCode == 0, "\(table)")
        #expect(table.stderr.isEmpty, "\(table)")
        #expect(table.standardOutput.hasPrefix("preset default: synthetic"), "\(table)")

        let json = try await RectifyProcess.run(["run", "--steps", "1", "--format", "json", "--tokens-per-gpu", "256"], in: work, executable: copy)
        #expect(json.exitCode == 0, "\(json)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let config = try #require(document["config"] as? [String: Any])
        #expect(config["source"] is NSNull, "the built-in default has no file: \(config)")
        #expect(config["preset"] as? String == "default")

        let presets = try await RectifyProcess.run(["presets"], in: work, executable: copy)
        #expect(presets.exitCode == 0, "\(presets)")
        let lines = presets.standardOutput.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("default ") && lines[0].hasSuffix("(built in)"), "\(presets)")

        let missing = try await RectifyProcess.run(["run", "--preset", "mixtral-top2"], in: work, executable: copy)
        expectCleanFailure(missing, status: 2)
    }

    @Test("from a temporary folder, the built binary still finds the checkout's presets beside it")
    func presetsBesideExecutable() async throws {
        let folder = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try await RectifyProcess.run(["run", "--steps", "1"], in: folder)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        let presets = try await RectifyProcess.run(["presets"], in: folder)
        let names = presets.standardOutput.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        #expect(Set(names) == Set(RectifyProcess.presetNames() + ["default"]), "\(presets)")
        let mixtral = try await RectifyProcess.run(["run", "--preset", "mixtral-top2", "--steps", "1", "--tokens-per-gpu", "64"], in: folder)
        #expect(mixtral.exitCode == 0, "\(mixtral)")
    }
}
