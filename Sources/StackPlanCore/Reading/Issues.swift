import Foundation

/// One problem found in a document, located by its JSON path and the record it belongs to.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible, Error {
    public enum Severity: String, Sendable { case error, warning }

    /// JSONPath of the offending value, such as `$.credentials[3].ects`.
    public var path: String
    /// The record, such as `credential "ucd-ipc"`, when the path alone does not name it.
    public var record: String?
    public var message: String
    public var severity: Severity

    public init(path: String, record: String? = nil, message: String, severity: Severity = .error) {
        self.path = path
        self.record = record
        self.message = message
        self.severity = severity
    }

    public var description: String {
        "\(path)\(record.map { " (\($0))" } ?? ""): \(severity == .warning ? "warning: " : "")\(message)"
    }
}

/// A document that could not be used, with every problem found in it.
public struct InvalidDocument: Error, CustomStringConvertible, Sendable {
    /// The file the document came from, when it came from one.
    public var file: String?
    public var issues: [ValidationIssue]

    public init(file: String? = nil, issues: [ValidationIssue]) {
        self.file = file
        self.issues = issues
    }

    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        let prefix = file.map { "\($0): " } ?? ""
        let count = errors.count
        return "\(prefix)\(count) problem\(count == 1 ? "" : "s") found:\n"
            + errors.map { "  \(prefix)\($0)" }.joined(separator: "\n")
    }
}

/// A document with errors is the user's input to correct.
extension InvalidDocument: ClassifiedError {
    public var kind: ErrorKind { .invalidInput }
}

extension ValidationIssue: ClassifiedError {
    public var kind: ErrorKind { .invalidInput }
}

/// Collects issues while a reader walks a document, so that one pass reports them all.
package final class IssueLog {
    package private(set) var issues: [ValidationIssue] = []
    package init() {}

    package func error(_ path: String, _ message: String, record: String? = nil) {
        issues.append(ValidationIssue(path: path, record: record, message: message))
    }

    package func warning(_ path: String, _ message: String, record: String? = nil) {
        issues.append(ValidationIssue(path: path, record: record, message: message, severity: .warning))
    }
}

