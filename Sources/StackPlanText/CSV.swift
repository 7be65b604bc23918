import Foundation

/// Comma-separated values as RFC 4180 defines them: fields optionally in double quotes, where a
/// quoted field may hold commas, line breaks and doubled quotes (`""`). Lines may end in CRLF or
/// LF. The one CSV reader and writer of StackPlan: catalogue sheets read a whole text with
/// ``parse(_:)``, CPD batches stream a file record by record with ``CSVRecordStream``.
///
/// Every field keeps the line and position it starts at, so that errors about its content can
/// name them.
public enum CSVReader {
    /// One field of a record.
    public struct Field: Sendable, Equatable {
        /// The value, quotes removed and doubled quotes made single.
        public var text: String
        /// 1-based line of the file where the field starts.
        public var line: Int
        /// 1-based position of the field in its record.
        public var column: Int

        public init(text: String, line: Int, column: Int) {
            self.text = text
            self.line = line
            self.column = column
        }
    }

    /// One record (a row), which may span several lines when a quoted field holds line breaks.
    public struct Record: Sendable, Equatable {
        /// The record's fields in order, at least one.
        public var fields: [Field]
        /// 1-based line the record starts on.
        public var line: Int

        /// A line with nothing on it, which spreadsheets leave at the end of files.
        public var isBlank: Bool { fields.count == 1 && fields[0].text.isEmpty }
    }

    /// A record that cannot be split into fields: where, and why.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The line the fault is on (for a quote never closed, the line it opens on).
        public var line: Int
        /// The 1-based position, in its record, of the field at fault.
        public var column: Int
        /// What is wrong, in words.
        public var message: String

        public init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        public var description: String { "line \(line), column \(column): \(message)" }
    }

    static let neverClosed = "a quoted field is never closed (its closing quote is missing)"

    /// Every record of `text`; the first malformed record stops the reading. Lines with nothing
    /// on them are skipped, and a UTF-8 byte-order mark at the start is ignored. A lone CR also
    /// ends a line here (old spreadsheets write them).
    public static func parse(_ text: String) throws(SyntaxError) -> [Record] {
        var stream = CSVRecordStream(text: text)
        var records: [Record] = []
        while let next = stream.next() {
            switch next {
            case .success(let record): records.append(record)
            case .failure(let error): throw error
            }
        }
        return records
    }

    /// One record as a line of CSV, quoting the fields that need it (a comma, quote or line
    /// break inside, or a space at either end, which spreadsheets would drop). No line break is added.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    /// One field as CSV writes it.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            || text.utf8.first == UInt8(ascii: " ") || text.utf8.last == UInt8(ascii: " ")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// How a line ended, so that a line break inside a quoted field keeps its bytes.
public enum LineEnding: Sendable, Equatable {
    /// The last line of a file without a line break.
    case none
    /// `\n`
    case lf
    /// `\r\n`
    case crlf
    /// A lone `\r`, as old spreadsheets end lines.
    case cr

    var bytes: [UInt8] {
        switch self {
        case .none: []
        case .lf: [0x0A]
        case .crlf: [0x0D, 0x0A]
        case .cr: [0x0D]
        }
    }
}

/// CSV records read one at a time from lines, so that a file of any length is read in the
/// memory of one record.
///
/// A malformed record is returned as a ``CSVReader/SyntaxError`` and reading goes on: after a
/// stray quote, with the next line; after a quote that is never closed, with the line after the
/// one the record began on, so that one missing quote costs one record, not the rest of the file.
/// A quoted field that runs past ``maximumRecordLines`` lines is taken as a quote never closed:
/// that bounds the lines held for re-reading.
public struct CSVRecordStream {
    /// The most lines a record may span before its open quote is taken as never closed, for
    /// streams read from files; ``CSVReader/parse(_:)`` has no such limit.
    public static let defaultMaximumRecordLines = 1_000

    private var source: () -> (text: String, ending: LineEnding, isUTF8: Bool)?
    /// Lines read ahead for a record that proved malformed, to be read again, with their numbers.
    private var replay: [Line] = []
    private var replayIndex = 0
    private var linesRead = 0
    /// The most lines one record may span; `nil` for no limit.
    public let maximumRecordLines: Int?

    /// Records from a file's lines.
    public init(_ lines: LineReader, maximumRecordLines: Int? = CSVRecordStream.defaultMaximumRecordLines) {
        source = { lines.nextWithEnding() }
        self.maximumRecordLines = maximumRecordLines
    }

    /// Records from text held in memory, with no limit on a record's lines.
    public init(text: String, maximumRecordLines: Int? = nil) {
        var lines = TextLines(text)
        source = { lines.next().map { ($0.text, $0.ending, true) } }
        self.maximumRecordLines = maximumRecordLines
    }

