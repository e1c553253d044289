import Foundation
import Testing

/// Issue 12, as a process: text from preset files and the command line reaches the terminal
/// without control characters, JSON output stays valid, and misspellings get a suggestion.
@Suite("rectify as a process: hostile text and misspellings")
struct HostileTextProcessTests {
    /// Sets the terminal title, clears the screen, a C1 CSI, a newline and DEL.
    static let evil = "evil \u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\nsecond line\u{7F}"

    /// Raw control bytes: C0 other than the newlines that end lines, DEL, and C1 as UTF-8 (C2 80-9F).
    static func controlBytes(_ bytes: [UInt8]) -> [UInt8] {
        var found: [UInt8] = []
        for (i, byte) in bytes.enumerated() {
            if (byte < 0x20 && byte != 0x0A) || byte == 0x7F { found.append(byte) }
            if byte == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) { found.append(bytes[i + 1]) }
        }
        return found
    }

    /// A folder holding `evil.json` (an escape-laden description) and `odd<ESC>[2J.json`.
    static func hostilePresets() throws -> String {
        let folder = try RectifyProcess.temporaryDirectory()
        let text = try String(contentsOfFile: RectifyProcess.packageRoot + "/Presets/default.json", encoding: .utf8)
        let escaped = #"evil \u001b]0;pwned\u0007\u001b[2J\u009b31m\nsecond line\u007f"#
        // The default preset with its description line replaced.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("\"description\"") ? #"  "description": ""# + escaped + #"","# : String(line)
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: folder + "/evil.json"))
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/odd\u{1B}[2J.json"))
        return folder
    }

    static func run(_ arguments: [String], presets: String) async throws -> ChildResult {
        try await ChildProcess.run(try RectifyExecutable.path(), arguments: arguments,
                                   environment: ChildProcess.environment(["RECTIFY_PRESETS": presets]), timeout: .seconds(120))
    }

    @Test("presets prints descriptions and names from files without control characters")
    func presetsListing() async throws {
        let folder = try Self.hostilePresets()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await Self.run(["presets"], presets: folder)
        #expect(result.exitCode == 0, "\(result)")
        #expect(Self.controlBytes(result.stdout).isEmpty, "\(result)")
        #expect(result.standardOutput.contains("evil"), "\(result)")
        #expect(!result.standardOutput.contains("INVALID"), "\(result)")
    }

    @Test("run with a hostile preset: the table has no control characters, JSON stays valid and escapes them")
    func runOutputs() async throws {
        let folder = try Self.hostilePresets()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let common = ["--steps", "1", "--tokens-per-gpu", "8", "--gpus", "2", "--experts", "4"]
        let table = try await Self.run(["run", "--preset", "odd\u{1B}[2J"] + common, presets: folder)
        #expect(table.exitCode == 0, "\(table)")
        #expect(Self.controlBytes(table.stdout).isEmpty, "\(table)")
        let json = try await Self.run(["run", "--preset", "evil", "--format", "json"] + common, presets: folder)
        #expect(json.exitCode == 0, "\(json)")
        #expect(Self.controlBytes(json.stdout).isEmpty, "\(json)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let config = try #require(document["config"] as? [String: Any])
        #expect(config["description"] as? String == Self.evil)
    }

    @Test("misspelt commands, options and presets suggest the closest spelling on one stderr line", arguments: [
        (["rn"], "unknown command 'rn' (did you mean run?)"),
        (["run", "--step", "5"], "unknown option --step (did you mean --steps?)"),
        (["run", "--preset", "mixtral"], "(did you mean mixtral-top2?)"),
        (["run", "--mode", "irfr"], "(did you mean ir+fr?)"),
        (["run", "--drop-policy", "scor"], "(did you mean score?)"),
    ])
    func suggestions(arguments: [String], fragment: String) async throws {
        let result = try await RectifyProcess.run(arguments)
        expectCleanFailure(result, status: 2)
        #expect(result.standardError.contains(fragment), "\(result)")
    }

    @Test("a bad option value with control characters is echoed harmlessly, on one line")
    func hostileArgument() async throws {
        let result = try await RectifyProcess.run(["run", "--steps", Self.evil])
        expectCleanFailure(result, status: 2)
        #expect(Self.controlBytes(result.stderr) == [], "\(result)")
    }
}
