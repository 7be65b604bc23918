import Foundation
import Testing
@testable import StackPlanText

@Suite struct CSVStreamTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func read(_ text: String, maximumRecordLines: Int? = CSVRecordStream.defaultMaximumRecordLines) throws -> [Result<CSVReader.Record, CSVReader.SyntaxError>] {
        var stream = CSVRecordStream(try LineReader(path: try temporaryFile(text)), maximumRecordLines: maximumRecordLines)
        var results: [Result<CSVReader.Record, CSVReader.SyntaxError>] = []
        while let next = stream.next() { results.append(next) }
        return results
    }

    @Test func aFileReadsAsTheSameTextInMemory() throws {
        let text = "\u{FEFF}a,b\r\n\"x\r\ny\",z\n\nlast,\"q\"\"uote\""
        let streamed = try read(text).map { try $0.get() }
        #expect(streamed == (try CSVReader.parse(text)))
        #expect(streamed.map(\.line) == [1, 2, 5])
        #expect(streamed[1].fields.map(\.text) == ["x\r\ny", "z"])
        #expect(streamed[2].fields.map(\.text) == ["last", "q\"uote"])
    }

    /// An unclosed quote once swallowed the rest of a batch: now it costs its own record only.
    @Test func anUnclosedQuoteIsReportedAndReadingGoesOnFromTheNextLine() throws {
        let text = "h1,h2\nok,1\nbad,\"never closed\nafter,2\nlast,3\n"
        let results = try read(text)
        #expect(results.count == 5)
        let error = try #require(failure(results[2]))
        #expect(error == CSVReader.SyntaxError(line: 3, column: 2, message: "a quoted field is never closed (its closing quote is missing)"))
        #expect(try results[3].get().fields.map(\.text) == ["after", "2"])
        #expect(try results[3].get().line == 4)
        #expect(try results[4].get().line == 5)
    }

    @Test func aQuoteOpenPastTheLineLimitIsTakenAsNeverClosed() throws {
        let rows = (1...50).map { "r\($0),\($0)" }
        let text = "x,\"open\n" + rows.joined(separator: "\n") + "\nend,\"closed\"\n"
        let results = try read(text, maximumRecordLines: 10)
        let error = try #require(failure(results[0]))
        #expect(error.line == 1)
        // Every later row is read on its own again.
        let records = results.dropFirst().compactMap { try? $0.get() }
        #expect(records.count == 51)
        #expect(records.first?.line == 2)
        #expect(records.last?.fields.map(\.text) == ["end", "closed"])
    }

    @Test func aLineThatIsNotUTF8IsRefusedNotRepaired() throws {
        let path = try temporaryFile("")
        try Data(Array("a,b\nx,caf".utf8) + [0xE9] + Array("\ny,z\n".utf8)).write(to: URL(fileURLWithPath: path))
        var stream = CSVRecordStream(try LineReader(path: path))
        var results: [Result<CSVReader.Record, CSVReader.SyntaxError>] = []
        while let next = stream.next() { results.append(next) }
        #expect(results.count == 3)
        #expect(failure(results[1]) == CSVReader.SyntaxError(line: 2, column: 1, message: "the line is not UTF-8 text (save the file as UTF-8)"))
        #expect(try results[2].get().fields.map(\.text) == ["y", "z"])
    }

    @Test func strayQuotesCostTheirLineOnly() throws {
        let results = try read("a,b\"c\nd,\"e\"f\ng,h\n")
        #expect(results.count == 3)
        let stray = try #require(failure(results[0]))
        #expect(stray.line == 1 && stray.column == 2)
        let afterClosing = try #require(failure(results[1]))
        #expect(afterClosing.line == 2 && afterClosing.column == 2)
        #expect(try results[2].get().fields.map(\.text) == ["g", "h"])
    }

    func failure(_ result: Result<CSVReader.Record, CSVReader.SyntaxError>) -> CSVReader.SyntaxError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test func theWriterQuotesWhatNeedsIt() {
        #expect(CSVReader.line(["a", "b,c", "say \"hi\"", " x", ""]) == #"a,"b,c","say ""hi"""," x","#)
    }

    @Test func theLineReaderKnowsHowFarItHasRead() throws {
        let reader = try LineReader(path: try temporaryFile("one\r\ntwo\n"))
        #expect(reader.totalBytes == 9)
        #expect(reader.next() == "one")
        #expect(reader.bytesRead == 5)
        #expect(reader.nextWithEnding()! == ("two", .lf, true))
        #expect(reader.next() == nil)
    }

    // /dev/full accepts the open and fails every write with "no space left".
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFailedWriteIsReported() throws {
        let writer = try BufferedWriter(path: "/dev/full")
        writer.write(String(repeating: "x", count: 100))
        #expect(throws: StreamError.self) { try writer.finish() }
    }
}
