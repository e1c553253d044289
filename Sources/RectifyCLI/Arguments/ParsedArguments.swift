import Foundation
import RectifyEngine

/// Options and positionals of one command line, checked against its `CommandSpec`.
struct ParsedArguments: Sendable {
    /// Read through typed keys only (`args[key]`), so every read goes through a declaration.
    private var values: [String: String] = [:]
    private var flags: Set<String> = []
    private(set) var positionals: [String] = []
    let command: String
    /// The names of the options the command declares: the only ones that may be read.
    private let declared: Set<String>

    /// Accepts `--name value`, `--name=value`, flags, and `-h`; everything else is a usage error.
    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        command = spec.name
        declared = Set(spec.options.map(\.name))
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

    /// The value of `key`: `nil` when absent, else parsed and checked by the key.
    subscript<Value>(key: OptionKey<Value>) -> Value? {
        get throws(CLIError) {
            try checkDeclared(key.spec)
            guard let text = values[key.spec.name] else { return nil }
            return try key.parse(text, command)
        }
    }

    /// Whether the flag was given.
    subscript(key: FlagKey) -> Bool {
        get throws(CLIError) {
            try checkDeclared(key.spec)
            return flags.contains(key.spec.name)
        }
    }

    /// For code that serves several commands, not all of which declare `key`: absent where undeclared.
    subscript<Value>(ifDeclared key: OptionKey<Value>) -> Value? {
        get throws(CLIError) { declared.contains(key.spec.name) ? try self[key] : nil }
    }

    /// For code that serves several commands, not all of which declare `key`: false where undeclared.
    subscript(ifDeclared key: FlagKey) -> Bool {
        get throws(CLIError) { declared.contains(key.spec.name) ? try self[key] : false }
    }

    /// Whether `--help` (or `-h`) was given; every command declares it.
    var helpRequested: Bool { flags.contains(CommandSpec.helpFlag.spec.name) }

    /// Reading an option the command does not declare is a programmer error: the command's
    /// `--help` would not list it and the parser would never fill it in.
    private func checkDeclared(_ option: OptionSpec) throws(CLIError) {
        guard declared.contains(option.name) else {
            throw .runtime("internal error: --\(option.name) is read but not declared for 'rectify \(command)'")
        }
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

    /// Parses a command line that takes options only; `nil` means `--help` was asked for. A command
    /// that `readsConfig` puts the config file's options first, so the command line overrides them
    /// (`environment` and `exists` find the file; tests pass their own).
    func parseOptions(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                      exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws(CLIError) -> ParsedArguments? {
        var args = try parse(arguments)
        if args.helpRequested { return nil }
        if let extra = args.positionals.first {
            throw .usage(UsageError("unexpected argument \(UsageError.quoted(extra))", command: name))
        }
        if readsConfig, let file = try ConfigFile.chosen(by: args, environment: environment, exists: exists) {
            args = try parse(try file.arguments(for: self) + arguments)
        }
        return args
    }

    private func parse(_ arguments: [String]) throws(CLIError) -> ParsedArguments {
        do { return try ParsedArguments(arguments, spec: self) } catch { throw .usage(error) }
    }
}
