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
            try documents.map { try Self.importCatalogue($0.catalogue, file: $0.file, into: db) }
        }
    }

    private static func importCatalogue(_ document: Catalogue, file: String?, into db: Database) throws -> ImportSummary {
        let stored = try Self.loadCatalogue(db)
        var issues = CatalogueValidator.issues(in: document, resolvingAgainst: stored)
        let storedBase = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'")
        if let storedBase, storedBase != document.baseCurrency, !stored.credentials.isEmpty {
            issues.append(ValidationIssue(
                path: "$.baseCurrency",
                message: "is \(document.baseCurrency), but the database's catalogue is in \(storedBase); convert the document or use another database"))
        }
        if issues.contains(where: { $0.severity == .error }) { throw InvalidDocument(file: file, issues: issues) }

        var replaced = 0
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('baseCurrency', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [document.baseCurrency])
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('format', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [Catalogue.formatName])
        for (currency, rate) in document.exchangeRates.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT INTO exchangeRate (currency, rate) VALUES (?, ?) ON CONFLICT(currency) DO UPDATE SET rate = excluded.rate", arguments: [currency, rate])
        }
        for provider in document.providers {
            if stored.provider(provider.id) != nil { replaced += 1 }
            try db.execute(sql: """
                INSERT INTO provider (id, name, country, accredited, document) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country,
                    accredited = excluded.accredited, document = excluded.document
                """, arguments: [provider.id, provider.name, provider.country, provider.accredited, Self.text(CatalogueDocument.json(provider))])
        }
        for credential in document.credentials {
            if stored.credential(credential.id) != nil { replaced += 1 }
            try db.execute(sql: """
                INSERT INTO credential (id, providerId, title, kind, ects, hours, eqf, cost, currency, mode, accredited, document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET providerId = excluded.providerId, title = excluded.title, kind = excluded.kind,
                    ects = excluded.ects, hours = excluded.hours, eqf = excluded.eqf, cost = excluded.cost,
                    currency = excluded.currency, mode = excluded.mode, accredited = excluded.accredited, document = excluded.document
                """, arguments: [
                    credential.id, credential.provider, credential.title, credential.kind.rawValue, credential.ects, credential.hours,
                    credential.eqf, credential.cost, credential.currency, credential.mode.rawValue, credential.accredited,
                    Self.text(CatalogueDocument.json(credential)),
                ])
            try db.execute(sql: "DELETE FROM credentialCompetency WHERE credentialId = ?", arguments: [credential.id])
            for competency in Set(credential.competencies).sorted() {
                try db.execute(sql: "INSERT INTO credentialCompetency (credentialId, competency) VALUES (?, ?)", arguments: [credential.id, competency])
            }
            try db.execute(sql: "DELETE FROM credentialLanguage WHERE credentialId = ?", arguments: [credential.id])
            for language in Set(credential.languages).sorted() {
                try db.execute(sql: "INSERT INTO credentialLanguage (credentialId, language) VALUES (?, ?)", arguments: [credential.id, language])
            }
        }
        for qualification in document.qualifications {
            if stored.qualification(qualification.id) != nil { replaced += 1 }
            try db.execute(sql: """
                INSERT INTO qualification (id, providerId, title, eqf, ects, document) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET providerId = excluded.providerId, title = excluded.title, eqf = excluded.eqf,
                    ects = excluded.ects, document = excluded.document
                """, arguments: [qualification.id, qualification.provider, qualification.title, qualification.eqf, qualification.ects,
                                 Self.text(CatalogueDocument.json(qualification))])
        }
        return ImportSummary(
            providers: document.providers.count, credentials: document.credentials.count,
            qualifications: document.qualifications.count, replaced: replaced,
            warnings: issues.filter { $0.severity == .warning })
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

    static func text(_ json: JSON) -> String { String(decoding: json.serialized(pretty: false), as: UTF8.self) }

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
