import RectifyEngine

/// Option defaults from a JSON file, so that `--theme light` or a favourite `--preset` need not be
/// typed every time. One object per command, its members named like the command's long options:
///
///     {"dash": {"theme": "light", "fps": 5, "paused": true}, "run": {"preset": "mixtral-8x7b", "format": "json"}}
///
/// A value is a string or a number (checked by the option's own parser, as on the command line) or,
/// for a flag, `true` or `false` (`false`: as if absent). The file's options go before the command
/// line's, where a later value wins: the command line overrides the file.
struct ConfigFile {
    /// The commands with a section: those whose spec `readsConfig`, in the registry's order.
    static var commands: [String] { CommandRegistry.all.filter(\.spec.readsConfig).map(\.name) }

    static let file = OptionKey<String>.text("config", "FILE", "Read option defaults from FILE (also RECTIFY_CONFIG=FILE) instead of $XDG_CONFIG_HOME/rectify/config.json.")
    static let ignore = FlagKey("no-config", "Ignore the config file: every option at its built-in default.")
    static let declarations: [any OptionDeclaration] = [file, ignore]

    let path: String
    let sections: [(key: String, value: JSONValue)]

    /// Where the config file is looked for when none is named: `$XDG_CONFIG_HOME/rectify/config.json`,
    /// else `$HOME/.config/rectify/config.json` (XDG base directories; a relative
    /// `XDG_CONFIG_HOME` is ignored, as the specification says). `nil` without either.
    static func defaultPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return folder(base) + "rectify/config.json"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return folder(home) + ".config/rectify/config.json"
    }

    private static func folder(_ path: String) -> String { path.hasSuffix("/") ? path : path + "/" }

    /// The file the command line and environment choose, read and checked: `--no-config` none,
    /// else `--config FILE`, else `RECTIFY_CONFIG`, else the default path. A named file must
    /// exist; a missing default file is no error.
    static func chosen(by args: ParsedArguments, environment: [String: String],
                       exists: (String) -> Bool) throws(CLIError) -> ConfigFile? {
        let named = try args[file]
        if try args[ignore] {
            guard named == nil else {
                throw .usage(UsageError("--config and --no-config contradict each other", command: args.command))
            }
            return nil
        }
        if let named { return try ConfigFile(path: named) }
        if let fromEnvironment = environment["RECTIFY_CONFIG"], !fromEnvironment.isEmpty {
            return try ConfigFile(path: fromEnvironment)
        }
        guard let path = defaultPath(environment: environment), exists(path) else { return nil }
        return try ConfigFile(path: path)
    }

    /// Reads the file with the engine's JSON reader (size limit first) and checks its sections.
    init(path: String) throws(CLIError) {
        self.path = path
        do {
            sections = try JSONFile.object(at: path, what: "config file")
        } catch {
            throw .invalid(error.description)
        }
        for section in sections {
            guard Self.commands.contains(section.key) else {
                throw .invalid(ConfigError(key: section.key, value: "", allowed: Self.commands.joined(separator: ", "), source: path,
                                           unknownKey: true, suggestion: Spelling.closest(to: section.key, in: Self.commands)).description)
            }
            guard case .object = section.value else {
                throw .invalid(ConfigError(key: section.key, value: Self.shown(section.value), allowed: "an object of option names and values",
                                           source: path).description)
            }
        }
    }

    /// The file's options for `spec`'s command as command-line arguments (`--name=value`, `--name`),
    /// each checked against the command's declarations: an unknown key or a value the option's
    /// parser rejects is an error naming the file, the key and what is allowed.
    func arguments(for spec: CommandSpec) throws(CLIError) -> [String] {
        guard case .object(let members)? = sections.first(where: { $0.key == spec.name })?.value else { return [] }
        let options = spec.options.filter { !Self.notInFile.contains($0.name) }
        let prefix = spec.name + "."
        var arguments: [String] = []
        for (key, value) in members {
            guard let option = options.first(where: { $0.name == key }) else {
                let names = options.map(\.name)
                throw .invalid(ConfigError(key: prefix + key, value: "", allowed: names.joined(separator: ", "), source: path,
                                           unknownKey: true, suggestion: Spelling.closest(to: key, in: names).map { prefix + $0 }).description)
            }
            if option.value == nil {
                guard case .bool(let on) = value else {
                    throw .invalid(ConfigError(key: prefix + key, value: Self.shown(value), allowed: "true or false", source: path).description)
                }
                if on { arguments.append("--" + key) }
                continue
            }
            let text: String
            switch value {
            case .string(let string): text = string
            case .number(let number): text = number
            default:
                throw .invalid(ConfigError(key: prefix + key, value: Self.shown(value),
                                           allowed: "a string or number (\(option.value ?? "value"))", source: path).description)
            }
            do {
                try option.check?(text, spec.name)
            } catch {
                throw .invalid("\(TerminalText.path(path)): \(TerminalText.excerpt(prefix + key)): \(Self.reason(error))")
            }
            arguments.append("--" + key + "=" + text)
        }
        return arguments
    }

    /// Options that choose the file or only make sense typed: not settable in it.
    static let notInFile: Set<String> = [CommandSpec.helpFlag.spec.name, file.spec.name, ignore.spec.name]

    /// A value as the file has it, for messages (`ConfigError` shortens and sanitises it).
    private static func shown(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "\"\(text)\"" }
        return JSONWriter.write(value)
    }

    /// A parser's rejection without the command line's "see --help" hint.
    private static func reason(_ error: CLIError) -> String {
        switch error {
        case .usage(let usage): return usage.message
        case .invalid(let message), .runtime(let message): return message
        }
    }
}
