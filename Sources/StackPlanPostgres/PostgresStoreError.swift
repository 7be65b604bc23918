import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// Why the PostgreSQL store could not do what it was asked, naming the database by its URL
/// (without the password). No type or text of the driver reaches a caller.
public enum PostgresStoreError: ClassifiedError, Equatable, Sendable {
    /// No server answers at the URL's host and port (or socket).
    case cannotConnect(location: String, reason: String)
    /// The server refused the user (wrong password, or not allowed by its pg_hba.conf).
    case refusedUser(location: String, user: String, reason: String)
    /// The server has no database of that name.
    case noSuchDatabase(location: String, database: String)
    /// TLS was required, and the server does not offer it (or its certificate is not trusted).
    case tlsFailed(location: String)
    /// The database holds tables of another program's; it was left untouched.
    case notStackPlan(location: String, tables: [String])
    /// The database was set up by a newer StackPlan.
    case newerVersion(location: String, migration: String)
    /// The connection broke during the work (the server stopped or the network failed); a
    /// write that was under way was rolled back by the server.
    case connectionLost(location: String)
    /// Another connection kept a lock for longer than the store waits.
    case busy(location: String)
    /// One stored record cannot be read back.
    case damagedRecord(location: String, record: String, reason: String)
    /// A database opened read-only (a read replica) that lacks a migration this version needs:
    /// not yet set up, or a replica of a primary no instance of this version has opened.
    case notMigrated(location: String, missing: String)
    /// A target of `stackplan migrate` that holds records already.
    case notEmpty(location: String, table: String)
    /// A failure the store does not expect of a healthy database.
    case unexpected(location: String, reason: String)

    public var kind: ErrorKind {
        switch self {
        case .cannotConnect, .refusedUser, .noSuchDatabase, .tlsFailed, .connectionLost: .ioFailure
        case .notStackPlan, .newerVersion, .damagedRecord: .damagedData
        case .notMigrated: .invalidInput
        case .busy: .busy
        case .notEmpty: .conflict
        case .unexpected: .internalFault
        }
    }

    public var description: String {
        switch self {
        case .cannotConnect(let location, let reason):
            "cannot connect to the PostgreSQL server of \(location): \(reason)"
        case .refusedUser(let location, let user, let reason):
            "the PostgreSQL server of \(location) refused the user \"\(user)\": \(reason)"
        case .noSuchDatabase(let location, let database):
            "the PostgreSQL server of \(location) has no database \"\(database)\"; create it first (createdb \(database))"
        case .tlsFailed(let location):
            "cannot set up TLS with the PostgreSQL server of \(location) (it does not offer TLS, or its certificate is not trusted); check sslmode in the URL"
        case .notStackPlan(let location, let tables):
            "the database \(location) holds tables of another program (\(tables.prefix(5).joined(separator: ", "))); it was left untouched: use a database of its own for StackPlan"
        case .newerVersion(let location, let migration):
            "the database \(location) was set up by a newer version of StackPlan (it has \"\(migration)\"); use that version"
        case .connectionLost(let location):
            "the connection to the PostgreSQL server of \(location) was lost; a write under way was not kept; try again"
        case .busy(let location):
            "the database \(location) is locked by another connection for too long; try again"
        case .damagedRecord(let location, let record, let reason):
            "record \(record) in \(location) is damaged: \(reason); import the record again"
        case .notMigrated(let location, let missing):
            "the read database \(location) is not set up for this version of StackPlan (it lacks \"\(missing)\"): give the URL of a replica of the primary, and start an instance on the primary first"
        case .notEmpty(let location, let table):
            "the database \(location) already holds StackPlan records (table \(table)); migrate copies into an empty database only"
        case .unexpected(let location, let reason):
            "unexpected failure of the database \(location): \(reason)"
        }
    }

    /// The store's error for whatever working on the database threw.
    static func translating(_ error: any Error, location: PostgresLocation) -> any Error {
        let shown = location.description
        switch error {
        case is ClassifiedError, is InvalidDocument:
            return error
        case let damaged as DamagedRecord:
            return PostgresStoreError.damagedRecord(location: shown, record: damaged.record, reason: damaged.reason)
        case let error as PSQLError:
            if let state = error.serverInfo?[.sqlState] {
                let message = error.serverInfo?[.message] ?? "no reason given"
                switch state {
                case "28P01", "28000": return PostgresStoreError.refusedUser(location: shown, user: location.user, reason: message)
                case "3D000": return PostgresStoreError.noSuchDatabase(location: shown, database: location.database)
                case "55P03", "40P01", "57014": return PostgresStoreError.busy(location: shown)
                case "57P01", "57P02", "57P03": return PostgresStoreError.connectionLost(location: shown)
                default: return PostgresStoreError.unexpected(location: shown, reason: "PostgreSQL reports \(message) (SQLSTATE \(state))")
                }
            }
            switch error.code {
            case .connectionError:
                return PostgresStoreError.cannotConnect(location: shown, reason: reason(connecting: error.underlying, location: location))
            case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
                return PostgresStoreError.connectionLost(location: shown)
            case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
                return PostgresStoreError.tlsFailed(location: shown)
            case .authMechanismRequiresPassword:
                return PostgresStoreError.refusedUser(location: shown, user: location.user,
                                                      reason: "it asks for a password: give one in the URL or in $PGPASSWORD")
            case .unsupportedAuthMechanism, .saslError:
                return PostgresStoreError.refusedUser(location: shown, user: location.user, reason: "its sign-in method is not one StackPlan supports, or the password is wrong")
            default:
                return PostgresStoreError.unexpected(location: shown, reason: "the server's answer could not be read")
            }
        case is PostgresDecodingError:
            return PostgresStoreError.unexpected(location: shown, reason: "a column holds a value of an unexpected type")
        case let error as IOError:
            return PostgresStoreError.cannotConnect(location: shown, reason: reason(errno: error.errnoCode, location: location))
        default:
            return PostgresStoreError.unexpected(location: shown, reason: "an error StackPlan does not expect here")
        }
    }

    /// Why a connection could not be made, in words (never the driver's types).
    static func reason(connecting underlying: (any Error)?, location: PostgresLocation) -> String {
        if let error = underlying as? IOError { return reason(errno: error.errnoCode, location: location) }
        if let error = underlying as? NIOConnectionError {
            if let first = error.connectionErrors.first, let io = first.error as? IOError { return reason(errno: io.errnoCode, location: location) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "the host name cannot be resolved" }
        }
        if underlying is ChannelError { return "the connection attempt timed out or was refused" }
        if let socket = location.socketPath { return "no server answers on the socket \(socket)" }
        return "no server answers there (is it running, and does it listen on that address?)"
    }

    static func reason(errno: Int32, location: PostgresLocation) -> String {
        switch errno {
        case ECONNREFUSED: return location.socketPath.map { "the socket \($0) refuses connections (is the server running?)" }
            ?? "connection refused (is the server running, and listening on that port?)"
        case ENOENT: return "there is no server socket \(location.socketPath ?? "")"
        case ETIMEDOUT: return "the connection attempt timed out"
        case EACCES: return "permission denied on the server's socket"
        case EHOSTUNREACH, ENETUNREACH: return "the host cannot be reached"
        default: return String(cString: strerror(errno)) + (location.socketPath.map { " (socket \($0))" } ?? "")
        }
    }
}
