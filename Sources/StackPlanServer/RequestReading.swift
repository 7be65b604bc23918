import Foundation
import Hummingbird
import StackPlanCore

/// Limits on what a request may carry, so that no request can exhaust the service.
public struct RequestLimits: Sendable {
    /// Largest body read, in bytes; a larger one is answered 413.
    public var maximumBodyBytes: Int
    /// Deepest nesting of arrays and objects a body may have.
    public var maximumJSONDepth: Int
    /// Longest solver time limit a request may ask for, in seconds.
    public var maximumSolveSeconds: Double
    /// Largest upload a job takes (a CPD batch), in bytes.
    public var maximumUploadBytes = 256 << 20

    public init(maximumBodyBytes: Int = 1 << 20, maximumJSONDepth: Int = 64, maximumSolveSeconds: Double = 60) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumJSONDepth = maximumJSONDepth
        self.maximumSolveSeconds = maximumSolveSeconds
    }
}

enum RequestReading {
    /// The request's JSON body: within the size and depth limits, strictly parsed, an object.
    static func jsonObject(_ request: Request, limits: RequestLimits) async throws -> JSON {
        let buffer = try await request.body.collect(upTo: limits.maximumBodyBytes)
        let bytes = Data(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw APIProblem.invalidInput(path: "$", "the request needs a JSON body") }
        if let (line, column) = deeperThan(limits.maximumJSONDepth, bytes) {
            throw APIProblem.invalidInput(path: "$", "nests arrays and objects deeper than \(limits.maximumJSONDepth) levels (line \(line), column \(column))")
        }
        let json: JSON
        do {
            json = try JSON.parse(bytes)
        } catch {
            throw APIProblem.invalidInput(path: "$", "is not valid JSON: \(error)")
        }
        guard case .object = json else { throw APIProblem.invalidInput(path: "$", "must be an object, found \(json.typeName)") }
        return json
    }

    /// Where the nesting first passes `limit`, by line and column; `nil` when it never does.
    /// A byte scan that knows strings, done before parsing so that a hostile body costs no tree.
    static func deeperThan(_ limit: Int, _ bytes: Data) -> (line: Int, column: Int)? {
        var depth = 0, line = 1, column = 0
        var inString = false, escaped = false
        for byte in bytes {
            column += 1
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return (line, column) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "\n"):
                line += 1
                column = 0
            default: break
            }
        }
        return nil
    }
}

/// Reads a request's query parameters, each problem located as `query.NAME`.
struct QueryReader {
    let parameters: [String: String]
    let known: Set<String>
    var problems: [ProblemDetail] = []

    init(_ request: Request, known: Set<String>) {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        self.parameters = parameters
        self.known = known
        for name in parameters.keys.sorted() where !known.contains(name) {
            problems.append(ProblemDetail(path: "query.\(name)", message: "is not a parameter of this route (it takes \(known.sorted().joined(separator: ", ")))"))
        }
    }

    func string(_ name: String) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        return value
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problems.append(ProblemDetail(path: "query.\(name)", message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), found \"\(text)\""))
            return nil
        }
        return value
    }

    mutating func bool(_ name: String) -> Bool {
        guard let text = string(name) else { return false }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            problems.append(ProblemDetail(path: "query.\(name)", message: "must be true or false, found \"\(text)\""))
            return false
        }
    }

    mutating func day(_ name: String) -> Day? {
        guard let text = string(name) else { return nil }
        guard let day = Day(text), day.components.year >= 1 else {
            problems.append(ProblemDetail(path: "query.\(name)", message: "must be a date written YYYY-MM-DD, found \"\(text)\""))
            return nil
        }
        return day
    }

    mutating func enumeration<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type) -> Value? where Value.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            problems.append(ProblemDetail(path: "query.\(name)", message: "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(text)\""))
            return nil
        }
        return value
    }

    mutating func refuse(_ name: String, _ message: String) {
        if string(name) != nil { problems.append(ProblemDetail(path: "query.\(name)", message: message)) }
    }

    /// Throws every problem found, if any.
    func check() throws {
        if !problems.isEmpty { throw APIProblem.invalidInput(problems) }
    }
}

/// JSON answers, laid out as the command line's `--json` prints them.
enum JSONResponse {
    static func ok(_ json: JSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.serialized(pretty: true) + Data("\n".utf8))))
    }

    static func text(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func data(_ data: Data, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension JSON {
    subscript(key: String) -> JSON? { objectFields[key] }

    /// The strings of an array; empty for anything else.
    var arrayItemsOfStrings: [String] {
        guard case .array(let items) = self else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}
