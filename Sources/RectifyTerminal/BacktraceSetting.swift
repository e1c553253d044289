/// What SWIFT_BACKTRACE tells the Swift runtime's crash reporter, which reads it once, at start-up.
///
/// Left undecided, the reporter is interactive on a terminal: it takes the screen and waits 30 s
/// for a key before the process may die. rectify therefore starts itself again with interaction
/// off when the user has not decided (`nonInteractiveValue`), and hands crashes on to the reporter
/// only when the setting decides how it interacts (`allowsChaining`).
struct BacktraceSetting: Equatable {
    static let variable = "SWIFT_BACKTRACE"

    /// Used when nothing is set: no interaction, the report on stderr (stdout may be a JSON
    /// document), only the crashed thread without registers or images (a screenful, not pages).
    static let rectifyDefault = "interactive=no,output-to=stderr,threads=crashed,registers=none,images=none"

    let value: String?
    /// Keys in lower case, values as given (trimmed).
    private let entries: [String: String]

    init(_ value: String?) {
        self.value = value
        var entries: [String: String] = [:]
        for item in (value ?? "").split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingWhitespace().lowercased()
            entries[key] = parts[1].trimmingWhitespace()
        }
        self.entries = entries
    }

    /// The user said whether the reporter interacts, or turned it off: theirs to decide.
    var decidesInteraction: Bool {
        if entries["interactive"] != nil { return true }
        guard let enable = entries["enable"]?.lowercased() else { return false }
        return ["no", "n", "false", "f", "off", "0"].contains(enable)
    }

    /// What to start again with: interaction off, added to the user's own settings; nil when this
    /// setting already decides (so a restart never repeats).
    var nonInteractiveValue: String? {
        if decidesInteraction { return nil }
        guard let value, !value.trimmingWhitespace().isEmpty else { return Self.rectifyDefault }
        return value + ",interactive=no"
    }

    /// Whether a crash may go on to the runtime's reporter after the terminal is restored: not
    /// when it would decide for itself (and wait on the terminal).
    var allowsChaining: Bool { decidesInteraction }
}

private extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

private extension String {
    func trimmingWhitespace() -> String { self[...].trimmingWhitespace() }
}
