import Foundation
import Testing
@testable import RectifyEngine

/// The package's `Presets/` folder, found from this file: `<package>/Tests/RectifyEngineTests/PresetTests.swift`.
let presetsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Presets").path

/// Every `.json` file in `Presets/`, sorted.
func presetFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: presetsFolder)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted()
}

@Suite("Presets: the files in Presets/ and the built-in default")
struct PresetFileTests {
    @Test("the folder holds the presets the issue asks for")
    func folderExists() {
        let names = presetFiles()
        #expect(names.count >= 6, "\(presetsFolder): \(names)")
        #expect(names.contains("default.json"))
    }

    @Test("every file parses, validates and has a description", arguments: presetFiles())
    func everyFileValidates(file: String) throws {
        let path = presetsFolder + "/" + file
        let preset = try PresetReader.read(file: path)
        #expect(preset.name == String(file.dropLast(5)))
        #expect(preset.source == path)
        #expect(!preset.description.trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(!preset.description.contains("\n"), "one line for 'rectify presets'")
        try preset.routing.validate()
        if case .synthetic(let parameters) = preset.workload { try parameters.validate() }
        // The stream opens with the preset's shape.
        let source = try preset.makeSource(threads: 1)
        #expect(source.tokens == preset.routing.tokens)
        #expect(source.experts == preset.routing.experts)
    }

    @Test("the scenarios the issue names are there with their shapes")
    func requiredScenarios() throws {
        func load(_ name: String) throws -> Preset { try PresetReader.read(file: presetsFolder + "/\(name).json") }
        let paper = try load("paper-top1")
        #expect(paper.routing.topK == 1 && paper.routing.expertsPerGPU == 1)
        let mixtral = try load("mixtral-top2")
        #expect(mixtral.routing.topK == 2 && mixtral.routing.experts == 8)
        let olmoe = try load("olmoe-top8")
        #expect(olmoe.routing.topK == 8 && olmoe.routing.experts == 64)
        let deepseek = try load("deepseek-v3-top8")
        #expect(deepseek.routing.topK == 8 && deepseek.routing.experts == 256 && deepseek.routing.gpus == 64)
        let bursty = try load("bursty-hot-expert")
        guard case .synthetic(let p) = bursty.workload else {
            Issue.record("bursty-hot-expert should be synthetic")
            return
        }
        #expect(p.burstEvery > 0 && p.burstLength > 0 && p.burstBoost > 0)
    }

    @Test("the built-in default is byte for byte Presets/default.json (the literal lacks the final newline)")
    func builtInBytes() throws {
        let file = try #require(FileManager.default.contents(atPath: presetsFolder + "/default.json"))
        let literal = Array(BuiltInPresets.defaultJSON.utf8)
        #expect(Array(file) == literal + [UInt8(ascii: "\n")],
                "Presets/default.json and BuiltInPresets.defaultJSON have drifted apart: update one from the other")
        #expect(file.last == UInt8(ascii: "\n") && literal.last != UInt8(ascii: "\n"))
    }

    @Test("the built-in default parses to the same preset as the file")
    func builtInParses() throws {
        let fromFile = try PresetReader.read(file: presetsFolder + "/default.json")
        var builtIn = PresetCatalog.builtInDefault
        #expect(builtIn.source == nil)
        #expect(builtIn.name == PresetCatalog.defaultName)
        // The literal must parse on its own (builtInDefault falls back silently otherwise).
        let parsed = try PresetReader.parse(BuiltInPresets.defaultJSON, name: "default", source: nil)
        #expect(parsed == builtIn)
        builtIn.source = fromFile.source
        #expect(builtIn == fromFile)
        #expect(!builtIn.description.isEmpty)
    }
}

@Suite("Presets: errors")
struct PresetErrorTests {
    /// The default preset's text with `old` replaced by `new` (which must occur).
    static func variant(_ old: String, _ new: String) throws -> String {
        let text = BuiltInPresets.defaultJSON
        try #require(text.contains(old), "\(old) is not in the default preset")
        return text.replacingOccurrences(of: old, with: new)
    }

    /// Writes `text` to a fresh file and returns the error reading it gives.
    static func error(reading text: String) throws -> (path: String, error: ConfigError) {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("bad.json", Array(text.utf8))
        do {
            let preset = try PresetReader.read(file: path)
            Issue.record("\(path) should be rejected, read \(preset)")
            return (path, ConfigError(key: "", value: "", allowed: ""))
        } catch {
            #expect(error.description.hasPrefix(path + ": "), "the message starts with the file: \(error)")
            #expect(error.source == path)
            return (path, error)
        }
    }

