import Foundation
import StackPlanCore

/// Reads a file one line at a time through a reused buffer, so that memory does not grow with the file.
public final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// The number of the line last returned, from 1.
    public private(set) var lineNumber = 0

    /// Opens `path`, or standard input for `-`.
    public init(path: String) throws {
        if path == "-" {
            file = fdopen(STDIN_FILENO, "r")
            ownsFile = false
        } else {
            guard let opened = fopen(path, "r") else { throw StreamError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            file = opened
            ownsFile = true
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// The next line without its line ending (`\n` or `\r\n`), or `nil` at the end of the file.
    public func next() -> String? {
        let length = getline(&buffer, &capacity, file)
        guard length >= 0, let buffer else { return nil }
        lineNumber += 1
        var count = length
        while count > 0 && (buffer[count - 1] == 0x0A || buffer[count - 1] == 0x0D) { count -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }
}

/// Writes text through a buffer to a file or standard output.
public final class BufferedWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var pending: [UInt8] = []
    private let limit = 1 << 16

    /// Creates (or truncates) `path`; `nil` writes to standard output.
    public init(path: String?) throws {
        if let path {
            guard let opened = fopen(path, "w") else { throw StreamError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            file = opened
            ownsFile = true
        } else {
            file = fdopen(STDOUT_FILENO, "w")
            ownsFile = false
        }
        pending.reserveCapacity(limit)
    }

    public func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= limit { flush() }
    }

    public func flush() {
        if !pending.isEmpty { pending.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, file) } }
        pending.removeAll(keepingCapacity: true)
        fflush(file)
    }

    deinit {
        flush()
        if ownsFile { fclose(file) }
    }
}

public enum StreamError: Error, ClassifiedError {
    case cannotOpen(path: String, reason: String)

    public var kind: ErrorKind { .invalidInput }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        }
    }
}

/// RFC 4180 comma-separated values, read record by record from a ``LineReader``: a quoted
/// field may span lines, and each record knows the line it began on.
public struct CSVRecordReader {
    public struct Row {
        public var line: Int
        public var fields: [String]
    }

    public struct Malformed: Error, ClassifiedError {
        public var kind: ErrorKind { .invalidInput }
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    let lines: LineReader

    public init(_ lines: LineReader) {
        self.lines = lines
    }

    /// The next record; blank lines are skipped. A quote left open runs to the end of the file
    /// and is reported as malformed.
    public mutating func next() -> Result<Row, Malformed>? {
        var text: String
        repeat {
            guard let line = lines.next() else { return nil }
            text = line
        } while text.isEmpty
        let start = lines.lineNumber
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var afterQuote = false
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        while true {
            for byte in text.utf8 {
                if quoted {
                    if byte == quote {
                        quoted = false
                        afterQuote = true
                    } else {
                        field.append(byte)
                    }
                } else if byte == quote {
                    if afterQuote {
                        field.append(quote)
                        quoted = true
                        afterQuote = false
                    } else if field.isEmpty {
                        quoted = true
                    } else {
                        return .failure(Malformed(line: start, message: "a quote in the middle of an unquoted field (field \(fields.count + 1))"))
                    }
                } else if byte == comma {
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    afterQuote = false
                } else {
                    if afterQuote { return .failure(Malformed(line: start, message: "text after a closing quote (field \(fields.count + 1))")) }
                    field.append(byte)
                }
            }
            guard quoted else { break }
            guard let more = lines.next() else {
                return .failure(Malformed(line: start, message: "a quoted field is never closed"))
            }
            field.append(UInt8(ascii: "\n"))
            text = more
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return .success(Row(line: start, fields: fields))
    }
}

/// A field as CSV writes it: quoted when it holds a comma, quote or line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
