import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// The catalogue and the service's records in PostgreSQL: the same concepts, queries and
/// guarantees as the SQLite ``CatalogueStore`` (all-or-nothing imports, indexed candidate
/// queries, versioned saved plans, an audit entry in every write's transaction), for several
/// `stackplan serve` instances on one database.
///
/// The methods are synchronous, like the SQLite store's: they block the calling thread while
/// the work runs on the store's own threads (``BlockingBridge``), so call them off an event
/// loop. Every failure is a ``PostgresStoreError`` (or ``InvalidDocument`` for a document that
/// cannot be imported) naming the database by its URL without the password.
public final class PostgresStore: Sendable {
    public let url: PostgresLocation
    let pool: ConnectionPool
    /// The catalogue's fingerprint, computed once per revision.
    let versionMemo = CatalogueVersionMemo()
    var bridge: BlockingBridge { BlockingBridge.shared }

    /// Opens the database at `url` (see ``PostgresLocation``), setting it up or upgrading it
    /// when needed. A database holding another program's tables is refused untouched.
    public convenience init(url text: String, access: Access = .readWrite) throws {
        try self.init(location: try PostgresLocation(text), access: access)
    }

    public init(location: PostgresLocation, access: Access = .readWrite) throws {
        url = location
        pool = ConnectionPool(configuration: try Self.configuration(for: location), logger: Self.quietLogger)
        switch access {
        case .readWrite: try migrate()
        case .readOnly: try checkMigrated()
        }
    }

    /// Whether the store may set up and upgrade its database.
    public enum Access: Sendable {
        /// Sets the database up or upgrades it on opening, and writes.
        case readWrite
        /// Writes nothing, not even migrations: for a read replica (a hot standby refuses every
        /// write), whose primary an instance opened read-write has brought up to date. Only the
        /// catalogue is to be read from it.
        case readOnly
    }

    /// How postgres-nio connects to `location`.
    static func configuration(for location: PostgresLocation) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch location.endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            do {
                switch location.tls {
                case .disable: tls = .disable
                case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            } catch {
                throw PostgresStoreError.tlsFailed(location: location.description)
            }
            configuration = .init(host: host, port: port, username: location.user, password: location.password, database: location.database, tls: tls)
        case .socket:
            configuration = .init(unixSocketPath: location.socketPath ?? "", username: location.user, password: location.password, database: location.database)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The driver's own log lines are not for users; failures reach them as PostgresStoreError.
    static var quietLogger: Logger {
        var logger = Logger(label: "stackplan.postgres")
        logger.logLevel = .critical
        return logger
    }

    /// Closes the open connections; later calls open new ones.
    public func close() {
        let pool = pool
        _ = try? bridge.run { await pool.close() }
    }

    /// Where the records are, as messages name it.
    public var location: String { url.description }

    // MARK: Running work

    /// Runs `work` on a connection, turning every failure into the store's errors.
    func run<Value: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> Value) throws -> Value {
        let pool = pool
        do {
            return try bridge.run { try await pool.withConnection(work) }
        } catch {
            throw PostgresStoreError.translating(error, location: url)
        }
    }

