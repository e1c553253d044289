import Foundation
import Testing
@testable import RectifyEngine

@Suite("JSON: parser and writer")
struct JSONTests {
    static func parseError(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    static let sample: JSONValue = .object([
        ("name", .string("ir+fr")),
        ("zebra", .int(1)),
        ("alpha", .number("1.10")),
        ("nothing", .null),
        ("flags", .array([.bool(true), .bool(false)])),
        ("matrix", .array([.ints([1, 2, 3]), .ints([]), .array([.number("-0.5e-3"), .null])])),
        ("nested", .object([("empty", .object([])), ("list", .array([])), ("text", .string("tab\there \"quoted\" \\ é 🙂"))])),
    ])

    @Test("write then parse gives the same value, compact and indented", arguments: [nil, 2, 4] as [Int?])
    func roundTrip(indent: Int?) throws {
        let text = JSONWriter.write(Self.sample, indent: indent)
        #expect(try JSONParser.parse(text) == Self.sample)
        // And the text is JSON anyone can read.
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8))
        #expect((foundation as? [String: Any])?["zebra"] as? Int == 1)
    }

    @Test("parse then write keeps the text of a compact document")
    func textRoundTrip() throws {
        let text = #"{"b":1,"a":[1.50,-0,2E+3,1e-7],"c":{"d":"\u00e9\n"},"e":[],"f":{}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.write(value) == #"{"b":1,"a":[1.50,-0,2E+3,1e-7],"c":{"d":"é\n"},"e":[],"f":{}}"#)
    }

    @Test("object keys keep their order")
    func keyOrder() throws {
        guard case .object(let members) = try JSONParser.parse(#"{"z": 1, "a": 2, "m": 3}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "m"])
        #expect(JSONWriter.write(.object(members)) == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test("numbers are kept as their text", arguments: ["0", "-0", "1.10", "1.0000", "12345678901234567890123", "1e3", "1E-3", "-2.5e+10", "0.1"])
    func numbersAsText(text: String) throws {
        #expect(try JSONParser.parse(text) == .number(text))
        #expect(try JSONParser.parse("[\(text)]") == .array([.number(text)]))
    }

    @Test("number builders")
    func numberBuilders() {
        #expect(JSONValue.int(-7) == .number("-7"))
        #expect(JSONValue.double(2) == .number("2"))
        #expect(JSONValue.double(0.25) == .number("0.25"))
        #expect(JSONValue.double(nil) == .null)
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.double(.infinity) == .null)
        #expect(JSONValue.ints([1, 2]) == .array([.number("1"), .number("2")]))
    }

    @Test("invalid numbers are refused", arguments: ["01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN", "Infinity", "--1", "1.e3"])
    func invalidNumbers(text: String) {
        #expect(Self.parseError(text) != nil, "\(text) should not parse")
    }

    @Test("duplicate keys are refused, naming the key and where")
    func duplicateKeys() throws {
        let error = try #require(Self.parseError("{\n  \"a\": 1,\n  \"a\": 2\n}"))
        #expect(error.message == "duplicate key \"a\"")
        #expect(error.line == 3)
        // The same key in different objects is fine.
        _ = try JSONParser.parse(#"{"a": {"a": 1}, "b": {"a": 2}}"#)
        #expect(Self.parseError(#"{"x": {"k": 1, "k": 1}}"#)?.message == "duplicate key \"k\"")
    }

    @Test("escapes decode", arguments: ([
        (#""\"""#, "\""), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u4e2d""#, "Aé中"), (#""\ud83d\ude00""#, "😀"), (#""\u0000""#, "\u{0}"),
        ("\"raw é 中 😀\"", "raw é 中 😀"),
    ] as [(String, String)]).map { (JSONFixture($0.0), JSONFixture($0.1)) })
    func escapes(text: JSONFixture, expected: JSONFixture) throws {
        #expect(try JSONParser.parse(text.text) == .string(expected.text))
    }

    @Test("bad strings are refused", arguments: [
        #""\x""#, #""\u12""#, #""\u12G4""#, #""\ud83d""#, #""\ud83d\u0041""#, "\"abc", "\"a\nb\"", "\"\u{01}\"", #""\"#,
    ].map(JSONFixture.init))
    func badStrings(text fixture: JSONFixture) {
        let text = fixture.text
        #expect(Self.parseError(text) != nil, "\(text.debugDescription) should not parse")
    }

    @Test("the writer escapes what JSON requires and nothing else")
    func writerEscapes() throws {
        let text = "quote \" backslash \\ newline \n return \r tab \t bell \u{07} nul \u{0} unit \u{1F} slash / é 😀"
        let written = JSONWriter.write(.string(text))
        #expect(written == #""quote \" backslash \\ newline \n return \r tab \t bell \u0007 nul \u0000 unit \u001f slash / é 😀""#)
        #expect(try JSONParser.parse(written) == .string(text))
        let foundation = try JSONSerialization.jsonObject(with: Data("[\(written)]".utf8), options: []) as? [String]
        #expect(foundation == [text])
    }

    @Test("errors give the line and column of the problem", arguments: ([
        ("", 1, 1, "unexpected end of input"),
        ("{", 1, 2, "expected a quoted key"),
        ("{\"a\" 1}", 1, 6, "expected ':' after key \"a\""),
        ("[1 2]", 1, 4, "expected ',' or ']' in an array"),
        ("[1,]", 1, 4, "invalid value"),
        ("{\"a\": 1,}", 1, 9, "expected a quoted key"),
        ("{\n  \"a\": tru\n}", 2, 8, "invalid literal, expected true"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "expected ',' or '}' in an object"),
        ("[1]\n x", 2, 2, "unexpected text after the JSON value"),
        ("\n\n  \"abc", 3, 7, "unterminated string"),
        ("[01]", 1, 4, "leading zero in a number"),
    ] as [(String, Int, Int, String)]).map { (JSONFixture($0.0), $0.1, $0.2, $0.3) })
    func positions(text: JSONFixture, line: Int, column: Int, message: String) throws {
        let error = try #require(Self.parseError(text.text))
        #expect(error.message == message)
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.description == "line \(line), column \(column): \(message)")
    }

    @Test("nesting is bounded")
    func depth() throws {
        let shallow = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        _ = try JSONParser.parse(shallow)
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(Self.parseError(deep)?.message == "nested deeper than 64 levels (the nesting limit)")
    }

    @Test("whitespace is allowed around values, nothing else")
    func whitespace() throws {
        #expect(try JSONParser.parse(" \t\r\n{ \"a\" : [ 1 , 2 ] } \n") == .object([("a", .ints([1, 2]))]))
        #expect(Self.parseError("\u{A0}1") != nil)
        #expect(Self.parseError("// comment\n1") != nil)
    }

    @Test("subscript and kind")
    func access() throws {
        let value = try JSONParser.parse(#"{"a": [true], "b": null}"#)
        #expect(value["a"] == .array([.bool(true)]))
        #expect(value["b"] == .null)
        #expect(value["c"] == nil)
        #expect(JSONValue.array([])["a"] == nil)
        #expect([JSONValue.null, .bool(true), .number("1"), .string(""), .array([]), .object([])].map(\.kind)
                == ["null", "a boolean", "a number", "a string", "an array", "an object"])
    }

    @Test("indented output puts number arrays on one line")
    func indentedLayout() {
        let value: JSONValue = .object([("gpuLoad", .ints([1, 2, 3])), ("runs", .array([.object([("mode", .string("ir"))])]))])
        #expect(JSONWriter.write(value, indent: 2) == """
        {
          "gpuLoad": [1, 2, 3],
          "runs": [
            {
              "mode": "ir"
            }
          ]
        }
        """)
    }
}

/// A JSON text as a test argument, named by its escaped form: fixtures with newlines would
/// otherwise print as stray lines in the test log.
struct JSONFixture: Sendable, CustomTestStringConvertible {
    let text: String
    init(_ text: String) { self.text = text }
    var testDescription: String { text.debugDescription }
}
