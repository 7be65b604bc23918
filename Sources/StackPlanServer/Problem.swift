import Foundation
import Hummingbird
import StackPlanCore

/// One problem with the request, located by its JSON path (`$.learner.budget`) or, for a query
/// parameter, by `query.NAME`.
public struct ProblemDetail: Sendable, Equatable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// An error answered as an RFC 9457 `application/problem+json` document. Every error a route
/// throws becomes one (``ProblemMiddleware``): the core's by the kind it declares, HTTP's own
/// (an unknown route, a body too large) by their status.
public struct APIProblem: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A short name of the problem type, the end of its `type` URI: `invalid-input`, `no-plan`.
    public var type: String
    public var title: String
    public var detail: String
    public var errors: [ProblemDetail]
    /// Members beyond RFC 9457's, such as `diagnosis` for a request no plan answers.
    public var extensions: [String: JSON]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, type: String, title: String, detail: String, errors: [ProblemDetail] = [],
        extensions: [String: JSON] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = errors
        self.extensions = extensions
        self.headers = headers
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    /// Bad input found by the service itself, with the problems it found.
    public static func invalidInput(_ errors: [ProblemDetail]) -> APIProblem {
        let detail = errors.count == 1 ? "\(errors[0].path): \(errors[0].message)" : "\(errors.count) problems found in the request"
        return APIProblem(.badRequest, type: "invalid-input", title: "Invalid input", detail: detail, errors: errors)
    }

    public static func invalidInput(path: String, _ message: String) -> APIProblem {
        invalidInput([ProblemDetail(path: path, message: message)])
    }

    public static func notFound(_ detail: String) -> APIProblem {
        APIProblem(.notFound, type: "not-found", title: "Not found", detail: detail)
    }

    /// The URI a problem type is named by (RFC 9457 §3.1.1); a URN, since it need not resolve.
    static func typeURI(_ name: String) -> String { "urn:stackplan:problem:\(name)" }

    /// The problem document.
    public var json: JSON {
        var fields = extensions
        fields["type"] = .string(Self.typeURI(type))
        fields["title"] = .string(title)
        fields["status"] = .number(Double(status.code))
        fields["detail"] = .string(detail)
        fields["errors"] = .array(errors.map { .object(["path": .string($0.path), "message": .string($0.message)]) })
        return .object(fields)
    }

    func response() -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.serialized(pretty: true) + Data("\n".utf8))))
    }
}

extension APIProblem {
    /// The one mapping from what kind of failure the core declares to the HTTP answer; the
    /// command line maps the same kinds to exit codes (docs/commands.md, "Exit codes").
    static func status(for kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .noPlan: .unprocessableContent
        case .solverStopped, .busy: .serviceUnavailable
        case .damagedData, .ioFailure, .internalFault: .internalServerError
        }
    }

    /// Seconds a client is asked to wait before trying again after a busy answer.
    static let retryAfterSeconds = 2

    /// The answer for any error a route throws. Errors of the service's own faults say so and
    /// no more: their words stay in the server's log, never in a response.
    static func answering(_ error: Error) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let full as BlockingWorkQueue.QueueFull:
            return APIProblem(
                .tooManyRequests, type: "busy", title: "Too many requests",
                detail: "all \(full.slots) \(full.name) slots are busy and \(full.waitingLimit) requests already wait; try again shortly",
                extensions: ["retryAfter": .number(Double(retryAfterSeconds))],
                headers: [.retryAfter: String(retryAfterSeconds)])
        case let classified as ClassifiedError:
            return answering(classified)
        case let http as HTTPResponseError:
            return answeringHTTP(http.status)
        default:
            return APIProblem(.internalServerError, type: "internal-fault", title: "Internal fault",
                              detail: "the service failed on this request; the fault is logged")
        }
    }

    private static func answering(_ error: ClassifiedError) -> APIProblem {
        let status = status(for: error.kind)
        switch error.kind {
        case .invalidInput, .notFound, .conflict:
            let (type, title) = switch error.kind {
            case .notFound: ("not-found", "Not found")
            case .conflict: ("conflict", "Conflict")
            default: ("invalid-input", "Invalid input")
            }
            let issues = issues(of: error)
            let detail = switch issues.count {
            case 0: error.description
            case 1: "\(issues[0].path): \(issues[0].message)"
            default: "\(issues.count) problems found in the request"
            }
            return APIProblem(status, type: type, title: title, detail: detail, errors: issues)
        case .noPlan:
            return APIProblem(status, type: "no-plan", title: "No plan exists", detail: error.description)
        case .solverStopped:
            return APIProblem(status, type: "solver-stopped", title: "Solver stopped", detail: error.description)
        case .busy:
            return APIProblem(status, type: "busy", title: "Busy", detail: "the catalogue database is busy; try again shortly",
                              extensions: ["retryAfter": .number(Double(retryAfterSeconds))],
                              headers: [.retryAfter: String(retryAfterSeconds)])
        case .damagedData:
            return APIProblem(status, type: "damaged-data", title: "Damaged data",
                              detail: "the stored catalogue could not be read; the fault is logged")
        case .ioFailure:
            return APIProblem(status, type: "io-failure", title: "Storage failure",
                              detail: "the service could not read or write its storage; the fault is logged")
        case .internalFault:
            return APIProblem(status, type: "internal-fault", title: "Internal fault",
                              detail: "the service failed on this request; the fault is logged")
        }
    }

    /// The problems an error lists with their JSON paths: every problem of a document.
    private static func issues(of error: ClassifiedError) -> [ProblemDetail] {
        switch error {
        case let document as InvalidDocument:
            return document.errors.map(detail)
        case let issue as ValidationIssue:
            return [detail(issue)]
        case let planning as PlanningError:
            if case .invalidLearner(let document) = planning { return document.errors.map(detail) }
            return []
        default:
            return []
        }
    }

    private static func detail(_ issue: ValidationIssue) -> ProblemDetail {
        ProblemDetail(path: issue.path, message: issue.record.map { "\($0): \(issue.message)" } ?? issue.message)
    }

    private static func answeringHTTP(_ status: HTTPResponse.Status) -> APIProblem {
        switch status {
        case .notFound:
            return APIProblem(status, type: "not-found", title: "Not found", detail: "no such route; GET /api/v1/openapi.json lists every route")
        case .contentTooLarge:
            return APIProblem(status, type: "too-large", title: "Content too large", detail: "the request body is larger than the service accepts")
        default:
            return APIProblem(status, type: "http-\(status.code)", title: status.reasonPhrase, detail: status.reasonPhrase)
        }
    }
}

/// Answers every error as problem JSON, and a known path asked with the wrong method as 405
/// with the methods it allows (the router itself answers both 404).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Filled in as routes are registered, after this middleware is added.
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = APIProblem.answering(error)
            if problem.status == .notFound, !(error is APIProblem), !(error is ClassifiedError) {
                let allowed = table.routes.filter { $0.matches(path: request.uri.path) }.map(\.method.rawValue)
                if !allowed.isEmpty {
                    problem = APIProblem(.methodNotAllowed, type: "method-not-allowed", title: "Method not allowed",
                                         detail: "\(request.uri.path) answers \(allowed.joined(separator: ", ")), not \(request.method.rawValue)",
                                         headers: [.allow: allowed.joined(separator: ", ")])
                }
            }
            if problem.status.code >= 500, problem.status != .serviceUnavailable {
                context.logger.error("\(request.method.rawValue) \(request.uri.path) failed: \(String(describing: error))")
            }
            return problem.response()
        }
    }
}
