import Foundation
import Testing
@testable import RectifyCLI
@testable import RectifyEngine

/// Valid configurations too large for memory are refused up front (exit 2, one line with the
/// sizes) instead of trapping in an allocation; the reproductions come from the hardening issue.
@Suite("memory limit")
struct MemoryLimitTests {
    @Test("run refuses what does not fit, naming the sizes and the limit", arguments: [
        ["--tokens-per-gpu", "8388608", "--gpus", "8", "--steps", "1"],
        ["--experts", "16384", "--gpus", "4096", "--tokens-per-gpu", "4096"],
        ["--steps", "2", "--max-memory", "1M"],
    ])
    func runRefuses(_ arguments: [String]) throws {
        let error = try #require(cliError { () throws(CLIError) -> String in try RunCommand.run(arguments) })
        #expect(error.exitStatus == 2)
        #expect(error.message.contains("this configuration needs about"))
        #expect(error.message.contains("logits"))
        #expect(error.message.contains("over the limit of"))
        #expect(!error.message.contains("\n"))
    }

    @Test("sweep counts every batch it keeps")
    func sweepRefuses() throws {
        let error = try #require(cliError { () throws(CLIError) -> String in
            try SweepCommand.run(["--steps", "10000", "--tokens-per-gpu", "100000"])
        })
        #expect(error.exitStatus == 2)
        #expect(error.message.contains("10000 x 800000 tokens x 64 experts"))
    }

    @Test("the dashboard refuses before touching the terminal")
    func dashRefuses() throws {
        do {
            _ = try DashCommand.run(["--tokens-per-gpu", "8388608", "--gpus", "8"])
            Issue.record("dash accepted a configuration of about 100 GiB")
        } catch {
            #expect(error.exitStatus == 2)
            #expect(error.message.contains("over the limit of"))
        }
    }

    @Test("--max-memory none lifts the limit; a small run fits the default")
    func limitLifted() throws {
        _ = try runOutput(["--steps", "1", "--max-memory", "none"])
        _ = try runOutput(["--steps", "1"])
    }

    @Test("--max-memory with a bad size is a usage error", arguments: ["2x", "-1G", "", "G", "1e30"])
    func badSize(_ text: String) throws {
        let error = try #require(cliError { () throws(CLIError) -> String in
            try RunCommand.run(["--steps", "1", "--max-memory", text])
        })
        #expect(error.exitStatus == 2)
        #expect(error.message.contains("invalid --max-memory"))
    }
}
