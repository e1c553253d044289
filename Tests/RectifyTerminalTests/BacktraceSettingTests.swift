import Testing
@testable import RectifyTerminal

@Suite("SWIFT_BACKTRACE: when rectify restarts itself and when a crash goes on to the runtime's reporter")
struct BacktraceSettingTests {
    @Test("unset or empty: restart with rectify's short non-interactive default; no chaining until then",
          arguments: [nil, "", "  "] as [String?])
    func undecided(_ value: String?) {
        let setting = BacktraceSetting(value)
        #expect(setting.nonInteractiveValue == BacktraceSetting.rectifyDefault)
        #expect(!setting.allowsChaining)
    }

    @Test("the user's own settings without interactive= keep theirs and add interactive=no")
    func addsInteractiveNo() {
        let setting = BacktraceSetting("color=no, threads=all")
        #expect(setting.nonInteractiveValue == "color=no, threads=all,interactive=no")
        #expect(!setting.allowsChaining)
    }

    @Test("an explicit interactive= or enable=no is left alone and chained to",
          arguments: ["interactive=no", "interactive=yes", " Interactive = tty ", "enable=no", "enable=off,color=yes"])
    func decided(_ value: String) {
        let setting = BacktraceSetting(value)
        #expect(setting.nonInteractiveValue == nil)
        #expect(setting.allowsChaining)
    }

    @Test("enable=yes alone does not decide interaction")
    func enableYes() {
        #expect(BacktraceSetting("enable=yes").nonInteractiveValue == "enable=yes,interactive=no")
    }

    @Test("the value a restart sets decides, so a restart never repeats",
          arguments: [nil, "", "color=no", "enable=tty,preset=full"] as [String?])
    func restartsOnce(_ value: String?) {
        let restarted = BacktraceSetting(BacktraceSetting(value).nonInteractiveValue)
        #expect(restarted.nonInteractiveValue == nil)
        #expect(restarted.allowsChaining)
    }
}

@Suite("reset sequence for the crash handler")
struct TerminalResetSequenceTests {
    @Test("$<n> padding is dropped, everything else kept byte for byte")
    func padding() {
        let bytes = Array("\u{1B}[?1049l$<5>\u{1B}[?25h$<2/*>x".utf8)
        #expect(TerminalResetSequence.withoutPadding(bytes) == Array("\u{1B}[?1049l\u{1B}[?25hx".utf8))
    }

    @Test("a lone $ or an unclosed $< stays")
    func notPadding() {
        let bytes = Array("a$b$<3".utf8) + [0xFF]
        #expect(TerminalResetSequence.withoutPadding(bytes) == bytes)
    }
}
