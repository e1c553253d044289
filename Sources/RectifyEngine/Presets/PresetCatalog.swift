import Foundation

/// Finds presets by name or path: the built-in default, then `Presets/` folders.
///
/// Folders searched, first match wins: `$RECTIFY_PRESETS` (colon-separated), `./Presets`, and a
/// `Presets` folder beside or above the executable (a checkout's `.build/release/rectify`).
public enum PresetCatalog {
    public static let defaultName = "default"

    public static var builtInDefault: Preset {
        // The literal is checked by a test against Presets/default.json; it always parses.
        (try? PresetReader.parse(BuiltInPresets.defaultJSON, name: defaultName, source: nil))
            ?? Preset(name: defaultName, description: "", routing: RoutingConfig(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 4096),
                      mode: .irfr, workload: .synthetic(SyntheticParameters()))
    }

    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var folders: [String] = []
        if let custom = environment["RECTIFY_PRESETS"] {
            folders += custom.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        folders.append(FileManager.default.currentDirectoryPath + "/Presets")
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(folder.appendingPathComponent("Presets").path)
            folder = folder.deletingLastPathComponent()
        }
        var seen = Set<String>()
        return folders.filter { seen.insert(URL(fileURLWithPath: $0).standardized.path).inserted }
    }

    /// Every preset that can be loaded by name, `default` first: files found in the folders (the
    /// first of each name wins, as in `load`), and the built-in default when no file overrides it.
    public static func available(in folders: [String] = searchDirectories()) -> [PresetListing] {
        var listings: [PresetListing] = []
        var names: Set<String> = []
        for folder in folders {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for file in files.sorted() where file.hasSuffix(".json") {
                let name = String(file.dropLast(5))
                guard names.insert(name).inserted else { continue }
                let path = folder + "/" + file
                do {
                    let preset = try PresetReader.read(file: path)
                    listings.append(PresetListing(name: name, description: preset.description, path: path, problem: nil))
                } catch {
                    listings.append(PresetListing(name: name, description: "", path: path, problem: error.description))
                }
            }
        }
        if !names.contains(defaultName) {
            listings.append(PresetListing(name: defaultName, description: builtInDefault.description, path: nil, problem: nil))
        }
        return listings.filter { $0.name == defaultName } + listings.filter { $0.name != defaultName }
    }

    /// Loads a preset by name (`mixtral-top2`) or by path (anything with a `/` or ending in `.json`).
    public static func load(_ nameOrPath: String, folders: [String] = searchDirectories()) throws(ConfigError) -> Preset {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw ConfigError(key: "preset", value: nameOrPath, allowed: "an existing preset file")
            }
            return try PresetReader.read(file: nameOrPath)
        }
        for folder in folders {
            let path = folder + "/" + nameOrPath + ".json"
            if FileManager.default.fileExists(atPath: path) { return try PresetReader.read(file: path) }
        }
        if nameOrPath == defaultName { return builtInDefault }
        let names = available(in: folders).map(\.name)
        throw ConfigError(key: "preset", value: nameOrPath, allowed: "one of \(names.joined(separator: ", ")), or a path to a .json file",
                          suggestion: Spelling.closest(to: nameOrPath, in: names))
    }
}

/// One line of `rectify presets`.
public struct PresetListing: Equatable, Sendable {
    public var name: String
    public var description: String
    /// `nil` for the built-in default.
    public var path: String?
    /// Why the file does not validate, if it does not.
    public var problem: String?
}
