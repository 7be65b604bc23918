import Foundation
import Testing
@testable import StackPlanText

@Suite struct JSONReaderTests {
    let samples = [
        #"{"a": 1, "b": [true, false, null], "c": {"d": "e"}}"#, #"[]"#, #"{}"#, #"0"#, #"-0"#, #"1.5e3"#, #"-12.25"#,
        #"123456789012345678901234567890"#, #""tab\tquote\"slash\/\\ \u00e9\ud83d\ude00""#, #"  [1 , 2 ]  "#,
        #"{"title": "Pós-Graduação em Prevenção", "x": 7.5}"#, #"[0.1, 1e-7, 1E+2]"#,
        #"{"a": [1, -2.5, 3e2, 0.125, true, false, null], "b": {"c": "d\"e\\f\/g\n\t\u00e9\ud83d\ude00"}, "": []}"#,
    ]

    func problem(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONReader.parse(Data(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func readsWhatJSONDecoderReads() throws {
        for sample in samples {
            let data = Data(sample.utf8)
            #expect(try JSONReader.parse(data) == JSONDecoder().decode(JSON.self, from: data), "\(sample)")
            // A JSON-lines line reads the same as a document.
            #expect(try JSONReader.parse(sample) == JSONReader.parse(data), "\(sample)")
        }
        let bundled = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/catalogue.json"))
        #expect(try JSONReader.parse(bundled) == JSONDecoder().decode(JSON.self, from: bundled))
    }

    @Test func refusesWhatIsNotJSONWithItsPlace() {
        let cases: [(String, JSONSyntaxError.Problem, Int, Int)] = [
            (#"{"a": 1,}"#, .unexpectedCharacter(found: "'}'", expected: "a member name in double quotes"), 1, 9),
            (#"[01]"#, .invalidNumber("01"), 1, 2),
            (#"[1.]"#, .invalidNumber("1."), 1, 2),
            ("{\n  \"a\" 1}", .unexpectedCharacter(found: "'1'", expected: "':' after the member name"), 2, 7),
            ("[\"a\u{1}\"]", .controlCharacterInString(1), 1, 4),
            (#"[1] x"#, .textAfterValue, 1, 5),
            (#"nul"#, .unexpectedEnd(expected: "the rest of 'null'"), 1, 4),
            (#"{"a": "open"#, .unexpectedEnd(expected: "the closing '\"' of a string"), 1, 12),
            ("", .empty, 1, 1),
            ("  \n ", .empty, 2, 2),
            (#"{"a": 1, "a": 2}"#, .duplicateKey("a"), 1, 10),
            (#"["\q"]"#, .invalidEscape("\\q"), 1, 3),
            ("[\"é\", x]", .unexpectedCharacter(found: "'x'", expected: "a value"), 1, 7),
        ]
        for (text, expected, line, column) in cases {
            let error = problem(text)
            #expect(error?.problem == expected, "\(text)")
            #expect(error?.line == line && error?.column == column, "\(text): \(String(describing: error))")
        }
    }

    /// The faults a trial found reported as "DecodingError.typeMismatch": each now says what it is.
    @Test func invalidUTF8ANulByteALoneSurrogateAndAHugeNumberEachSayWhatIsWrong() throws {
        var latin1 = Data(#"{"title": "caf"#.utf8)
        latin1.append(0xE9)
        latin1.append(contentsOf: #"", "x": 1}"#.utf8)
        let notUTF8 = try #require(catchingParse(latin1))
        #expect(notUTF8.problem == .invalidUTF8(byte: 0xE9))
        #expect(notUTF8.column == 15)
        #expect(notUTF8.description == "line 1, column 15: byte 0xE9 is not UTF-8 text (save the file as UTF-8)")

        let nul = try #require(catchingParse(Data([0x5B, 0x22, 0x61, 0x00, 0x22, 0x5D])))
        #expect(nul.problem == .controlCharacterInString(0))
        #expect(nul.description.contains("NUL byte"))
        let nulOutside = try #require(catchingParse(Data([0x5B, 0x00, 0x5D])))
        #expect(nulOutside.description == "line 1, column 2: found a NUL byte where a value should be")

        let surrogate = try #require(problem(#"{"id": "x\ud800y"}"#))
        #expect(surrogate.problem == .loneSurrogate("\\ud800"))
        #expect(surrogate.column == 10)
        #expect(problem(#""\udc00""#)?.problem == .loneSurrogate("\\udc00"))
        #expect(problem(#""\ud800\u0041""#)?.problem == .loneSurrogate("\\ud800"))

        let huge = try #require(problem("{\"hours\":\n 1e400}"))
        #expect(huge.problem == .numberOutOfRange("1e400"))
        #expect(huge.description == "line 2, column 2: the number 1e400 is out of range (numbers must lie within ±1.7e308)")
        #expect(problem(#"[-1e999]"#)?.problem == .numberOutOfRange("-1e999"))
        // Tiny numbers round to zero, as everywhere.
        #expect(try JSONReader.parse(Data("1e-400".utf8)) == .number(0))

        for error in [notUTF8, nul, surrogate, huge] { #expect(!error.description.contains("DecodingError")) }
    }

    @Test func deepNestingIsReadUpToTheNamedLimitWithoutRecursion() throws {
        // A requirement tree 400 levels deep is about 800 levels of JSON.
        var tree = #"{"credential": "x"}"#
        for _ in 0..<400 { tree = #"{"allOf": [\#(tree)]}"# }
        let value = try JSONReader.parse(Data(tree.utf8))
        #expect(value.objectFields["allOf"] != nil)

        let limit = JSONReader.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONReader.parse(deepest) }
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let error = try #require(problem(tooDeep))
        #expect(error.problem == .nestedTooDeeply(limit: limit))
        #expect(error.description.contains("2000 levels"))
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSONReader.parse(Data([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))) == .array([.number(1)]))
    }

    @Test func writesWhatItReadsBack() throws {
        for sample in samples {
            let value = try JSON.parse(Data(sample.utf8))
            #expect(try JSON.parse(Data(value.compactText.utf8)) == value)
            #expect(try JSON.parse(value.prettyData()) == value)
        }
        #expect(JSON.object(["b": .number(2), "a": .array([.string("x\n")])]).compactText == #"{"a":["x\n"],"b":2}"#)
    }

    @Test func wholeNumbersAreWrittenAsIntegersAndOthersAsSwiftSpellsThem() {
        let numbers: [Double] = [0, -0.0, 7, -42, 10, 100, 999_999_999_999_999, -999_999_999_999_999, 1e15, 1.5, -3.25, 0.1]
        let expected = numbers.map { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int64($0)) : $0.description }
        #expect(JSON.array(numbers.map(JSON.number)).compactText == "[" + expected.joined(separator: ",") + "]")
        #expect(JSON.array([.number(-42), .number(7)]).compactText == "[-42,7]")
    }

    func catchingParse(_ data: Data) -> JSONSyntaxError? {
        do {
            _ = try JSONReader.parse(data)
            return nil
        } catch {
            return error
        }
    }
}
