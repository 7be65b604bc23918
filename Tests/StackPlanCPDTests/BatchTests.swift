import Foundation
import StackPlanCore
import Testing
@testable import StackPlanCPD

@Suite struct BatchTests {
    typealias F = CPDFixture

    /// 10 hours in a year ending on each practitioner's renewal date, 4 of them in category a.
    static let scheme = F.scheme(
        rules: [F.rule("total", .total(10)), F.rule("a-min", .minimum(categories: ["a"], 4))],
        cycle: CPDCycle(months: 12, anchor: .renewal))

    func run(_ name: String, _ text: String, format: CPDBatch.InputFormat) throws -> (BatchSummary, [BatchResult]) {
        let path = try F.temporaryFile(name, text)
        let batch = CPDBatch(checker: CPDChecker(scheme: Self.scheme, catalogue: F.catalogue([F.credential("c", points: 6)])), asOf: F.day("2026-01-01"))
        var results: [BatchResult] = []
        let summary = try batch.run(try LineReader(path: path), format: format) { results.append($0) }
        return (summary, results)
    }

    @Test func aMalformedJSONLineIsReportedWithItsNumberAndTheOthersAreStillChecked() throws {
        let lines = [
            #"{"id": "ok", "cycleEnds": "2025-12-31", "activities": [{"title": "x", "date": "2025-03-01", "hours": 6, "category": "a"}, {"credential": "c", "date": "2025-04-01"}]}"#,
            #"{"id": "short", "cycleEnds": "2025-12-31", "activities": [{"title": "x", "date": "2025-03-01", "hours": 3, "category": "a"}, {"title": "old", "date": "2024-03-01", "hours": 9, "category": "a"}]}"#,
            #"{"id": "broken", "cycleEnds": "2025-12-31", "activities": [{"title": "x""#,
            "",
            #"{"id": "bad-date", "cycleEnds": "2025-12-31", "activities": [{"title": "x", "date": "2025-02-30", "hours": 3, "category": "a"}]}"#,
            #"{"id": "no-renewal", "activities": []}"#,
            #"{"id": "other-scheme", "scheme": "NMC", "cycleEnds": "2025-12-31", "activities": []}"#,
            #"{"id": "ok", "cycleEnds": "2025-12-31", "activities": []}"#,
            #"{"id": "unknown-field", "cycleEnds": "2025-12-31", "activites": []}"#,
            #"["not", "an", "object"]"#,
        ]
        let (summary, results) = try run("records.jsonl", lines.joined(separator: "\n") + "\n", format: .jsonl)
        #expect(results.map(\.line) == [1, 2, 3, 5, 6, 7, 8, 9, 10])
        #expect(results.map(\.status) == [.compliant, .notCompliant, .invalid, .invalid, .invalid, .invalid, .invalid, .invalid, .invalid])
        #expect(summary.records == 9)
        #expect(summary.compliant == 1)
        #expect(summary.notCompliant == 1)
        #expect(summary.invalid == 7)
        #expect(summary.unmetByRule["total"]?.records == 1)
        #expect(summary.unmetByRule["total"]?.shortfall == 7)
        #expect(summary.unmetByRule["a-min"]?.shortfall == 1)
        #expect(results[1].csvRow == "2,short,not-compliant,2025-01-01,2025-12-31,3,total:7;a-min:1,1:outside-cycle,")
        #expect(results[2].errors[0].hasPrefix("not valid JSON"))
        #expect(results[3].errors == ["$.activities[0].date: must be a date written YYYY-MM-DD, found \"2025-02-30\""])
        #expect(results[4].errors == ["$.cycleEnds: is required: scheme S's cycle ends at each practitioner's renewal date"])
        #expect(results[5].errors[0].contains("scheme NMC"))
        #expect(results[6].errors[0].contains("appears earlier"))
        #expect(results[7].errors[0].hasPrefix("$.activites"))
        #expect(summary.invalidSamples[0].hasPrefix("line 3: not valid JSON"))
    }

