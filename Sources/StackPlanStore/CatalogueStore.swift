import Foundation
import GRDB
import StackPlanCore

/// The catalogue in SQLite: one row per record with its JSON document, plus the columns and
/// side tables that queries filter on.
///
/// Imports are all-or-nothing: a document with any error leaves the database exactly as it was.
/// Every method throws ``StoreError`` for a failure of the database (or ``InvalidDocument`` for
/// a document that cannot be imported); nothing of SQLite or GRDB reaches a caller.
///
/// A store is safe to use from several threads: reads run concurrently, writes one at a time.
/// Several processes may open the same file; a write waits up to ``busyTimeout`` seconds for
/// another process's write to finish.
public final class CatalogueStore: Sendable {
    /// Whether a store may write.
    public enum Access: Sendable, Equatable {
        /// Creates the database when the file is missing or empty, upgrades an older one, checks
        /// its integrity on opening, and can import.
        case readWrite
        /// Never writes: works on a read-only file or folder. Only a database too old to be read
        /// is upgraded first (and an empty file set up), which needs write access then; a
        /// missing file is not created.
        case readOnly
    }

    /// The database file, as given; every error message names it.
    public let path: String
    public let access: Access
    /// Seconds a write waits for another process's lock before failing with ``StoreError/busy(path:waitedSeconds:)``.
    public let busyTimeout: Double

    /// The default of ``busyTimeout``: long enough for another import of a few thousand records.
    public static let defaultBusyTimeout: Double = 5
    /// The longest ``busyTimeout`` accepted; longer ones are cut to it.
    public static let maximumBusyTimeout: Double = 3600

    let reader: any DatabaseReader
    /// `nil` when opened read-only.
    let writer: (any DatabaseWriter)?
    /// The catalogue's fingerprint, computed once per revision.
    let versionMemo = CatalogueVersionMemo()

    /// Opens the database at `path`.
    ///
    /// - `readWrite` (the default) creates the database when the file is missing or empty,
    ///   upgrades one made by an earlier version, and checks an existing one with SQLite's
    ///   `quick_check` first: a damaged file throws ``StoreError/damaged(path:)``.
    /// - `readOnly` writes nothing (see ``Access/readOnly``).
    ///
    /// Any other SQLite file is refused with ``StoreError/notStackPlan(path:)`` before anything
    /// is written to it. `busyTimeout` (seconds, negative or not a number meaning 0, at most
    /// ``maximumBusyTimeout``) is how long a write waits for another process's lock.
    public init(path: String, access: Access = .readWrite, busyTimeout: Double = CatalogueStore.defaultBusyTimeout) throws {
        self.path = path
        self.access = access
        self.busyTimeout = Self.clamped(busyTimeout: busyTimeout)
        let configuration = Self.configuration(busyTimeout: self.busyTimeout, readonly: access == .readOnly)
        do {
            let contents = try Self.inspect(path, configuration: configuration, checkingIntegrity: access == .readWrite)
            switch access {
            case .readWrite:
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Schema.migrator.migrate(pool)
                reader = pool
                writer = pool
            case .readOnly:
                if case .stackPlan(let applied) = contents, applied.contains(Schema.readableMigration) {
                    // Readable as it is; later migrations wait for the next store that writes.
                } else if !FileManager.default.fileExists(atPath: path) {
                    throw StoreError.cannotOpen(path: path, reason: "no such file")
                } else {
                    try Self.upgrade(path, busyTimeout: self.busyTimeout)
                }
                reader = try Self.openReadOnly(path, configuration: configuration)
                writer = nil
            }
        } catch {
            throw StoreError.translating(error, path: path, busyTimeout: self.busyTimeout)
        }
    }

    /// A busy timeout as the store takes it: negative or not a number meaning 0, at most
    /// ``maximumBusyTimeout``.
    static func clamped(busyTimeout: Double) -> Double {
        busyTimeout.isNaN ? 0 : min(max(busyTimeout, 0), maximumBusyTimeout)
    }