    @Test("unknown key at the top level lists the known keys")
    func unknownTopLevel() throws {
        let (path, error) = try Self.error(reading: try Self.variant("\"gpus\": 8,", "\"gpus\": 8,\n  \"gpu\": 8,"))
        #expect(error.key == "gpu")
        #expect(error.unknownKey)
        #expect(error.description.hasPrefix("\(path): unknown key \"gpu\" (did you mean gpus?): expected one of "), "\(error)")
        for key in ["description", "gpus", "experts", "topK", "tokensPerGPU", "capacityFactor", "dropPolicy", "synthetic", "trace"] {
            #expect(error.description.contains(key), "\(error)")
        }
    }

    @Test("unknown key inside synthetic is named synthetic.<key>")
    func unknownSynthetic() throws {
        let (path, error) = try Self.error(reading: try Self.variant("\"seed\": 1,", "\"seed\": 1,\n    \"sead\": 2,"))
        #expect(error.key == "synthetic.sead")
        #expect(error.unknownKey)
        #expect(error.description.hasPrefix("\(path): unknown key \"synthetic.sead\" (did you mean synthetic.seed?): expected one of "), "\(error)")
        #expect(error.description.contains("popularitySkew") && error.description.contains("burstBoost"), "\(error)")
    }

    @Test("unknown key inside trace is named trace.<key>")
    func unknownTrace() throws {
        let text = try Self.variant(String(BuiltInPresets.defaultJSON[BuiltInPresets.defaultJSON.range(of: "\"synthetic\"")!.lowerBound...]),
                                    "\"trace\": {\"path\": \"x.npy\", \"lop\": true}\n}")
        let (_, error) = try Self.error(reading: text)
        #expect(error.key == "trace.lop")
        #expect(error.description.contains("path, loop"), "\(error)")
    }

    static let defaultDescription = "\"description\": \"8 GPUs x 8 experts each, top-2, capacity factor 1.0: a trained router with a balancing loss and step-to-step drift\","

    @Test("wrong types name the key, the value and the expected type", arguments: [
        ("\"gpus\": 8,", "\"gpus\": \"8\",", "invalid gpus \"8\": expected an integer"),
        ("\"gpus\": 8,", "\"gpus\": 8.5,", "invalid gpus 8.5: expected an integer"),
        ("\"capacityFactor\": 1.0,", "\"capacityFactor\": \"1.0\",", "invalid capacityFactor \"1.0\": expected a decimal from 0.0001 to 1000 with at most 4 places"),
        (defaultDescription, "\"description\": 8,", "invalid description 8: expected a string"),
        ("\"seed\": 1,", "\"seed\": [1],", "invalid synthetic.seed [1]: expected an integer"),
        ("\"drift\": 0.05", "\"drift\": true", "invalid synthetic.drift true: expected a number"),
        ("\"mode\": \"ir+fr\",", "\"mode\": 3,", "invalid mode 3: expected one of vanilla, ir, fr, ir+fr"),
        ("\"synthetic\": {", "\"synthetic\": 7, \"unused\": {", "unknown key \"unused\": expected one of description, gpus, experts, topK, tokensPerGPU, capacityFactor, minCapacity, dropPolicy, irCapacityFactor, gateNormalization, mode, synthetic, trace, fidelity, costProfile, quality"),
    ])
    func wrongType(old: String, new: String, message: String) throws {
        let (path, error) = try Self.error(reading: try Self.variant(old, new))
        #expect(error.description == "\(path): \(message)")
    }

    @Test("synthetic must be an object")
    func syntheticNotObject() throws {
        let text = try Self.variant(
            String(BuiltInPresets.defaultJSON[BuiltInPresets.defaultJSON.range(of: "\"synthetic\"")!.lowerBound...]),
            "\"synthetic\": 7\n}")
        let (path, error) = try Self.error(reading: text)
        #expect(error.description == "\(path): invalid synthetic a number: expected an object of workload knobs")
    }

    @Test("a missing required key: gpus")
    func missingGPUs() throws {
        let (path, error) = try Self.error(reading: try Self.variant("  \"gpus\": 8,\n", ""))
        #expect(error.key == "gpus")
        #expect(error.description == "\(path): invalid gpus (missing): expected an integer")
    }

    @Test("a missing description")
    func missingDescription() throws {
        let text = try Self.variant("  " + Self.defaultDescription + "\n", "")
        let (_, error) = try Self.error(reading: text)
        #expect(error.key == "description")
        #expect(error.value == "(missing)")
    }