    /// Runs `work` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<Value: Sendable>(
        readOnly: Bool = false, _ work: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) throws -> Value {
        try run { connection in
            // Reads see one snapshot, as the SQLite store's reads do; writes take row locks as they go.
            try await connection.execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
            let value: Value
            do {
                value = try await work(connection)
            } catch {
                do { try await connection.execute("ROLLBACK") } catch { throw ConnectionPool.Unusable(underlying: error) }
                throw error
            }
            try await connection.execute("COMMIT")
            return value
        }
    }

    func read<Value: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> Value) throws -> Value {
        try transaction(readOnly: true, work)
    }

    // MARK: Schema

    /// Applies the migrations this database lacks, one instance at a time.
    func migrate() throws {
        let location = url
        try transaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
            let tables = try await connection.strings("""
                SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1
                """)
            if !tables.isEmpty && !tables.contains("stackplanMigration") {
                throw PostgresStoreError.notStackPlan(location: location.description, tables: tables)
            }
            try await connection.execute(PostgresSchema.migrationTable)
            let applied = Set(try await connection.strings(#"SELECT "identifier" FROM "stackplanMigration""#))
            let known = Set(PostgresSchema.migrations.map(\.identifier))
            if let newer = applied.subtracting(known).sorted().first {
                throw PostgresStoreError.newerVersion(location: location.description, migration: newer)
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                for statement in migration.sql.components(separatedBy: ";\n") {
                    let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !trimmed.isEmpty { try await connection.execute(trimmed) }
                }
                var binds = Binds()
                let mark = binds.add(migration.identifier)
                try await connection.execute(#"INSERT INTO "stackplanMigration" ("identifier") VALUES ("# + mark + ")", binds)
            }
        }
    }

    /// For a read-only store: the database must have been through every migration this version
    /// knows (and no newer one), else its tables may lack what the queries read.
    func checkMigrated() throws {
        let location = url
        try read { connection in
            let tables = try await connection.strings("""
                SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1
                """)
            guard tables.contains("stackplanMigration") else {
                throw tables.isEmpty ? PostgresStoreError.notMigrated(location: location.description, missing: PostgresSchema.migrations[0].identifier)
                                     : PostgresStoreError.notStackPlan(location: location.description, tables: tables)
            }
            let applied = Set(try await connection.strings(#"SELECT "identifier" FROM "stackplanMigration""#))
            if let newer = applied.subtracting(PostgresSchema.migrations.map(\.identifier)).sorted().first {
                throw PostgresStoreError.newerVersion(location: location.description, migration: newer)
            }
            if let missing = PostgresSchema.migrations.first(where: { !applied.contains($0.identifier) }) {
                throw PostgresStoreError.notMigrated(location: location.description, missing: missing.identifier)
            }
        }
    }

    /// The migrations this database has been through.
    public func appliedMigrations() throws -> Set<String> {
        Set(try read { try await $0.strings(#"SELECT "identifier" FROM "stackplanMigration""#) })
    }
}

// MARK: Queries

/// Bindings of a query built piece by piece: each value added gives its placeholder.
struct Binds: Sendable {
    var bindings = PostgresBindings()

    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }
}

extension PostgresConnection {
    func execute(_ sql: String, _ binds: Binds = Binds()) async throws {
        try await query(PostgresQuery(unsafeSQL: sql, binds: binds.bindings), logger: logger).collect()
    }

    func rows(_ sql: String, _ binds: Binds = Binds()) async throws -> [PostgresRow] {
        try await query(PostgresQuery(unsafeSQL: sql, binds: binds.bindings), logger: logger).collect()
    }

    func strings(_ sql: String, _ binds: Binds = Binds()) async throws -> [String] {
        try await rows(sql, binds).map { try $0.decode(String.self) }
    }

    func count(_ sql: String, _ binds: Binds = Binds()) async throws -> Int {
        guard let row = try await rows(sql, binds).first else { return 0 }
        return try row.decode(Int?.self) ?? 0
    }

    /// Streams `rows` into `table` with COPY (PostgreSQL's text format), in chunks.
    func copy(into table: String, columns: [String], rows: [[String?]]) async throws {
        guard !rows.isEmpty else { return }
        try await copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
            for row in rows {
                for (index, value) in row.enumerated() {
                    if index > 0 { buffer.writeStaticString("\t") }
                    if let value { buffer.writeString(CopyText.escaped(value)) } else { buffer.writeStaticString("\\N") }
                }
                buffer.writeStaticString("\n")
                if buffer.readableBytes >= 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }
}

/// Values in COPY's text format.
enum CopyText {
    /// Backslash, tab, newline and carriage return escaped; everything else as it is.
    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static func value(_ number: Double?) -> String? { number.map { String($0) } }
    static func value(_ number: Int?) -> String? { number.map(String.init) }
    static func value(_ flag: Bool?) -> String? { flag.map { $0 ? "t" : "f" } }
}

/// Quotes an identifier of our own schema (never text from input).
func quoted(_ name: String) -> String { "\"\(name)\"" }