    static func configuration(busyTimeout: Double, readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // SQLite's default page cache is 2 MB: an import of 100,000 credentials then spills
            // its transaction to the WAL and reads it back, page by page, more than it computes.
            // 192 MB: an import of a million credentials peaks at 440 MB with it (512 MB with
            // 256 MB, no faster: 78 s and 73–79 s).
            try db.execute(sql: "PRAGMA cache_size = -196608")
            db.add(function: Self.matchesFunction)
        }
        return configuration
    }

    /// What the file at `path` holds, read without writing to it: `nil` for a missing or empty
    /// file. Throws for a file that is not a StackPlan database, one from a newer version, and
    /// (when asked) one whose pages fail SQLite's quick integrity check.
    static func inspect(_ path: String, configuration: Configuration, checkingIntegrity: Bool) throws -> Schema.Contents? {
        guard fileSize(path) > 0 else {
            return nil
        }
        var readonly = configuration
        readonly.readonly = true
        let queue = try openReadOnly(path, configuration: readonly)
        defer { try? queue.close() }
        return try queue.read { db in
            let contents = try Schema.contents(db)
            switch contents {
            case .foreign: throw StoreError.notStackPlan(path: path)
            case .stackPlan(let applied):
                let known = Set(Schema.migrator.migrations)
                guard applied.isSubset(of: known) else { throw StoreError.newerVersion(path: path) }
            case .empty: break
            }
            if checkingIntegrity, try !Self.passesQuickCheck(db) { throw StoreError.damaged(path: path) }
            return contents
        }
    }

    /// SQLite's `quick_check`: every page and record well-formed (without cross-checking indexes
    /// against their tables, which costs far more). It reads the whole file once.
    static func passesQuickCheck(_ db: Database) throws -> Bool {
        try String.fetchAll(db, sql: "PRAGMA quick_check") == ["ok"]
    }

    /// Brings a database too old to be read up to date, or sets up a new one, for a read-only store.
    static func upgrade(_ path: String, busyTimeout: Double) throws {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration(busyTimeout: busyTimeout, readonly: false))
            try Schema.migrator.migrate(pool)
        } catch let error as DatabaseError where [.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM].contains(error.resultCode) {
            throw StoreError.needsUpgrade(path: path)
        }
        try pool.close()
    }

    /// A read-only connection pool. A database in WAL mode needs its shared-memory file, which
    /// a read-only folder cannot hold: when no writer has left a WAL behind, the file is then
    /// opened as immutable, which needs neither.
    static func openReadOnly(_ path: String, configuration: Configuration) throws -> any DatabaseReader {
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // Connections open lazily: reading the schema is what meets a missing shared-memory file.
            _ = try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
            return pool
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
            guard FileManager.default.isReadableFile(atPath: path), fileSize(path + "-wal") == 0 else { throw error }
            return try DatabaseQueue(path: Self.immutableURI(path), configuration: configuration)
        }
    }

    /// The size in bytes of the file at `path`, 0 when there is none.
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// `file:` URI of `path` with `immutable=1` (SQLite reads it without locks or side files).
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// Closes the database's connections; any later call throws. Closing is also done when
    /// the store is released.
    public func close() throws {
        try run { try reader.close() }
    }

    /// Runs `body`, turning every failure into the store's errors. After a failure that may
    /// have come from the file's pages, a quick integrity check tells a damaged file apart.
    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let damaged as DamagedRecord {
            throw StoreError.damagedRecord(path: path, record: damaged.record, reason: damaged.reason)
        } catch let error as DatabaseError where [.SQLITE_IOERR, .SQLITE_CONSTRAINT, .SQLITE_ERROR, .SQLITE_MISMATCH].contains(error.resultCode) {
            if let damaged = try? reader.read({ try !Self.passesQuickCheck($0) }), damaged {
                throw StoreError.damaged(path: path)
            }
            throw StoreError.translating(error, path: path, busyTimeout: busyTimeout)
        } catch {
            throw StoreError.translating(error, path: path, busyTimeout: busyTimeout)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard let writer else { throw StoreError.openedReadOnly(path: path) }
        return try run {
            try writer.writeWithoutTransaction { db in
                var result: T?
                // IMMEDIATE takes the write lock first, so that a concurrent writer makes this one
                // wait (up to the busy timeout) instead of failing when it first writes.
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError.unexpected(path: path, reason: "a write returned nothing") }
                return result
            }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try run { try reader.read(body) }
    }

    /// What one imported document added and replaced.
    public struct ImportSummary: Sendable, Equatable {
        public var providers: Int
        public var credentials: Int
        public var qualifications: Int
        /// Records that replaced one with the same id.
        public var replaced: Int
        /// The document's warnings: it was imported despite them.
        public var warnings: [ValidationIssue]

        public init(providers: Int, credentials: Int, qualifications: Int, replaced: Int, warnings: [ValidationIssue] = []) {
            self.providers = providers
            self.credentials = credentials
            self.qualifications = qualifications
            self.replaced = replaced
            self.warnings = warnings
        }
    }

    /// Validates the document against itself and what is stored, then upserts it by id in one
    /// transaction. Throws ``InvalidDocument`` listing every error; nothing is written then.
    ///
    /// Validation covers references and prerequisite cycles through stored records, a base
    /// currency other than the stored one, and text the database cannot hold exactly (a NUL
    /// character in an id, title, name or tag).
    @discardableResult
    public func importCatalogue(_ document: Catalogue, file: String? = nil) throws -> ImportSummary {
        try importCatalogues([(document, file)])[0]
    }

    /// Imports several documents in one transaction, each validated against what is stored and
    /// the documents before it: if any has an error, none is written.
    ///
    /// Waits up to ``busyTimeout`` for another process's write; throws ``StoreError`` when the
    /// database cannot be written (busy, disk full, read-only, damaged), with nothing written.
    public func importCatalogues(_ documents: [(catalogue: Catalogue, file: String?)]) throws -> [ImportSummary] {
        try write { db in
            // Building the secondary indexes of credentials once at the end costs far less than
            // keeping them up to date row by row when many rows arrive; in the same transaction,
            // so still all or nothing.
            let arriving = documents.reduce(0) { $0 + $1.catalogue.credentials.count }
            let rebuilt = arriving >= Self.indexRebuildThreshold ? try Self.dropCredentialIndexes(db) : []
            let summaries = try documents.map { try Self.importCatalogue($0.catalogue, file: $0.file, into: db) }
            for index in rebuilt { try db.execute(sql: index.sql) }
            try Self.refreshReferencedCredentials(db)
            return summaries
        }
    }

    static func importCatalogue(_ document: Catalogue, file: String?, into db: Database) throws -> ImportSummary {
        // Only the stored records the document can refer to, fetched by id: decoding every
        // stored document would make each import as slow as the whole database is large.
        let stored = try Self.recordsReferenced(by: document, db)
        var issues = CatalogueValidator.issues(in: document, resolvingAgainst: stored) + StoredText.problems(in: document)
        let storedBase = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'")
        let hasCredentials = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM credential)") ?? false
        if let storedBase, storedBase != document.baseCurrency, hasCredentials {
            issues.append(ValidationIssue(
                path: "$.baseCurrency",
                message: "is \(document.baseCurrency), but the database's catalogue is in \(storedBase); convert the document or use another database"))
        }
        if issues.contains(where: { $0.severity == .error }) { throw InvalidDocument(file: file, issues: issues) }

        // A valid document has no repeated ids, so whatever did not add a row replaced one.
        let before = try Self.rowCounts(db)
        try Self.writeSettings(baseCurrency: document.baseCurrency, exchangeRates: document.exchangeRates, db)
        try Self.writeProviders(document.providers, db)
        try Self.writeCredentials(document.credentials, db)
        try Self.writeQualifications(document.qualifications, db)
        let after = try Self.rowCounts(db)
        let added = zip(after, before).reduce(0) { $0 + $1.0 - $1.1 }
        return ImportSummary(
            providers: document.providers.count, credentials: document.credentials.count,
            qualifications: document.qualifications.count,
            replaced: document.providers.count + document.credentials.count + document.qualifications.count - added,
            warnings: issues.filter { $0.severity == .warning })
    }

    // MARK: Writing records (one import, whole or streamed)

    /// Raises the catalogue's revision (``CatalogueVersionMemo``), in the transaction of the change.
    static func raiseCatalogueRevision(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO setting (key, value) VALUES (?, '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            """, arguments: [CatalogueVersionMemo.revisionKey])
    }

    /// From this many credentials in one import, their indexes are dropped and built again at the end.
    static let indexRebuildThreshold = 5_000

    /// Drops the secondary indexes of the credential tables, returning what builds them again.
    static func dropCredentialIndexes(_ db: Database) throws -> [(name: String, sql: String)] {
        var dropped: [(name: String, sql: String)] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                AND tbl_name IN ('credential', 'credentialCompetency', 'credentialLanguage') ORDER BY name
            """) {
            dropped.append((try row.decode(atIndex: 0), try row.decode(atIndex: 1)))
        }
        for index in dropped { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
        return dropped
    }

    static func writeSettings(baseCurrency: String, exchangeRates: [String: Double], _ db: Database) throws {
        let before = try catalogue(db)
        try raiseCatalogueRevision(db)
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('baseCurrency', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [baseCurrency])
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('format', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [Catalogue.formatName])
        for (currency, rate) in exchangeRates.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT INTO exchangeRate (currency, rate) VALUES (?, ?) ON CONFLICT(currency) DO UPDATE SET rate = excluded.rate", arguments: [currency, rate])
        }
        // Stored fees in the base currency follow the base and the rates (MeasureOrder).
        let after = try catalogue(db)
        if after.baseCurrency != before.baseCurrency || after.exchangeRates != before.exchangeRates { try MeasureOrder.refreshFees(db) }
    }

    static func writeProviders(_ providers: [Provider], _ db: Database) throws {
        let upsertProvider = try db.cachedStatement(sql: """
            INSERT INTO provider (id, name, country, accredited, document) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country,
                accredited = excluded.accredited, document = excluded.document
            """)
        for provider in providers {
            try upsertProvider.execute(arguments: [provider.id, provider.name, provider.country, provider.accredited, CatalogueDocument.json(provider).compactText])
        }
    }

    /// A credential as its rows are written: the credential table's columns, in the order of
    /// ``writeCredentials(_:replacing:_:)``'s statement, and its side tables' values. Made from
    /// a credential and the catalogue's base currency and rates on any thread; a streamed import
    /// makes the next batch's rows while SQLite writes the last.
    struct CredentialRows: Sendable {
        var id: String
        var columns: [DatabaseValue]
        /// The columns the side table copies beside each competency (migrations v10 and v11):
        /// EQF, ECTS, fee in the base currency, hours, kind, mode and languages.
        var order: [DatabaseValue]
        var competencies: [String]
        var languages: [String]

        init(_ credential: Credential, settings: Catalogue) {
            let fee = MeasureOrder.fee(of: credential, in: settings)
            let planning = StoredRecords.planningColumns(credential)
            id = credential.id
            let values: [(any DatabaseValueConvertible)?] = [
                credential.id, credential.provider, credential.title, credential.kind.rawValue, credential.ects, credential.hours,
                credential.eqf, credential.cost, credential.currency, credential.mode.rawValue, credential.accredited,
                CatalogueDocument.json(credential).compactText,
                planning.weeks, planning.prerequisites, planning.excludes, planning.offerings, fee,
            ]
            competencies = Set(credential.competencies).sorted()
            languages = Set(credential.languages).sorted()
            let searchable = MeasureOrder.searchableLanguages(languages).databaseValue
            columns = values.map { $0?.databaseValue ?? .null } + [searchable]
            order = [credential.eqf.databaseValue, credential.ects.databaseValue, fee.databaseValue, credential.hours.databaseValue,
                     credential.kind.rawValue.databaseValue, credential.mode.rawValue.databaseValue, searchable]
        }
    }

    /// Upserts credentials with their side tables, statements prepared once per connection.
    /// `replacing: false` when none of them can be stored yet (an import into an empty table of
    /// ids it checked are distinct): there are then no side-table rows to clear first, and two
    /// statements of about six per credential are left out.
    static func writeCredentials(_ credentials: [Credential], replacing: Bool = true, _ db: Database) throws {
        let settings = try catalogue(db)
        try writeCredentials(credentials.map { CredentialRows($0, settings: settings) }, replacing: replacing, db)
    }

    /// Upserts credentials' rows made with the stored base currency and rates.
    static func writeCredentials(_ credentials: [CredentialRows], replacing: Bool = true, _ db: Database) throws {
        let upsertCredential = try db.cachedStatement(sql: """
            INSERT INTO credential (id, providerId, title, kind, ects, hours, eqf, cost, currency, mode, accredited, document,
                weeks, prerequisites, excludes, offerings, fee, languages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET providerId = excluded.providerId, title = excluded.title, kind = excluded.kind,
                ects = excluded.ects, hours = excluded.hours, eqf = excluded.eqf, cost = excluded.cost,
                currency = excluded.currency, mode = excluded.mode, accredited = excluded.accredited, document = excluded.document,
                weeks = excluded.weeks, prerequisites = excluded.prerequisites, excludes = excluded.excludes,
                offerings = excluded.offerings, fee = excluded.fee, languages = excluded.languages
            """)
        let clearCompetencies = try db.cachedStatement(sql: "DELETE FROM credentialCompetency WHERE credentialId = ?")
        // The credential's order and filter columns beside each competency (migrations v10 and v11, MeasureOrder).
        let addCompetency = try db.cachedStatement(sql: """
            INSERT INTO credentialCompetency (credentialId, competency, eqf, ects, fee, hours, kind, mode, languages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let clearLanguages = try db.cachedStatement(sql: "DELETE FROM credentialLanguage WHERE credentialId = ?")
        let addLanguage = try db.cachedStatement(sql: "INSERT INTO credentialLanguage (credentialId, language) VALUES (?, ?)")
        let credentialRow = RowWriter(upsertCredential, db), competencyRow = RowWriter(addCompetency, db), languageRow = RowWriter(addLanguage, db)
        // Id and competency, then the copied columns (`order`), filled in place for each row.
        var competencyValues = [DatabaseValue](repeating: .null, count: 2), languageValues = [DatabaseValue](repeating: .null, count: 2)
        for credential in credentials {
            try credentialRow.run(credential.columns)
            let id = credential.id.databaseValue
            if replacing { try clearCompetencies.execute(arguments: [credential.id]) }
            competencyValues[0] = id
            competencyValues.replaceSubrange(2..., with: credential.order)
            for competency in credential.competencies {
                competencyValues[1] = competency.databaseValue
                try competencyRow.run(competencyValues)
            }
            if replacing { try clearLanguages.execute(arguments: [credential.id]) }
            languageValues[0] = id
            for language in credential.languages {
                languageValues[1] = language.databaseValue
                try languageRow.run(languageValues)
            }
        }
    }

    static func writeQualifications(_ qualifications: [Qualification], _ db: Database) throws {
        let upsertQualification = try db.cachedStatement(sql: """
            INSERT INTO qualification (id, providerId, title, eqf, ects, document) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET providerId = excluded.providerId, title = excluded.title, eqf = excluded.eqf,
                ects = excluded.ects, document = excluded.document
            """)
        for qualification in qualifications {
            try upsertQualification.execute(arguments: [
                qualification.id, qualification.provider, qualification.title, qualification.eqf, qualification.ects,
                CatalogueDocument.json(qualification).compactText,
            ])
        }
    }

    /// Rebuilds `referencedCredential` (every id a stored credential names in its prerequisites
    /// or overlaps) from the columns, inside the import's transaction: an import may add or drop
    /// any reference, and a candidate query trusts the table to cut (CandidateCut).
    static func refreshReferencedCredentials(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM referencedCredential;
            INSERT OR IGNORE INTO referencedCredential (id)
                SELECT j.value FROM credential c, json_tree(c.prerequisites) j
                    WHERE c.prerequisites IS NOT NULL AND j.key = 'credential' AND j.type = 'text'
                UNION SELECT j.value FROM credential c, json_each(c.excludes) j WHERE c.excludes IS NOT NULL AND j.type = 'text';
            """)
    }

    /// Adds what the given stored credentials name in their prerequisites or overlaps to
    /// `referencedCredential`, for an edit of a few records: an id left there that nothing names
    /// any more only keeps a candidate the cut could have dropped (never a wrong plan), so the
    /// table need not be rebuilt from every credential for each edit.
    static func noteReferences(of ids: [String], _ db: Database) throws {
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let marks = databaseQuestionMarks(count: chunk.count)
            try db.execute(sql: """
                INSERT OR IGNORE INTO referencedCredential (id)
                    SELECT j.value FROM credential c, json_tree(c.prerequisites) j
                        WHERE c.id IN (\(marks)) AND c.prerequisites IS NOT NULL AND j.key = 'credential' AND j.type = 'text'
                    UNION SELECT j.value FROM credential c, json_each(c.excludes) j
                        WHERE c.id IN (\(marks)) AND c.excludes IS NOT NULL AND j.type = 'text';
                """, arguments: StatementArguments(chunk + chunk))
        }
    }

    static func rowCounts(_ db: Database) throws -> [Int] {
        try ["provider", "credential", "qualification"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 }
    }

    /// The whole stored catalogue, every record as it was imported.
    ///
    /// Throws ``StoreError/damagedRecord(path:record:reason:)`` naming the first record that
    /// cannot be read back.
    public func catalogue() throws -> Catalogue {
        try read { try Self.loadCatalogue($0) }
    }

    /// How many records of each kind are stored.
    public struct Counts: Sendable, Equatable {
        public var providers: Int
        public var credentials: Int
        public var qualifications: Int

        public init(providers: Int, credentials: Int, qualifications: Int) {
            self.providers = providers
            self.credentials = credentials
            self.qualifications = qualifications
        }
    }

    /// How many records of each kind are stored, without reading them.
    public func counts() throws -> Counts {
        try read { db in
            Counts(
                providers: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM provider") ?? 0,
                credentials: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM credential") ?? 0,
                qualifications: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM qualification") ?? 0)
        }
    }

    static func loadCatalogue(_ db: Database) throws -> Catalogue {
        try catalogue(
            providers: try storedDocuments("provider", where: nil, db),
            credentials: try storedDocuments("credential", where: nil, db),
            qualifications: try storedDocuments("qualification", where: nil, db), db)
    }
}
