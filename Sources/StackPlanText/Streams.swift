import Foundation

/// Reads a file one line at a time through a reused buffer, so that memory does not grow with the file.
public final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    /// The number of the line last returned, from 1.
    public private(set) var lineNumber = 0
    /// Bytes read so far, line endings included: with ``totalBytes``, how far through the file a reader is.
    public private(set) var bytesRead = 0
    /// The file's size when it is a regular file; `nil` for pipes, terminals and standard input.
    public let totalBytes: Int?

    /// Opens `path`, or standard input for `-`.
    public init(path: String) throws(StreamError) {
        if path == "-" {
            file = fdopen(STDIN_FILENO, "r")
            ownsFile = false
        } else {
            guard let opened = fopen(path, "r") else { throw StreamError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            file = opened
            ownsFile = true
        }
        var status = stat()
        if fstat(fileno(file), &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            totalBytes = Int(status.st_size)
        } else {
            totalBytes = nil
        }
    }

    deinit {
        free(buffer)
        if ownsFile { fclose(file) }
    }

    /// The next line without its line ending (`\n` or `\r\n`; further carriage returns before
    /// the end are dropped too), or `nil` at the end of the file.
    public func next() -> String? {
        guard let (count, _) = readLine() else { return nil }
        var length = count
        while length > 0 && buffer![length - 1] == 0x0D { length -= 1 }
        return text(length)
    }

    /// Hands the next line's bytes, without its line ending, to `body` without making a string
    /// of them (so that malformed UTF-8 reaches a reader that reports it, instead of being
    /// repaired); `nil` at the end of the file. The bytes are valid only during the call.
    public func withNextLine<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result? {
        guard let (count, _) = readLine(), let buffer else { return nil }
        var length = count
        while length > 0 && buffer[length - 1] == 0x0D { length -= 1 }
        return try buffer.withMemoryRebound(to: UInt8.self, capacity: max(length, 1)) {
            try body(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// The next line and how it ended: `\n`, `\r\n`, or nothing for a last line without one;
    /// `isUTF8` is false when the line's bytes are not UTF-8 (its text then holds U+FFFD for them).
    public func nextWithEnding() -> (text: String, ending: LineEnding, isUTF8: Bool)? {
        guard let (count, ending) = readLine(), let buffer else { return nil }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: max(count, 1)) {
            let bytes = UnsafeBufferPointer(start: $0, count: count)
            if let text = String(validating: bytes, as: UTF8.self) { return (text, ending, true) }
            return (String(decoding: bytes, as: UTF8.self), ending, false)
        }
    }

    /// Reads a line; its length without the ending, and the ending.
    private func readLine() -> (Int, LineEnding)? {
        let length = getline(&buffer, &capacity, file)
        guard length >= 0, let buffer else { return nil }
        lineNumber += 1
        bytesRead += length
        guard length > 0, buffer[length - 1] == 0x0A else { return (length, .none) }
        if length > 1, buffer[length - 2] == 0x0D { return (length - 2, .crlf) }
        return (length - 1, .lf)
    }

    private func text(_ count: Int) -> String {
        guard let buffer else { return "" }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: max(count, 1)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }
}

/// Writes text through a buffer to a file or standard output. A failed write (a full disk) is
/// kept in ``failure`` and reported by ``finish()``; later writes are dropped.
public final class BufferedWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private let path: String
    private var pending: [UInt8] = []
    private let limit = 1 << 16
    /// The first write that failed, if any.
    public private(set) var failure: StreamError?

    /// Creates (or truncates) `path`; `nil` writes to standard output.
    public init(path: String?) throws(StreamError) {
        if let path {
            guard let opened = fopen(path, "w") else { throw StreamError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            file = opened
            ownsFile = true
            self.path = path
        } else {
            file = fdopen(STDOUT_FILENO, "w")
            ownsFile = false
            self.path = "standard output"
        }
        pending.reserveCapacity(limit)
    }

    /// Adds `text` to the buffer, writing the buffer out when it fills.
    public func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= limit { flush() }
    }

    /// Writes out what the buffer holds; a failure is kept in ``failure``.
    public func flush() {
        if !pending.isEmpty, failure == nil {
            let written = pending.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            if written != pending.count { failure = .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        }
        pending.removeAll(keepingCapacity: true)
        if fflush(file) != 0, failure == nil { failure = .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Flushes everything and throws the first failed write.
    public func finish() throws(StreamError) {
        flush()
        if let failure { throw failure }
    }

    deinit {
        flush()
        if ownsFile { fclose(file) }
    }
}

/// A file that cannot be opened, read or written; the reason is the system's.
public enum StreamError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
