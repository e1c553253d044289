import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// Bad command lines: a `CLIError` with exit status 2 whose message names the option and what is allowed.
@Suite("rectify run: usage errors")
struct UsageErrorTests {
    static func runError(_ arguments: [String]) -> CLIError? {
        cliError { () throws(CLIError) -> String in try RunCommand.run(arguments) }
    }

    @Test("usage errors exit 2 and say what is wrong and what is allowed", arguments: [
        (["--bogus"], ["unknown option --bogus for 'rectify run'", "see 'rectify run --help'"]),
        (["-x"], ["unknown option -x"]),
        (["--steps", "0"], ["invalid --steps '0'", "an integer from 1 to 1000000"]),
        (["--steps", "ten"], ["invalid --steps 'ten'", "an integer from 1 to 1000000"]),
        (["--steps", "1000001"], ["invalid --steps '1000001'"]),
        (["--mode", "turbo"], ["invalid --mode 'turbo'", "vanilla, ir, fr, ir+fr", "all"]),
        (["--mode", "ir,,fr"], ["invalid --mode ''"]),
        (["--format", "xml"], ["invalid --format 'xml'", "table, json, jsonl, csv"]),
        (["--capacity-factor", "1.23456"], ["invalid --capacity-factor '1.23456'", "a decimal from 0.0001 to 1000 with at most 4 places"]),
        (["--capacity-factor", "0"], ["invalid --capacity-factor '0'"]),
        (["--capacity-factor", "-1"], ["--capacity-factor", "0.0001 to 1000"]),
        (["--experts", "63", "--gpus", "8"], ["invalid experts 63", "a multiple of gpus (8)"]),
        (["--gpus", "0"], ["invalid --gpus '0'", "an integer from 1 to 4096"]),
        (["--top-k", "65"], ["invalid --top-k '65'", "from 1 to 64"]),
        (["--top-k", "9", "--experts", "8"], ["invalid topK 9", "from 1 to 8"]),
        (["--drop-policy", "fifo"], ["invalid --drop-policy 'fifo'", "score, position, choice"]),
        (["--gate", "max"], ["invalid --gate 'max'", "topk, softmax"]),
        (["--seed", "-3"], ["invalid --seed '-3'", "a non-negative integer"]),
        (["--threads", "0"], ["invalid --threads '0'", "from 1 to 256"]),
        (["--steps"], ["--steps needs a value (N)"]),
        (["--format"], ["--format needs a value (F)"]),
        (["--detail=yes"], ["--detail takes no value"]),
        (["--loop", "--no-loop"], ["--loop and --no-loop contradict each other"]),
        (["extra"], ["unexpected argument 'extra'"]),
        (["--preset", "nope"], ["invalid preset nope: expected one of default", "mixtral-top2", "or a path to a .json file"]),
        (["--preset", "/nonexistent/x.json"], ["/nonexistent/x.json", "an existing preset file"]),
        (["--trace", "/nonexistent/t.npy"], ["/nonexistent/t.npy"]),
    ])
    func usageErrors(arguments: [String], fragments: [String]) throws {
        let error = try #require(Self.runError(arguments), "rectify run \(arguments) should fail")
        #expect(error.exitStatus == 2, "\(arguments): \(error.message)")
        #expect(!error.message.contains("\n"), "one line: \(error.message)")
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(arguments): \(error.message.debugDescription) lacks \(fragment.debugDescription)")
        }
    }

    @Test("--name=value is the same as --name value")
    func inlineValues() throws {
        let spaced = try RunCommand.run(["--steps", "1", "--format", "csv", "--tokens-per-gpu", "32"])
        let inline = try RunCommand.run(["--steps=1", "--format=csv", "--tokens-per-gpu=32"])
        #expect(spaced == inline)
        #expect(Self.runError(["--steps=0"])?.message.contains("invalid --steps '0'") == true)
    }

    @Test("unknown commands are usage errors too")
    func unknownCommand() {
        let errors = ErrorLines()
        #expect(StandardStreams.$errorLines.withValue(errors) { Rectify.main(["frobnicate"]) } == 2)
        #expect(errors.all == ["rectify: unknown command 'frobnicate'; see 'rectify --help'"])
    }

    /// Every option the issue lists for `rectify run`.
    static let issueRunOptions = ["preset", "trace", "steps", "mode", "capacity-factor", "top-k", "gpus", "experts",
                                  "tokens-per-gpu", "drop-policy", "min-capacity", "seed", "format", "detail"]

    @Test("--help for run, bench, presets and validate lists every option of the command")
    func help() throws {
        let cases: [(CommandSpec, () throws(CLIError) -> String, () throws(CLIError) -> String)] = [
            (RunCommand.spec, { () throws(CLIError) -> String in try RunCommand.run(["--help"]) }, { () throws(CLIError) -> String in try RunCommand.run(["-h"]) }),
            (BenchCommand.spec, { () throws(CLIError) -> String in try BenchCommand.run(["--help"]) }, { () throws(CLIError) -> String in try BenchCommand.run(["-h"]) }),
            (PresetsCommand.listSpec, { () throws(CLIError) -> String in try PresetsCommand.list(["--help"]) }, { () throws(CLIError) -> String in try PresetsCommand.list(["-h"]) }),
            (PresetsCommand.validateSpec, { () throws(CLIError) -> String in try PresetsCommand.validate(["--help"]) }, { () throws(CLIError) -> String in try PresetsCommand.validate(["-h"]) }),
        ]
        for (spec, long, short) in cases {
            let text = try long()
            #expect(text == spec.help, "\(spec.name)")
            #expect(try short() == text, "\(spec.name): -h")
            #expect(text.contains("Usage: rectify \(spec.name)"), "\(spec.name): \(text)")
            for option in spec.options {
                let label = "--\(option.name)" + (option.value.map { " \($0)" } ?? "")
                #expect(text.contains(label), "\(spec.name) help lacks \(label)")
                #expect(text.contains(option.help), "\(spec.name) help lacks the text of --\(option.name)")
            }
            #expect(text.contains("--help"), "\(spec.name)")
        }
        let run = try RunCommand.run(["--help"])
        for name in Self.issueRunOptions {
            #expect(run.contains("--\(name)"), "run --help lacks --\(name)")
        }
        for format in ["table", "json", "jsonl", "csv"] { #expect(run.contains(format)) }
        let bench = try BenchCommand.run(["--help"])
        for name in ["shape", "trace", "steps", "threads", "format"] { #expect(bench.contains("--\(name)")) }
    }

    @Test("--help wins over other problems in the option values")
    func helpWithValues() throws {
        #expect(try RunCommand.run(["--steps", "0", "--help"]) == RunCommand.spec.help)
    }
}

@Suite("Command-line pieces")
struct CommandLinePieceTests {
    static let count = OptionKey<Int>.int("count", "N", in: 1...10, "How many.")
    static let verbose = FlagKey("verbose", "Say more.")
    static let letter = OptionKey<Int>.choice("count", "N", allowed: ["a", "b"], "How many.") { $0 == "a" ? 1 : nil }
    static let spec = CommandSpec(name: "demo", summary: "A demo.", usage: "rectify demo [options]", options: [count, verbose],
                                  notes: "Notes here.")

    @Test("values, inline values, flags, -h and positionals after --")
    func parses() throws {
        let args = try ParsedArguments(["--count", "3", "--verbose", "file", "-5", "--", "--count", "-x"], spec: Self.spec)
        #expect(try args[Self.count] == 3)
        #expect(try args[Self.verbose])
        #expect(!args.helpRequested)
        #expect(args.positionals == ["file", "-5", "--count", "-x"])
        #expect(try ParsedArguments([], spec: Self.spec)[Self.count] == nil)
        let inline = try ParsedArguments(["--count=7", "-h"], spec: Self.spec)
        #expect(try inline[Self.count] == 7)
        #expect(inline.helpRequested)
        #expect(try ParsedArguments(["--count="], spec: Self.spec)[OptionKey<String>.text("count", "N", "How many.")] == "")
    }

    @Test("range and choice errors name the option and what is allowed")
    func valueErrors() throws {
        let args = try ParsedArguments(["--count", "11"], spec: Self.spec)
        do {
            _ = try args[Self.count]
            Issue.record("should fail")
        } catch {
            #expect(error.exitStatus == 2)
            #expect(error.message == "invalid --count '11': expected an integer from 1 to 10; see 'rectify demo --help'")
        }
        do {
            _ = try args[Self.letter]
            Issue.record("should fail")
        } catch {
            #expect(error.message == "invalid --count '11': expected one of a, b; see 'rectify demo --help'")
        }
    }

    @Test("reading an option the command does not declare is an internal error, not a silent nil")
    func undeclaredRead() throws {
        let args = try ParsedArguments(["--count", "3"], spec: Self.spec)
        let undeclared = OptionKey<Int>.int("colour", "N", in: 1...10, "Not declared.")
        do {
            _ = try args[undeclared]
            Issue.record("an undeclared read should fail")
        } catch {
            #expect(error.exitStatus == 1)
            #expect(error.message == "internal error: --colour is read but not declared for 'rectify demo'")
        }
        #expect(throws: CLIError.self) { try args[FlagKey("quiet", "Not declared.")] }
        // Code shared by commands that do not all declare an option says so at the read.
        #expect(try args[ifDeclared: undeclared] == nil)
        #expect(try args[ifDeclared: FlagKey("quiet", "Not declared.")] == false)
        #expect(try args[ifDeclared: Self.count] == 3)
    }

    @Test("unknown options, values for flags, missing values")
    func parseErrors() {
        func message(_ arguments: [String]) -> String? {
            do {
                _ = try ParsedArguments(arguments, spec: Self.spec)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message(["--colour"]) == "unknown option --colour for 'rectify demo'; see 'rectify demo --help'")
        #expect(message(["-v"]) == "unknown option -v for 'rectify demo'; see 'rectify demo --help'")
        #expect(message(["--verbose=1"]) == "--verbose takes no value; see 'rectify demo --help'")
        #expect(message(["--count"]) == "--count needs a value (N); see 'rectify demo --help'")
        #expect(message(["-"]) == nil, "a lone dash is a positional")
    }

    @Test("help lists summary, usage, every option with its value and text, --help and the notes")
    func help() {
        let help = Self.spec.help
        #expect(help.hasPrefix("A demo.\n\nUsage: rectify demo [options]\n\nOptions:\n"))
        #expect(help.contains("  --count N"))
        #expect(help.contains("How many."))
        #expect(help.contains("  --verbose"))
        #expect(help.contains("  --help"))
        #expect(help.hasSuffix("Notes here.\n"))
        #expect(Self.spec.options.map(\.name) == ["count", "verbose", "help"])
    }

    @Test("bench reports the median step")
    func median() {
        #expect(BenchCommand.median([3, 1, 2]) == 2)
        #expect(BenchCommand.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchCommand.median([5]) == 5)
        #expect(BenchCommand.median([0.5, 0.25]) == 0.375)
        #expect(BenchCommand.median([]).isNaN)
    }

    @Test("bench usage errors exit 2")
    func benchErrors() {
        let shape = cliError { () throws(CLIError) -> String in try BenchCommand.run(["--shape", "e999"]) }
        #expect(shape?.exitStatus == 2)
        #expect(shape?.message.contains("e64, e256, all") == true, "\(shape?.message ?? "")")
        let format = cliError { () throws(CLIError) -> String in try BenchCommand.run(["--format", "csv"]) }
        #expect(format?.message.contains("table, json") == true)
    }

    @Test("bench --trace routes the trace's steps on the shape they fit, without a generator row")
    func benchTrace() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        // Shapes small enough for a debug build; the command's real ones differ only in size.
        let shapes = [BenchCommand.Shape(name: "s16", config: RoutingConfig(gpus: 2, experts: 4, topK: 2, tokensPerGPU: 8), peers: "none"),
                      BenchCommand.Shape(name: "s32", config: RoutingConfig(gpus: 4, experts: 8, topK: 2, tokensPerGPU: 8), peers: "none")]
        func bench(_ arguments: [String]) throws(CLIError) -> String { try BenchCommand.run(arguments, among: shapes) }
        var random = RandomStream(seed: 4, 1)
        let logits = (0..<(3 * 32 * 8)).map { _ in random.gaussian() }
        let path = try folder.write("s32.npy", NpyWriter.float32(logits, shape: [3, 32, 8]))
        let json = try bench(["--trace", path, "--steps", "3", "--threads", "2", "--format", "json"])
        let parsed = try #require(try foundationJSON(json) as? [String: Any])
        #expect(parsed["trace"] as? String == path)
        let rows = try #require(parsed["results"] as? [[String: Any]])
        #expect(rows.compactMap { $0["what"] as? String } == ["vanilla", "ir", "fr", "ir+fr", "all four at once"])
        #expect(rows.allSatisfy { $0["shape"] as? String == "s32" && ($0["tokensPerSecond"] as? Double ?? 0) > 0 })
        let table = try bench(["--trace", path, "--steps", "1", "--threads", "1"])
        #expect(table.hasPrefix("threads 1, median of 1 steps, batches from \(path)\n\ns32: 4 GPUs x 8 tokens"), "\(table)")
        #expect(!table.contains("synthetic generator"))

        let small = try folder.write("small.npy", NpyWriter.float32([Float](repeating: 0, count: 40), shape: [10, 4]))
        let mismatch = try #require(cliError { () throws(CLIError) -> String in try bench(["--trace", small]) })
        #expect(mismatch.exitStatus == 2)
        #expect(mismatch.message == "\(small): 10 tokens x 4 experts per step; bench needs a shape's (s16: 16 x 4, s32: 32 x 8)")
        let other = try #require(cliError { () throws(CLIError) -> String in try BenchCommand.run(["--trace", path, "--shape", "e256"]) })
        #expect(other.message.hasSuffix("bench needs a shape's (e256: 65536 x 256)"), "\(other.message)")
        let missing = try #require(cliError { () throws(CLIError) -> String in try bench(["--trace", folder.path + "/none.npy"]) })
        #expect(missing.exitStatus == 2 && missing.message.hasSuffix("none.npy: no such file"), "\(missing.message)")
    }

    @Test("CLIError exit statuses: usage and invalid 2, runtime 1")
    func exitStatuses() {
        #expect(CLIError.usage(UsageError("x")).exitStatus == 2)
        #expect(CLIError.invalid("x").exitStatus == 2)
        #expect(CLIError.runtime("x").exitStatus == 1)
        #expect(CLIError.usage(UsageError("bad")).message == "bad; see 'rectify --help'")
    }
}

@Suite("rectify presets and validate")
struct PresetsCommandTests {
    static let presetsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Presets").path

    static func presetNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: presetsFolder)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test("presets lists default first and every file with its description")
    func list() throws {
        let text = try PresetsCommand.list([])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("default ") == true, "\(text)")
        for name in Self.presetNames() {
            let line = try #require(lines.first { $0.hasPrefix(name + " ") }, "\(name) missing from \(text)")
            let preset = try PresetReader.read(file: Self.presetsFolder + "/\(name).json")
            #expect(line.contains(preset.description))
        }
        #expect(!text.contains("INVALID"))
        #expect(cliError { () throws(CLIError) -> String in try PresetsCommand.list(["extra"]) }?.exitStatus == 2)
    }

    @Test("validate says ok per file; a bad file is exit 2 naming it")
    func validate() throws {
        let files = Self.presetNames().map { Self.presetsFolder + "/\($0).json" }
        #expect(try PresetsCommand.validate(files) == files.map { "\($0): ok" }.joined(separator: "\n") + "\n")

        let folder = try ScratchFolder()
        defer { folder.remove() }
        let bad = try folder.write("bad.json", Array("{\"gpus\": 8}".utf8))
        let error = try #require(cliError { () throws(CLIError) -> String in try PresetsCommand.validate([files[0], bad]) })
        #expect(error.exitStatus == 2)
        #expect(error.message.hasPrefix(bad + ": "), "\(error.message)")
        let none = try #require(cliError { () throws(CLIError) -> String in try PresetsCommand.validate([]) })
        #expect(none.exitStatus == 2)
        #expect(none.message.contains("at least one preset FILE"))
    }

    @Test("validate checks a trace preset's file against its shape")
    func validateTrace() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        _ = try folder.write("t.npy", NpyWriter.float32([Float](repeating: 0, count: 8 * 4), shape: [8, 4]))
        func preset(experts: Int) -> [UInt8] {
            Array("""
            {"description": "trace", "gpus": 2, "experts": \(experts), "topK": 1, "tokensPerGPU": 4, "trace": {"path": "t.npy"}}
            """.utf8)
        }
        let good = try folder.write("good.json", preset(experts: 4))
        #expect(try PresetsCommand.validate([good]) == "\(good): ok\n")
        let bad = try folder.write("bad.json", preset(experts: 8))
        let error = try #require(cliError { () throws(CLIError) -> String in try PresetsCommand.validate([bad]) })
        #expect(error.exitStatus == 2)
        #expect(error.message.hasPrefix("\(bad): trace: "), "\(error.message)")
        #expect(error.message.contains("4 experts"), "\(error.message)")
    }
}