    @Test("out-of-range values name the key and the allowed range", arguments: [
        ("\"topK\": 2,", "\"topK\": 65,", "invalid topK 65: expected an integer from 1 to 64 (at most the number of experts)"),
        ("\"experts\": 64,", "\"experts\": 60,", "invalid experts 60: expected a multiple of gpus (8) so every GPU holds the same number of experts"),
        ("\"gpus\": 8,", "\"gpus\": 0,", "invalid gpus 0: expected an integer from 1 to 4096"),
        ("\"capacityFactor\": 1.0,", "\"capacityFactor\": 1.00001,", "invalid capacityFactor 1.00001: expected a decimal from 0.0001 to 1000 with at most 4 places"),
        ("\"capacityFactor\": 1.0,", "\"capacityFactor\": 0,", "invalid capacityFactor 0: expected a decimal from 0.0001 to 1000 with at most 4 places"),
        ("\"temperature\": 1.0,", "\"temperature\": 0,", "invalid synthetic.temperature 0.0: expected a number from 0.01 to 100.0"),
        ("\"seed\": 1,", "\"seed\": -1,", "invalid synthetic.seed -1: expected a non-negative integer"),
        ("\"hiddenSize\": 16,", "\"hiddenSize\": 0,", "invalid synthetic.hiddenSize 0: expected an integer from 1 to 1024"),
    ])
    func outOfRange(old: String, new: String, message: String) throws {
        let (path, error) = try Self.error(reading: try Self.variant(old, new))
        #expect(error.description == "\(path): \(message)")
    }

    @Test("an unknown dropPolicy lists the allowed values")
    func unknownDropPolicy() throws {
        let (path, error) = try Self.error(reading: try Self.variant("\"dropPolicy\": \"score\"", "\"dropPolicy\": \"fifo\""))
        #expect(error.key == "dropPolicy")
        #expect(error.description == "\(path): invalid dropPolicy \"fifo\": expected one of score, position, choice")
    }

    @Test("an unknown gateNormalization lists the allowed values")
    func unknownGate() throws {
        let (_, error) = try Self.error(reading: try Self.variant("\"gateNormalization\": \"topk\"", "\"gateNormalization\": \"sparsemax\""))
        #expect(error.description.hasSuffix("invalid gateNormalization \"sparsemax\": expected one of topk, softmax"), "\(error)")
    }

    @Test("invalid JSON gives its line and column")
    func invalidJSON() throws {
        // Line 3 loses its trailing comma: the parser stops at the start of line 4.
        let (path, error) = try Self.error(reading: try Self.variant("\"gpus\": 8,", "\"gpus\": 8"))
        #expect(error.key == "JSON")
        #expect(error.description.hasPrefix(path + ": "), "\(error)")
        #expect(error.description.contains("line 4, column 3"), "\(error)")
        #expect(error.description.contains("expected ',' or '}' in an object"), "\(error)")
        let (_, empty) = try Self.error(reading: "")
        #expect(empty.description.contains("line 1, column 1"), "\(empty)")
        let (_, notObject) = try Self.error(reading: "[1, 2]")
        #expect(notObject.description.contains("a JSON object"), "\(notObject)")
    }

    @Test("the invalid-JSON message reads as one clause, without an empty value")
    func invalidJSONWording() throws {
        let (path, error) = try Self.error(reading: try Self.variant("\"gpus\": 8,", "\"gpus\": 8"))
        #expect(error.description == "\(path): invalid JSON at line 4, column 3: expected ',' or '}' in an object")
    }

    @Test("synthetic and trace together are refused")
    func bothWorkloads() throws {
        let (path, error) = try Self.error(reading: try Self.variant("\"synthetic\": {", "\"trace\": {\"path\": \"t.npy\"},\n  \"synthetic\": {"))
        #expect(error.key == "trace")
        #expect(error.description == "\(path): invalid trace (with synthetic): expected either a synthetic or a trace object, not both")
    }

    @Test("a file that cannot be read")
    func unreadable() throws {
        do {
            _ = try PresetReader.read(file: "/nonexistent/folder/preset.json")
            Issue.record("should fail")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/folder/preset.json: "), "\(error)")
        }
    }

    @Test("a trace preset resolves its relative path from the preset's folder")
    func tracePath() throws {
        let folder = try TraceTemporaryDirectory()
        defer { folder.remove() }
        let text = try Self.variant(
            String(BuiltInPresets.defaultJSON[BuiltInPresets.defaultJSON.range(of: "\"synthetic\"")!.lowerBound...]),
            "\"trace\": {\"path\": \"logits.npy\", \"loop\": false}\n}")
        let path = try folder.write("replay.json", Array(text.utf8))
        let preset = try PresetReader.read(file: path)
        #expect(preset.workload == .trace(TraceSpec(path: folder.url.path + "/logits.npy", loop: false)))
        #expect(preset.name == "replay")
    }
}

