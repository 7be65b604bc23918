import Foundation
import GRDB
import StackPlanCore

/// The catalogue in SQLite: one row per record with its JSON document, plus the columns and
/// side tables that queries filter on.
///
/// Imports are all-or-nothing: a document with any error leaves the database exactly as it was.
public final class CatalogueStore: Sendable {
    let database: DatabasePool

    /// Opens (and creates or migrates) the database at `path`, in WAL mode with foreign keys on.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // SQLite's default page cache is 2 MB: an import of 100,000 credentials then spills
        // its transaction to the WAL and reads it back, page by page, more than it computes.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -262144") }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? error.description)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: catalogue") { db in
            try db.create(table: "setting") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
            try db.create(table: "exchangeRate") { table in
                table.primaryKey("currency", .text)
                table.column("rate", .double).notNull().check { $0 > 0 }
            }
            try db.create(table: "provider") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("country", .text).notNull()
                table.column("accredited", .boolean).notNull()
                table.column("document", .text).notNull()
            }
            try db.create(table: "credential") { table in
                table.primaryKey("id", .text)
                table.column("providerId", .text).notNull().indexed().references("provider")
                table.column("title", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("ects", .double)
                table.column("hours", .double)
                table.column("eqf", .integer).notNull()
                table.column("cost", .double).notNull()
                table.column("currency", .text)
                table.column("mode", .text).notNull()
                table.column("accredited", .boolean)
                table.column("document", .text).notNull()
            }
            try db.create(table: "credentialCompetency") { table in
                table.column("credentialId", .text).notNull().references("credential", onDelete: .cascade)
                table.column("competency", .text).notNull().indexed()
                table.primaryKey(["credentialId", "competency"])
            }
            try db.create(table: "credentialLanguage") { table in
                table.column("credentialId", .text).notNull().references("credential", onDelete: .cascade)
                table.column("language", .text).notNull().indexed()
                table.primaryKey(["credentialId", "language"])
            }
            try db.create(table: "qualification") { table in
                table.primaryKey("id", .text)
                table.column("providerId", .text).notNull().indexed().references("provider")
                table.column("title", .text).notNull()
                table.column("eqf", .integer).notNull()
                table.column("ects", .double).notNull()
                table.column("document", .text).notNull()
            }
        }
        // Planning reads credentials from columns and side tables, never decoding their documents:
        // these are the fields it needs that v1 kept only in the document.
        migrator.registerMigration("v2: planning columns") { db in
            try db.alter(table: "credential") { table in
                table.add(column: "weeks", .integer)
                table.add(column: "prerequisites", .text)
                table.add(column: "excludes", .text)
                table.add(column: "offerings", .text)
            }
            let update = try db.makeStatement(sql: "UPDATE credential SET weeks = ?, prerequisites = ?, excludes = ?, offerings = ? WHERE id = ?")
            for text in try String.fetchAll(db, sql: "SELECT document FROM credential") {
                for credential in try decode(credentials: [text], db) {
                    try update.execute(arguments: planningColumns(credential) + [credential.id])
                }
            }
        }
        // A covering index of what planning reads, led by EQF: a broad credit requirement
        // ("accredited, EQF 7+") then scans this index instead of every row with its document.
        migrator.registerMigration("v3: planning index") { db in
            try db.execute(sql: planningIndex)
        }
        return migrator
    }

    public struct ImportSummary: Sendable, Equatable {
        public var providers: Int
        public var credentials: Int
        public var qualifications: Int
        /// Records that replaced one with the same id.
        public var replaced: Int
        public var warnings: [ValidationIssue]
    }

    /// Validates the document against itself and what is stored, then upserts it by id in one
    /// transaction. Throws ``InvalidDocument`` listing every error; nothing is written then.
    @discardableResult
    public func importCatalogue(_ document: Catalogue, file: String? = nil) throws -> ImportSummary {
        try importCatalogues([(document, file)])[0]
    }

    /// Imports several documents in one transaction, each validated against what is stored and
    /// the documents before it: if any has an error, none is written.
    public func importCatalogues(_ documents: [(catalogue: Catalogue, file: String?)]) throws -> [ImportSummary] {
        try database.write { db in
            // Building the secondary indexes of credentials once at the end costs far less than
            // keeping them up to date row by row when many rows arrive; in the same transaction,
            // so still all or nothing.
            let arriving = documents.reduce(0) { $0 + $1.catalogue.credentials.count }
            var rebuilt: [(name: String, sql: String)] = []
            if arriving >= 5_000 {
                for row in try Row.fetchAll(db, sql: """
                    SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                        AND tbl_name IN ('credential', 'credentialCompetency', 'credentialLanguage') ORDER BY name
                    """) {
                    rebuilt.append((row["name"], row["sql"]))
                }
                for index in rebuilt { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
            }
            let summaries = try documents.map { try Self.importCatalogue($0.catalogue, file: $0.file, into: db) }
            for index in rebuilt { try db.execute(sql: index.sql) }
            return summaries
        }
    }

    static let planningIndex = """
        CREATE INDEX credentialPlanning ON credential(eqf, accredited, ects, kind, providerId, id, title, hours, cost,
            currency, mode, weeks, prerequisites, excludes)
        """

    private static func importCatalogue(_ document: Catalogue, file: String?, into db: Database) throws -> ImportSummary {
        // Only the stored records the document can refer to, fetched by id: decoding every
        // stored document would make each import as slow as the whole database is large.
        let stored = try Self.recordsReferenced(by: document, db)
        var issues = CatalogueValidator.issues(in: document, resolvingAgainst: stored)
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
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('baseCurrency', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [document.baseCurrency])
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('format', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [Catalogue.formatName])
        for (currency, rate) in document.exchangeRates.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT INTO exchangeRate (currency, rate) VALUES (?, ?) ON CONFLICT(currency) DO UPDATE SET rate = excluded.rate", arguments: [currency, rate])
        }
        let upsertProvider = try db.cachedStatement(sql: """
            INSERT INTO provider (id, name, country, accredited, document) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country,
                accredited = excluded.accredited, document = excluded.document
            """)
        for provider in document.providers {
            try upsertProvider.execute(arguments: [provider.id, provider.name, provider.country, provider.accredited, CatalogueDocument.json(provider).compactText])
        }
        let upsertCredential = try db.cachedStatement(sql: """
            INSERT INTO credential (id, providerId, title, kind, ects, hours, eqf, cost, currency, mode, accredited, document,
                weeks, prerequisites, excludes, offerings)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET providerId = excluded.providerId, title = excluded.title, kind = excluded.kind,
                ects = excluded.ects, hours = excluded.hours, eqf = excluded.eqf, cost = excluded.cost,
                currency = excluded.currency, mode = excluded.mode, accredited = excluded.accredited, document = excluded.document,
                weeks = excluded.weeks, prerequisites = excluded.prerequisites, excludes = excluded.excludes,
                offerings = excluded.offerings
            """)
        let clearCompetencies = try db.cachedStatement(sql: "DELETE FROM credentialCompetency WHERE credentialId = ?")
        let addCompetency = try db.cachedStatement(sql: "INSERT INTO credentialCompetency (credentialId, competency) VALUES (?, ?)")
        let clearLanguages = try db.cachedStatement(sql: "DELETE FROM credentialLanguage WHERE credentialId = ?")
        let addLanguage = try db.cachedStatement(sql: "INSERT INTO credentialLanguage (credentialId, language) VALUES (?, ?)")
        for credential in document.credentials {
            try upsertCredential.execute(arguments: [
                credential.id, credential.provider, credential.title, credential.kind.rawValue, credential.ects, credential.hours,
                credential.eqf, credential.cost, credential.currency, credential.mode.rawValue, credential.accredited,
                CatalogueDocument.json(credential).compactText,
            ] + Self.planningColumns(credential))
            try clearCompetencies.execute(arguments: [credential.id])
            for competency in Set(credential.competencies).sorted() {
                try addCompetency.execute(arguments: [credential.id, competency])
            }
            try clearLanguages.execute(arguments: [credential.id])
            for language in Set(credential.languages).sorted() {
                try addLanguage.execute(arguments: [credential.id, language])
            }
        }
        let upsertQualification = try db.cachedStatement(sql: """
            INSERT INTO qualification (id, providerId, title, eqf, ects, document) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET providerId = excluded.providerId, title = excluded.title, eqf = excluded.eqf,
                ects = excluded.ects, document = excluded.document
            """)
        for qualification in document.qualifications {
            try upsertQualification.execute(arguments: [
                qualification.id, qualification.provider, qualification.title, qualification.eqf, qualification.ects,
                CatalogueDocument.json(qualification).compactText,
            ])
        }
        let after = try Self.rowCounts(db)
        let added = zip(after, before).reduce(0) { $0 + $1.0 - $1.1 }
        return ImportSummary(
            providers: document.providers.count, credentials: document.credentials.count,
            qualifications: document.qualifications.count,
            replaced: document.providers.count + document.credentials.count + document.qualifications.count - added,
            warnings: issues.filter { $0.severity == .warning })
    }

    /// weeks, prerequisites, excludes and offerings as the v2 columns hold them.
    static func planningColumns(_ credential: Credential) -> StatementArguments {
        [credential.weeks, credential.prerequisites.map { CatalogueDocument.json($0).compactText },
         credential.excludes.isEmpty ? nil : JSON.array(credential.excludes.map(JSON.string)).compactText,
         credential.offerings.isEmpty ? nil : JSON.array(credential.offerings.map(CatalogueDocument.json)).compactText]
    }

    static func rowCounts(_ db: Database) throws -> [Int] {
        try ["provider", "credential", "qualification"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 }
    }

    /// The whole stored catalogue.
    public func catalogue() throws -> Catalogue {
        try database.read { try Self.loadCatalogue($0) }
    }

    public struct Counts: Sendable, Equatable {
        public var providers: Int
        public var credentials: Int
        public var qualifications: Int
    }

    public func counts() throws -> Counts {
        try database.read { db in
            Counts(
                providers: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM provider") ?? 0,
                credentials: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM credential") ?? 0,
                qualifications: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM qualification") ?? 0)
        }
    }

    static func loadCatalogue(_ db: Database) throws -> Catalogue {
        let base = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'") ?? "EUR"
        var rates: [String: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT currency, rate FROM exchangeRate") { rates[row["currency"]] = row["rate"] }
        var document: [String: JSON] = [
            "format": .string(Catalogue.formatName), "baseCurrency": .string(base),
            "exchangeRates": .object(rates.mapValues(JSON.number)),
        ]
        for (table, key) in [("provider", "providers"), ("credential", "credentials"), ("qualification", "qualifications")] {
            let texts = try String.fetchAll(db, sql: "SELECT document FROM \(table) ORDER BY id")
            document[key] = .array(try texts.map { try JSON.parse(Data($0.utf8)) })
        }
        do {
            return try CatalogueDocument.read(JSON.object(document))
        } catch let invalid as InvalidDocument {
            throw StoreError.corrupt(invalid.description)
        }
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
        case .corrupt(let details): "the stored catalogue cannot be read back: \(details)"
        }
    }
}