    private typealias Line = (text: String, ending: LineEnding, number: Int, isUTF8: Bool)

    private mutating func readLine() -> Line? {
        if replayIndex < replay.count {
            let line = replay[replayIndex]
            replayIndex += 1
            if replayIndex == replay.count {
                replay.removeAll(keepingCapacity: true)
                replayIndex = 0
            }
            return line
        }
        guard var line = source() else { return nil }
        linesRead += 1
        if linesRead == 1, line.text.unicodeScalars.first == "\u{FEFF}" { line.text.unicodeScalars.removeFirst() }
        return (line.text, line.ending, linesRead, line.isUTF8)
    }

    /// The next record, or the next malformed one as an error; `nil` at the end. Lines with
    /// nothing on them are skipped.
    public mutating func next() -> Result<CSVReader.Record, CSVReader.SyntaxError>? {
        var line: Line
        repeat {
            guard let read = readLine() else { return nil }
            line = read
        } while line.text.isEmpty
        let recordLine = line.number
        var spanned: [Line] = []
        var fields: [CSVReader.Field] = []
        var field: [UInt8] = []
        var fieldLine = recordLine
        var quoted = false
        var wasQuoted = false
        var afterClosingQuote = false
        var quoteLine = recordLine
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        while true {
            // Text that is not UTF-8 would be silently changed: the record is refused instead.
            guard line.isUTF8 else {
                return .failure(CSVReader.SyntaxError(line: line.number, column: fields.count + 1, message: "the line is not UTF-8 text (save the file as UTF-8)"))
            }
            var pendingQuote = false
            for byte in line.text.utf8 {
                if quoted {
                    if pendingQuote {
                        pendingQuote = false
                        if byte == quote { field.append(quote); continue }
                        quoted = false
                        afterClosingQuote = true
                    } else if byte == quote {
                        pendingQuote = true
                        continue
                    } else {
                        field.append(byte)
                        continue
                    }
                }
                if byte == comma {
                    fields.append(CSVReader.Field(text: String(decoding: field, as: UTF8.self), line: fieldLine, column: fields.count + 1))
                    field.removeAll(keepingCapacity: true)
                    wasQuoted = false
                    afterClosingQuote = false
                    fieldLine = line.number
                } else if byte == quote {
                    guard field.isEmpty && !wasQuoted else {
                        return .failure(CSVReader.SyntaxError(
                            line: line.number, column: fields.count + 1,
                            message: afterClosingQuote
                                ? "a second quote after a quoted field's closing quote; write a quote inside a quoted field as \"\""
                                : "a quote inside an unquoted field; put the whole field in quotes and write the quote as \"\""))
                    }
                    quoted = true
                    wasQuoted = true
                    quoteLine = line.number
                } else {
                    if afterClosingQuote {
                        return .failure(CSVReader.SyntaxError(
                            line: line.number, column: fields.count + 1,
                            message: "text after a quoted field's closing quote; a field is either all in quotes or not quoted"))
                    }
                    field.append(byte)
                }
            }
            if pendingQuote {
                // The line's last quote closed the field.
                quoted = false
                afterClosingQuote = true
            }
            guard quoted else { break }
            field.append(contentsOf: line.ending.bytes)
            let withinLimit = maximumRecordLines.map { spanned.count + 1 < $0 } ?? true
            guard withinLimit, let more = readLine() else {
                // Read again from the line after the record's first: one missing quote costs one record.
                if !spanned.isEmpty {
                    replay = spanned + replay[replayIndex...]
                    replayIndex = 0
                }
                return .failure(CSVReader.SyntaxError(line: quoteLine, column: fields.count + 1, message: CSVReader.neverClosed))
            }
            spanned.append(more)
            line = more
        }
        fields.append(CSVReader.Field(text: String(decoding: field, as: UTF8.self), line: fieldLine, column: fields.count + 1))
        return .success(CSVReader.Record(fields: fields, line: recordLine))
    }
}

/// The lines of a text with how each ended: LF, CRLF or a lone CR.
struct TextLines {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func next() -> (text: String, ending: LineEnding)? {
        guard position < bytes.count else { return nil }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x0A {
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                position += 1
                return (text, .lf)
            }
            if byte == 0x0D {
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                position += 1
                if position < bytes.count, bytes[position] == 0x0A {
                    position += 1
                    return (text, .crlf)
                }
                return (text, .cr)
            }
            position += 1
        }
        return (String(decoding: bytes[start..<position], as: UTF8.self), .none)
    }
}
