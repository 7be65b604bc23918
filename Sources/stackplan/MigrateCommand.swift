import ArgumentParser
import Foundation
import StackPlanPostgres
import StackPlanStore

/// `stackplan migrate --from FILE --to URL`: copies a SQLite database into PostgreSQL exactly.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite database (catalogue, accounts, saved plans, audit log) into an empty PostgreSQL database.",
        discussion: """
            All or nothing, in one transaction; the PostgreSQL database must hold no StackPlan records. \
            After the copy, both databases are read back and compared record by record.
            """)

    @Option(help: "The SQLite database to copy (it is only read).")
    var from: String

    @Option(help: "The PostgreSQL database URL to copy into (see `stackplan serve --help` for its form).")
    var to: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: from) else {
            printError("error: --from: no database at \(from)")
            throw Exit.invalidInput
        }
        guard PostgresLocation.isURL(to) else {
            printError("error: --to takes a postgres:// URL, found \"\(to)\"")
            throw Exit.invalidInput
        }
        let source = try reportingErrors { try CatalogueStore(path: from, access: .readOnly) }
        let unknown = try reportingErrors { try source.appliedMigrations() }.subtracting(StoreTables.knownMigrations)
        if !unknown.isEmpty {
            printError("error: \(from) has changes this version cannot copy (\(unknown.sorted().joined(separator: ", "))); use the StackPlan that made them")
            throw Exit.invalidInput
        }
        let target = try reportingErrors { try PostgresStore(url: to) }
        defer { target.close() }
        try reportingErrors {
            let tables = try source.exportTables()
            try target.copyTables(tables)
            let copied = try target.exportTables()
            for (expected, found) in zip(tables, copied) where expected != found {
                printError("error: the copy of table \(expected.name) in \(target.location) differs from \(from) (\(expected.rows.count) rows, \(found.rows.count) copied)")
                throw Exit.internalError
            }
            let rows = tables.reduce(0) { $0 + $1.rows.count }
            let counts = tables.filter { !$0.rows.isEmpty }.map { "\($0.name) \($0.rows.count)" }.joined(separator: ", ")
            print("copied \(plural(rows, "row")) from \(from) into \(target.location), checked record by record: \(counts.isEmpty ? "no records" : counts)")
        }
    }
}
