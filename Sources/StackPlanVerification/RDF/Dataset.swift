/// RDF terms and quads, enough for JSON-LD's conversion to RDF and for RDFC-1.0.
enum Term: Hashable, Sendable {
    case iri(String)
    case blank(String)
    case literal(String, datatype: String, language: String?)

    static let xsdString = "http://www.w3.org/2001/XMLSchema#string"
    static let langString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

    var blankLabel: String? {
        if case .blank(let label) = self { return label }
        return nil
    }

    /// The term in canonical N-Quads form (RDF Dataset Canonicalization, section 4.4 and N-Triples' canonical form).
    var nquads: String {
        switch self {
        case .iri(let iri): return "<\(iri)>"
        case .blank(let label): return "_:\(label)"
        case .literal(let value, let datatype, let language):
            let quoted = "\"\(Self.escape(value))\""
            if let language { return "\(quoted)@\(language)" }
            return datatype == Self.xsdString ? quoted : "\(quoted)^^<\(datatype)>"
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

struct Quad: Hashable, Sendable {
    var subject: Term
    var predicate: Term
    var object: Term
    /// `nil` for the default graph.
    var graph: Term?

    var nquads: String {
        "\(subject.nquads) \(predicate.nquads) \(object.nquads) " + (graph.map { "\($0.nquads) " } ?? "") + ".\n"
    }

    /// The quad with blank node labels replaced.
    func relabelled(_ label: (String) -> String) -> Quad {
        func map(_ term: Term) -> Term {
            if case .blank(let old) = term { return .blank(label(old)) }
            return term
        }
        return Quad(subject: map(subject), predicate: predicate, object: map(object), graph: graph.map(map))
    }
}

/// N-Quads lines (RDF 1.1 N-Quads), for test vectors and canonical output.
enum NQuads {
    struct SyntaxError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "N-Quads line \(line): \(message)" }
    }

    static func parse(_ text: String) throws -> [Quad] {
        var quads: [Quad] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var scanner = Scanner(scalars: Array(line.unicodeScalars), line: number + 1)
            scanner.skipSpace()
            if scanner.atEnd || scanner.peek == "#" { continue }
            var terms: [Term] = []
            while true {
                scanner.skipSpace()
                guard let next = scanner.peek else { throw SyntaxError(line: number + 1, message: "missing final \".\"") }
                if next == "." { break }
                terms.append(try scanner.term())
            }
            guard terms.count == 3 || terms.count == 4 else { throw SyntaxError(line: number + 1, message: "a quad has 3 or 4 terms") }
            quads.append(Quad(subject: terms[0], predicate: terms[1], object: terms[2], graph: terms.count == 4 ? terms[3] : nil))
        }
        return quads
    }

    struct Scanner {
        let scalars: [Unicode.Scalar]
        let line: Int
        var position = 0

        var atEnd: Bool { position >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }

        mutating func skipSpace() {
            while let next = peek, next == " " || next == "\t" || next == "\r" { position += 1 }
        }

        func fail(_ message: String) -> SyntaxError { SyntaxError(line: line, message: message) }

        mutating func until(_ end: Unicode.Scalar) throws -> String {
            var text = ""
            while let next = peek, next != end { text.unicodeScalars.append(next); position += 1 }
            guard peek == end else { throw fail("unterminated term") }
            position += 1
            return text
        }

        mutating func term() throws -> Term {
            switch peek {
            case "<":
                position += 1
                return .iri(try until(">"))
            case "_":
                position += 2
                var label = ""
                while let next = peek, next != " ", next != "\t", !(next == "." && position + 1 >= scalars.count) {
                    label.unicodeScalars.append(next)
                    position += 1
                }
                return .blank(label)
            case "\"":
                position += 1
                var value = ""
                while true {
                    guard let next = peek else { throw fail("unterminated literal") }
                    position += 1
                    if next == "\"" { break }
                    if next != "\\" { value.unicodeScalars.append(next); continue }
                    guard let escaped = peek else { throw fail("unterminated escape") }
                    position += 1
                    switch escaped {
                    case "t": value += "\t"
                    case "b": value += "\u{08}"
                    case "n": value += "\n"
                    case "r": value += "\r"
                    case "f": value += "\u{0C}"
                    case "\"", "'", "\\": value.unicodeScalars.append(escaped)
                    case "u", "U":
                        let digits = escaped == "u" ? 4 : 8
                        guard position + digits <= scalars.count,
                              let code = UInt32(String(String.UnicodeScalarView(scalars[position..<(position + digits)])), radix: 16),
                              let scalar = Unicode.Scalar(code) else { throw fail("bad \\u escape") }
                        value.unicodeScalars.append(scalar)
                        position += digits
                    default: throw fail("unknown escape \\\(escaped)")
                    }
                }
                if peek == "@" {
                    position += 1
                    var language = ""
                    while let next = peek, next != " ", next != "\t" { language.unicodeScalars.append(next); position += 1 }
                    return .literal(value, datatype: Term.langString, language: language)
                }
                if peek == "^" {
                    position += 2
                    guard peek == "<" else { throw fail("datatype must be an IRI") }
                    position += 1
                    return .literal(value, datatype: try until(">"), language: nil)
                }
                return .literal(value, datatype: Term.xsdString, language: nil)
            default:
                throw fail("unexpected character")
            }
        }
    }
}
