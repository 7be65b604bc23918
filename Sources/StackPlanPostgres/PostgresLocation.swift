import Foundation
import StackPlanCore

/// Where a PostgreSQL database is, read from a URL in libpq's form:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`, or for
/// a server on a Unix socket `postgres://USER@/DATABASE?host=/socket/folder`.
///
/// A password may also come from `$PGPASSWORD`, so that it need not appear on a command line.
public struct PostgresLocation: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file is `folder/.s.PGSQL.PORT`, as the server names it.
        case socket(folder: String, port: Int)
    }

    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Whether `text` is meant as a PostgreSQL URL (and not a file path).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL without its password, as messages name the database.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port):
            let shown = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(user)@\(shown):\(port)/\(database)"
        case .socket(let folder, let port):
            return "postgres://\(user)@/\(database)?host=\(folder)" + (port == 5432 ? "" : "&port=\(port)")
        }
    }

    /// The socket file of a Unix-socket endpoint.
    public var socketPath: String? {
        if case .socket(let folder, let port) = endpoint { return (folder.hasSuffix("/") ? folder : folder + "/") + ".s.PGSQL.\(port)" }
        return nil
    }

    /// Reads `text`; throws ``PostgresURLError`` naming the part that is wrong.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        // Messages show the URL, never its password.
        let shown = Self.withoutPassword(text)
        guard Self.isURL(text) else { throw PostgresURLError(url: shown, part: "scheme", problem: "must start with postgres:// or postgresql://") }
        guard let components = URLComponents(string: text) else {
            throw PostgresURLError(url: shown, part: "URL", problem: "is not a well-formed URL (percent-encode special characters in the password)")
        }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw PostgresURLError(url: shown, part: "user", problem: "is missing: write postgres://USER@HOST/DATABASE")
        }
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        let database = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresURLError(url: shown, part: "database", problem: database.isEmpty
                ? "is missing: write postgres://USER@HOST/DATABASE" : "\"\(database)\" cannot contain \"/\"")
        }
        var socketFolder: String?
        var portText = components.port.map(String.init)
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "host":
                guard value.hasPrefix("/") else {
                    throw PostgresURLError(url: shown, part: "host parameter", problem: "must be the absolute path of the server's socket folder, found \"\(value)\"")
                }
                socketFolder = value
            case "port": portText = value
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw PostgresURLError(url: shown, part: "sslmode", problem: "must be disable, prefer or require, found \"\(value)\"")
                }
                tls = mode
            default:
                throw PostgresURLError(url: shown, part: "parameter \"\(item.name)\"", problem: "is not one StackPlan reads (host, port, sslmode)")
            }
        }
        var port = 5432
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw PostgresURLError(url: shown, part: "port", problem: "must be a number from 1 to 65535, found \"\(portText)\"")
            }
            port = number
        }
        let host = components.percentEncodedHost?.removingPercentEncoding ?? ""
        if let socketFolder {
            guard host.isEmpty else {
                throw PostgresURLError(url: shown, part: "host", problem: "give either a host name or a socket folder (?host=/folder), not both")
            }
            endpoint = .socket(folder: socketFolder, port: port)
        } else if host.hasPrefix("/") {
            endpoint = .socket(folder: host, port: port)
        } else {
            guard !host.isEmpty else {
                throw PostgresURLError(url: shown, part: "host", problem: "is missing: write postgres://USER@HOST/DATABASE, or ?host=/socket/folder")
            }
            endpoint = .tcp(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port)
        }
        if case .socket = endpoint, tls != .disable {
            throw PostgresURLError(url: shown, part: "sslmode", problem: "a Unix socket carries no TLS: leave sslmode out")
        }
        self.user = user
        self.password = components.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
        self.database = database
        self.tls = tls
    }

    /// `text` with the password between `:` and `@` replaced, for messages about a URL that cannot be read.
    static func withoutPassword(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].firstIndex(of: "@") else { return text }
        let credentials = text[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":…" + String(text[at...])
    }
}

/// A database URL that cannot be read, naming the part that is wrong.
public struct PostgresURLError: ClassifiedError, Equatable {
    public var url: String
    public var part: String
    public var problem: String

    public var kind: ErrorKind { .invalidInput }
    public var description: String { "the database URL \(url): its \(part) \(problem)" }
}
