import Foundation
import StackPlanCore

/// Expanded JSON-LD to RDF quads (JSON-LD 1.1 Processing, "Deserialize JSON-LD to RDF").
struct RDFWriter {
    private(set) var quads: [Quad] = []
    private var blankCounter = 0
    private var labels: [String: String] = [:]

    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let xsd = "http://www.w3.org/2001/XMLSchema#"

    static func isAbsolute(_ iri: String) -> Bool {
        guard let colon = iri.firstIndex(of: ":"), colon != iri.startIndex else { return false }
        let scheme = iri[..<colon]
        return scheme.first!.isLetter && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
    }

    mutating func freshBlank() -> Term {
        blankCounter += 1
        return .blank("b\(blankCounter)")
    }

    /// Blank node labels from the document are renamed, so they cannot collide with fresh ones.
    mutating func term(forID id: String) -> Term? {
        if id.hasPrefix("_:") {
            if let label = labels[id] { return .blank(label) }
            blankCounter += 1
            labels[id] = "b\(blankCounter)"
            return .blank("b\(blankCounter)")
        }
        return Self.isAbsolute(id) ? .iri(id) : nil
    }

    mutating func write(_ nodes: [JSON]) throws {
        for element in nodes { _ = try node(element, graph: nil) }
    }

    /// Emits a node object's statements; returns its subject.
    private mutating func node(_ element: JSON, graph: Term?) throws -> Term? {
        guard case .object(let fields) = element else { return nil }
        let subject: Term?
        if case .string(let id)? = fields["@id"] { subject = term(forID: id) } else { subject = freshBlank() }
        guard let subject else { return nil }
        if case .array(let types)? = fields["@type"] {
            for case .string(let type) in types {
                if let object = term(forID: type) { quads.append(Quad(subject: subject, predicate: .iri(Self.rdf + "type"), object: object, graph: graph)) }
            }
        }
        for key in fields.keys.sorted() where !key.hasPrefix("@") {
            guard Self.isAbsolute(key), !key.hasPrefix("_:"), case .array(let values)? = fields[key] else { continue }
            for value in values {
                if let object = try object(value, graph: graph) {
                    quads.append(Quad(subject: subject, predicate: .iri(key), object: object, graph: graph))
                }
            }
        }
        if case .array(let inner)? = fields["@graph"] {
            for member in inner { _ = try node(member, graph: subject) }
        }
        return subject
    }

    private mutating func object(_ element: JSON, graph: Term?) throws -> Term? {
        guard case .object(let fields) = element else { return nil }
        if let value = fields["@value"] { return try literal(value, type: fields["@type"], language: fields["@language"]) }
        if let list = fields["@list"] {
            let items: [JSON] = if case .array(let values) = list { values } else { [list] }
            return try self.list(items, graph: graph)
        }
        return try node(element, graph: graph)
    }

    private mutating func list(_ items: [JSON], graph: Term?) throws -> Term {
        guard !items.isEmpty else { return .iri(Self.rdf + "nil") }
        let nodes = items.map { _ in freshBlank() }
        for (index, item) in items.enumerated() {
            if let value = try object(item, graph: graph) {
                quads.append(Quad(subject: nodes[index], predicate: .iri(Self.rdf + "first"), object: value, graph: graph))
            }
            let rest: Term = index + 1 < nodes.count ? nodes[index + 1] : .iri(Self.rdf + "nil")
            quads.append(Quad(subject: nodes[index], predicate: .iri(Self.rdf + "rest"), object: rest, graph: graph))
        }
        return nodes[0]
    }

