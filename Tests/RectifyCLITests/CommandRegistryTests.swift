import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// The command registry and the typed option keys: the overview, every command's help and every
/// option a command reads all come from one declaration.
@Suite("Command registry and option keys")
struct CommandRegistryTests {
    /// The command names the overview's "Commands:" section lists, in order.
    static func overviewCommands() -> [String] {
        let lines = Rectify.overview.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "Commands:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test("the overview lists exactly the registry's listed commands, in its order; hidden ones stay out")
    func overview() {
        #expect(Self.overviewCommands() == CommandRegistry.listed.map(\.name))
        #expect(Self.overviewCommands() == ["dash", "run", "sweep", "tune", "bench", "presets", "validate"])
        #expect(!Rectify.overview.contains("terminal-demo"))
        #expect(Set(CommandRegistry.all.map(\.name)).count == CommandRegistry.all.count, "command names are unique")
        for command in CommandRegistry.listed {
            #expect(Rectify.overview.contains("  \(command.name)" + String(repeating: " ", count: 12 - command.name.count)
                                              + (command.overview ?? "")), "\(command.name)")
        }
    }

    @Test("a misspelt command is suggested from the registry")
    func dispatch() {
        let errors = ErrorLines()
        #expect(StandardStreams.$errorLines.withValue(errors) { Rectify.main(["swep"]) } == 2)
        #expect(errors.all == ["rectify: unknown command 'swep' (did you mean sweep?); see 'rectify --help'"])
        #expect(Rectify.commands == CommandRegistry.listed.map(\.name) + ["help", "version"])
    }

    @Test("every command's help lists every option it declares, with its value and its text, and --help")
    func helps() {
        for command in CommandRegistry.all {
            let help = command.spec.help
            #expect(help.contains("Usage: rectify"), "\(command.name)")
            #expect(command.spec.options.last?.name == "help", "\(command.name)")
            #expect(Set(command.spec.options.map(\.name)).count == command.spec.options.count, "\(command.name): an option declared twice")
            for option in command.spec.options {
                let label = "  --\(option.name)" + (option.value.map { " \($0)" } ?? "")
                #expect(help.contains(label), "\(command.name) help lacks \(label)")
                #expect(help.contains(option.help), "\(command.name) help lacks the text of --\(option.name)")
            }
        }
    }

    /// The internal-error message of an undeclared read, if `body` hit one.
    static func undeclaredRead(_ body: () throws(CLIError) -> Void) -> String? {
        do {
            try StandardStreams.$errorLines.withValue(ErrorLines()) { Result { () throws(CLIError) in try body() } }.get()
            return nil
        } catch {
            return error.message.contains("internal error") ? error.message : nil
        }
    }

    /// Small synthetic settings every routing command takes, each option given once.
    static let scenario = ["--gpus", "2", "--experts", "8", "--tokens-per-gpu", "8", "--top-k", "2", "--ir-capacity-factor", "2",
                           "--drop-policy", "position", "--min-capacity", "1", "--gate", "softmax", "--seed", "3",
                           "--max-memory", "none", "--expert-similarity", "0.5", "--fidelity-reference", "topk",
                           "--cost-profile", "a100", "--dispatch", "unpadded", "--ir-overlap", "--preset", "default"]

    @Test("every option each command reads is one it declares, on synthetic, trace and follow paths")
    func readsAreDeclared() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let trace = try folder.write("trace.npy", NpyWriter.float32(RunTraceTests.logits, shape: [2, 8, 4]))
        let capture = folder.path + "/empty-capture"
        try FileManager.default.createDirectory(atPath: capture, withIntermediateDirectories: true)
        let svg = folder.path + "/sweep.svg"

        let runs: [[String]] = [
            Self.scenario + ["--capacity-factor", "1.5", "--loop", "--steps", "1", "--mode", "ir,fr", "--format", "json", "--detail", "--threads", "1"],
            ["--trace", trace, "--no-loop", "--steps", "1", "--format", "csv", "--threads", "1", "--capacity-factor", "1"],
            ["--follow", capture, "--layer", "0", "--idle-timeout", "0.1", "--steps", "1"],
        ]
        for line in runs {
            #expect(Self.undeclaredRead { () throws(CLIError) in _ = try RunCommand.run(line) } == nil, "run \(line)")
        }
        let sweeps: [[String]] = [
            Self.scenario + ["--steps", "1", "--capacity-factors", "1,2", "--modes", "ir,dropless", "--format", "csv", "--svg", svg, "--threads", "1"],
            ["--trace", trace, "--steps", "1", "--capacity-factors", "1"],
        ]
        for line in sweeps {
            #expect(Self.undeclaredRead { () throws(CLIError) in _ = try SweepCommand.run(line) } == nil, "sweep \(line)")
        }
        let tunes: [[String]] = [
            Self.scenario + ["--steps", "1", "--capacity-factors", "1,2", "--modes", "ir,dropless", "--threads", "1",
                             "--max-lost", "1", "--max-padding", "none", "--goal", "throughput", "--format", "json"],
            ["--trace", trace, "--steps", "1", "--capacity-factors", "1"],
        ]
        for line in tunes {
            #expect(Self.undeclaredRead { () throws(CLIError) in _ = try TuneCommand.run(line) } == nil, "tune \(line)")
        }
        // bench and dash: their options are read without measuring or opening a terminal.
        #expect(Self.undeclaredRead { () throws(CLIError) in
            _ = try BenchCommand.options(["--shape", "e64", "--steps", "1", "--threads", "1", "--format", "json"])
        } == nil, "bench")
        for line in [Self.scenario + ["--capacity-factor", "1.5", "--loop", "--mode", "ir", "--fps", "5", "--steps-per-second", "10",
                                      "--paused", "--no-color", "--ascii", "--threads", "1", "--max-lost", "2", "--max-padding", "none"],
                     ["--trace", trace, "--no-loop"]] {
            #expect(Self.undeclaredRead { () throws(CLIError) in
                guard let args = try DashCommand.spec.parseOptions(line) else { return }
                _ = try DashCommand.Settings(args)
                let scenario = try ScenarioOptions.resolve(args, traceLoopDefault: true)
                try MemoryCheck.check(args, scenario: scenario, batchesHeld: Preset.dashboardBatchesHeld, hidden: true)
            } == nil, "dash \(line)")
        }
        #expect(Self.undeclaredRead { () throws(CLIError) in _ = try PresetsCommand.list([]) } == nil, "presets")
    }

    @Test("the one capacity-factor parser: plain decimals from 0.0001 to 1000 with at most 4 places")
    func capacityFactorParser() {
        let accepted: [(String, Int)] = [("1", 10_000), ("1.25", 12_500), ("0.0001", 1), ("1000", 10_000_000), (".5", 5_000),
                                         ("2.", 20_000), ("0.5000", 5_000), ("999.9999", 9_999_999)]
        for (text, tenThousandths) in accepted {
            #expect(CapacityFactor.parse(text)?.tenThousandths == tenThousandths, "\(text)")
        }
        for text in ["0", "0.0000", "1000.0001", "1001", "1.23456", "-1", "+1", "1e2", "", ".", "1,5", " 1", "inf", "nan", "0x10"] {
            #expect(CapacityFactor.parse(text) == nil, "\(text.debugDescription) should be rejected")
        }
    }

    @Test("the command line, sweep lists and preset files reject a capacity factor in the same words")
    func capacityFactorWording() throws {
        let allowed = "a decimal from 0.0001 to 1000 with at most 4 places"
        #expect(CapacityFactor.allowed == allowed)
        for option in ["--capacity-factor", "--ir-capacity-factor"] {
            let run = cliError { () throws(CLIError) -> String in try RunCommand.run([option, "1001"]) }
            #expect(run?.message == "invalid \(option) '1001': expected \(allowed); see 'rectify run --help'")
        }
        let sweep = cliError { () throws(CLIError) -> String in try SweepCommand.run(["--capacity-factors", "1,0"]) }
        #expect(sweep?.message == "invalid --capacity-factors '1,0': '0' is not \(allowed); see 'rectify sweep --help'")
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let preset = try folder.write("p.json", Array(#"{"description": "d", "gpus": 2, "experts": 8, "topK": 2, "tokensPerGPU": 8, "capacityFactor": 1001}"#.utf8))
        #expect(throws: ConfigError.self) { try PresetReader.read(file: preset) }
        do { _ = try PresetReader.read(file: preset) } catch {
            #expect(error.description.contains("invalid capacityFactor 1001: expected \(allowed)"), "\(error)")
        }
    }
}