/// Reads the fields of one JSON object, reporting type errors at their paths.
package struct ObjectReader {
    package let fields: [String: JSON]
    package let path: String
    package var record: String?
    package let log: IssueLog

    package init?(_ value: JSON, path: String, record: String? = nil, log: IssueLog) {
        guard case .object(let fields) = value else {
            log.error(path, "must be an object, found \(value.typeName)", record: record)
            return nil
        }
        self.fields = fields
        self.path = path
        self.record = record
        self.log = log
    }

    package func at(_ key: String) -> String { "\(path).\(key)" }

    package func has(_ key: String) -> Bool {
        if let value = fields[key], value != .null { return true }
        return false
    }

    /// Fields not in `known`, kept verbatim for round trips.
    package func extra(known: Set<String>) -> [String: JSON] { fields.filter { !known.contains($0.key) } }

    package func missing(_ key: String) {
        log.error(at(key), "is required", record: record)
    }

    package func string(_ key: String, required: Bool = false) -> String? {
        switch fields[key] {
        case .string(let value)?:
            if required && value.isBlank {
                log.error(at(key), "must not be empty", record: record)
                return nil
            }
            return value
        case nil, .null?:
            if required { missing(key) }
            return nil
        case let other?:
            log.error(at(key), "must be a string, found \(other.typeName)", record: record)
            return nil
        }
    }

    package func number(_ key: String, required: Bool = false) -> Double? {
        switch fields[key] {
        case .number(let value)?: return value
        case nil, .null?:
            if required { missing(key) }
            return nil
        case let other?:
            log.error(at(key), "must be a number, found \(other.typeName)", record: record)
            return nil
        }
    }

    /// A number that must lie in `range` (docs/data-format.md, "Ranges"). One outside is
    /// reported at its path but still returned, so that the record keeps its shape and the
    /// rest of it can be checked; a document with an error is never used, so nothing computes with it.
    package func number(_ key: String, within range: AllowedRange, required: Bool = false) -> Double? {
        guard let value = number(key, required: required) else { return nil }
        if !range.contains(value) { log.error(at(key), "\(range.requirement), found \(format(value))", record: record) }
        return value
    }

    package func integer(_ key: String, required: Bool = false) -> Int? {
        guard let value = number(key, required: required) else { return nil }
        // Checked before converting: Int(_:) traps on anything a Double holds beyond Int's range.
        guard value.rounded() == value, abs(value) < 1e15 else {
            log.error(at(key), "must be a whole number, found \(format(value))", record: record)
            return nil
        }
        return Int(value)
    }

    /// A whole number that must lie in `range`, reported (and returned) as ``number(_:within:required:)``
    /// does; `meaning` names what the range is (`an EQF level`).
    package func integer(_ key: String, within range: ClosedRange<Int>, meaning: String? = nil, required: Bool = false) -> Int? {
        guard let value = integer(key, required: required) else { return nil }
        if !range.contains(value) {
            let bounds = "\(range.lowerBound)–\(range.upperBound)"
            log.error(at(key), "\(meaning.map { "must be \($0) \(bounds)" } ?? "must lie in \(bounds)"), found \(value)", record: record)
        }
        return value
    }

    /// An identifier or a reference to one: a string of ``InputLimits/isIdentifier(_:)``.
    /// One that breaks the rule is reported and returned, as ``number(_:within:required:)`` does.
    package func identifier(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        if !InputLimits.isIdentifier(text) {
            log.error(at(key), "must be an identifier (\(InputLimits.identifierRule)), found \(text.quotedForMessage)", record: record)
        }
        return text
    }

    /// A list of identifiers; with `acceptSingle`, a lone string stands for a list of one.
    /// Items that are not identifiers are reported by position.
    package func identifiers(_ key: String, acceptSingle: Bool = false) -> [String]? {
        guard let texts = strings(key, acceptSingle: acceptSingle) else { return nil }
        let single: Bool = if case .string? = fields[key] { true } else { false }
        for (index, text) in texts.enumerated() where !InputLimits.isIdentifier(text) {
            log.error(single ? at(key) : "\(at(key))[\(index)]",
                      "must be an identifier (\(InputLimits.identifierRule)), found \(text.quotedForMessage)", record: record)
        }
        return texts
    }

    package func bool(_ key: String) -> Bool? {
        switch fields[key] {
        case .bool(let value)?: return value
        case nil, .null?: return nil
        case let other?:
            log.error(at(key), "must be true or false, found \(other.typeName)", record: record)
            return nil
        }
    }

    package func day(_ key: String) -> Day? {
        guard let text = string(key) else { return nil }
        guard let day = Day(text) else {
            log.error(at(key), "must be a date written YYYY-MM-DD, found \(text.quotedForMessage)", record: record)
            return nil
        }
        guard InputLimits.days.contains(day) else {
            log.error(at(key), "must be a date from \(InputLimits.days.lowerBound) to \(InputLimits.days.upperBound), found \(day)", record: record)
            return nil
        }
        return day
    }

    /// A list of strings; with `acceptSingle`, a lone string stands for a list of one.
    package func strings(_ key: String, acceptSingle: Bool = false) -> [String]? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let value)? where acceptSingle: return [value]
        case .array(let values)?:
            var result: [String] = []
            for (index, value) in values.enumerated() {
                if case .string(let text) = value { result.append(text) } else {
                    log.error("\(at(key))[\(index)]", "must be a string, found \(value.typeName)", record: record)
                }
            }
            return result
        case let other?:
            log.error(at(key), "must be an array of strings, found \(other.typeName)", record: record)
            return nil
        }
    }

    package func array(_ key: String, required: Bool = false) -> [JSON]? {
        switch fields[key] {
        case .array(let values)?: return values
        case nil, .null?:
            if required { missing(key) }
            return nil
        case let other?:
            log.error(at(key), "must be an array, found \(other.typeName)", record: record)
            return nil
        }
    }

    package func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        guard let raw = string(key, required: required) else { return nil }
        guard let value = E(rawValue: raw) else {
            log.error(at(key), "must be one of \(E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), found \(raw.quotedForMessage)", record: record)
            return nil
        }
        return value
    }
}

extension String {
    /// Empty or only spaces and tabs (`CharacterSet.whitespaces`), without bridging to NSString,
    /// which costs more than the rest of reading a credential.
    var isBlank: Bool {
        unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
}
