import Hummingbird

/// One route of the API, as registered and as the OpenAPI document lists it: the test
/// `OpenAPITests` holds the two to each other.
public struct APIRoute: Sendable, Hashable {
    public var method: HTTPRequest.Method
    /// The path with `{name}` parameters, as OpenAPI writes it: `/api/v1/credentials/{id}`.
    public var path: String

    public init(_ method: HTTPRequest.Method, _ path: String) {
        self.method = method
        self.path = path
    }

    /// The path as Hummingbird's router writes it: `:name` for `{name}`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }

    /// Whether a request path fits this route's pattern (for 405 answers).
    func matches(path requested: String) -> Bool {
        let pattern = path.split(separator: "/")
        let given = requested.split(separator: "/")
        guard pattern.count == given.count else { return false }
        return zip(pattern, given).allSatisfy { expected, actual in
            expected.hasPrefix("{") ? !actual.isEmpty : expected == actual
        }
    }
}