    private func literal(_ value: JSON, type: JSON?, language: JSON?) throws -> Term? {
        var datatype: String? = if case .string(let text)? = type { text } else { nil }
        if datatype == "@json" {
            return .literal(Self.canonicalJSON(value), datatype: Self.rdf + "JSON", language: nil)
        }
        switch value {
        case .bool(let flag):
            return .literal(flag ? "true" : "false", datatype: datatype ?? Self.xsd + "boolean", language: nil)
        case .number(let number):
            // JSON-LD 1.1 "Object to RDF Conversion": a number without a fractional part, below
            // 10^21, is written in integer form whatever its datatype (`36` stays "36" as an
            // xsd:float, as OB 3.0's creditsAvailable is signed), unless the datatype is xsd:double.
            let isIntegral = number.rounded() == number && abs(number) < 1e21
            if isIntegral && datatype != Self.xsd + "double" {
                return .literal(Self.canonicalInteger(number), datatype: datatype ?? Self.xsd + "integer", language: nil)
            }
            return .literal(Self.canonicalDouble(number), datatype: datatype ?? Self.xsd + "double", language: nil)
        case .string(let text):
            if case .string(let code)? = language { return .literal(text, datatype: Term.langString, language: code) }
            return .literal(text, datatype: datatype ?? Term.xsdString, language: nil)
        default:
            throw JSONLDProcessor.Unsupported(description: "a value object holds \(value.typeName)")
        }
    }

    /// An integral number below 10^21 in integer form; negative zero is `0`.
    static func canonicalInteger(_ number: Double) -> String {
        number == 0 ? "0" : String(format: "%.0f", number)
    }

    /// XML Schema canonical double: `1.5E0`, `1.0E1`.
    static func canonicalDouble(_ number: Double) -> String {
        var text = String(format: "%.15E", number == 0 ? 0 : number)
        guard let exponentIndex = text.firstIndex(of: "E") else { return text }
        var mantissa = String(text[..<exponentIndex])
        var exponent = String(text[text.index(after: exponentIndex)...])
        while mantissa.hasSuffix("0") && !mantissa.hasSuffix(".0") { mantissa.removeLast() }
        let negative = exponent.hasPrefix("-")
        exponent = exponent.trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
        while exponent.count > 1 && exponent.hasPrefix("0") { exponent.removeFirst() }
        text = mantissa + "E" + (negative ? "-" : "") + exponent
        return text
    }

    /// JSON Canonicalization (RFC 8785) for the values `@json` terms hold: sorted keys, no spaces.
    static func canonicalJSON(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return ecmaScriptNumber(number)
        case .string(let text):
            let data = JSON.string(text).serialized(pretty: false)
            return String(decoding: data, as: UTF8.self)
        case .array(let items): return "[" + items.map(canonicalJSON).joined(separator: ",") + "]"
        case .object(let fields):
            let keys = fields.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            return "{" + keys.map { canonicalJSON(.string($0)) + ":" + canonicalJSON(fields[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A number as ECMAScript's `Number.prototype.toString` writes it, which RFC 8785 requires:
    /// the shortest digits that read back as the same double, in plain notation from 10^-7 up to
    /// 10^21 (`0.000001`, `100`, `1.5`), otherwise as `1e-7`, `1.5e+300`.
    static func ecmaScriptNumber(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == 0 { return "0" }
        // Swift's description holds the shortest round-trip digits ("1.5e-07", "123.0", "0.001").
        let text = abs(number).description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let pointIndex = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
        let integerDigits = mantissa[..<pointIndex]
        let fractionDigits = pointIndex < mantissa.endIndex ? mantissa[mantissa.index(after: pointIndex)...] : ""
        var digits = String(integerDigits + fractionDigits)
        // The value is 0.digits × 10^point.
        var point = integerDigits.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let count = digits.count
        let sign = number < 0 ? "-" : ""
        if count <= point && point <= 21 {
            return sign + digits + String(repeating: "0", count: point - count)
        }
        if 0 < point && point <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: point)
            return sign + digits[..<split] + "." + digits[split...]
        }
        if -6 < point && point <= 0 {
            return sign + "0." + String(repeating: "0", count: -point) + digits
        }
        let shown = point - 1
        let exponentText = (shown < 0 ? "-" : "+") + String(abs(shown))
        if count == 1 { return sign + digits + "e" + exponentText }
        return sign + digits.prefix(1) + "." + digits.dropFirst() + "e" + exponentText
    }
}
