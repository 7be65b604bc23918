import Foundation
import StackPlanCore

/// Readers for the value shapes wallet documents share: concepts, credit points, durations, dates.
/// Each reports a malformed value as an error at its path and returns `nil`.
extension WalletParser {
    static let ectsConcept = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    static let eqfConceptPrefix = "http://data.europa.eu/snb/eqf/"

    /// Whether a credit framework (an ELM concept, its URI or a name) is ECTS.
    func isECTS(_ framework: Located) -> Bool {
        func names(_ text: String) -> Bool {
            let normal = normalised(text)
            return normal == "ects" || normal.contains("european credit transfer")
                || sameURI(text, Self.ectsConcept)
        }
        if let text = framework.string { return names(text) }
        if let id = framework["id"]?.string ?? framework["@id"]?.string, sameURI(id, Self.ectsConcept) { return true }
        if let notation = framework["notation"]?.text, normalised(notation) == "ects" { return true }
        return framework["prefLabel"]?.text.map(names) ?? false
    }

    func sameURI(_ lhs: String, _ rhs: String) -> Bool { identifierKey(lhs) == identifierKey(rhs) }

    /// The name of a credit framework for reports.
    func frameworkName(_ framework: Located?) -> String? {
        guard let framework else { return nil }
        if let text = framework.string { return text }
        return framework["prefLabel"]?.text ?? framework["notation"]?.text ?? (framework["id"] ?? framework["@id"])?.string
    }

    /// A non-negative amount written as a number or as text, with a decimal point or a decimal
    /// comma (`"1,5"`, as continental European issuers write it).
    func amount(_ node: Located, what: String) -> Double? {
        switch node.value {
        case .number(let value) where value >= 0 && value.isFinite:
            return value
        case .number(let value):
            error(node.path, "\(what) must be zero or more, found \(formatted(value))")
            return nil
        case .string(let raw):
            let text = raw.trimmingCharacters(in: .whitespaces)
            let digitsAndOneSeparator = !text.isEmpty
                && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }
                && text.filter { $0 == "." || $0 == "," }.count <= 1
                && text.first!.isNumber && text.last!.isNumber
            if digitsAndOneSeparator, let value = Double(text.replacingOccurrences(of: ",", with: ".")) { return value }
            error(node.path, "\(what) must be a number such as 2 or \"1,5\", found \"\(raw)\"")
            return nil
        default:
            error(node.path, "\(what) must be a number, found \(node.value.typeName)")
            return nil
        }
    }

    /// An EQF level: the ELM concept `http://data.europa.eu/snb/eqf/N`, its URI alone, a notation
    /// or label naming the level (`"6"`, `"EQF 6"`, `"Level 6"`), or a bare number.
    func eqfLevel(_ node: Located) -> Int? {
        func level(in text: String) -> Int? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("http") {
                let plain = trimmed.lowercased().replacingOccurrences(of: "https://", with: "http://")
                guard plain.hasPrefix(Self.eqfConceptPrefix) else { return nil }
                return Int(plain.dropFirst(Self.eqfConceptPrefix.count).trimmingCharacters(in: CharacterSet(charactersIn: "/")))
            }
            let words = normalised(trimmed).split(separator: " ")
            if words.count == 1 { return Int(words[0]) }
            if words.count == 2, ["eqf", "level"].contains(words[0]) { return Int(words[1]) }
            if words.count == 3, words[0] == "eqf", words[1] == "level" { return Int(words[2]) }
            return nil
        }
        var found: Int?
        switch node.value {
        case .number(let value) where value.rounded() == value && abs(value) < 100:
            found = Int(value)
        case .string(let text):
            found = level(in: text)
        case .object:
            let id = (node["id"] ?? node["@id"])?.string
            found = id.flatMap(level(in:)) ?? node["notation"]?.text.flatMap(level(in:)) ?? node["prefLabel"]?.text.flatMap(level(in:))
        default:
            break
        }
        guard let found else {
            error(node.path, "is not an EQF level: expected the concept \(Self.eqfConceptPrefix)1 … /8, a notation 1–8 or a number")
            return nil
        }
        guard (1...8).contains(found) else {
            error(node.path, "EQF levels run from 1 to 8, found \(found)")
            return nil
        }
        return found
    }

    /// Learning hours from an ISO 8601 duration (`PT60H`, `PT90M`, `PT1,5H`). Days, weeks, months
    /// and years say how long the learning lasted, not how many hours it took, so they give no hours.
    func learningHours(_ node: Located, notes: inout [String]) -> Double? {
        guard let text = node.string else {
            error(node.path, "must be an ISO 8601 duration such as \"PT60H\", found \(node.value.typeName)")
            return nil
        }
        guard let duration = ISODuration(text) else {
            error(node.path, "must be an ISO 8601 duration such as \"PT60H\", found \"\(text)\"")
            return nil
        }
        if duration.hasCalendarPart {
            notes.append("volume of learning \(text) at \(node.path) is given in days, weeks, months or years, not hours; no learning hours are taken from it")
            return nil
        }
        guard duration.hours > 0 else {
            notes.append("volume of learning \(text) at \(node.path) is zero; it is ignored")
            return nil
        }
        return duration.hours
    }

    /// A calendar date from `YYYY-MM-DD` or an ISO 8601 date-time, whose date part is taken as written
    /// (no time-zone conversion: the day the issuer wrote is the day reported).
    func date(_ node: Located) -> Day? {
        guard let text = node.string?.trimmingCharacters(in: .whitespaces) else {
            error(node.path, "must be a date such as \"2024-05-01\" or \"2024-05-01T00:00:00Z\", found \(node.value.typeName)")
            return nil
        }
        let datePart = String(text.prefix(10))
        let rest = text.dropFirst(10)
        if let day = Day(datePart), rest.isEmpty || rest.first == "T" || rest.first == "t" || rest.first == " " {
            guard WalletParser.days.contains(day) else {
                error(node.path, "must lie in \(WalletParser.days.lowerBound)–\(WalletParser.days.upperBound), found \(day)")
                return nil
            }
            return day
        }
        error(node.path, "must be a date such as \"2024-05-01\" or \"2024-05-01T00:00:00Z\", found \"\(text)\"")
        return nil
    }

    /// An organisation's name: ELM's `legalName`, `prefLabel` or `altLabel`, or Open Badges' `name`.
    func organisationName(_ node: Located?) -> String? {
        guard let node else { return nil }
        if node.string != nil { return nil }
        for key in ["legalName", "name", "prefLabel", "altLabel"] {
            if let text = node[key]?.text { return text }
        }
        return nil
    }
}

/// An ISO 8601 duration, `PnYnMnWnDTnHnMnS`, with decimal points or commas.
struct ISODuration {
    var hours: Double = 0
    var hasCalendarPart = false

    init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        guard rest.first == "P", rest.count > 1 else { return nil }
        rest = rest.dropFirst()
        var inTime = false
        var number = ""
        var sawComponent = false
        for character in rest {
            if character.isNumber || character == "." || character == "," {
                number.append(character == "," ? "." : character)
                continue
            }
            if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            guard !number.isEmpty, let value = Double(number), value >= 0 else { return nil }
            number = ""
            sawComponent = true
            switch (inTime, character) {
            case (false, "Y"), (false, "M"), (false, "W"), (false, "D"):
                if value > 0 { hasCalendarPart = true }
            case (true, "H"): hours += value
            case (true, "M"): hours += value / 60
            case (true, "S"): hours += value / 3600
            default: return nil
            }
        }
        guard number.isEmpty, sawComponent else { return nil }
    }
}
