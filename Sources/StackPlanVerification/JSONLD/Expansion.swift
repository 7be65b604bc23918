import Foundation
import StackPlanCore

/// JSON-LD 1.1 expansion and conversion to RDF, for the features verifiable credential
/// contexts use: term definitions with type coercion, `@vocab`, compact IRIs, type-scoped and
/// property-scoped contexts, `@graph`, `@set`, `@list` and `@language` containers, `@json`.
/// Contexts come only from ``BundledContexts``. Anything outside that subset, or a term no
/// context defines, stops the conversion with a reason: a proof is never checked against a
/// document that was read differently from how its signer read it.
struct JSONLDProcessor {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    struct TermDefinition {
        var iri: String?
        var typeMapping: String?
        var container: Set<String> = []
        var language: String??
        var context: JSON?
    }

    final class ActiveContext {
        var terms: [String: TermDefinition] = [:]
        var vocab: String?
        var language: String?
        /// The context to return to below a node, when this one came from a type (type-scoped contexts do not propagate).
        var previous: ActiveContext?

        func copy() -> ActiveContext {
            let other = ActiveContext()
            other.terms = terms
            other.vocab = vocab
            other.language = language
            other.previous = previous
            return other
        }
    }

    static let maximumDepth = 64
    private var depth = 0

    // MARK: Contexts

    mutating func process(_ local: JSON, onto active: ActiveContext, propagate: Bool = true) throws -> ActiveContext {
        let result = active.copy()
        if !propagate && result.previous == nil { result.previous = active }
        let items: [JSON] = if case .array(let list) = local { list } else { [local] }
        var current = result
        for item in items {
            switch item {
            case .null:
                let fresh = ActiveContext()
                fresh.previous = current.previous
                current = fresh
            case .string(let url):
                guard let remote = BundledContexts.context(url) else {
                    throw Unsupported(description: "context \(url) is not bundled")
                }
                depth += 1
                defer { depth -= 1 }
                guard depth < Self.maximumDepth else { throw Unsupported(description: "contexts nest too deeply") }
                let loaded = try process(remote, onto: current)
                loaded.previous = current.previous
                current = loaded
            case .object(let definitions):
                for key in ["@import", "@base", "@propagate"] where definitions[key] != nil {
                    if key == "@base" { continue }
                    throw Unsupported(description: "context keyword \(key) is not supported")
                }
                if let vocab = definitions["@vocab"] {
                    switch vocab {
                    case .null: current.vocab = nil
                    case .string(let text): current.vocab = try expandIRI(text, context: current, local: definitions, vocab: true)
                    default: throw Unsupported(description: "@vocab must be a string")
                    }
                }
                if let language = definitions["@language"] {
                    if case .string(let text) = language { current.language = text.lowercased() } else { current.language = nil }
                }
                var defining: Set<String> = []
                for key in definitions.keys.sorted() where !key.hasPrefix("@") {
                    try define(key, local: definitions, in: current, defining: &defining)
                }
            default:
                throw Unsupported(description: "a context must be a URL, an object or null")
            }
        }
        return current
    }

    private mutating func define(_ term: String, local: [String: JSON], in context: ActiveContext, defining: inout Set<String>) throws {
        if defining.contains(term) { return }
        if context.terms[term] != nil, local[term] == nil { return }
        // Prefix chains recurse once per link; a hostile context must not exhaust the stack.
        guard defining.count < 512 else { throw Unsupported(description: "the context's term definitions depend on each other too deeply") }
        defining.insert(term)
        var definition = TermDefinition()
        let value = local[term] ?? .null
        var fields: [String: JSON] = [:]
        switch value {
        case .null:
            context.terms[term] = TermDefinition(iri: nil)
            return
        case .string(let id): fields = ["@id": .string(id)]
        case .object(let object): fields = object
        default: throw Unsupported(description: "term \(term) has an invalid definition")
        }
        if fields["@reverse"] != nil || fields["@nest"] != nil || fields["@prefix"] != nil {
            throw Unsupported(description: "term \(term) uses @reverse, @nest or @prefix")
        }
        // Prefixes used by this definition are defined first.
        func dependency(_ text: String) throws {
            if let colon = text.firstIndex(of: ":") {
                let prefix = String(text[..<colon])
                if local[prefix] != nil && prefix != term { try define(prefix, local: local, in: context, defining: &defining) }
            } else if local[text] != nil && text != term {
                try define(text, local: local, in: context, defining: &defining)
            }
        }
        if case .string(let id)? = fields["@id"] {
            if id.hasPrefix("@") {
                definition.iri = id
            } else {
                try dependency(id)
                definition.iri = try expandIRI(id, context: context, local: nil, vocab: true)
            }
        } else if fields["@id"] == .null && fields.keys.contains("@id") {
            definition.iri = nil
        } else if term.contains(":") {
            try dependency(term)
            definition.iri = try expandIRI(term, context: context, local: nil, vocab: true)
        } else if let vocab = context.vocab {
            definition.iri = vocab + term
        } else {
            throw Unsupported(description: "term \(term) has no IRI and there is no @vocab")
        }
        if case .string(let type)? = fields["@type"] {
            if ["@id", "@vocab", "@json", "@none"].contains(type) {
                definition.typeMapping = type
            } else {
                try dependency(type)
                definition.typeMapping = try expandIRI(type, context: context, local: nil, vocab: true)
            }
        }
        switch fields["@container"] {
        case .string(let container)?: definition.container = [container]
        case .array(let containers)?: definition.container = Set(containers.compactMap { if case .string(let text) = $0 { text } else { nil } })
        default: break
        }
        if !definition.container.isSubset(of: ["@set", "@list", "@graph", "@language"]) {
            throw Unsupported(description: "term \(term) uses container \(definition.container.sorted().joined(separator: ", "))")
        }
        if let language = fields["@language"] {
            if case .string(let text) = language { definition.language = .some(text.lowercased()) } else { definition.language = .some(nil) }
        }
        if let scoped = fields["@context"] { definition.context = scoped }
        context.terms[term] = definition
    }