    @Test func csvRowsOfOnePractitionerMakeOneRecord() throws {
        let text = #"""
            practitioner,cycle_ends,declarations,title,date,hours,category,credential
            alice,2025-12-31,,"Study day, with ""quotes""",2025-02-01,4,a,
            alice,,,"Reading over
            two lines",2025-03-01,6,b,
            bob,2025-12-31,,,2025-03-01,,,c
            carol,2025-12-31,,x,2025-03-01,1,a
            dave,2025-12-31,,x,2025-03-01,ten,a,
            erin,2025-12-31,,,,,,
            alice,2025-12-31,,x,2025-05-01,5,a,
            frank,2025-12-31,,x,2025-03-01,5,a,
            frank,2026-06-30,,x,2025-04-01,5,a,

            """#
        let (summary, results) = try run("records.csv", text, format: .csv)
        #expect(results.map { $0.practitioner ?? "-" } == ["alice", "bob", "-", "dave", "erin", "alice", "frank"])
        #expect(results.map(\.line) == [2, 5, 6, 7, 8, 9, 10])
        let alice = try #require(results[0].assessment)
        #expect(results[0].status == .compliant)
        #expect(alice.activities.map(\.label) == ["\"Study day, with \"quotes\"\"", "\"Reading over\ntwo lines\""])
        #expect(alice.rule("total").achieved == 10)
        // Bob's one credential brings 6 hours of category a: short of the total.
        #expect(results[1].status == .notCompliant)
        #expect(results[2].errors == ["line 6: has 7 fields, the header 8"])
        #expect(results[3].errors == ["line 7, column hours: must be a number, found \"ten\""])
        #expect(results[4].status == .notCompliant)
        #expect(results[4].assessment?.activities.isEmpty == true)
        #expect(results[5].errors.last?.contains("appears earlier") == true)
        #expect(results[6].errors == ["line 11, column cycle_ends: \"2026-06-30\" differs from the practitioner's first row (line 10)"])
        #expect(summary.invalid == 4)
        #expect(summary.compliant == 1)
    }

    /// An unclosed quote once swallowed the rest of the file: later records were neither checked nor counted.
    @Test func anUnclosedQuoteInACSVBatchCostsOneRecordAndEveryRecordIsCounted() throws {
        let text = """
            practitioner,cycle_ends,title,date,hours,category
            alice,2025-12-31,x,2025-02-01,10,a
            bob,2025-12-31,"never closed,2025-02-01,10,a
            carol,2025-12-31,x,2025-02-01,10,a
            dave,2025-12-31,x,2025-02-01,10,a

            """
        let (summary, results) = try run("unclosed.csv", text, format: .csv)
        #expect(results.map(\.line) == [2, 3, 4, 5])
        #expect(results.map(\.status) == [.compliant, .invalid, .compliant, .compliant])
        #expect(results[1].errors == ["line 3, field 3: a quoted field is never closed (its closing quote is missing)"])
        #expect(summary.records == 4)
        #expect(summary.invalid == 1)
    }

    @Test func progressIsReportedEveryThousandRecordsAndAtTheEnd() throws {
        let line = #"{"id": "p", "cycleEnds": "2025-12-31", "activities": []}"#
        let text = (0..<2_500).map { line.replacingOccurrences(of: "\"p\"", with: "\"p\($0)\"") }.joined(separator: "\n") + "\n"
        let path = try F.temporaryFile("progress.jsonl", text)
        let batch = CPDBatch(checker: CPDChecker(scheme: Self.scheme, catalogue: F.catalogue([])), asOf: F.day("2026-01-01"))
        var reports: [BatchProgress] = []
        let summary = try batch.run(try LineReader(path: path), format: .jsonl, progress: { reports.append($0) }) { _ in }
        #expect(summary.records == 2_500)
        #expect(reports.map(\.records) == [1_000, 2_000, 2_500])
        #expect(reports.last?.totalBytes == text.utf8.count)
        #expect(reports.last?.fractionRead == 1)
        #expect(reports[0].fractionRead.map { $0 > 0.3 && $0 < 0.5 } == true)
    }

    @Test func aCSVHeaderWithAnUnknownColumnStopsTheBatchBeforeAnyRecord() throws {
        #expect(throws: BatchInputError.self) { try run("bad.csv", "practitioner,date,minutes\nalice,2025-01-01,30\n", format: .csv) }
        #expect(throws: BatchInputError.self) { try run("bad.csv", "title,date\nx,2025-01-01\n", format: .csv) }
        #expect(throws: BatchInputError.self) { try run("empty.csv", "", format: .csv) }
    }

    @Test func theGeneratedRecordsReadBackAndBreakWhereAsked() throws {
        let book = try F.schemeBook()
        let catalogue = try F.catalogue()
        let scheme = try #require(book.scheme("NMC"))
        var generator = try SyntheticRecords(scheme: scheme, catalogue: catalogue, cycleEnds: F.day("2026-03-31"), seed: 7, malformedShare: 0.1)
        let lines = (0..<300).map { generator.jsonLine($0) }
        var again = try SyntheticRecords(scheme: scheme, catalogue: catalogue, cycleEnds: F.day("2026-03-31"), seed: 7, malformedShare: 0.1)
        #expect((0..<300).map { again.jsonLine($0) } == lines)
        let path = try F.temporaryFile("generated.jsonl", lines.joined(separator: "\n"))
        let batch = CPDBatch(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: F.day("2026-03-31"))
        let summary = try batch.run(try LineReader(path: path), format: .jsonl) { _ in }
        #expect(summary.records == 300)
        #expect(summary.invalid > 10 && summary.invalid < 60)
        #expect(summary.compliant > 0 && summary.notCompliant > 0)
    }
}

@Suite struct StreamTests {
    typealias F = CPDFixture

    @Test func aBadJSONLineSaysWhereAndWhat() throws {
        for (bad, column) in [(#"{"a": 1,}"#, 9), (#"[01]"#, 2), (#"{"a" 1}"#, 6), (#"{"a": "\ud800"}"#, 8), (#"{"hours": 1e999}"#, 11)] {
            let path = try F.temporaryFile("bad.jsonl", bad + "\n")
            let batch = CPDBatch(checker: CPDChecker(scheme: BatchTests.scheme, catalogue: F.catalogue([])), asOf: F.day("2026-01-01"))
            var results: [BatchResult] = []
            _ = try batch.run(try LineReader(path: path), format: .jsonl) { results.append($0) }
            let errors = try #require(results.first?.errors)
            #expect(errors.first?.hasPrefix("not valid JSON at column \(column): ") == true, "\(bad): \(errors)")
            #expect(!errors.joined().contains("DecodingError"))
        }
    }

    /// Lines once became strings first, which silently turned malformed UTF-8 into U+FFFD.
    @Test func aJSONLineThatIsNotUTF8IsReportedNotRepaired() throws {
        let path = try F.temporaryFile("latin1.jsonl", "")
        var bytes = Array(#"{"id": "caf"#.utf8)
        bytes.append(0xE9)
        bytes += Array(#"", "cycleEnds": "2025-12-31", "activities": []}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": "ok", "cycleEnds": "2025-12-31", "activities": []}"#.utf8) + [0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let batch = CPDBatch(checker: CPDChecker(scheme: BatchTests.scheme, catalogue: F.catalogue([])), asOf: F.day("2026-01-01"))
        var results: [BatchResult] = []
        let summary = try batch.run(try LineReader(path: path), format: .jsonl) { results.append($0) }
        #expect(summary.records == 2)
        #expect(results[0].errors == ["not valid JSON at column 12: byte 0xE9 is not UTF-8 text (save the file as UTF-8)"])
        #expect(results[1].practitioner == "ok")
    }

    @Test func linesEndWithOrWithoutCarriageReturnsAndTheWriterBuffers() throws {
        let path = try CPDFixture.temporaryFile("lines.txt", "one\r\ntwo\n\nthree")
        let reader = try LineReader(path: path)
        var lines: [String] = []
        while let line = reader.next() { lines.append(line) }
        #expect(lines == ["one", "two", "", "three"])
        #expect(reader.lineNumber == 4)
        let output = path + ".out"
        do {
            let writer = try BufferedWriter(path: output)
            for index in 0..<20_000 { writer.write("\(index)\n") }
        }
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written.split(separator: "\n").count == 20_000)
        #expect(written.hasSuffix("19999\n"))
        #expect(throws: StreamError.self) { try LineReader(path: "/nonexistent/file.jsonl") }
    }
}
