import Foundation
import Testing

/// `rectify dash --follow DIR` in a real terminal while this test writes a capture the way the
/// Python library does (hidden temporary file, rename; sidecar last): the header shows the source,
/// the capture step and the lag, survives a restarted writer and a deleted folder, and q quits;
/// and `rectify dash --trace DIR`, which takes over the capture opened while reading the options.
@Suite("dashboard replaying and following a capture in tmux", .serialized,
       .enabled(if: TmuxSession.isInstalled, "tmux is not installed: skipping the follow end-to-end test"))
struct FollowEndToEndTests {
    /// Writes steps of a 2-rank capture (16 tokens per rank, 8 experts, top-2) into `folder`.
    struct Writer {
        let folder: String
        var layerFolder: String { folder + "/layer-000" }

        func write(step: Int, session: String) throws {
            try FileManager.default.createDirectory(atPath: layerFolder, withIntermediateDirectories: true)
            for rank in 0..<2 {
                let stem = "step-" + String(format: "%08d", step) + ".rank-" + String(format: "%05d", rank)
                let values = (0..<128).map { Float(($0 * 13 + step * 7 + rank * 5) % 19) * 0.2 }
                try place(RectifyProcess.npy(values, shape: [16, 8]), stem + ".npy")
                let sidecar: [String: Any] = [
                    "format": "rectify-capture", "version": 1, "session": session, "step": step, "layer": 0,
                    "layerName": "blocks.0.moe.gate", "rank": rank, "worldSize": 2, "tokens": 16, "experts": 8, "topK": 2,
                    "dtype": "float32", "tokenOrder": "batch-major", "file": stem + ".npy",
                    "writtenAt": Date().timeIntervalSince1970,
                ]
                try place(try JSONSerialization.data(withJSONObject: sidecar), stem + ".json")
            }
        }

        private func place(_ data: Data, _ name: String) throws {
            let temporary = layerFolder + "/." + name + ".tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, layerFolder + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    @Test("the header follows new steps, a restarted writer and a deleted folder; q exits 0")
    func follows() async throws {
        let rectify = try RectifyExecutable.path()
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = Writer(folder: root + "/capture")
        try writer.write(step: 0, session: "first")
        let command = "exec " + [rectify, "dash", "--follow", writer.folder].map(TmuxSession.shellQuote).joined(separator: " ")
        // The status line holds the folder path, the rate and the problem: ~200 columns with TMPDIR=/tmp.
        let tmux = try await TmuxSession(command: command, width: 320, height: 40)
        defer { tmux.kill() }
        let source = "follow \(writer.folder) L0"
        try await tmux.waitFor(source + "  step 0  lag ", timeout: .seconds(20))
        #expect(try await tmux.capture().contains("GPUs x experts 2x8"))

        for step in 1...3 { try writer.write(step: step, session: "first") }
        try await tmux.waitFor(source + "  step 3  lag ", timeout: .seconds(10))

        // A restarted job: a new session counting from 0 again, replacing the files.
        try writer.write(step: 0, session: "second")
        try await tmux.waitFor(source + "  step 0  lag ", timeout: .seconds(10))

        try FileManager.default.removeItem(atPath: writer.folder)
        try await tmux.waitFor("  layer-000: not found; waiting for the writer", timeout: .seconds(10))
        try writer.write(step: 1, session: "second")
        try await tmux.waitUntil("the header shows capture step 1 again without the problem", timeout: .seconds(10)) {
            $0.contains(source + "  step 1  lag ") && !$0.contains("not found")
        }

        try await tmux.type("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test("dash --trace DIR: the shape from the sidecars, steps through the capture and loops; q exits 0")
    func replays() async throws {
        let rectify = try RectifyExecutable.path()
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = Writer(folder: root + "/capture")
        for step in 0..<2 { try writer.write(step: step, session: "only") }
        let command = "exec " + [rectify, "dash", "--trace", writer.folder, "--paused"].map(TmuxSession.shellQuote).joined(separator: " ")
        let tmux = try await TmuxSession(command: command, width: 160, height: 40)
        defer { tmux.kill() }
        // --paused shows the first batch, then waits.
        try await tmux.waitFor("step 1  ", timeout: .seconds(20))
        let header = try await tmux.capture()
        #expect(header.contains("top-k 2") && header.contains("GPUs x experts 2x8"), "\(header)")
        for step in 2...4 {
            try await tmux.type("s")
            try await tmux.waitFor("step \(step)  ", timeout: .seconds(10))
        }
        #expect(try await !tmux.capture().contains("end of trace"), "a dashboard replay loops")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    /// `dash --follow DIR` under a shell that reports whether the tty modes came back and the exit status.
    static func waitingCommand(_ rectify: String, folder: String) -> String {
        let dash = [rectify, "dash", "--follow", folder].map(TmuxSession.shellQuote).joined(separator: " ")
        return """
        modes=$(stty -g); \(dash); code=$?; \
        if [ "$(stty -g)" = "$modes" ]; then echo tty=restored; else echo tty=changed; fi; \
        echo dashboard-exit=$code; exec sleep 600
        """
    }

    @Test("q while dash --follow waits for a first step quits at once, exit 0, the terminal restored")
    func quitWhileWaiting() async throws {
        let rectify = try RectifyExecutable.path()
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tmux = try await TmuxSession(command: Self.waitingCommand(rectify, folder: root + "/capture"), width: 320, height: 30)
        defer { tmux.kill() }
        try await tmux.waitFor("rectify: waiting for a complete step in", timeout: .seconds(20))
        #expect(try await tmux.capture().contains("q or Ctrl+C stops"))
        try await tmux.type("q")
        try await tmux.waitFor("dashboard-exit=0", timeout: .seconds(10))
        let screen = try await tmux.capture()
        #expect(screen.contains("tty=restored"), "\(screen)")
        #expect(!screen.contains("stopped by"), "q quits quietly: \(screen)")
    }

    @Test("keys typed while dash --follow waits are dropped, not replayed into the dashboard")
    func keysDuringWaitDropped() async throws {
        let rectify = try RectifyExecutable.path()
        let root = try RectifyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = Writer(folder: root + "/capture")
        let tmux = try await TmuxSession(command: Self.waitingCommand(rectify, folder: writer.folder), width: 320, height: 40)
        defer { tmux.kill() }
        try await tmux.waitFor("rectify: waiting for a complete step in", timeout: .seconds(20))
        // Policy, top-k and pause keys: each would show in the header if it were replayed.
        try await tmux.type("dK ")
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await !tmux.capture().contains("dK"), "typed keys are not echoed")
        try writer.write(step: 0, session: "only")
        let source = "follow \(writer.folder) L0"
        try await tmux.waitFor(source + "  step 0  lag ", timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(400))
        let screen = try await tmux.capture()
        #expect(screen.contains("top-k 2  cf 1") && screen.contains("policy score"), "\(screen)")
        #expect(screen.contains("running") && !screen.contains("paused"), "\(screen)")
        // The dashboard takes keys as usual afterwards.
        try await tmux.type("d")
        try await tmux.waitFor("policy position", timeout: .seconds(10))
        try await tmux.type("q")
        try await tmux.waitFor("dashboard-exit=0", timeout: .seconds(10))
        #expect(try await tmux.capture().contains("tty=restored"))
    }
}
