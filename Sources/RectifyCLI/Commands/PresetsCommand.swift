import RectifyEngine

/// `rectify presets` and `rectify validate FILE`.
enum PresetsCommand {
    static let listSpec = CommandSpec(
        name: "presets",
        summary: "List the presets that --preset NAME finds, with one-line descriptions.",
        usage: "rectify presets",
        options: [],
        notes: """
        Folders searched, first match wins: $RECTIFY_PRESETS (colon-separated), ./Presets, and a Presets
        folder beside or above the rectify executable. 'default' is also built into the binary.
        """)

    static let validateSpec = CommandSpec(
        name: "validate",
        summary: "Check preset files: every key known, every value in range. Prints 'ok' per valid file.",
        usage: "rectify validate FILE [FILE...]",
        options: [])

    static func list(_ arguments: [String]) throws(CLIError) -> String {
        guard try listSpec.parseOptions(arguments) != nil else { return listSpec.help }
        let listings = PresetCatalog.available()
        let width = listings.map(\.name.count).max() ?? 0
        return listings.map { listing in
            let pad = String(repeating: " ", count: width - listing.name.count)
            let text = listing.problem.map { "INVALID: \($0)" } ?? listing.description
            let place = listing.path == nil ? " (built in)" : ""
            // Names and descriptions come from files: no escape sequence reaches the terminal.
            return TerminalText.sanitized("\(listing.name)\(pad)  \(text)\(place)")
        }.joined(separator: "\n") + "\n"
    }

    static func validate(_ arguments: [String]) throws(CLIError) -> String {
        let args: ParsedArguments
        do { args = try ParsedArguments(arguments, spec: validateSpec) } catch { throw .usage(error) }
        if args.helpRequested { return validateSpec.help }
        guard !args.positionals.isEmpty else {
            throw .usage(UsageError("validate needs at least one preset FILE", command: validateSpec.name))
        }
        var lines: [String] = []
        for path in args.positionals {
            do {
                let preset = try PresetReader.read(file: path)
                if case .trace = preset.workload {
                    do { _ = try preset.makeSource(threads: 1) } catch {
                        throw CLIError.invalid("\(path): trace: \(error.description)")
                    }
                }
                lines.append("\(TerminalText.sanitized(path)): ok")
            } catch let error as ConfigError {
                throw .invalid(error.description)
            } catch let error as CLIError {
                throw error
            } catch {
                throw .invalid("\(path): \(error)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