    func expandIRI(_ value: String, context: ActiveContext, local: [String: JSON]?, vocab: Bool) throws -> String? {
        if value.hasPrefix("@") { return value }
        if vocab, let definition = context.terms[value] { return definition.iri }
        if let colon = value.firstIndex(of: ":") {
            let prefix = String(value[..<colon]), suffix = value[value.index(after: colon)...]
            if prefix == "_" || suffix.hasPrefix("//") { return value }
            if let definition = context.terms[prefix], let iri = definition.iri { return iri + suffix }
            return value
        }
        if vocab, let base = context.vocab { return base + value }
        return value
    }

    // MARK: Expansion

    /// Terms the document uses that no bundled context defines.
    private(set) var undefinedTerms: [String] = []
    /// `@type` values that may stay undefined: they are dropped, as JSON-LD processors drop
    /// relative IRIs when converting to RDF. Only a proof's own type is ever listed here, which
    /// the verifier checks itself (legacy suites such as `EcdsaSecp256k1Signature2019` were
    /// signed under contexts that do not define their own type name).
    var droppableTypes: Set<String> = []

    mutating func expand(_ document: JSON) throws -> [JSON] {
        let result = try expand(document, context: ActiveContext(), property: nil)
        switch result {
        case .array(let items)?: return items
        case .object(let fields)? where fields.count == 1 && fields["@graph"] != nil:
            if case .array(let items)? = fields["@graph"] { return items }
            return []
        case let item?: return [item]
        case nil: return []
        }
    }

