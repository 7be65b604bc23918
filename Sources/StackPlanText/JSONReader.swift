import Foundation

/// The one JSON reader of StackPlan: strict RFC 8259 in UTF-8, straight from bytes into ``JSON``.
///
/// Catalogues of 100,000 credentials and batches of a million records go through it, so it reads
/// bytes directly instead of going through `Codable`. It keeps its own stack of open arrays and
/// objects rather than recursing, so no nesting can overflow the
/// thread's stack. Every refusal is a ``JSONSyntaxError`` with the line and column of the fault.
public enum JSONReader {
    /// The deepest nesting of arrays and objects read. Deeper documents are refused with this
    /// figure in the message. The reader would go deeper (it keeps its own stack), but the
    /// code that walks what it returns recurses (requirement trees, wallet documents): this
    /// bound keeps that within a thread's stack, and a requirement tree 999 levels deep fits.
    public static let maximumDepth = 2_000

    /// Reads one JSON value that makes up the whole of `data` (surrounding white space allowed).
    /// A UTF-8 byte-order mark at the start is skipped.
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSON {
        let result: Result<JSON, JSONSyntaxError> = data.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) -> JSON in try parse(bytes: raw.bindMemory(to: UInt8.self)) }
        }
        return try result.get()
    }

    /// Reads one JSON value that makes up the whole of `text`: a line of a JSON-lines file.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSON {
        var text = text
        let result: Result<JSON, JSONSyntaxError> = text.withUTF8 { bytes in
            Result { () throws(JSONSyntaxError) -> JSON in try parse(bytes: bytes) }
        }
        return try result.get()
    }

    /// Reads one JSON value that makes up the whole of `bytes` (UTF-8).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSON {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }
}

