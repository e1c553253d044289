import Foundation
import Testing

// The colour theme in tmux: --theme light starts light, L switches to dark.
extension DashboardTmuxTests {
    /// The foreground colours (SGR 30-37) set on the first row of an escaped capture.
    static func headerForegrounds(_ escaped: String) -> Set<Int> {
        let row = escaped.components(separatedBy: "\n").first ?? ""
        var colors: Set<Int> = []
        for sequence in row.components(separatedBy: "\u{1B}[").dropFirst() {
            guard let end = sequence.firstIndex(of: "m") else { continue }
            for parameter in sequence[..<end].split(separator: ";") {
                if let code = Int(parameter), (30...37).contains(code) { colors.insert(code) }
            }
        }
        return colors
    }

    @Test("--theme light draws the title in blue; L switches to the dark theme's cyan and says so")
    func themeKey() async throws {
        let tmux = try await start(Self.quick + ["--theme", "light"], width: 80, height: 24)
        defer { tmux.kill() }
        let light = Self.headerForegrounds(try await tmux.capture(escapes: true))
        #expect(light.contains(34) && !light.contains(36), "\(light)")
        try await tmux.type("L")
        try await tmux.waitFor("theme: dark")
        let dark = Self.headerForegrounds(try await tmux.capture(escapes: true))
        #expect(dark.contains(36) && !dark.contains(34), "\(dark)")
        try await tmux.type("q")
        #expect(try await tmux.waitForExit(timeout: .seconds(30)) == 0)
    }
}