    private mutating func expand(_ element: JSON, context active: ActiveContext, property: String?) throws -> JSON? {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maximumDepth else { throw Unsupported(description: "the document nests too deeply") }
        let definition = property.flatMap { active.terms[$0] }
        switch element {
        case .null:
            return nil
        case .array(let items):
            var expanded: [JSON] = []
            for item in items {
                switch try expand(item, context: active, property: property) {
                case .array(let inner)?: expanded += inner
                case let value?: expanded.append(value)
                case nil: break
                }
            }
            if definition?.container.contains("@list") == true { return .object(["@list": .array(expanded)]) }
            return .array(expanded)
        case .object(var fields):
            var context = active
            // A type-scoped context stops at the node's children, unless they are values or references.
            if let previous = context.previous {
                let keys = Set(fields.keys)
                if !keys.contains("@value") && !(keys.count == 1 && (keys.contains("@id") || keys.contains("id"))) {
                    context = previous
                }
            }
            if let scoped = definition?.context { context = try process(scoped, onto: context) }
            if let local = fields.removeValue(forKey: "@context") { context = try process(local, onto: context) }
            let typeScope = context
            // Type-scoped contexts, in lexicographic order of the types.
            for key in fields.keys.sorted() where try expandIRI(key, context: context, local: nil, vocab: true) == "@type" {
                let types: [String] = switch fields[key] {
                case .string(let type)?: [type]
                case .array(let list)?: list.compactMap { if case .string(let text) = $0 { text } else { nil } }
                default: []
                }
                for type in types.sorted() {
                    if let scoped = typeScope.terms[type]?.context { context = try process(scoped, onto: context, propagate: false) }
                }
            }
            var result: [String: JSON] = [:]
            func append(_ key: String, _ value: JSON) {
                let values: [JSON] = if case .array(let list) = value { list } else { [value] }
                if case .array(let existing)? = result[key] { result[key] = .array(existing + values) } else { result[key] = .array(values) }
            }
            for key in fields.keys.sorted() {
                let value = fields[key]!
                guard let expandedKey = try expandIRI(key, context: context, local: nil, vocab: true) else { continue }
                if !expandedKey.hasPrefix("@") && !expandedKey.contains(":") {
                    undefinedTerms.append(key)
                    continue
                }
                switch expandedKey {
                case "@id":
                    guard case .string(let id) = value else { throw Unsupported(description: "@id must be a string") }
                    result["@id"] = .string(try expandIRI(id, context: context, local: nil, vocab: false) ?? id)
                case "@type":
                    let types: [JSON] = if case .array(let list) = value { list } else { [value] }
                    var expandedTypes: [JSON] = []
                    for type in types {
                        guard case .string(let text) = type else { throw Unsupported(description: "@type must hold strings") }
                        guard let iri = try expandIRI(text, context: typeScope, local: nil, vocab: true) else { continue }
                        if !iri.contains(":") {
                            if !droppableTypes.contains(text) { undefinedTerms.append(text) }
                            continue
                        }
                        expandedTypes.append(.string(iri))
                    }
                    if fields.keys.contains(where: { (try? expandIRI($0, context: context, local: nil, vocab: true)) == "@value" }) {
                        result["@type"] = expandedTypes.first
                    } else {
                        append("@type", .array(expandedTypes))
                    }
                case "@value":
                    result["@value"] = value
                case "@language":
                    if case .string(let language) = value { result["@language"] = .string(language.lowercased()) }
                case "@graph":
                    append("@graph", try expand(value, context: context, property: "@graph") ?? .array([]))
                case "@list":
                    let items = try expand(value, context: context, property: property) ?? .array([])
                    if case .object(let inner) = items, let list = inner["@list"] { result["@list"] = list } else { result["@list"] = items }
                case "@set":
                    return try expand(value, context: context, property: property)
                case "@index", "@direction":
                    continue
                default:
                    if expandedKey.hasPrefix("@") { throw Unsupported(description: "keyword \(expandedKey) is not supported") }
                    let term = context.terms[key]
                    var expandedValue: JSON?
                    if term?.typeMapping == "@json" {
                        expandedValue = .object(["@value": value, "@type": .string("@json")])
                    } else if term?.container.contains("@language") == true, case .object(let map) = value {
                        var values: [JSON] = []
                        for language in map.keys.sorted() {
                            let texts: [JSON] = if case .array(let list) = map[language]! { list } else { [map[language]!] }
                            for text in texts where text != .null {
                                values.append(.object(["@value": text, "@language": .string(language.lowercased())]))
                            }
                        }
                        expandedValue = .array(values)
                    } else {
                        expandedValue = try expand(value, context: context, property: key)
                    }
                    guard var expandedValue else { continue }
                    if term?.container.contains("@list") == true, case .array = expandedValue {
                        expandedValue = .object(["@list": expandedValue])
                    }
                    if term?.container.contains("@graph") == true {
                        let items: [JSON] = if case .array(let list) = expandedValue { list } else { [expandedValue] }
                        expandedValue = .array(items.map { .object(["@graph": .array([$0])]) })
                    }
                    append(expandedKey, expandedValue)
                }
            }
            if result["@value"] != nil {
                if result["@value"] == .null { return nil }
                return .object(result)
            }
            if result.keys.allSatisfy({ $0 == "@language" }) { return nil }
            if property == nil || property == "@graph", result.count == 1, result["@list"] != nil { return nil }
            return .object(result)
        default:
            // A scalar: coerced by the property's definition.
            guard let property, property != "@graph" else { return nil }
            // A property-scoped context applies to the property's scalar values too (`@type: @vocab`).
            let context = try definition?.context.map { try process($0, onto: active) } ?? active
            return try expandValue(element, definition: definition, context: context)
        }
    }

    private func expandValue(_ value: JSON, definition: TermDefinition?, context: ActiveContext) throws -> JSON {
        if case .string(let text) = value {
            switch definition?.typeMapping {
            case "@id"?: return .object(["@id": .string(try expandIRI(text, context: context, local: nil, vocab: false) ?? text)])
            case "@vocab"?: return .object(["@id": .string(try expandIRI(text, context: context, local: nil, vocab: true) ?? text)])
            default: break
            }
        }
        if let type = definition?.typeMapping, type != "@id", type != "@vocab", type != "@none" {
            return .object(["@value": value, "@type": .string(type)])
        }
        if case .string = value {
            var language = context.language
            if let definition, let specific = definition.language { language = specific }
            if let code = language { return .object(["@value": value, "@language": .string(code)]) }
        }
        return .object(["@value": value])
    }
}