/// Why a text is not JSON, and where: the line and column (both from 1; the column counts
/// characters, not bytes) and the byte offset (from 0).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, with the figures a message needs.
    public enum Problem: Sendable, Equatable {
        /// The text holds nothing but white space.
        case empty
        /// The text ends where `expected` should follow.
        case unexpectedEnd(expected: String)
        /// `found` (a character, or a byte written `0xHH`) stands where `expected` should.
        case unexpectedCharacter(found: String, expected: String)
        /// The bytes are not UTF-8 (for example Latin-1 or UTF-16 text).
        case invalidUTF8(byte: UInt8)
        /// A raw control character (such as a NUL byte or a tab) inside a string, where JSON
        /// demands an escape such as `\u0000` or `\t`.
        case controlCharacterInString(UInt8)
        /// A backslash followed by something JSON does not define.
        case invalidEscape(String)
        /// A `\uD800`–`\uDFFF` escape without its partner: half of a character, not text.
        case loneSurrogate(String)
        /// A number too large for a 64-bit floating-point value (beyond about ±1.8e308).
        case numberOutOfRange(String)
        /// A number JSON's grammar refuses (a leading zero, a bare `.`, a missing exponent).
        case invalidNumber(String)
        /// An object names the same member twice, which leaves its value ambiguous.
        case duplicateKey(String)
        /// Arrays and objects nested deeper than ``JSONReader/maximumDepth``.
        case nestedTooDeeply(limit: Int)
        /// Something follows the value.
        case textAfterValue
    }

    public var problem: Problem
    /// 1-based line of the fault.
    public var line: Int
    /// 1-based column of the fault, in characters.
    public var column: Int
    /// 0-based byte offset of the fault.
    public var offset: Int

    /// The problem in words, without its place.
    public var message: String {
        switch problem {
        case .empty: "the text is empty: expected a JSON value"
        case .unexpectedEnd(let expected): "the text ends where \(expected) should follow"
        case .unexpectedCharacter(let found, let expected): "found \(found) where \(expected) should be"
        case .invalidUTF8(let byte): "byte \(Self.hex(byte)) is not UTF-8 text (save the file as UTF-8)"
        case .controlCharacterInString(let byte):
            byte == 0
                ? "a NUL byte inside a string: write it as \\u0000 if it is meant"
                : "control character \(Self.hex(byte)) inside a string: write it as an escape (\\n, \\t or \\u00\(Self.hexDigits(byte)))"
        case .invalidEscape(let escape): "\(escape) is not a JSON escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)"
        case .loneSurrogate(let escape): "\(escape) is half of a UTF-16 surrogate pair without its other half, so it is not a character"
        case .numberOutOfRange(let text): "the number \(text) is out of range (numbers must lie within ±1.7e308)"
        case .invalidNumber(let text): "\(text) is not a JSON number"
        case .duplicateKey(let key): "the member \"\(key)\" appears twice in the same object"
        case .nestedTooDeeply(let limit): "arrays and objects are nested more than \(limit) levels deep, the most StackPlan reads"
        case .textAfterValue: "text follows the JSON value"
        }
    }

    public var description: String { "line \(line), column \(column): \(message)" }

    static func hex(_ byte: UInt8) -> String { "0x" + hexDigits(byte) }
    static func hexDigits(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    // The open containers, innermost last. Arrays and objects live in separate stacks so that
    // appending to the innermost one mutates it in place instead of copying it.
    enum Kind { case array, object }
    var kinds: [Kind] = []
    var arrays: [[JSON]] = []
    var objects: [[String: JSON]] = []
    /// The key each open object awaits a value for, with the offset it starts at (for a duplicate's message).
    var keys: [(key: String, offset: Int)] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws(JSONSyntaxError) -> JSON {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        skipWhitespace()
        guard position < bytes.count else { throw failure(.empty) }
        let value = try value()
        skipWhitespace()
        guard position == bytes.count else { throw failure(.textAfterValue) }
        return value
    }

    func failure(_ problem: JSONSyntaxError.Problem, at offset: Int? = nil) -> JSONSyntaxError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // Columns count characters: skip UTF-8 continuation bytes.
        var column = 1
        for index in lineStart..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return JSONSyntaxError(problem: problem, line: line, column: column, offset: offset)
    }

    /// What the byte at the current position looks like in a message.
    func found() -> String {
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0 { return "a NUL byte" }
        if byte >= 0x80 {
            var end = position + 1
            while end < bytes.count, end - position < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
            if let text = String(validating: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self) { return "'\(text)'" }
            return "byte \(JSONSyntaxError.hex(byte)), which is not UTF-8 text"
        }
        return "character \(JSONSyntaxError.hex(byte))"
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ expected: String) throws(JSONSyntaxError) {
        guard position < bytes.count else { throw failure(.unexpectedEnd(expected: expected)) }
        guard bytes[position] == byte else { throw failure(.unexpectedCharacter(found: found(), expected: expected)) }
        position += 1
    }

    mutating func open(_ kind: Kind) throws(JSONSyntaxError) {
        guard kinds.count < JSONReader.maximumDepth else { throw failure(.nestedTooDeeply(limit: JSONReader.maximumDepth)) }
        kinds.append(kind)
    }

    /// Reads the key of an object member and its colon, leaving the position at the value.
    mutating func key() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "a member name in double quotes")) }
        guard bytes[position] == UInt8(ascii: "\"") else {
            throw failure(.unexpectedCharacter(found: found(), expected: "a member name in double quotes"))
        }
        let start = position
        let name = try string()
        keys.append((name, start))
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "':' after the member name")
    }

    mutating func value() throws(JSONSyntaxError) -> JSON {
        var value: JSON
        nextValue: while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "a value")) }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                try open(.object)
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    kinds.removeLast()
                    value = .object([:])
                } else {
                    objects.append([:])
                    try key()
                    continue nextValue
                }
            case UInt8(ascii: "["):
                try open(.array)
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    kinds.removeLast()
                    value = .array([])
                } else {
                    arrays.append([])
                    continue nextValue
                }
            case UInt8(ascii: "\""): value = .string(try string())
            case UInt8(ascii: "t"): try literal("true"); value = .bool(true)
            case UInt8(ascii: "f"): try literal("false"); value = .bool(false)
            case UInt8(ascii: "n"): try literal("null"); value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try number())
            default:
                if bytes[position] >= 0x80, !isUTF8Sequence(at: position) { throw failure(.invalidUTF8(byte: bytes[position])) }
                throw failure(.unexpectedCharacter(found: found(), expected: "a value"))
            }
            // A value is complete: hand it to the innermost open container, closing containers
            // as their brackets come, until a new value is due or the outermost one is done.
            while let kind = kinds.last {
                switch kind {
                case .array:
                    arrays[arrays.count - 1].append(value)
                    skipWhitespace()
                    guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "',' or ']'")) }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue nextValue
                    }
                    guard bytes[position] == UInt8(ascii: "]") else { throw failure(.unexpectedCharacter(found: found(), expected: "',' or ']'")) }
                    position += 1
                    kinds.removeLast()
                    value = .array(arrays.removeLast())
                case .object:
                    let key = keys.removeLast()
                    guard objects[objects.count - 1].updateValue(value, forKey: key.key) == nil else {
                        throw failure(.duplicateKey(key.key), at: key.offset)
                    }
                    skipWhitespace()
                    guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "',' or '}'")) }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        try self.key()
                        continue nextValue
                    }
                    guard bytes[position] == UInt8(ascii: "}") else { throw failure(.unexpectedCharacter(found: found(), expected: "',' or '}'")) }
                    position += 1
                    kinds.removeLast()
                    value = .object(objects.removeLast())
                }
            }
            return value
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        for offset in 0..<count {
            guard position + offset < bytes.count else { throw failure(.unexpectedEnd(expected: "the rest of '\(word)'"), at: position + offset) }
            guard bytes[position + offset] == word.utf8Start[offset] else {
                position += offset
                throw failure(.unexpectedCharacter(found: found(), expected: offset == 0 ? "a value" : "the rest of '\(word)'"))
            }
        }
        position += count
    }

    /// A string from its opening quote; the position ends after its closing quote.
    mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        // The common case, no escapes: the bytes are the string.
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try decoded(from: start, to: position, ascii: ascii)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure(.controlCharacterInString(byte)) }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "the closing '\"' of a string")) }
        var text = try decoded(from: start, to: position, ascii: ascii)
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return text
            case UInt8(ascii: "\\"):
                let escapeStart = position
                position += 1
                guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "the rest of an escape")) }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): text.append("\"")
                case UInt8(ascii: "\\"): text.append("\\")
                case UInt8(ascii: "/"): text.append("/")
                case UInt8(ascii: "b"): text.append("\u{08}")
                case UInt8(ascii: "f"): text.append("\u{0C}")
                case UInt8(ascii: "n"): text.append("\n")
                case UInt8(ascii: "r"): text.append("\r")
                case UInt8(ascii: "t"): text.append("\t")
                case UInt8(ascii: "u"):
                    var scalar = try hex4(escapeStart: escapeStart)
                    if (0xD800..<0xDC00).contains(scalar) {
                        let lowStart = position
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw failure(.loneSurrogate(escapeText(escapeStart)), at: escapeStart)
                        }
                        position += 2
                        let low = try hex4(escapeStart: lowStart)
                        guard (0xDC00..<0xE000).contains(low) else { throw failure(.loneSurrogate(escapeText(escapeStart)), at: escapeStart) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw failure(.loneSurrogate(escapeText(escapeStart)), at: escapeStart)
                    }
                    // Every value left is a scalar: surrogates were handled above and 4 hex digits stay below 0x110000.
                    text.unicodeScalars.append(Unicode.Scalar(scalar)!)
                default:
                    position = escapeStart
                    let shown = escape >= 0x21 && escape < 0x7F ? "\\\(Character(Unicode.Scalar(escape)))" : "a backslash before \(JSONSyntaxError.hex(escape))"
                    throw failure(.invalidEscape(shown))
                }
            default:
                let runStart = position
                var runASCII = true
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                    if byte < 0x20 { throw failure(.controlCharacterInString(byte)) }
                    if byte >= 0x80 { runASCII = false }
                    position += 1
                }
                text += try decoded(from: runStart, to: position, ascii: runASCII)
            }
        }
        throw failure(.unexpectedEnd(expected: "the closing '\"' of a string"))
    }

    /// The escape as written, for a message: `\uD800`.
    func escapeText(_ start: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(start + 6, bytes.count)]), as: UTF8.self)
    }

    /// The bytes as text; malformed UTF-8 is refused at the first bad byte, never repaired.
    func decoded(from start: Int, to end: Int, ascii: Bool) throws(JSONSyntaxError) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if ascii { return String(decoding: slice, as: UTF8.self) }
        if let text = String(validating: slice, as: UTF8.self) { return text }
        var index = start
        while index < end {
            let length = utf8SequenceLength(at: index, end: end)
            if length == 0 { break }
            index += length
        }
        throw failure(.invalidUTF8(byte: bytes[min(index, end - 1)]), at: index)
    }

    func isUTF8Sequence(at index: Int) -> Bool { utf8SequenceLength(at: index, end: bytes.count) > 0 }

    /// The length of the well-formed UTF-8 sequence at `index` (RFC 3629), 0 when it is malformed.
    func utf8SequenceLength(at index: Int, end: Int) -> Int {
        let first = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= end else { return 0 }
        guard (low...high).contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }

    mutating func hex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw failure(.unexpectedEnd(expected: "four hex digits after \\u")) }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure(.invalidEscape(escapeText(escapeStart)), at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// The JSON number grammar checked by hand; the value is the standard library's nearest Double.
    mutating func number() throws(JSONSyntaxError) -> Double {
        let start = position
        func digits() -> Int {
            let first = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - first
        }
        func invalid() -> JSONSyntaxError {
            // Show the whole token as written, up to the next delimiter.
            var end = position
            while end < bytes.count, end - start < 40, !" \t\r\n,]}".utf8.contains(bytes[end]) { end += 1 }
            return failure(.invalidNumber(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)), at: start)
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0 else { throw invalid() }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") { throw invalid() }
        var simple = integerDigits <= 15
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw invalid() }
            simple = false
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw invalid() }
            simple = false
        }
        if simple {
            // Up to 15 digits, an integer is exact in a Double.
            var value = 0
            for index in integerStart..<position { value = value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            return bytes[start] == UInt8(ascii: "-") ? (value == 0 ? -0.0 : -Double(value)) : Double(value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw failure(.numberOutOfRange(shown), at: start)
        }
        return value
    }
}
