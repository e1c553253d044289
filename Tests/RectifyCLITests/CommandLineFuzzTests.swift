import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// Issue 12: seeded, bounded fuzzing of the command line and preset files. Whatever the damage,
/// the answer is success or exit status 2 with one printable, bounded line on standard error; never
/// a trap, never a control character reaching the terminal.
@Suite("Fuzz: command lines and preset files")
struct CommandLineFuzzTests {
    /// Small workloads, so that a valid mutation routes in moments.
    static let tail = ["--steps", "1", "--tokens-per-gpu", "8", "--gpus", "2", "--experts", "4", "--threads", "1"]
    static let heads: [[String]] = [
        ["--mode", "ir,fr", "--format", "csv"],
        ["--capacity-factor", "1.25", "--drop-policy", "position"],
        ["--seed", "7", "--gate", "softmax", "--top-k", "2"],
        ["--min-capacity", "2", "--ir-capacity-factor", "0.5", "--format", "json"],
        ["--preset", "mixtral-top2", "--mode", "vanilla", "--format", "jsonl"],
    ]
    static let presetText = BuiltInPresets.defaultJSON

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// The line `rectify` writes for `error`, checked: one line, printable, bounded.
    static func expectCleanLine(_ message: String, _ context: @autoclosure () -> String) {
        #expect(!message.contains("\n") && !hasControlCharacters(message), "\(context()): \(message.debugDescription.prefix(300))")
        #expect(message.unicodeScalars.count <= TerminalText.lineLimit + TerminalText.pathLimit + 10,
                "\(context()): \(message.unicodeScalars.count) characters")
    }

    @Test("400 mutated run command lines: parsed or exit 2 with one clean line")
    func arguments() {
        var generator = RandomStream(seed: 12)
        var valid = 0
        for index in 0..<400 {
            let head = Self.heads[index % Self.heads.count]
            let args = FuzzMutations.arguments(head, using: &generator) + Self.tail
            do {
                guard let options = try RunCommand.options(args) else { valid += 1; continue }
                // Never --follow: it would wait for a capture. The mutations cannot spell it.
                guard try options.args[ScenarioOptions.follow] == nil else { continue }
                _ = try ScenarioOptions.resolve(options.args, traceLoopDefault: false)
                valid += 1
            } catch {
                #expect(error.exitStatus == 2, "case \(index) \(args.map { $0.prefix(40) }): \(error.message.prefix(200))")
                Self.expectCleanLine(error.message, "case \(index)")
            }
        }
        #expect(valid > 0 && valid < 400, "\(valid) of 400 valid: the mutations should produce both")
    }

    @Test("400 mutated preset files: read or one clean error line")
    func presets() {
        var generator = RandomStream(seed: 2024)
        var valid = 0
        for index in 0..<400 {
            let text = FuzzMutations.json(Self.presetText, using: &generator)
            do {
                let preset = try PresetReader.parse(text, name: "fuzz", source: "fuzz.json")
                #expect(!Self.hasControlCharacters(TerminalText.sanitized(preset.description)))
                valid += 1
            } catch {
                Self.expectCleanLine(error.description, "case \(index)")
            }
        }
        #expect(valid < 400, "the mutations should break most files")
    }

    @Test("6 valid cases and 40 mutations through the binary: exit 0 with nothing on stderr, or exit 2 with one clean line")
    func binary() throws {
        var generator = RandomStream(seed: 7)
        let folder = try ScratchFolder()
        defer { folder.remove() }
        // The unmutated command lines and preset first: they must succeed.
        var cases: [[String]] = Self.heads.map { ["run"] + $0 + Self.tail }
        cases.append(["validate", try folder.write("valid.json", Array(Self.presetText.utf8))])
        for index in 0..<24 {
            // A NUL cannot pass through exec: it would end the argument.
            let args = FuzzMutations.arguments(Self.heads[index % Self.heads.count], using: &generator)
                .map { $0.replacingOccurrences(of: "\u{0}", with: "\u{1}") }
            cases.append(["run"] + args + Self.tail)
        }
        for index in 0..<16 {
            let path = try folder.write("fuzz\(index).json", Array(FuzzMutations.json(Self.presetText, using: &generator).utf8))
            cases.append(["validate", path])
        }
        var statuses: [Int32] = []
        for (index, arguments) in cases.enumerated() {
            let result = try runBinary(arguments)
            statuses.append(result.status)
            let context = "case \(index) \(arguments.map { $0.prefix(40) })"
            #expect(!result.signalled, "\(context): \(result)")
            #expect(result.status == 0 || result.status == 2, "\(context): \(result)")
            if result.status == 0 {
                #expect(result.stderr.isEmpty, "\(context): \(result)")
            } else {
                let text = String(decoding: result.stderr, as: UTF8.self)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == 2 && lines[1].isEmpty && text.hasPrefix("rectify: "), "\(context): \(result)")
                Self.expectCleanLine(String(lines[0]), context)
                #expect(result.stdout.isEmpty, "\(context): \(result)")
            }
        }
        #expect(statuses.prefix(Self.heads.count + 1).allSatisfy { $0 == 0 }, "the unmutated cases succeed: \(statuses)")
        #expect(statuses.contains(2), "the mutations should break some: \(statuses)")
    }
}
