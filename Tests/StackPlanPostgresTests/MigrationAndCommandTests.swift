import Foundation
import GRDB
import Testing
import StackPlanCore
@testable import StackPlanPostgres
@testable import StackPlanStore

/// `stackplan migrate`, `import --database` and `serve --database`, and what PostgreSQL URLs
/// and servers that cannot be used are told.
@Suite struct MigrationAndCommandTests {
    static let repository = Samples.repository

    /// A SQLite database with a catalogue and every kind of service record.
    func filledSQLite() throws -> ScratchDatabase {
        let database = try ScratchDatabase(.sqlite)
        let store = database.store
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try _ = store.importCatalogues([(try Samples.bundled(), nil)])
        let ana = try store.createAccount(name: "ana", role: .learner, passwordHash: "h1", by: nil, now: now)
        let ben = try store.createAccount(name: "ben", role: .advisor, passwordHash: "h2", by: nil, now: now)
        try store.assign(learner: ana.id, toAdvisor: ben.id, by: ben.id, now: now)
        try store.storeToken(StoredToken(selector: "s", accountID: ana.id, verifierHash: "v", expiresAt: now.addingTimeInterval(60)), now: now)
        let plan = try store.createSavedPlan(owner: ana.id, content: Samples.content("p"), by: ana.id, now: now)
        _ = try store.addPlanVersion(planID: plan.planID, expecting: 1, content: Samples.content("p", 2), by: ben.id, now: now)
        _ = try store.saveProfile(.object(["name": .string("Ana \t\\ \n")]), owner: ana.id, id: nil, by: ana.id, now: now)
        _ = try store.editCatalogue(try Samples.document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "tcd-nu7812", "title": "Édition", "provider": "tcd", "kind": "programme", "ects": 10, "eqf": 7, "mode": "online", "languages": ["en"]}]}
            """), by: ben.id, now: now)
        _ = try store.retire(.credential, id: "tcd-nu7812", by: ben.id, now: now)
        try store.createJob(JobRecord(id: "job-1", kind: "frontier", ownerID: ana.id, status: .done, stage: "done",
                                      summary: .object(["points": .number(2)]), files: "/tmp/jobs/job-1", createdAt: now, updatedAt: now))
        return database
    }

    @Test(.needsPostgres) func migrateCopiesEveryRecordExactly() throws {
        let source = try filledSQLite()
        let sqlite = try #require(source.store as? CatalogueStore)
        let url = try ScratchDatabase.newPostgresDatabase()
        let target = try PostgresStore(url: url)
        let tables = try sqlite.exportTables()
        #expect(tables.first { $0.name == "auditEntry" }?.rows.count ?? 0 > 5)
        #expect(tables.first { $0.name == "retiredRecord" }?.rows.count == 1)
        #expect(tables.first { $0.name == "serviceJob" }?.rows.count == 1)
        #expect(tables.first { $0.name == "referencedCredential" }?.rows.count ?? 0 > 5)
        try target.copyTables(tables)
        let copied = try target.exportTables()
        #expect(copied.map(\.name) == tables.map(\.name))
        for (expected, found) in zip(tables, copied) {
            #expect(found.rows.count == expected.rows.count, "rows of \(expected.name)")
            for (index, (left, right)) in zip(expected.rows, found.rows).enumerated() where left != right {
                Issue.record("\(expected.name) row \(index): \(left) in SQLite, \(right) in PostgreSQL")
            }
        }
        #expect(try target.catalogue() == (try sqlite.catalogue()))
        #expect(try target.retirements() == (try sqlite.retirements()))
        #expect(try target.job("job-1") == (try sqlite.job("job-1")))
        // New rows are numbered after the copied ones, and a second copy is refused untouched.
        let next = try target.createAccount(name: "cy", role: .admin, passwordHash: "h", by: nil, now: Date())
        #expect(next.id == Int64(try sqlite.accountCount()) + 1)
        #expect(throws: PostgresStoreError.notEmpty(location: target.location, table: "setting")) { try target.copyTables(tables) }
    }

    /// A SQLite database made before "v7: referenced credentials", opened read-only to be
    /// copied, is copied with the table that migration would have made, so that the candidate
    /// cut on PostgreSQL never drops a credential another one names.
    @Test(.needsPostgres) func migrateFromADatabaseBeforeV7CopiesItsReferences() throws {
        let source = try filledSQLite()
        let current = try #require(source.store as? CatalogueStore)
        let expected = try #require(try current.exportTables().first { $0.name == "referencedCredential" })
        #expect(expected.rows.count > 5)
        try current.write { db in
            try db.execute(sql: """
                DROP TABLE referencedCredential;
                DELETE FROM grdb_migrations WHERE identifier = 'v7: referenced credentials';
                """)
        }
        let older = try CatalogueStore(path: source.address, access: .readOnly)
        #expect(!(try older.appliedMigrations()).contains("v7: referenced credentials"))
        let tables = try older.exportTables()
        #expect(tables.first { $0.name == "referencedCredential" } == expected)
        let target = try PostgresStore(url: try ScratchDatabase.newPostgresDatabase())
        try target.copyTables(tables)
        #expect(try target.exportTables() == tables)
    }

    @Test(.needsPostgres) func commandsImportServeAndMigrateOnPostgres() throws {
        let source = try filledSQLite()
        let url = try ScratchDatabase.newPostgresDatabase()
        let migrated = try CommandRunner.run(["migrate", "--from", source.address, "--to", url])
        #expect(migrated.status == 0, "\(migrated.error)")
        #expect(migrated.output.contains("checked record by record"))
        let again = try CommandRunner.run(["migrate", "--from", source.address, "--to", url])
        #expect(again.status == 2 && again.error.contains("already holds StackPlan records"))

        let fresh = try ScratchDatabase.newPostgresDatabase()
        let imported = try CommandRunner.run(["import", "data/catalogue.json", "--database", fresh])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.contains("into postgres://stackplan@/"))
        #expect(try PostgresStore(url: fresh).counts().credentials == (try Samples.bundled()).credentials.count)
        let both = try CommandRunner.run(["import", "data/catalogue.json", "--database", fresh, "--db", "x.sqlite"])
        #expect(both.status == 2 && both.error.contains("not both"))
    }

    @Test(.needsPostgres) func aDatabaseOfAnotherProgramIsLeftUntouched() throws {
        let url = try ScratchDatabase.newPostgresDatabase()
        try ScratchDatabase.execute("CREATE TABLE invoices (id integer)", on: url)
        #expect(throws: PostgresStoreError.notStackPlan(location: try PostgresLocation(url).description, tables: ["invoices"])) {
            try PostgresStore(url: url)
        }
    }

    @Test func urlsAreReadPartByPart() throws {
        let tcp = try PostgresLocation("postgres://ana:s%40cret@db.example.org:6543/stackplan?sslmode=require", environment: [:])
        #expect(tcp.endpoint == .tcp(host: "db.example.org", port: 6543))
        #expect(tcp.user == "ana" && tcp.password == "s@cret" && tcp.database == "stackplan" && tcp.tls == .require)
        #expect(tcp.description == "postgres://ana@db.example.org:6543/stackplan")
        let socket = try PostgresLocation("postgresql://ana@/stackplan?host=/run/pg", environment: ["PGPASSWORD": "pw"])
        #expect(socket.endpoint == .socket(folder: "/run/pg", port: 5432) && socket.password == "pw")
        #expect(socket.socketPath == "/run/pg/.s.PGSQL.5432")
        func problem(_ url: String) -> String {
            do { _ = try PostgresLocation(url, environment: [:]); return "accepted" } catch let error as PostgresURLError {
                return "\(error.part): \(error.url)"
            } catch { return "other" }
        }
        #expect(problem("mysql://ana@host/db") == "scheme: mysql://ana@host/db")
        #expect(problem("postgres://host/db") == "user: postgres://host/db")
        #expect(problem("postgres://ana:secret@host:99999/db") == "port: postgres://ana:…@host:99999/db")
        #expect(problem("postgres://ana@host") == "database: postgres://ana@host")
        #expect(problem("postgres://ana@/db") == "host: postgres://ana@/db")
        #expect(problem("postgres://ana@host/db?sslmode=maybe") == "sslmode: postgres://ana@host/db?sslmode=maybe")
        #expect(problem("postgres://ana@host/db?colour=blue") == "parameter \"colour\": postgres://ana@host/db?colour=blue")
        #expect(problem("postgres://ana@/db?host=relative") == "host parameter: postgres://ana@/db?host=relative")
    }

    @Test func unreachableServersAndBadURLsAreNamedOnTheCommandLine() throws {
        let refused = try CommandRunner.run(["import", "data/catalogue.json", "--database", "postgres://ana@127.0.0.1:1/stackplan"])
        #expect(refused.status == 74)
        #expect(refused.error == "error: cannot connect to the PostgreSQL server of postgres://ana@127.0.0.1:1/stackplan: connection refused (is the server running, and listening on that port?)\n")
        let socket = try CommandRunner.run(["serve", "--database", "postgres://ana@/stackplan?host=/nonexistent/folder"])
        #expect(socket.status == 74)
        #expect(socket.error.contains("/nonexistent/folder/.s.PGSQL.5432"))
        let badPort = try CommandRunner.run(["import", "data/catalogue.json", "--database", "postgres://ana:pw@host:x/db"])
        #expect(badPort.status == 2)
        #expect(badPort.error.contains("its port") || badPort.error.contains("not a well-formed URL"))
        #expect(!badPort.error.contains("pw"))
        let notURL = try CommandRunner.run(["serve", "--database", "stackplan.sqlite"])
        #expect(notURL.status == 2 && notURL.error.contains("--database takes a postgres:// URL"))
        for result in [refused, socket, badPort, notURL] {
            #expect(!result.error.contains("PSQLError") && !result.error.contains("NIO"))
        }
    }

    @Test(.needsPostgres) func unknownUsersAndDatabasesAreNamed() throws {
        let server = try #require(Backend.serverURL)
        var components = try #require(URLComponents(string: server))
        components.path = "/no_such_database"
        #expect(throws: PostgresStoreError.noSuchDatabase(location: try PostgresLocation(components.string!).description, database: "no_such_database")) {
            try PostgresStore(url: components.string!)
        }
        components.path = "/postgres"
        components.user = "nobody"
        let error = try #require(throws: PostgresStoreError.self) { try PostgresStore(url: components.string!) }
        if case .refusedUser(_, let user, _) = error { #expect(user == "nobody") } else { Issue.record("not a refused user: \(error)") }
    }
}

/// Runs the built `stackplan` from the repository's root.
enum CommandRunner {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// The built `stackplan`, beside the tests.
    static func executable() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stackplan"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("stackplan"),
            Samples.repository.appendingPathComponent(".build/debug/stackplan"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build the stackplan product first")
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = Samples.repository
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = nil
        process.environment = environment
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), error: String(decoding: errorData, as: UTF8.self))
    }
}
