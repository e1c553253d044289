/// One option a command accepts; options carry their own help so `--help` is generated from them.
/// Commands declare options as typed keys (`OptionKey`, `FlagKey`), each of which holds one of these.
struct OptionSpec: Sendable {
    /// The long name without dashes, e.g. `capacity-factor`.
    let name: String
    /// The value's placeholder, e.g. `F`; `nil` for a flag.
    let value: String?
    let help: String
    /// Checks a value the way the command line's parser does (`OptionKey.parse`), for values that
    /// come from elsewhere (the config file); `nil` for a flag.
    let check: (@Sendable (_ text: String, _ command: String) throws(CLIError) -> Void)?

    init(_ name: String, _ value: String? = nil, _ help: String,
         check: (@Sendable (_ text: String, _ command: String) throws(CLIError) -> Void)? = nil) {
        self.name = name
        self.value = value
        self.help = help
        self.check = check
    }
}

/// A subcommand's name, summary, usage line and options: its `--help` is generated from it and its
/// command line parsed against it. Every command takes `--help` (`CommandSpec.helpFlag`) as well,
/// and one that `readsConfig` takes `--config FILE` and `--no-config` and its defaults from the
/// config file (`ConfigFile`).
struct CommandSpec: Sendable {
    static let helpFlag = FlagKey("help", "Show this help and exit.")

    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    /// Extra paragraphs after the options (formats, examples).
    let notes: String
    /// Its options' defaults come from the config file's section named for it.
    let readsConfig: Bool

    init(name: String, summary: String, usage: String, options: [any OptionDeclaration], notes: String = "",
         readsConfig: Bool = false) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = (options + (readsConfig ? ConfigFile.declarations : [])).map(\.spec) + [Self.helpFlag.spec]
        self.notes = notes
        self.readsConfig = readsConfig
    }

    var help: String {
        var lines = ["\(summary)", "", "Usage: \(usage)", "", "Options:"]
        let labels = options.map { option in "  --\(option.name)" + (option.value.map { " \($0)" } ?? "") }
        let width = min(34, (labels.map(\.count).max() ?? 0) + 2)
        for (label, option) in zip(labels, options) {
            let padding = label.count < width ? String(repeating: " ", count: width - label.count) : "\n" + String(repeating: " ", count: width)
            lines.append(label + padding + option.help)
        }
        if !notes.isEmpty { lines += ["", notes] }
        return lines.joined(separator: "\n") + "\n"
    }
}
