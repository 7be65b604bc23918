import Foundation
import GRDB

/// One value of a stored row, as both databases can hold it: booleans are integers 0 and 1.
public enum StoredValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): "\"\(value)\""
        }
    }
}

/// Every row of one stored table, in key order: what `stackplan migrate` copies, and what its
/// check compares record by record between the two databases.
public struct StoredTable: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    public var rows: [[StoredValue]]

    public init(name: String, columns: [String], rows: [[StoredValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}

/// The tables of a StackPlan database, the same in SQLite and PostgreSQL, in an order in which
/// every row's references come before it. A migration that adds a table or column adds it here,
/// and its identifier to ``knownMigrations``, so that a copy never leaves part of a database behind.
public enum StoreTables {
    public struct Layout: Sendable {
        public var name: String
        public var columns: [String]
        /// The columns that order the rows (the primary key).
        public var key: [String]
        /// The column whose values a database numbers itself (`nil` for tables keyed by text).
        public var numbered: String?
    }

    public static let layouts: [Layout] = [
        Layout(name: "setting", columns: ["key", "value"], key: ["key"]),
        Layout(name: "exchangeRate", columns: ["currency", "rate"], key: ["currency"]),
        Layout(name: "provider", columns: ["id", "name", "country", "accredited", "document"], key: ["id"]),
        Layout(name: "credential", columns: [
            "id", "providerId", "title", "kind", "ects", "hours", "eqf", "cost", "currency", "mode", "accredited", "document",
            "weeks", "prerequisites", "excludes", "offerings",
        ], key: ["id"]),
        Layout(name: "credentialCompetency", columns: ["credentialId", "competency"], key: ["credentialId", "competency"]),
        Layout(name: "credentialLanguage", columns: ["credentialId", "language"], key: ["credentialId", "language"]),
        // Derived from the credentials, but copied as stored: the candidate cut trusts it.
        Layout(name: "referencedCredential", columns: ["id"], key: ["id"]),
        Layout(name: "qualification", columns: ["id", "providerId", "title", "eqf", "ects", "document"], key: ["id"]),
        Layout(name: "account", columns: ["id", "name", "role", "passwordHash", "createdAt"], key: ["id"], numbered: "id"),
        Layout(name: "advisorAssignment", columns: ["advisorId", "learnerId"], key: ["advisorId", "learnerId"]),
        Layout(name: "accessToken", columns: ["selector", "accountId", "verifierHash", "expiresAt"], key: ["selector"]),
        Layout(name: "savedPlan", columns: ["id", "ownerId", "createdAt"], key: ["id"], numbered: "id"),
        Layout(name: "savedPlanVersion", columns: [
            "planId", "version", "name", "status", "inputs", "result", "catalogueVersion", "createdAt", "createdBy",
        ], key: ["planId", "version"]),
        Layout(name: "learnerProfile", columns: ["id", "ownerId", "document", "updatedAt"], key: ["id"], numbered: "id"),
        Layout(name: "catalogueEdit", columns: ["version", "at", "accountId", "summary"], key: ["version"]),
        Layout(name: "auditEntry", columns: ["id", "at", "accountId", "action", "subject"], key: ["id"], numbered: "id"),
        Layout(name: "retiredRecord", columns: ["kind", "recordId", "retiredAt", "accountId"], key: ["kind", "recordId"]),
        Layout(name: "serviceJob", columns: [
            "id", "kind", "ownerId", "status", "stage", "progress", "summary", "error", "files", "createdAt", "updatedAt",
            "instance", "cancelRequested",
        ], key: ["id"]),
    ]

    /// The SQLite migrations whose tables and columns ``layouts`` holds in full. The columns of
    /// v10 and v11 (`credential.fee` and `credential.languages`, the side table's copy of EQF,
    /// ECTS, fee, hours, kind, mode and languages) are derived from each credential's own columns,
    /// its languages and the rates, for SQLite's ordered reading only: a copy leaves them behind
    /// and loses nothing.
    public static let knownMigrations: Set<String> = [
        "v1: catalogue", "v2: planning columns", "v3: planning index", "v4: application id",
        "v5: service accounts, saved plans, audit", "v6: retired records, service jobs", "v7: referenced credentials", "v8: job instances",
        "v9: covering competency index", "v10: measure order indexes", "v11: ordered reading filters",
    ]

    /// Columns added after a table was made, with the value a database not yet through the
    /// migration that adds them would get from it: what its copy holds (it is opened read-only).
    static let addedColumns: [String: [String: String]] = [
        "serviceJob": ["instance": "''", "cancelRequested": "0"],
    ]

    /// The rows "v7: referenced credentials" makes from the credentials: what a database that
    /// has not been through it (one opened read-only to be copied) exports for that table, so
    /// that its copy holds what migrating it would have made.
    static let derivedReferencedCredentials = """
        SELECT j.value AS "id" FROM credential c, json_tree(c.prerequisites) j
            WHERE c.prerequisites IS NOT NULL AND j.key = 'credential' AND j.type = 'text'
        UNION SELECT j.value FROM credential c, json_each(c.excludes) j WHERE c.excludes IS NOT NULL AND j.type = 'text'
        """
}

extension CatalogueStore {
    /// The migrations this database has been through.
    public func appliedMigrations() throws -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) }
    }

    /// Every row of every table of ``StoreTables/layouts``, in key order (byte order for text).
    public func exportTables() throws -> [StoredTable] {
        try read { db in
            try StoreTables.layouts.map { layout in
                let existing = Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [layout.name]))
                let columns = layout.columns.map { (column: String) -> String in
                    if !existing.contains(column), let value = StoreTables.addedColumns[layout.name]?[column] { return "\(value) AS \"\(column)\"" }
                    return "\"\(column)\""
                }.joined(separator: ", ")
                let order = layout.key.map { "\"\($0)\"" }.joined(separator: ", ")
                var source = "\"\(layout.name)\""
                if layout.name == "referencedCredential", try !db.tableExists(layout.name) {
                    source = "(\(StoreTables.derivedReferencedCredentials))"
                }
                var rows: [[StoredValue]] = []
                let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(source) ORDER BY \(order)")
                while let row = try cursor.next() {
                    rows.append((0..<layout.columns.count).map { index in
                        let value: DatabaseValue = row[index]
                        switch value.storage {
                        case .int64(let value): return .integer(value)
                        case .double(let value): return .real(value)
                        case .string(let value): return .text(value)
                        case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
                        case .null: return .null
                        }
                    })
                }
                return StoredTable(name: layout.name, columns: layout.columns, rows: rows)
            }
        }
    }
}
