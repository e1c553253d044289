import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// Issue 12: usage errors suggest the closest spelling, echo at most a short excerpt of a bad
/// value, and never carry a control character to the terminal.
@Suite("Usage errors: suggestions, excerpts, no control characters")
struct HardenedErrorTests {
    @Test("close misspellings get a suggestion", arguments: [
        (["--step", "5"], "unknown option --step (did you mean --steps?)"),
        (["--capacity-facter", "1"], "unknown option --capacity-facter (did you mean --capacity-factor?)"),
        (["-steps", "5"], "unknown option -steps (did you mean --steps?)"),
        (["--mode", "irfr"], "invalid --mode 'irfr' (did you mean ir+fr?)"),
        (["--mode", "ir,vanila"], "invalid --mode 'vanila' (did you mean vanilla?)"),
        (["--drop-policy", "scor"], "invalid --drop-policy 'scor' (did you mean score?)"),
        (["--format", "jsn"], "invalid --format 'jsn' (did you mean json?)"),
        (["--preset", "mixtral"], "invalid preset mixtral (did you mean mixtral-top2?)"),
    ])
    func suggestions(arguments: [String], fragment: String) throws {
        let error = try #require(UsageErrorTests.runError(arguments))
        #expect(error.exitStatus == 2)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test("nothing is suggested when nothing is close", arguments: [
        ["--bogus"], ["--x"], ["--format", "xml"], ["--mode", "turbo"], ["--drop-policy", "fifo"], ["--preset", "nope"],
    ])
    func noSuggestion(arguments: [String]) throws {
        let error = try #require(UsageErrorTests.runError(arguments))
        #expect(!error.message.contains("did you mean"), "\(error.message)")
    }

    @Test("sweep and dash suggest too")
    func otherCommands() throws {
        let sweep = try #require(cliError { () throws(CLIError) -> String in try SweepCommand.run(["--modes", "droples"]) })
        #expect(sweep.message.contains("invalid --modes 'droples' (did you mean dropless?)"), "\(sweep.message)")
        let dash = try #require(cliError { () throws(CLIError) -> String in
            _ = try DashCommand.run(["--mode", "irfr"])
            return ""
        })
        #expect(dash.message.contains("invalid --mode 'irfr' (did you mean ir+fr?)"), "\(dash.message)")
        let bench = try #require(cliError { () throws(CLIError) -> String in try BenchCommand.run(["--shape", "e65"]) })
        #expect(bench.message.contains("(did you mean e64?)"), "\(bench.message)")
    }

    @Test("a 10 MB option value or option name is not echoed whole", arguments: [
        ["--steps", String(repeating: "9", count: 10_000_000)],
        ["--" + String(repeating: "s", count: 10_000_000)],
        ["--mode", String(repeating: "i", count: 10_000_000)],
        ["--capacity-factor", String(repeating: "1", count: 10_000_000)],
        ["--seed", String(repeating: "-", count: 10_000_000)],
        ["--preset", String(repeating: "p", count: 10_000_000)],
        [String(repeating: "x", count: 10_000_000)],
    ])
    func longValues(arguments: [String]) throws {
        let error = try #require(UsageErrorTests.runError(arguments))
        #expect(error.exitStatus == 2)
        #expect(error.message.count < 400, "\(error.message.prefix(120))... is \(error.message.count) characters")
    }

    @Test("sweep's factor list is not echoed whole either")
    func longFactors() throws {
        let error = try #require(cliError { () throws(CLIError) -> String in
            try SweepCommand.run(["--capacity-factors", String(repeating: "1,", count: 1_000_000) + "x"])
        })
        #expect(error.message.count < 400, "\(error.message.count) characters")
    }

    static let evil = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\nsecond line\t\u{7F}"

    @Test("control characters in option names, values and arguments never reach the message", arguments: [
        ["--steps", evil], ["--" + evil], ["-" + evil], ["--mode", evil], ["--format", evil], ["--drop-policy", evil],
        ["--capacity-factor", evil], ["--seed", evil], ["--preset", evil], ["--preset", evil + ".json"],
        ["--trace", "/nonexistent/" + evil], [evil], ["--layer", evil],
    ])
    func controlCharacters(arguments: [String]) throws {
        let error = try #require(UsageErrorTests.runError(arguments))
        #expect(error.exitStatus == 2)
        #expect(!CommandLineFuzzTests.hasControlCharacters(error.message), "\(error.message.debugDescription)")
    }

    @Test("validate prints a file name with control characters harmlessly")
    func validatePrintsSafeNames() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let good = try String(contentsOfFile: PresetsCommandTests.presetsFolder + "/default.json", encoding: .utf8)
        let path = try folder.write("odd\u{1B}[2Jname.json", Array(good.utf8))
        let output = try PresetsCommand.validate([path])
        #expect(!CommandLineFuzzTests.hasControlCharacters(output.replacingOccurrences(of: "\n", with: "")), "\(output.debugDescription)")
        #expect(output.hasSuffix(": ok\n"))
        let bad = try folder.write("bad\u{1B}]0;x\u{07}.json", Array("{\"description\": \"\u{1B}\"}".utf8))
        let error = try #require(cliError { () throws(CLIError) -> String in try PresetsCommand.validate([bad]) })
        #expect(error.exitStatus == 2)
        #expect(!CommandLineFuzzTests.hasControlCharacters(error.message), "\(error.message.debugDescription)")
    }
}
