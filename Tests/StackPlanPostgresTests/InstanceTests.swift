import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import StackPlanCore
@testable import StackPlanPostgres
import StackPlanStore

/// Several `stackplan serve` processes on one PostgreSQL database, as a deployment runs them
/// (docs/deployment.md): a job one instance ran is served by another through a shared jobs
/// folder, and `--read-database` reads the catalogue from a replica and everything else from
/// the primary.
@Suite(.serialized) struct InstanceTests {
    /// A database with the bundled catalogue; its URL.
    static func catalogueDatabase(adding extra: Catalogue? = nil) throws -> String {
        let url = try ScratchDatabase.newPostgresDatabase()
        let store = try PostgresStore(url: url)
        defer { store.close() }
        var documents: [(catalogue: Catalogue, file: String?)] = [(try Samples.bundled(), nil)]
        if let extra { documents.append((extra, nil)) }
        _ = try store.importCatalogues(documents)
        return url
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-jobs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(.needsPostgres) func aJobOneInstanceRanIsServedByAnotherSharingItsJobsFolder() async throws {
        let database = try Self.catalogueDatabase()
        let shared = try Self.folder()
        let first = try ServeProcess(["--database", database, "--jobs-dir", shared])
        let second = try ServeProcess(["--database", database, "--jobs-dir", shared])
        let password = try #require(first.demoPasswords["demo-learner"], "the first instance prints the demo accounts")
        #expect(second.demoPasswords.isEmpty)
        // Signed in on one instance, the token works on every other (it is stored).
        let token = try await first.signIn("demo-learner", password)

        let sofia = try JSONSerialization.jsonObject(with: Data(contentsOf: Samples.repository.appendingPathComponent("data/learners/sofia.json")))
        let started = try await first.request("POST", "/api/v1/jobs/frontier", token: token,
                                              json: ["target": "ucp-pgdip-ipc", "learner": sofia, "limit": 2])
        #expect(started.status == 202, "\(started.text)")
        let id = try #require(started.object["id"] as? String)
        // Followed on the second instance, which reads the job's record from the database.
        var status = ""
        for _ in 0..<1_800 where status != "done" {
            let job = try await second.request("GET", "/api/v1/jobs/\(id)", token: token)
            #expect(job.status == 200, "\(job.text)")
            status = job.object["status"] as? String ?? ""
            #expect(status == "running" || status == "done", "\(job.text)")
            if status == "running" { try await Task.sleep(for: .milliseconds(500)) }
        }
        try #require(status == "done")
        let fromFirst = try await first.request("GET", "/api/v1/jobs/\(id)/results?format=csv", token: token)
        let fromSecond = try await second.request("GET", "/api/v1/jobs/\(id)/results?format=csv", token: token)
        #expect(fromSecond.status == 200)
        #expect(fromSecond.text.hasPrefix("rank,cost,hours,ects,completes,credentials\n1,"))
        #expect(fromSecond.text == fromFirst.text)
        // Deleted through the second instance: its files go from the shared folder.
        #expect(try await second.request("DELETE", "/api/v1/jobs/\(id)", token: token).status == 204)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared).isEmpty)
        #expect(try await first.request("GET", "/api/v1/jobs/\(id)", token: token).status == 404)
    }

    @Test(.needsPostgres) func theCatalogueIsReadFromTheReadDatabaseAndEverythingElseFromThePrimary() async throws {
        let primary = try Self.catalogueDatabase()
        // A stand-in for a replica that shows which database answered: one more credential.
        let replica = try Self.catalogueDatabase(adding: try Samples.document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "replica-only", "title": "Only on the replica", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}]}
            """))
        let server = try ServeProcess(["--database", primary, "--read-database", replica, "--jobs-dir", try Self.folder()])
        #expect(server.listening.contains("read replica of"))
        #expect(try await server.request("GET", "/api/v1/credentials/replica-only").status == 200)
        #expect(try await server.request("GET", "/api/v1/credentials/tcd-nu7812").status == 200)
        // Accounts are made on the primary at the first start, and signing in is checked and audited there.
        let password = try #require(server.demoPasswords["demo-learner"])
        _ = try await server.signIn("demo-learner", password)
        let primaryStore = try PostgresStore(url: primary), replicaStore = try PostgresStore(url: replica, access: .readOnly)
        defer { primaryStore.close(); replicaStore.close() }
        #expect(try primaryStore.accountCount() == AccountRole.allCases.count)
        #expect(try primaryStore.auditEntries(limit: 1).first?.action == "sign in")
        #expect(try replicaStore.accountCount() == 0)
        #expect(try primaryStore.credential("replica-only") == nil)
    }

    /// A read database is only read: one not set up is refused, and left without a table.
    @Test(.needsPostgres) func aReadDatabaseNotSetUpIsRefusedUntouched() throws {
        let primary = try Self.catalogueDatabase()
        let empty = try ScratchDatabase.newPostgresDatabase()
        let refused = try CommandRunner.run(["serve", "--port", "0", "--database", primary, "--read-database", empty])
        #expect(refused.status == 2)
        #expect(refused.error.contains("is not set up for this version of StackPlan (it lacks \"v1: catalogue\")"), "\(refused.error)")
        #expect(throws: PostgresStoreError.notMigrated(location: try PostgresLocation(empty).description, missing: "v1: catalogue")) {
            try PostgresStore(url: empty, access: .readOnly)
        }
        let alone = try CommandRunner.run(["serve", "--port", "0", "--read-database", primary])
        #expect(alone.status == 2 && alone.error.contains("give --database postgres://"), "\(alone.error)")
    }
}

/// A `stackplan serve` process on a free port, stopped when released.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// The line that says where it listens.
    let listening: String
    /// The demo accounts' passwords it printed (on the first start on a database only), by name.
    let demoPasswords: [String: String]

    init(_ arguments: [String]) throws {
        process.executableURL = try CommandRunner.executable()
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = Samples.repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("listening on") || !text.hasSuffix("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        listening = try #require(lines.first { $0.contains("listening on") }, "serve stopped before listening: \(text)")
        let address = try #require(listening.firstRange(of: "http://127.0.0.1:"))
        port = try #require(Int(listening[address.upperBound...].prefix { $0.isNumber }))
        var passwords: [String: String] = [:]
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            if words.first?.hasPrefix("demo-") == true, words.count >= 2, words[words.count - 2] == "password" { passwords[words[0]] = words.last }
        }
        demoPasswords = passwords
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    struct Answer {
        var status: Int
        var data: Data
        var text: String { String(decoding: data, as: UTF8.self) }
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
    }

    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.httpMethod = method
        request.timeoutInterval = 900
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, data: data)
    }

    /// A bearer token for the account.
    func signIn(_ name: String, _ password: String) async throws -> String {
        let answer = try await request("POST", "/api/v1/sessions", json: ["name": name, "password": password])
        #expect(answer.status == 201, "\(answer.text)")
        return try #require(answer.object["token"] as? String)
    }
}
