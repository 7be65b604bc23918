import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanPostgres
import StackPlanServer
import StackPlanStore

/// `stackplan serve`: the HTTP API (docs/api.md) on the same database the command line uses.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API (docs/api.md) on the stored catalogue until stopped (Ctrl-C or SIGTERM).",
        discussion: "Every route answers what its command prints with --json; errors are application/problem+json (RFC 9457).")

    @Option(help: "Address to listen on (default 127.0.0.1: this machine only).")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port to listen on (0 to 65,535; 0 picks a free one, printed at start; default 8080).",
            transform: ServeRanges.port.parseWhole)
    var port = 8080

    @Option(help: "Solves that may run at once (1 to 256; default: the number of cores).", transform: ServeRanges.slots.parseWhole)
    var solveSlots: Int?

    @Option(help: "Folder for jobs' uploads and results (default: DATABASE-jobs beside a SQLite database, stackplan-jobs in the working folder with a postgres:// --database).")
    var jobsDir: String?

    @Option(help: "Hours a finished job's results are kept (1 to 8,760; default 24).", transform: ServeRanges.retention.parseWhole)
    var jobRetentionHours = 24

    @Option(help: "This instance's name among those serving one database (default HOST:PORT of this machine; with --port 0, a new name at each start). A restart under the same name takes the jobs it left running as interrupted at once; another instance's jobs are taken so only once it has been silent for 30 seconds.")
    var instance: String?

    @Option(help: "Requests a signed-in account may make per second, after a burst of a minute's worth, at least 120 (1 to 100,000; default 2).",
            transform: ServeRanges.rate.parseWhole)
    var accountRate = 2

    @Flag(help: "Print the OpenAPI document (docs/openapi.json) and stop.")
    var printOpenapi = false

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption
    @OptionGroup var postgres: PostgresOption

    @Option(name: .customLong("read-database"),
            help: "A read replica of the --database PostgreSQL database (a postgres:// URL): the catalogue is read from it; accounts, saved plans, jobs and every write stay on --database.")
    var readDatabase: String?

    func run() throws {
        if printOpenapi {
            print(String(decoding: OpenAPIDocument.json(version: StackPlan.version).serialized(pretty: true), as: UTF8.self))
            return
        }
        // Several instances may serve one PostgreSQL database; a SQLite file serves one.
        let store: any CatalogueSource & ServiceRecordSource
        let location: String, onPostgres: Bool
        if let postgres = try postgres.open(besides: database) {
            (store, location, onPostgres) = (postgres, postgres.location, true)
        } else {
            if readDatabase != nil {
                printError("error: --read-database is a replica of a PostgreSQL --database; give --database postgres://… beside it")
                throw Exit.invalidInput
            }
            let sqlite = try database.open()
            (store, location, onPostgres) = (sqlite, database.path, false)
        }
        // Catalogue reads (listing, planning) may go to a replica; everything else stays on the primary.
        let replica = try PostgresOption.openReplica(readDatabase)
        let catalogue: any CatalogueSource = replica ?? store
        let counts = try reportingErrors { try catalogue.counts() }
        if counts.credentials == 0 {
            printError("note: the catalogue in \(location) is empty: load one with `stackplan import data/catalogue.json` and the same database option")
        }
        // The first start creates one demo account per role; their passwords are shown this once.
        let demo = try reportingErrors { () throws -> [DemoAccounts.Created] in
            do { return try DemoAccounts.createIfNone(in: store) } catch ServiceRecordError.duplicateAccount {
                // Another instance on the same database made them at the same moment: it shows them.
                return []
            }
        }
        if !demo.isEmpty {
            var text = "Demo accounts (passwords shown once; sign in with POST /api/v1/sessions):\n"
            for account in demo { text += "  \(account.name)  role \(account.role.rawValue)  password \(account.password)\n" }
            // Unbuffered, before the line that says the server listens.
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        var configuration = ServerConfiguration(host: host, port: port, schemesPath: schemeFile.path)
        if let solveSlots { configuration.solveSlots = solveSlots }
        configuration.rateLimit = RateLimit(burst: Double(max(120, 60 * accountRate)), perSecond: Double(accountRate))
        // A PostgreSQL database has no file to sit beside: its default folder is in the working directory.
        configuration.jobFolder = jobsDir ?? (onPostgres ? "stackplan-jobs" : database.path + "-jobs")
        configuration.jobRetention = TimeInterval(jobRetentionHours) * 3600
        if let instance {
            guard !instance.isEmpty, instance.count <= 200, !instance.contains(where: { $0.isNewline }) else {
                printError("error: --instance takes a name of 1 to 200 characters on one line")
                throw Exit.invalidInput
            }
            configuration.instance = instance
        } else if port != 0 {
            // Stable across restarts of this instance, distinct between instances of one machine.
            configuration.instance = "\(ProcessInfo.processInfo.hostName):\(port)"
        }
        let jobFolder = configuration.jobFolder, retention = configuration.jobRetention, instanceName = configuration.instance
        do {
            try FileManager.default.createDirectory(atPath: jobFolder, withIntermediateDirectories: true)
        } catch {
            printError("error: cannot create the jobs folder \(jobFolder)")
            throw Exit.ioFailure
        }
        // Jobs the last run left running are interrupted; their partial results go.
        let interrupted = try reportingErrors { try recoverJobs(records: store, instance: instanceName, retention: retention) }
        if interrupted > 0 { printError("note: \(plural(interrupted, "job")) left unfinished by a stopped instance marked interrupted") }
        let host = host, path = replica.map { "\($0.location), read replica of \(location)" } ?? location
        let application = buildApplication(configuration, catalogue: catalogue, records: store, version: StackPlan.version) { port in
            // Written straight through, not buffered: scripts wait for this line to know the port.
            let line = "StackPlan API listening on http://\(host):\(port.map(String.init) ?? "?")/api/v1 (\(plural(counts.credentials, "credential")) in \(path)); Ctrl-C stops it\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        let finished = DispatchSemaphore(value: 0)
        let outcome = ServeOutcome()
        Task {
            do { try await application.runService() } catch { outcome.failure = error }
            finished.signal()
        }
        finished.wait()
        if outcome.failure != nil {
            printError("error: cannot serve on \(host):\(port): the address is in use or not available here")
            throw Exit.ioFailure
        }
    }
}

/// How the server stopped, handed from its task to the waiting command.
private final class ServeOutcome: @unchecked Sendable {
    var failure: Error?
}

/// The ranges of serve's numeric flags, checked as every numeric flag is (NumberFlags.swift).
enum ServeRanges {
    static let port = NumberRange.closed(0, 65_535, whole: true)
    static let slots = NumberRange.closed(1, 256, whole: true)
    static let retention = NumberRange.closed(1, 8_760, whole: true)
    static let rate = NumberRange.closed(1, 100_000, whole: true)
}
