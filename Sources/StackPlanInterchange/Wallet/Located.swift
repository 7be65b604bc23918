import Foundation
import StackPlanCore

/// A JSON value together with the JSONPath it was found at, so that every fact read from a
/// wallet document, and every problem in it, can be traced back to its place.
struct Located {
    let value: JSON
    let path: String

    init(_ value: JSON, path: String) {
        self.value = value
        self.path = path
    }

    /// The member `key`, or `nil` when it is absent or `null`.
    subscript(key: String) -> Located? {
        guard case .object(let fields) = value, let member = fields[key], member != .null else { return nil }
        return Located(member, path: "\(path).\(key)")
    }

    /// JSON-LD lets any property hold one value or an array of them; both read as a list here.
    var items: [Located] {
        if case .array(let values) = value {
            return values.enumerated().compactMap { index, member in
                member == .null ? nil : Located(member, path: "\(path)[\(index)]")
            }
        }
        return [self]
    }

    var isObject: Bool {
        if case .object = value { return true }
        return false
    }

    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// `type` (or JSON-LD's `@type`), one name or several.
    var types: [String] {
        (self["type"] ?? self["@type"])?.items.compactMap(\.string) ?? []
    }

    /// Human-readable text: a plain string, a language map (`{"en": "…"}`), a JSON-LD value
    /// object or a list of them. English is preferred, then the first language in code order,
    /// so that the same document always gives the same text.
    var text: String? {
        func clean(_ text: String) -> String? {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        switch value {
        case .string(let text):
            return clean(text)
        case .object(let fields):
            if case .string(let text)? = fields["@value"] { return clean(text) }
            let languages = fields.keys.filter { !$0.hasPrefix("@") }.sorted { lhs, rhs in
                (lhs == "en" ? 0 : 1, lhs) < (rhs == "en" ? 0 : 1, rhs)
            }
            for language in languages {
                if let text = Located(fields[language]!, path: "\(path).\(language)").text { return text }
            }
            return nil
        case .array(let values):
            let tagged = values.compactMap { value -> (String, String)? in
                guard case .object(let fields) = value, case .string(let text)? = fields["@value"] else { return nil }
                if case .string(let language)? = fields["@language"] { return (language, text) }
                return ("", text)
            }
            if let english = tagged.first(where: { $0.0 == "en" }) ?? tagged.first { return clean(english.1) }
            return items.lazy.compactMap(\.text).first
        default:
            return nil
        }
    }
}

/// Text in a form where spelling variants meet: lower case, no accents, words separated by one space.
func normalised(_ text: String) -> String {
    let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en"))
    var result = ""
    var pendingSpace = false
    for character in folded {
        if character.isLetter || character.isNumber {
            if pendingSpace && !result.isEmpty { result.append(" ") }
            result.append(character)
            pendingSpace = false
        } else {
            pendingSpace = true
        }
    }
    return result
}

/// Identifiers and URIs compare without case, trailing slashes or the http/https difference.
func identifierKey(_ identifier: String) -> String {
    var text = identifier.trimmingCharacters(in: .whitespaces).lowercased()
    if text.hasPrefix("https://") { text = "http://" + text.dropFirst(8) }
    while text.hasSuffix("/") { text.removeLast() }
    return text
}

/// Numbers as people read them: `2`, `1.5`.
func formatted(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
