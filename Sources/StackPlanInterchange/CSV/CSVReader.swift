import Foundation
import StackPlanCore

/// A reader for comma-separated values as RFC 4180 defines them: fields optionally in double
/// quotes, where a quoted field may hold commas, line breaks and doubled quotes (`""`).
/// Lines may end in CRLF or LF. Every field keeps the line and column it starts at, so that
/// errors about its content can name them.
public enum CSVReader {
    public struct Field: Sendable, Equatable {
        public var text: String
        /// 1-based line of the file where the field starts.
        public var line: Int
        /// 1-based position of the field in its record.
        public var column: Int
    }

    public struct Record: Sendable, Equatable {
        public var fields: [Field]
        public var line: Int

        /// A line with nothing on it, which spreadsheets leave at the end of files.
        public var isBlank: Bool { fields.count == 1 && fields[0].text.isEmpty }
    }

    public struct SyntaxError: Error, Sendable, Equatable, ClassifiedError {
        public var kind: ErrorKind { .invalidInput }
        public var line: Int
        public var column: Int
        public var message: String

        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [Field] = []
        var current = String.UnicodeScalarView()
        var line = 1
        var fieldLine = 1
        var recordLine = 1
        var inQuotes = false
        var wasQuoted = false
        var afterClosingQuote = false
        var quoteLine = 1

        func endField() {
            fields.append(Field(text: String(current), line: fieldLine, column: fields.count + 1))
            current = String.UnicodeScalarView()
            wasQuoted = false
            afterClosingQuote = false
            fieldLine = line
        }
        func endRecord() {
            records.append(Record(fields: fields, line: recordLine))
            fields = []
        }

        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            index += 1
            if inQuotes {
                if scalar == "\"" {
                    if next == "\"" {
                        current.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                    }
                } else {
                    current.append(scalar)
                    if scalar == "\n" || (scalar == "\r" && next != "\n") { line += 1 }
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
            case "\r", "\n":
                if scalar == "\r" && next == "\n" { index += 1 }
                endField()
                endRecord()
                line += 1
                fieldLine = line
                recordLine = line
            case "\"":
                guard current.isEmpty && !wasQuoted else {
                    throw SyntaxError(
                        line: line, column: fields.count + 1,
                        message: afterClosingQuote
                            ? "a second quote after a quoted field's closing quote; write a quote inside a quoted field as \"\""
                            : "a quote inside an unquoted field; put the whole field in quotes and write the quote as \"\"")
                }
                inQuotes = true
                wasQuoted = true
                quoteLine = line
            default:
                if afterClosingQuote {
                    throw SyntaxError(
                        line: line, column: fields.count + 1,
                        message: "text after a quoted field's closing quote; a field is either all in quotes or not quoted")
                }
                current.append(scalar)
            }
        }
        if inQuotes {
            throw SyntaxError(line: quoteLine, column: fields.count + 1, message: "a quoted field is never closed (its closing quote is missing)")
        }
        if !current.isEmpty || wasQuoted || !fields.isEmpty {
            endField()
            endRecord()
        }
        return records
    }

    /// One record as a line of CSV, quoting the fields that need it. No line break is added.
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                || field.first == " " || field.last == " "
            return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}
