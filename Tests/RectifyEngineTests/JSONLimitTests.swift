import Foundation
import Testing
@testable import RectifyEngine

/// Issue 12: parsing is linear in the number of keys, bounded by limits that name themselves and
/// where they were hit, and errors echo no more than a short, printable excerpt of the document.
@Suite("JSON: linear time, limits and short errors")
struct JSONLimitTests {
    /// `{"key0": 0,` one member a line `"keyN": N}`.
    static func object(keys: Int, extra: String = "") -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(keys * 20)
        for i in 0..<keys {
            if i > 0 { bytes += Array(",\n".utf8) }
            bytes += Array("\"key\(i)\": \(i)".utf8)
        }
        bytes += Array(extra.utf8) + [UInt8(ascii: "}")]
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    @Test("an object with 200,000 keys parses (it took minutes while duplicates were found by a scan), keys in file order")
    func manyKeys() throws {
        let count = 200_000
        guard case .object(let members) = try JSONParser.parse(Self.object(keys: count)) else {
            Issue.record("not an object")
            return
        }
        #expect(members.count == count)
        #expect(members.indices.allSatisfy { members[$0].key == "key\($0)" && members[$0].value == .int($0) })
    }

    @Test("a duplicate key after 200,000 others is still refused, naming the key and its line")
    func duplicateAmongMany() throws {
        let error = try #require(JSONTests.parseError(Self.object(keys: 200_000, extra: ",\n\"key123\": 1")))
        #expect(error.message == "duplicate key \"key123\"")
        #expect(error.line == 200_001)
    }

    @Test("nesting: 64 levels parse, 65 name the nesting limit and where")
    func depth() throws {
        _ = try JSONParser.parse(String(repeating: "[", count: 64) + "1" + String(repeating: "]", count: 64))
        let error = try #require(JSONTests.parseError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)))
        #expect(error.message.contains("nesting limit") && error.message.contains("64"), "\(error)")
        #expect(error.line == 1 && error.column == 65, "\(error)")
        let objects = try #require(JSONTests.parseError("{\"a\":\n" + String(repeating: "{\"a\":", count: 70)))
        #expect(objects.message.contains("nesting limit"), "\(objects)")
        #expect(objects.line == 2 && objects.column == 5 * 63 + 1, "\(objects)")
    }

    @Test("a document over 16 MiB names the size limit and where")
    func documentSize() throws {
        let error = try #require(JSONTests.parseError(String(repeating: " ", count: 16 << 20) + "1"))
        #expect(error.message.contains("document size limit") && error.message.contains(String(16 << 20)), "\(error)")
        #expect(error.line == 1 && error.column == (16 << 20) + 1, "\(error)")
    }

    @Test("a number of 10,000 digits names the number length limit and where it starts")
    func numberLength() throws {
        let error = try #require(JSONTests.parseError("{\"gpus\":\n  " + String(repeating: "7", count: 10_000) + "}"))
        #expect(error.message.contains("number length limit"), "\(error)")
        #expect(error.line == 2 && error.column == 3, "\(error)")
        #expect(error.message.count < 100, "\(error)")
    }

    @Test("a string of 1 MB names the string length limit and where it starts, with or without escapes")
    func stringLength() throws {
        for prefix in ["", "\\n"] {
            let text = "[1,\n \"" + prefix + String(repeating: "a", count: 1 << 20) + "\"]"
            let error = try #require(JSONTests.parseError(text))
            #expect(error.message.contains("string length limit"), "\(error)")
            #expect(error.line == 2 && error.column == 2, "\(error)")
            #expect(error.message.count < 100, "\(error)")
        }
        // Just below the limit is fine.
        _ = try JSONParser.parse("\"" + String(repeating: "b", count: 65_536) + "\"")
    }

    @Test("errors echo at most a short excerpt of a key, with no control characters")
    func shortErrors() throws {
        let long = String(repeating: "k", count: 5_000)
        let duplicate = try #require(JSONTests.parseError("{\"\(long)\": 1, \"\(long)\": 2}"))
        #expect(duplicate.message.hasPrefix("duplicate key \"kkkk"), "\(duplicate)")
        #expect(duplicate.message.count < 80, "\(duplicate.message.count) characters")
        let colon = try #require(JSONTests.parseError("{\"\(long)\" 1}"))
        #expect(colon.message.count < 80, "\(colon.message.count) characters")
        let escaped = try #require(JSONTests.parseError(#"{"a\u001b]0;pwned\u0007": 1, "a\u001b]0;pwned\u0007": 2}"#))
        #expect(!Self.hasControlCharacters(escaped.message), "\(escaped.message.debugDescription)")
        let badEscape = try #require(JSONTests.parseError("\"\\\u{1B}\""))
        #expect(!Self.hasControlCharacters(badEscape.message), "\(badEscape.message.debugDescription)")
    }

