import Foundation
import Testing
@testable import RectifyCLI
import RectifyDashboard
import RectifyEngine

/// The config file: where it is found, how it feeds the commands' own option declarations, that
/// the command line overrides it, and errors that name the file, the key and what is allowed.
@Suite struct ConfigFileTests {
    /// A fresh folder holding `text` as `name`; returns the file's path. The caller removes the folder.
    static func file(_ text: String, name: String = "config.json") throws -> (folder: String, path: String) {
        let folder = NSTemporaryDirectory() + "rectify-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/rectify", withIntermediateDirectories: true)
        let path = folder + "/rectify/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (folder, path)
    }

    static let sample = """
    {"dash": {"theme": "light", "fps": 5, "paused": true, "no-mouse": false},
     "run": {"steps": 2, "format": "json", "capacity-factor": 1.25}}
    """

    static func dash(_ arguments: [String], _ environment: [String: String]) throws(CLIError) -> ParsedArguments? {
        try DashCommand.spec.parseOptions(arguments, environment: environment)
    }

    /// The error message of parsing `dash` arguments with `environment`, or "" when it succeeds.
    static func dashError(_ arguments: [String] = [], _ environment: [String: String]) -> String {
        do {
            _ = try dash(arguments, environment)
            return ""
        } catch {
            return error.message
        }
    }

    @Test("the default file: $XDG_CONFIG_HOME/rectify/config.json, else ~/.config/rectify/config.json")
    func defaultPath() {
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/conf", "HOME": "/home/u"]) == "/x/conf/rectify/config.json")
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/conf/", "HOME": "/home/u"]) == "/x/conf/rectify/config.json")
        // The XDG specification: a relative XDG_CONFIG_HOME is invalid and ignored.
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "conf", "HOME": "/home/u"]) == "/home/u/.config/rectify/config.json")
        #expect(ConfigFile.defaultPath(environment: ["XDG_CONFIG_HOME": "", "HOME": "/home/u/"]) == "/home/u/.config/rectify/config.json")
        #expect(ConfigFile.defaultPath(environment: [:]) == nil)
    }

    @Test("values come from the file; the command line overrides them; --no-config ignores the file")
    func precedence() throws {
        let (folder, path) = try Self.file(Self.sample)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for environment in [["XDG_CONFIG_HOME": folder], ["HOME": "/nonexistent", "RECTIFY_CONFIG": path]] {
            let fromFile = try #require(try Self.dash([], environment))
            #expect(try fromFile[DashCommand.Keys.theme] == .light)
            #expect(try fromFile[DashCommand.Keys.fps] == 5)
            #expect(try fromFile[DashCommand.Keys.paused])
            #expect(try !fromFile[DashCommand.Keys.noMouse])
            let overridden = try #require(try Self.dash(["--fps", "20", "--theme=dark"], environment))
            #expect(try overridden[DashCommand.Keys.fps] == 20)
            #expect(try overridden[DashCommand.Keys.theme] == .dark)
            #expect(try overridden[DashCommand.Keys.paused])
            let ignored = try #require(try Self.dash(["--no-config"], environment))
            #expect(try ignored[DashCommand.Keys.theme] == nil)
            #expect(try !ignored[DashCommand.Keys.paused])
        }
        let named = try #require(try Self.dash(["--config", path], [:]))
        #expect(try named[DashCommand.Keys.fps] == 5)
        // A missing default file is no error; a named one is.
        #expect(try Self.dash([], ["XDG_CONFIG_HOME": folder + "/none"])?[DashCommand.Keys.theme] == nil)
        #expect(Self.dashError(["--config", folder + "/none.json"], [:]).contains(folder + "/none.json"))
        #expect(Self.dashError([], ["RECTIFY_CONFIG": folder + "/none.json"]).contains(folder + "/none.json"))
        #expect(Self.dashError(["--config", path, "--no-config"], [:]).contains("--config and --no-config contradict each other"))
        // --help is answered whatever the file holds.
        #expect(try Self.dash(["--help"], ["RECTIFY_CONFIG": folder + "/none.json"]) == nil)
    }

    @Test("rectify run and sweep take their sections; the output equals the same options typed")
    func runAndSweep() throws {
        let (folder, path) = try Self.file("""
        {"run": {"steps": 2, "format": "json", "capacity-factor": 1.25, "detail": true},
         "sweep": {"steps": 1, "capacity-factors": "0.5,1", "format": "csv"}}
        """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let typed = try runOutput(["--steps", "2", "--format", "json", "--capacity-factor", "1.25", "--detail"])
        #expect(try runOutput(["--config", path]) == typed)
        #expect(try runOutput(["--config", path, "--steps", "1"])
                == runOutput(["--steps", "1", "--format", "json", "--capacity-factor", "1.25", "--detail"]))
        #expect(try runOutput(["--no-config", "--steps", "2"]) != typed)
        let sweepTyped = try SweepCommand.run(["--steps", "1", "--capacity-factors", "0.5,1", "--format", "csv"])
        #expect(try SweepCommand.run(["--config", path]) == sweepTyped)
    }

    @Test("errors name the file, the key, the value and what is allowed, with a suggestion", arguments: [
        (#"{"dash": {"thme": "light"}}"#, ["unknown key \"dash.thme\"", "(did you mean dash.theme?)", "expected one of preset,", "theme"]),
        (#"{"dash": {"theme": "ligt"}}"#, ["dash.theme: invalid --theme 'ligt' (did you mean light?): expected one of dark, light"]),
        (#"{"dash": {"fps": 0}}"#, ["dash.fps: invalid --fps '0': expected an integer from 1 to 60"]),
        (#"{"dash": {"fps": "fast"}}"#, ["dash.fps: invalid --fps 'fast'"]),
        (#"{"dash": {"fps": [5]}}"#, ["invalid dash.fps [5]: expected a string or number (N)"]),
        (#"{"dash": {"paused": "yes"}}"#, ["invalid dash.paused \"yes\": expected true or false"]),
        (#"{"dash": {"help": true}}"#, ["unknown key \"dash.help\""]),
        (#"{"dash": {"config": "other.json"}}"#, ["unknown key \"dash.config\""]),
        (#"{"dasch": {}}"#, ["unknown key \"dasch\" (did you mean dash?): expected one of dash, run, sweep"]),
        (#"{"bench": {}}"#, ["unknown key \"bench\"", "expected one of dash, run, sweep"]),
        (#"{"dash": 5}"#, ["invalid dash 5: expected an object of option names and values"]),
        (#"["dash"]"#, ["invalid config file an array: expected a JSON object"]),
        (#"{"dash": {"fps": 5,}}"#, ["invalid JSON at line 1"]),
    ])
    func errors(text: String, expected: [String]) throws {
        let (folder, path) = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let message = Self.dashError([], ["XDG_CONFIG_HOME": folder])
        #expect(message.hasPrefix(path + ": "), "\(message)")
        for part in expected {
            #expect(message.contains(part), "\(message) lacks \(part)")
        }
    }

    @Test("a section for another command is checked only by that command")
    func otherSections() throws {
        let (folder, _) = try Self.file(#"{"run": {"stepz": 2}, "dash": {"fps": 7}}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Self.dash([], ["XDG_CONFIG_HOME": folder])?[DashCommand.Keys.fps] == 7)
        #expect(throws: CLIError.self) { try RunCommand.spec.parseOptions([], environment: ["XDG_CONFIG_HOME": folder]) }
    }

    @Test("control characters in the file's keys and values never reach the terminal raw")
    func hostileText() throws {
        for text in [#"{"\u001b]0;t\u0007": {}}"#, #"{"dash": {"\u001b[2J\u0007": 1}}"#, #"{"dash": {"theme": "\u001b[31mred"}}"#,
                     "{\"dash\": {\"fps\": 5}} \u{1B}[2J", "{\"dash\": {\"theme\": \"\u{1B}[2J\"}}"] {
            let (folder, _) = try Self.file(text)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let message = Self.dashError([], ["XDG_CONFIG_HOME": folder])
            #expect(!message.isEmpty)
            #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(message)")
        }
    }

    @Test("dash, run and sweep read the config file and list --config and --no-config; the others do not")
    func declared() {
        #expect(ConfigFile.commands == ["dash", "run", "sweep"])
        for command in CommandRegistry.all {
            let listed = command.spec.help.contains("--config FILE") && command.spec.help.contains("--no-config")
            #expect(listed == command.spec.readsConfig, "\(command.name)")
        }
        #expect(DashCommand.spec.help.contains("--theme NAME"))
    }
}
