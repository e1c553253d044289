/// How the caller wants the terminal used; filled from command-line flags.
public struct TerminalOptions: Sendable, Hashable {
    /// `--no-color`: draw in monochrome even on a colour terminal.
    public var noColor: Bool
    /// Draw ASCII glyphs even when the locale is UTF-8 (e.g. a future `--ascii` flag).
    public var asciiOnly: Bool
    /// Prefix of error messages, e.g. `rectify`.
    public var programName: String
    /// The command suggested when the dashboard cannot draw, e.g. `rectify run`.
    public var headlessCommand: String
    /// Report mouse clicks and the wheel to the program (the dashboard, unless `--no-mouse`);
    /// off, the terminal keeps its own selection.
    public var mouse: Bool

    public init(noColor: Bool = false, asciiOnly: Bool = false,
                programName: String = "rectify", headlessCommand: String = "rectify run", mouse: Bool = false) {
        self.noColor = noColor
        self.asciiOnly = asciiOnly
        self.mouse = mouse
        self.programName = programName
        self.headlessCommand = headlessCommand
    }
}