    @Test("the writer escapes DEL and C1 controls too, so JSON output cannot drive a terminal")
    func writerEscapesAllControls() throws {
        let text = "esc \u{1B}]0;x\u{07} del \u{7F} csi \u{9B}2J nel \u{85} end"
        let written = JSONWriter.write(.object([("description", .string(text))]))
        #expect(!Self.hasControlCharacters(written), "\(written.debugDescription)")
        #expect(written.contains(#"\u001b"#) && written.contains(#"\u007f"#) && written.contains(#"\u009b"#) && written.contains(#"\u0085"#))
        #expect(try JSONParser.parse(written) == .object([("description", .string(text))]))
        let foundation = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: String]
        #expect(foundation?["description"] == text)
    }
}

/// Issue 12: configuration errors name the key and echo at most a short, printable excerpt of the value.
@Suite("Configuration errors: short and printable")
struct ConfigErrorExcerptTests {
    static let presetsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Presets").path

    static func presetError(_ text: String) -> ConfigError? {
        do {
            _ = try PresetReader.parse(text, name: "fuzz", source: "fuzz.json")
            return nil
        } catch {
            return error
        }
    }

    static func preset(_ members: String) -> String {
        #"{"description": "x", "gpus": 2, "experts": 4, "topK": 1, "tokensPerGPU": 8"# + members + "}"
    }

    @Test("a 1 MB value or key is not printed whole")
    func longValues() throws {
        let huge = String(repeating: "9", count: 1_000_000)
        let direct = ConfigError(key: "gpus", value: huge, allowed: "an integer").description
        #expect(direct.count < 120 && direct.contains("999..."), "\(direct.count) characters")
        let cases = [
            Self.preset(#", "dropPolicy": ""# + String(repeating: "s", count: 60_000) + #"""#),
            Self.preset(#", "mode": ["# + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"),
            Self.preset(#", "synthetic": {"seed": ""# + String(repeating: "z", count: 60_000) + #""}"#),
            Self.preset(#", ""# + String(repeating: "u", count: 60_000) + #"": 1"#),
        ]
        for text in cases {
            let error = try #require(Self.presetError(text))
            #expect(error.description.count < 400, "\(error.description.prefix(200))... is \(error.description.count) characters")
        }
    }

    @Test("control characters from the file or the command line never reach the message")
    func controlCharacters() throws {
        let evil = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\n\tx\u{7F}"
        let direct = ConfigError(key: "preset", value: evil, allowed: "an existing preset file", source: evil).description
        #expect(!JSONLimitTests.hasControlCharacters(direct), "\(direct.debugDescription)")
        let unknown = ConfigError(key: evil, value: "", allowed: "a, b", unknownKey: true).description
        #expect(!JSONLimitTests.hasControlCharacters(unknown), "\(unknown.debugDescription)")
        let escaped = #"\u001b]0;pwned\u0007\u009b31m"#
        for text in [Self.preset(#", "dropPolicy": ""# + escaped + #"""#), Self.preset(#", ""# + escaped + #"": 1"#)] {
            let error = try #require(Self.presetError(text))
            #expect(!JSONLimitTests.hasControlCharacters(error.description), "\(error.description.debugDescription)")
        }
    }

    @Test("close misspellings of preset names, keys and choices are suggested")
    func suggestions() throws {
        do {
            _ = try PresetCatalog.load("mixtral", folders: [Self.presetsFolder])
            Issue.record("mixtral should not load")
        } catch {
            #expect(error.description.contains("invalid preset mixtral (did you mean mixtral-top2?)"), "\(error)")
        }
        let key = try #require(Self.presetError(Self.preset(#", "capacityFacter": 1"#)))
        #expect(key.description.contains("unknown key \"capacityFacter\" (did you mean capacityFactor?)"), "\(key)")
        let choice = try #require(Self.presetError(Self.preset(#", "dropPolicy": "scor""#)))
        #expect(choice.description.contains("\"scor\" (did you mean score?)"), "\(choice)")
        let far = try #require(Self.presetError(Self.preset(#", "dropPolicy": "fifo""#)))
        #expect(!far.description.contains("did you mean"), "\(far)")
    }
}
