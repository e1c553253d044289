import RectifyEngine

/// Options and positionals of one command line, checked against its `CommandSpec`.
struct ParsedArguments: Sendable {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []
    let command: String

    /// Accepts `--name value`, `--name=value`, flags, and `-h`; everything else is a usage error.
    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        command = spec.name
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-h" { flags.insert("help"); continue }
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            guard argument.hasPrefix("--") else {
                if argument.hasPrefix("-") && argument.count > 1 && Double(argument) == nil {
                    throw UsageError("unknown option \(TerminalText.excerpt(argument))\(spec.optionHint(argument)) for 'rectify \(spec.name)'",
                                     command: spec.name)
                }
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                throw UsageError("unknown option --\(TerminalText.excerpt(name))\(spec.optionHint(name)) for 'rectify \(spec.name)'",
                                 command: spec.name)
            }
            if option.value == nil {
                guard inlineValue == nil else {
                    throw UsageError("--\(name) takes no value", command: spec.name)
                }
                flags.insert(name)
            } else if let inlineValue {
                values[name] = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError("--\(name) needs a value (\(option.value ?? "value"))", command: spec.name)
                }
                values[name] = arguments[index]
                index += 1
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name] }

    /// An integer option within `range`, or `nil` when absent.
    func int(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("invalid --\(name) \(UsageError.quoted(text)): expected an integer from \(range.lowerBound) to \(range.upperBound)", command: command)
        }
        return number
    }

    /// A decimal number within `range`, or `nil` when absent.
    func double(_ name: String, in range: ClosedRange<Double>) throws(UsageError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw UsageError("invalid --\(name) \(UsageError.quoted(text)): expected a number from \(range.lowerBound) to \(Int(range.upperBound))", command: command)
        }
        return number
    }

    /// One of a fixed set of words, or `nil` when absent.
    func choice<T>(_ name: String, _ parse: (String) -> T?, allowed: [String]) throws(UsageError) -> T? {
        guard let text = values[name] else { return nil }
        guard let chosen = parse(text) else {
            let hint = Spelling.suggestion(for: text, in: allowed)
            throw UsageError("invalid --\(name) \(UsageError.quoted(text))\(hint): expected one of \(allowed.joined(separator: ", "))",
                             command: command)
        }
        return chosen
    }
}

/// A command line that cannot be run as given; exit status 2.
struct UsageError: Error, Sendable, CustomStringConvertible {
    let message: String
    let command: String?

    init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    /// A value from the command line for a message: quoted, short and printable.
    static func quoted(_ text: some StringProtocol) -> String { "'" + TerminalText.excerpt(String(text)) + "'" }

    var description: String {
        let hint = command.map { "; see 'rectify \($0) --help'" } ?? "; see 'rectify --help'"
        return message + hint
    }
}

extension CommandSpec {
    /// " (did you mean --NAME?)" for an unknown option close to one of ours, or "".
    func optionHint(_ typed: String) -> String {
        let bare = String(typed.drop { $0 == "-" })
        let names = options.map(\.name)
        if typed.hasPrefix("-") && !typed.hasPrefix("--") && names.contains(bare) { return " (did you mean --\(bare)?)" }
        return Spelling.suggestion(for: bare, in: names) { "--" + $0 }
    }

    /// Parses a command line that takes options only; `nil` means `--help` was asked for.
    func parseOptions(_ arguments: [String]) throws(CLIError) -> ParsedArguments? {
        let args: ParsedArguments
        do { args = try ParsedArguments(arguments, spec: self) } catch { throw .usage(error) }
        if args.flag("help") { return nil }
        if let extra = args.positionals.first {
            throw .usage(UsageError("unexpected argument \(UsageError.quoted(extra))", command: name))
        }
        return args
    }
}
