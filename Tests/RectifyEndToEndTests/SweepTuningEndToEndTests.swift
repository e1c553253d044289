import Testing

extension DashboardTmuxTests {
    @Test("in the sweep, right moves the cursor and Enter applies its cf: the header's cf changes and the overlay closes")
    func sweepEnterAppliesFactor() async throws {
        let tmux = try await start()
        defer { tmux.kill() }
        try await waitForHeader(tmux, "cf", "1", applied: true)
        try await tmux.type("w")
        try await wait(tmux, "the sweep complete", timeout: .seconds(60)) { $0.text.contains("12 capacity factors") }
        try await tmux.sendKeys("Right")
        try await wait(tmux, "the cursor at cf 1.25") { $0.text.contains("cf 1.25:") }
        try await tmux.sendKeys("Enter")
        let applied = try await waitForHeader(tmux, "cf", "1.25", applied: true)
        #expect(!applied.text.contains("Capacity-factor sweep"), "\(applied.text)")
    }
}
