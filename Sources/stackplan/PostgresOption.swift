import ArgumentParser
import Foundation
import StackPlanPostgres
import StackPlanStore

/// `--database postgres://…`: the PostgreSQL database for the commands that can use one (serve,
/// import); without it they use the SQLite file of `--db`.
struct PostgresOption: ParsableArguments {
    @Option(name: .customLong("database"),
            help: "PostgreSQL database URL, postgres://USER[:PASSWORD]@HOST[:PORT]/NAME or postgres://USER@/NAME?host=/socket/folder (password also from $PGPASSWORD); instead of --db.")
    var url: String?

    /// The PostgreSQL store, or `nil` when `--database` is not given; refuses `--db` beside it.
    func open(besides database: DatabaseOption) throws -> PostgresStore? {
        guard let url else { return nil }
        if database.db != nil {
            printError("error: give either --database (PostgreSQL) or --db (SQLite), not both")
            throw Exit.invalidInput
        }
        guard PostgresLocation.isURL(url) else {
            printError("error: --database takes a postgres:// URL, found \"\(url)\"; give a SQLite file with --db")
            throw Exit.invalidInput
        }
        return try reportingErrors { try PostgresStore(url: url) }
    }

    /// The read replica of `serve --read-database`, opened read-only (it is checked, never
    /// migrated); `nil` without one.
    static func openReplica(_ url: String?) throws -> PostgresStore? {
        guard let url else { return nil }
        guard PostgresLocation.isURL(url) else {
            printError("error: --read-database takes a postgres:// URL, found \"\(url)\"")
            throw Exit.invalidInput
        }
        return try reportingErrors { try PostgresStore(url: url, access: .readOnly) }
    }
}
