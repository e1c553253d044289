import RectifyEngine

/// Something a command lists among its options: a name, a placeholder and the help text.
protocol OptionDeclaration: Sendable {
    var spec: OptionSpec { get }
}

/// A flag, present or absent. Read it with `args[key]`.
struct FlagKey: OptionDeclaration {
    let spec: OptionSpec

    init(_ name: String, _ help: String) {
        spec = OptionSpec(name, nil, help)
    }
}

/// An option with a value, declared once: its name, placeholder and help (which `--help` shows),
/// and how its text becomes a `Value`, with the allowed range and the wording of a rejection.
/// Read it with `args[key]`: `nil` when absent, the typed value, or the usage error.
///
/// To add an option to a command: declare the key beside the command's other keys, e.g.
///
///     static let snapshotDir = OptionKey<String>.text("snapshot-dir", "DIR", "Write snapshots to DIR.")
///
/// and list it in the command's `CommandSpec(options:)`; then read `try args[Keys.snapshotDir]`.
/// Reading a key the command does not list is an internal error (`ParsedArguments`), and the
/// tests run every command's reads against its declaration.
struct OptionKey<Value>: OptionDeclaration {
    let spec: OptionSpec
    /// Turns the option's text into its value; `command` names the command in usage errors.
    let parse: @Sendable (_ text: String, _ command: String) throws(CLIError) -> Value

    init(_ name: String, _ placeholder: String, _ help: String,
         parse: @escaping @Sendable (_ text: String, _ command: String) throws(CLIError) -> Value) {
        spec = OptionSpec(name, placeholder, help) { text, command throws(CLIError) in _ = try parse(text, command) }
        self.parse = parse
    }

    /// A usage error about this option's value: "invalid --NAME 'TEXT'" then `detail`.
    static func invalid(_ name: String, _ text: String, _ detail: String, _ command: String) -> CLIError {
        .usage(UsageError("invalid --\(name) \(UsageError.quoted(text))\(detail)", command: command))
    }
}

extension OptionKey where Value == String {
    /// Any text, taken as given (paths, names).
    static func text(_ name: String, _ placeholder: String, _ help: String) -> Self {
        Self(name, placeholder, help) { text, _ in text }
    }
}

extension OptionKey where Value == Int {
    /// An integer within `range`.
    static func int(_ name: String, _ placeholder: String, in range: ClosedRange<Int>, _ help: String) -> Self {
        Self(name, placeholder, help) { text, command throws(CLIError) in
            guard let number = Int(text), range.contains(number) else {
                throw invalid(name, text, ": expected an integer from \(range.lowerBound) to \(range.upperBound)", command)
            }
            return number
        }
    }
}

extension OptionKey where Value == Double {
    /// A finite decimal number within `range`.
    static func number(_ name: String, _ placeholder: String, in range: ClosedRange<Double>, _ help: String) -> Self {
        Self(name, placeholder, help) { text, command throws(CLIError) in
            guard let number = Double(text), number.isFinite, range.contains(number) else {
                throw invalid(name, text, ": expected a number from \(range.lowerBound) to \(Int(range.upperBound))", command)
            }
            return number
        }
    }
}

extension OptionKey where Value == CapacityFactor {
    /// A capacity factor, read by the engine's one parser (`CapacityFactor.parse`).
    static func capacityFactor(_ name: String, _ placeholder: String, _ help: String) -> Self {
        Self(name, placeholder, help) { text, command throws(CLIError) in
            guard let factor = CapacityFactor.parse(text) else {
                throw invalid(name, text, ": expected \(CapacityFactor.allowed)", command)
            }
            return factor
        }
    }
}

extension OptionKey {
    /// One of a fixed set of words; a near miss gets a "did you mean" hint.
    static func choice(_ name: String, _ placeholder: String, allowed: [String], _ help: String,
                       parse: @escaping @Sendable (String) -> Value?) -> Self {
        Self(name, placeholder, help) { text, command throws(CLIError) in
            guard let chosen = parse(text) else {
                let hint = Spelling.suggestion(for: text, in: allowed)
                throw invalid(name, text, "\(hint): expected one of \(allowed.joined(separator: ", "))", command)
            }
            return chosen
        }
    }
}

extension OptionKey where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enumeration's raw values.
    static func choice(_ name: String, _ placeholder: String, _ help: String) -> Self {
        choice(name, placeholder, allowed: Value.allCases.map(\.rawValue), help) { Value(rawValue: $0) }
    }
}