@Suite("Presets: catalog")
struct PresetCatalogTests {
    @Test("load by name from a folder")
    func byName() throws {
        let preset = try PresetCatalog.load("mixtral-top2", folders: [presetsFolder])
        #expect(preset.name == "mixtral-top2")
        #expect(preset.source == presetsFolder + "/mixtral-top2.json")
        #expect(preset == (try PresetReader.read(file: presetsFolder + "/mixtral-top2.json")))
    }

    @Test("load by path, from any folder list")
    func byPath() throws {
        let path = presetsFolder + "/paper-top1.json"
        let preset = try PresetCatalog.load(path, folders: [])
        #expect(preset.name == "paper-top1")
        #expect(preset.routing.topK == 1)
        do {
            _ = try PresetCatalog.load("/nonexistent/nothing.json", folders: [])
            Issue.record("should fail")
        } catch {
            #expect(error.key == "preset")
            #expect(error.description.contains("/nonexistent/nothing.json"), "\(error)")
            #expect(error.description.contains("an existing preset file"), "\(error)")
        }
    }

    @Test("an unknown name lists the names available")
    func unknownName() throws {
        do {
            _ = try PresetCatalog.load("nope", folders: [presetsFolder])
            Issue.record("should fail")
        } catch {
            #expect(error.key == "preset")
            #expect(error.description.hasPrefix("invalid preset nope: expected one of default, "), "\(error)")
            for file in presetFiles() {
                #expect(error.description.contains(String(file.dropLast(5))), "\(file) missing from \(error)")
            }
        }
    }

    @Test("default with no files around is the built-in one")
    func builtInWithoutFiles() throws {
        let empty = try TraceTemporaryDirectory()
        defer { empty.remove() }
        let preset = try PresetCatalog.load("default", folders: [empty.url.path, "/nonexistent/presets"])
        #expect(preset == PresetCatalog.builtInDefault)
        #expect(preset.source == nil)
        let listings = PresetCatalog.available(in: [empty.url.path])
        #expect(listings == [PresetListing(name: "default", description: PresetCatalog.builtInDefault.description, path: nil, problem: nil)])
        do {
            _ = try PresetCatalog.load("mixtral-top2", folders: [empty.url.path])
            Issue.record("should fail")
        } catch {
            #expect(error.description == "invalid preset mixtral-top2: expected one of default, or a path to a .json file")
        }
    }

    @Test("the first folder that has the name wins; broken files are listed with their problem")
    func folderOrder() throws {
        let custom = try TraceTemporaryDirectory()
        defer { custom.remove() }
        let text = BuiltInPresets.defaultJSON.replacingOccurrences(of: "\"topK\": 2,", with: "\"topK\": 4,")
        _ = try custom.write("mixtral-top2.json", Array(text.utf8))
        _ = try custom.write("broken.json", Array("{".utf8))
        let preset = try PresetCatalog.load("mixtral-top2", folders: [custom.url.path, presetsFolder])
        #expect(preset.routing.topK == 4)
        #expect(preset.source == custom.url.path + "/mixtral-top2.json")

        let listings = PresetCatalog.available(in: [custom.url.path, presetsFolder])
        #expect(listings.first?.name == "default")
        #expect(listings.first?.path == presetsFolder + "/default.json")
        let names = listings.map(\.name)
        #expect(Set(names).count == names.count, "each name once: \(names)")
        #expect(Set(names) == Set(presetFiles().map { String($0.dropLast(5)) } + ["broken"]))
        #expect(listings.first { $0.name == "mixtral-top2" }?.path == custom.url.path + "/mixtral-top2.json")
        let broken = try #require(listings.first { $0.name == "broken" })
        #expect(broken.problem?.contains("line 1, column 2") == true, "\(broken)")
        #expect(listings.filter { $0.name != "broken" }.allSatisfy { $0.problem == nil && !$0.description.isEmpty })
    }

    @Test("RECTIFY_PRESETS folders come first, then ./Presets")
    func searchDirectories() {
        let folders = PresetCatalog.searchDirectories(environment: ["RECTIFY_PRESETS": "/a:/b::/a"], executable: "/x/y/bin/rectify")
        #expect(Array(folders.prefix(2)) == ["/a", "/b"])
        #expect(folders.contains(FileManager.default.currentDirectoryPath + "/Presets"))
        #expect(folders.contains("/x/y/bin/Presets") && folders.contains("/x/y/Presets"))
        #expect(Set(folders).count == folders.count)
    }
}
