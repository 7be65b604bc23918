import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HummingbirdBcrypt
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// The built `stackplan serve`, run as a process of its own on a free port.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0

    /// The built executable, next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL? {
        [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stackplan"),
            Harness.repository.appendingPathComponent(".build/debug/stackplan"),
        ].first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts `stackplan serve --db DATABASE --port 0` and waits for the line that gives its port.
    init(database: String) throws {
        process.executableURL = try #require(Self.executable, "build the stackplan product first")
        process.arguments = ["serve", "--db", database, "--port", "0", "--schemes", Harness.repository.appendingPathComponent("data/cpd-schemes.json").path]
        process.currentDirectoryURL = Harness.repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while port == 0 && Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!.dropLast()) ?? 0
            }
        }
        if port == 0 { process.terminate() }
        try #require(port != 0, "the server did not start: \(text)")
    }

    var base: String { "http://127.0.0.1:\(port)/api/v1" }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        process.interrupt()
        process.waitUntilExit()
    }

    /// Sends a request; the status and the JSON answer, or `nil` when no answer came.
    func send(_ method: String, _ path: String, token: String? = nil, body: JSON? = nil) async -> (status: Int, json: JSON)? {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body.serialized(pretty: false)
        }
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, (try? JSON.parse(data)) ?? .null)
    }

    func signIn(_ name: String, _ password: String) async throws -> String {
        let answer = await send("POST", "/sessions", body: .object(["name": .string(name), "password": .string(password)]))
        return try #require(answer?.json["token"]?.stringValue)
    }
}

/// Faults of the whole service: a process killed mid-write loses nothing it acknowledged.
@Suite(.serialized) struct FaultTests {
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String] = []
        func add(_ name: String) { lock.withLock { names.append(name) } }
        var all: [String] { lock.withLock { names } }
    }

    @Test func killedDuringConcurrentWritesItKeepsEveryAcknowledgedWriteAndASoundFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-fault-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("service.sqlite").path
        do {
            let store = try CatalogueStore(path: database)
            _ = try store.importCatalogue(try CatalogueDocument.read(Data(contentsOf: Harness.repository.appendingPathComponent("data/catalogue.json"))))
            try store.createAccount(name: "writer", role: .learner, passwordHash: Bcrypt.hash("password-of-writer", cost: 4), by: nil, now: Date())
        }
        let plan = try PlanningRouteTests.sofia()
        let server = try ServerProcess(database: database)
        let token = try await server.signIn("writer", "password-of-writer")
        let acknowledged = Acknowledged()
        // Eight writers save plans as fast as the service takes them, until the process dies.
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for number in 0..<10_000 {
                            let name = "writer \(writer) plan \(number)"
                            guard let answer = await server.send("POST", "/saved-plans", token: token,
                                                                 body: .object(["name": .string(name), "plan": plan])) else { return }
                            if answer.status == 201 { acknowledged.add(name) }
                        }
                    }
                }
            }
        }
        while acknowledged.all.count < 40 { try await Task.sleep(for: .milliseconds(50)) }
        server.kill()
        await writers.value
        let written = acknowledged.all
        #expect(written.count >= 40)

        let restarted = try ServerProcess(database: database)
        let again = try await restarted.signIn("writer", "password-of-writer")
        let listed = try #require(await restarted.send("GET", "/saved-plans", token: again))
        let names = listed.json.arrayItems.compactMap { $0["name"]?.stringValue }
        restarted.stop()
        // Every acknowledged write is there, once; nothing is there twice.
        #expect(Set(written).subtracting(names).isEmpty, "lost: \(Set(written).subtracting(names).sorted())")
        #expect(names.count == Set(names).count)
        let store = try CatalogueStore(path: database)
        #expect(try store.integrityCheck() == ["ok"])
    }
}
