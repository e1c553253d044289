/// One option a command accepts; options carry their own help so `--help` is generated from them.
struct OptionSpec: Sendable {
    /// The long name without dashes, e.g. `capacity-factor`.
    let name: String
    /// The value's placeholder, e.g. `F`; `nil` for a flag.
    let value: String?
    let help: String

    init(_ name: String, _ value: String? = nil, _ help: String) {
        self.name = name
        self.value = value
        self.help = help
    }
}

/// A subcommand's name, summary, usage line and options.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    let usage: String
    let options: [OptionSpec]
    /// Extra paragraphs after the options (formats, examples).
    let notes: String

    init(name: String, summary: String, usage: String, options: [OptionSpec], notes: String = "") {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options + [OptionSpec("help", nil, "Show this help and exit.")]
        self.notes = notes
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
