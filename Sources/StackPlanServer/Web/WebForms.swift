import Foundation
import Hummingbird
import StackPlanCore

/// What a page request carries: its query and, for a POST, its form fields and uploaded files.
/// Every name may repeat (checkboxes, several plans to compare), so every value is a list.
struct WebFields: Sendable {
    var values: [String: [String]] = [:]
    var files: [String: UploadedFile] = [:]

    /// The first value of `name`, trimmed; `nil` when it is absent or blank.
    subscript(_ name: String) -> String? {
        guard let text = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// Every non-blank value of `name`.
    func all(_ name: String) -> [String] {
        (values[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Whether a checkbox named `name` was ticked.
    func isOn(_ name: String) -> Bool { all(name).contains { ["on", "true", "1", "yes"].contains($0) } }

    mutating func add(_ name: String, _ value: String) { values[name, default: []].append(value) }

    /// `a=1&b=two+words`, as a query string or an `application/x-www-form-urlencoded` body.
    static func urlEncoded(_ text: Substring) -> WebFields {
        var fields = WebFields()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            guard !name.isEmpty else { continue }
            fields.add(name, parts.count > 1 ? decode(parts[1]) : "")
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The query string of a page address with these fields, in name order (for links that
    /// re-plan with one field changed).
    func query(replacing changes: [String: [String]] = [:], dropping dropped: Set<String> = []) -> String {
        var merged = values
        for (name, list) in changes { merged[name] = list }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return merged.keys.sorted().filter { !dropped.contains($0) && $0 != "csrf" }.flatMap { name in
            (merged[name] ?? []).filter { !$0.isEmpty }.map { "\(encode(name))=\(encode($0))" }
        }.joined(separator: "&")
    }

    /// The fields as hidden inputs, for a button that submits them again with some changed.
    func hiddenInputs(replacing changes: [String: [String]] = [:], dropping dropped: Set<String> = []) -> [[String: Any]] {
        var merged = values
        for (name, list) in changes { merged[name] = list }
        return merged.keys.sorted().filter { !dropped.contains($0) && $0 != "csrf" }.flatMap { name in
            (merged[name] ?? []).filter { !$0.isEmpty }.map { ["name": name, "value": $0] as [String: Any] }
        }
    }
}

/// One file of a `multipart/form-data` upload.
struct UploadedFile: Sendable {
    var filename: String
    var data: Data
}

enum WebBody {
    /// Reads a form body (URL-encoded or multipart) of at most `limit` bytes.
    static func read(_ request: Request, limit: Int) async throws -> WebFields {
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = Data(buffer.readableBytesView)
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = parameter("boundary", of: type) else { throw WebError.badRequest("the upload names no multipart boundary") }
            return try multipart(bytes, boundary: boundary)
        }
        return WebFields.urlEncoded(Substring(String(decoding: bytes, as: UTF8.self)))
    }

    static func parameter(_ name: String, of header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// RFC 7578: parts between `--BOUNDARY` lines, each with headers, a blank line and its content.
    static func multipart(_ body: Data, boundary: String) throws -> WebFields {
        let bytes = [UInt8](body)
        let delimiter = [UInt8](("--" + boundary).utf8)
        var fields = WebFields()
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw WebError.badRequest("the upload is not a complete multipart form") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Each delimiter line ends with CRLF; the content ends with CRLF before the next one.
            if partStart + 1 < bytes.count, bytes[partStart] == 13, bytes[partStart + 1] == 10 { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, bytes[partEnd - 2] == 13, bytes[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let headerEnd = find([13, 10, 13, 10], in: bytes, from: partStart), headerEnd <= partEnd else { continue }
            let headers = String(decoding: bytes[partStart..<headerEnd], as: UTF8.self)
            let content = Data(bytes[(headerEnd + 4)..<max(headerEnd + 4, partEnd)])
            var name: String?, filename: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                let header = String(line)
                name = parameter("name", of: header)
                filename = parameter("filename", of: header)
            }
            guard let name else { continue }
            if let filename {
                if !filename.isEmpty || !content.isEmpty { fields.files[name] = UploadedFile(filename: filename, data: content) }
            } else {
                fields.add(name, String(decoding: content, as: UTF8.self))
            }
        }
        return fields
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

/// A page's own refusal: its status and the sentence shown to the person.
struct WebError: ClassifiedError, Sendable {
    var status: HTTPResponse.Status
    var message: String
    /// Seconds until the request may be made again (a refusal for the account's rate).
    var retryAfter: Int? = nil

    static func badRequest(_ message: String) -> WebError { WebError(status: .badRequest, message: message) }
    static func notFound(_ message: String) -> WebError { WebError(status: .notFound, message: message) }
    static func forbidden(_ message: String) -> WebError { WebError(status: .forbidden, message: message) }

    /// The account has used its requests: when it may try again, in seconds and as a time of day.
    static func rateLimited(retryAfter seconds: Int, limit: RateLimit, now: Date = Date()) -> WebError {
        let at = now.addingTimeInterval(TimeInterval(seconds))
        let clock = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: at)
        let time = String(format: "%02d:%02d:%02d", clock.hour ?? 0, clock.minute ?? 0, clock.second ?? 0)
        let wait = seconds == 1 ? "1 second" : "\(seconds) seconds"
        return WebError(
            status: .tooManyRequests,
            message: "This account has made more requests than StackPlan takes at once (\(WebFormat.number(limit.burst)) in a burst, "
                + "then \(WebFormat.number(limit.perSecond)) a second). Try again in \(wait), at \(time) UTC; nothing was lost.",
            retryAfter: seconds)
    }

    var kind: ErrorKind {
        switch status {
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooManyRequests, .serviceUnavailable: .busy
        case .unprocessableContent: .noPlan
        default: status.code >= 500 ? .internalFault : .invalidInput
        }
    }

    var description: String { message }
}

/// Problems found in a form, by the name of the field each belongs to ("" for the form as a whole).
struct FieldErrors: Sendable {
    private(set) var byField: [String: [String]] = [:]

    var isEmpty: Bool { byField.isEmpty }

    mutating func add(_ field: String, _ message: String) { byField[field, default: []].append(message) }

    func messages(_ field: String) -> [String] { byField[field] ?? [] }

    /// The fields that have a problem ("" for the form as a whole).
    var fields: [String] { Array(byField.keys) }

    /// Every message, with the field it belongs to, for the summary at the top of a form.
    var all: [[String: Any]] {
        byField.keys.sorted().flatMap { field in (byField[field] ?? []).map { ["field": field, "message": $0] as [String: Any] } }
    }

    /// Each problem of a document placed at the form field its JSON path belongs to:
    /// `fieldFor` maps a path to a field name, or `nil` for the form as a whole.
    mutating func add(_ issues: [ValidationIssue], fieldFor: (String) -> String?) {
        for issue in issues where issue.severity == .error {
            add(fieldFor(issue.path) ?? "", issue.message)
        }
    }
}

extension JSON {
    /// The value as Mustache reads it: objects as dictionaries, numbers as people write them,
    /// `null` left out.
    var templateValue: Any? {
        switch self {
        case .null: return nil
        case .bool(let value): return value
        case .number(let value): return WebFormat.number(value)
        case .string(let value): return value
        case .array(let items): return items.compactMap(\.templateValue)
        case .object(let fields):
            var dictionary: [String: Any] = [:]
            for (key, value) in fields { if let converted = value.templateValue { dictionary[key] = converted } }
            return dictionary
        }
    }

    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
    var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    var arrayValue: [JSON] { if case .array(let items) = self { items } else { [] } }
}

enum WebFormat {
    /// 12, 12.5, 1 234.25: at most two decimals.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(format: "%.2f", rounded).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }

    /// A form number: `nil` when blank, an error message when not a finite number.
    static func parseNumber(_ text: String?) -> Result<Double?, WebError> {
        guard let text, !text.isEmpty else { return .success(nil) }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            return .failure(.badRequest("must be a number, found \"\(text)\""))
        }
        return .success(value)
    }

    /// Escapes text for HTML and SVG.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
