import Foundation

/// A byte-level JSON reader and writer for large documents: a 100,000-credential catalogue has
/// millions of values, and going through `Codable` costs several microseconds for each.
///
/// The reader accepts exactly the JSON of RFC 8259 in UTF-8; on anything else (or anything it
/// is unsure of, such as a number out of range) it gives up and ``JSON/parse(_:)`` falls back to
/// `JSONDecoder`, whose error messages users see.
enum JSONText {
    static func parse(_ data: Data) -> JSON? {
        data.withUnsafeBytes { raw -> JSON? in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self))
            guard let value = parser.value(depth: 0) else { return nil }
            parser.skipWhitespace()
            return parser.position == parser.bytes.count ? value : nil
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        /// Deeper documents go to `JSONDecoder`, which reports them properly, instead of overflowing the stack.
        static let maximumDepth = 512

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) -> JSON? {
            guard depth < Self.maximumDepth else { return nil }
            skipWhitespace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string().map(JSON.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return number().map(JSON.number)
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { return false }
            position += count
            return true
        }

        mutating func object(depth: Int) -> JSON? {
            position += 1
            var fields: [String: JSON] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(fields)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
                position += 1
                // A repeated key is legal but ambiguous: leave it to JSONDecoder's rule.
                guard let value = value(depth: depth + 1), fields.updateValue(value, forKey: key) == nil else { return nil }
                skipWhitespace()
                guard position < bytes.count else { return nil }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(fields) }
                return nil
            }
        }

        mutating func array(depth: Int) -> JSON? {
            position += 1
            var elements: [JSON] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                guard let element = value(depth: depth + 1) else { return nil }
                elements.append(element)
                skipWhitespace()
                guard position < bytes.count else { return nil }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
                return nil
            }
        }

        mutating func string() -> String? {
            position += 1
            let start = position
            // Fast path: no escapes, the bytes are the string.
            var ascii = true
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let text = Self.text(UnsafeBufferPointer(rebasing: bytes[start..<position]), ascii: ascii)
                    position += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { return nil }
                if byte >= 0x80 { ascii = false }
                position += 1
            }
            var buffer = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return buffer.withUnsafeBufferPointer { Self.text($0, ascii: false) }
                case UInt8(ascii: "\\"):
                    position += 1
                    guard position < bytes.count else { return nil }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                    case UInt8(ascii: "b"): buffer.append(0x08)
                    case UInt8(ascii: "f"): buffer.append(0x0C)
                    case UInt8(ascii: "n"): buffer.append(0x0A)
                    case UInt8(ascii: "r"): buffer.append(0x0D)
                    case UInt8(ascii: "t"): buffer.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard literal("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            return nil
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        buffer.append(contentsOf: UTF8.encode(unicode)!)
                    default: return nil
                    }
                default:
                    if byte < 0x20 { return nil }
                    buffer.append(byte)
                    position += 1
                }
            }
            return nil
        }

        /// Decodes UTF-8; `nil` for malformed bytes, which `String(decoding:)` would silently
        /// repair to U+FFFD (a string that really holds U+FFFD also goes the slow way: harmless).
        static func text(_ buffer: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String? {
            let text = String(decoding: buffer, as: UTF8.self)
            if ascii { return text }
            return text.unicodeScalars.contains("\u{FFFD}") ? nil : text
        }

        mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        mutating func number() -> Double? {
            let start = position
            func digits() -> Int {
                let first = position
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
                return position - first
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            let integerStart = position
            let integerDigits = digits()
            guard integerDigits > 0 else { return nil }
            if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") { return nil }
            var simple = integerDigits <= 15
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { return nil }
                simple = false
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { return nil }
                simple = false
            }
            if simple {
                // Up to 15 digits, an integer is exact in a Double.
                var value = 0
                for index in integerStart..<position { value = value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                return bytes[start] == UInt8(ascii: "-") ? (value == 0 ? -0.0 : -Double(value)) : Double(value)
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        }
    }

    // MARK: Writing

    /// Serialises with keys in code-point order: compact, or indented by two spaces.
    static func write(_ value: JSON, pretty: Bool) -> Data {
        var output: [UInt8] = []
        output.reserveCapacity(1 << 12)
        append(value, to: &output, pretty: pretty, indent: 0)
        if pretty { output.append(0x0A) }
        return Data(output)
    }

    private static func append(_ value: JSON, to output: inout [UInt8], pretty: Bool, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): appendNumber(number, to: &output)
        case .string(let text): appendString(text, to: &output)
        case .array(let elements):
            if elements.isEmpty { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { newline(&output, indent + 1) }
                append(element, to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&output, indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            if fields.isEmpty { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            for (index, key) in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { newline(&output, indent + 1) }
                appendString(key, to: &output)
                output.append(contentsOf: (pretty ? " : " : ":").utf8)
                append(fields[key]!, to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&output, indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ output: inout [UInt8], _ indent: Int) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    private static func appendNumber(_ number: Double, to output: inout [UInt8]) {
        guard number.isFinite else { output.append(contentsOf: "null".utf8); return }
        // Whole numbers print without a fraction, as people write them (and as JSON.serialized does).
        if number.rounded() == number, abs(number) < 1e15 {
            output.append(contentsOf: String(Int64(number)).utf8)
        } else {
            output.append(contentsOf: number.description.utf8)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0x08: output.append(contentsOf: "\\b".utf8)
            case 0x0C: output.append(contentsOf: "\\f".utf8)
            case ..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSON {
    /// Compact text with sorted keys, fast: for storage and large generated documents.
    public var compactText: String { String(decoding: JSONText.write(self, pretty: false), as: UTF8.self) }

    /// Indented text with sorted keys, fast; the same layout as ``serialized(pretty:)`` for
    /// ASCII keys, which is all a catalogue uses.
    public func prettyData() -> Data { JSONText.write(self, pretty: true) }
}
