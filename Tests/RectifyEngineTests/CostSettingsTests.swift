import Foundation
import Testing
@testable import RectifyEngine

/// Cost profiles, profile files, unpadded dispatch and IR overlap, on the hand-sized cases of
/// `CostModelTests` (one row of compute takes 1 s, 2 bytes per entry).
@Suite("Cost settings")
struct CostSettingsTests {
    static func settings(dispatch: DispatchMode = .padded, irOverlap: Bool = false) -> CostSettings {
        CostSettings(profile: CostProfile(name: "hand", parameters: CostModelTests.parameters(gpusPerNode: 1)),
                     dispatch: dispatch, irOverlap: irOverlap)
    }

    @Test("built-in profiles: h100 is the default parameters, a100 has the A100's peaks and links")
    func builtIn() throws {
        #expect(CostProfile.h100.parameters == CostParameters())
        let a100 = try CostProfile.named("a100").parameters
        #expect(a100.peakFLOPS == 312e12 && a100.intraNodeBandwidth == 300e9 && a100.interNodeBandwidth == 25e9)
        #expect(a100.hiddenSize == CostParameters().hiddenSize && a100.ffnSize == CostParameters().ffnSize)
        // Same work, slower hardware: every part of the step takes longer.
        let work = try #require(StepWork(analysis: try CostModelTests.workedExample(), mode: .irfr))
        let h = CostModel.estimate(work, settings: CostSettings(profile: .h100))
        let a = CostModel.estimate(work, settings: CostSettings(profile: .a100))
        #expect(a.dispatchSeconds > h.dispatchSeconds && a.slowestComputeSeconds > h.slowestComputeSeconds)
        #expect(abs(a.slowestComputeSeconds / h.slowestComputeSeconds - 989.0 / 312.0) < 1e-9)
    }

    static let fileText = """
        {"hiddenSize": 2, "ffnSize": 4, "ffnMatrices": 2, "bytesPerElement": 1, "peakFLOPS": 32,
         "intraNodeBandwidth": 4, "interNodeBandwidth": 2, "gpusPerNode": 1}
        """

    @Test("a profile file names every parameter and reads back exactly")
    func file() throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("hand.json", Array(Self.fileText.utf8))
        let profile = try CostProfile.named(path)
        #expect(profile.name == path && profile.parameters == CostModelTests.parameters(gpusPerNode: 1))
        // Relative to a preset's folder.
        #expect(try CostProfile.named("hand.json", folder: folder.url.path).parameters == profile.parameters)
    }

    @Test("profile file errors: one line naming the file, the key, the value and what is allowed", arguments: [
        ("\"gpusPerNode\": 1}", "\"gpusPerNode\": 0}", "invalid gpusPerNode 0: expected an integer from 1 to 4096"),
        ("\"peakFLOPS\": 32,", "\"peakFLOPS\": -5,", "invalid peakFLOPS -5.0: expected a positive number"),
        ("\"peakFLOPS\": 32,", "\"peakFLOPS\": \"fast\",", "invalid peakFLOPS \"fast\": expected a number"),
        ("\"peakFLOPS\": 32,", "", "invalid peakFLOPS (missing): expected a number"),
        ("\"gpusPerNode\": 1}", "\"gpusPerNode\": 1, \"flops\": 3}", "unknown key \"flops\": expected one of hiddenSize, ffnSize, ffnMatrices, bytesPerElement, peakFLOPS, intraNodeBandwidth, interNodeBandwidth, gpusPerNode"),
    ])
    func fileErrors(old: String, new: String, message: String) throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("bad.json", Array(Self.fileText.replacingOccurrences(of: old, with: new).utf8))
        #expect(throws: ConfigError.self) { try CostProfile.named(path) }
        do {
            _ = try CostProfile.named(path)
        } catch {
            #expect(error.description == "\(path): \(message)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("an unknown profile name or a missing file is rejected")
    func unknownName() {
        #expect(throws: ConfigError.self) { try CostProfile.named("v100") }
        #expect(throws: ConfigError.self) { try CostProfile.named("/nonexistent/profile.json") }
    }

    /// Section 8, one GPU per node. Padded: every pair sends its slot, 4 rows per GPU (2 s each way).
    /// Unpadded: vanilla sends only its kept tokens (1 remote per GPU, 1 s each way, 2 rows); FR
    /// adds its two filled tokens per GPU: 2 remote entries (2 s) and 4 rows.
    @Test("unpadded dispatch: padding costs nothing, FR pays traffic and compute for its slots")
    func unpadded() throws {
        let analysis = try CostModelTests.workedExample()
        func cost(_ mode: RectifyMode, _ dispatch: DispatchMode) throws -> StepCost {
            let work = try #require(StepWork(analysis: analysis, mode: mode, dispatch: dispatch))
            return CostModel.estimate(work, settings: Self.settings(dispatch: dispatch))
        }
        let vanilla = try cost(.vanilla, .unpadded), fr = try cost(.fr, .unpadded)
        #expect(vanilla.dispatchSeconds == 1 && vanilla.computeSeconds == [2, 2] && vanilla.stepSeconds == 4)
        #expect(fr.dispatchSeconds == 2 && fr.computeSeconds == [4, 4] && fr.stepSeconds == 8)
        #expect(vanilla.paddingBytes == 0 && fr.paddingBytes == 0)
        // Padded, FR costs exactly what vanilla does.
        #expect(try cost(.fr, .padded).stepSeconds == cost(.vanilla, .padded).stepSeconds)
        // IR adds its two local rows per GPU either way.
        #expect(try cost(.ir, .unpadded).computeSeconds == [4, 4])
    }

    /// IR's 2 local rows per GPU take 2 s, as long as the padded dispatch (2 s): they hide in it.
    @Test("IR overlapping the dispatch: step = max over GPUs of (max(dispatch, IR) + buffer) + combine")
    func irOverlap() throws {
        let work = try #require(StepWork(analysis: try CostModelTests.workedExample(), mode: .ir))
        let serial = CostModel.estimate(work, settings: Self.settings())
        let overlapped = CostModel.estimate(work, settings: Self.settings(irOverlap: true))
        #expect(serial.stepSeconds == 2 + 6 + 2)
        #expect(overlapped.stepSeconds == max(2, 2) + 4 + 2)
        #expect(overlapped.computeSeconds == serial.computeSeconds)
        // Without IR rows nothing changes.
        let vanilla = try #require(StepWork(analysis: try CostModelTests.workedExample(), mode: .vanilla))
        #expect(CostModel.estimate(vanilla, settings: Self.settings(irOverlap: true)).stepSeconds
                == CostModel.estimate(vanilla, settings: Self.settings()).stepSeconds)
    }
}
