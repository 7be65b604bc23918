import Foundation
import Testing
@testable import StackPlanPostgres
import StackPlanCore
import StackPlanStore

/// The two databases the store's contract is tested on. PostgreSQL comes from
/// $STACKPLAN_TEST_POSTGRES, a server the tests may create databases on (`make test` starts a
/// throwaway one with scripts/with-postgres.sh and sets $STACKPLAN_REQUIRE_POSTGRES).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let serverURL = ProcessInfo.processInfo.environment["STACKPLAN_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let required = ProcessInfo.processInfo.environment["STACKPLAN_REQUIRE_POSTGRES"] == "1"

    /// SQLite always; PostgreSQL when a server is given, and whenever it is required (a test
    /// then fails for want of it rather than being left out).
    static var available: [Backend] { serverURL != nil || required ? [.sqlite, .postgres] : [.sqlite] }
}

/// A new, empty database of either kind, removed when released.
final class ScratchDatabase: @unchecked Sendable {
    let backend: Backend
    let store: any CatalogueImporting & ServiceRecordSource
    /// The SQLite file, or the PostgreSQL URL.
    let address: String

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            address = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-\(UUID()).sqlite").path
            store = try CatalogueStore(path: address)
        case .postgres:
            address = try Self.newPostgresDatabase()
            store = try PostgresStore(url: address)
        }
    }

    deinit {
        if backend == .sqlite { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: address + suffix) } }
        (store as? PostgresStore)?.close()
    }

    /// Creates a database of its own on the test server; its URL.
    static func newPostgresDatabase(name: String = "t\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))") throws -> String {
        let server = try #require(Backend.serverURL, "STACKPLAN_TEST_POSTGRES is not set: run the tests with `make test` (scripts/with-postgres.sh starts a server)")
        try execute("CREATE DATABASE \"\(name)\"", on: server)
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        return try #require(components.string)
    }

    /// Runs one statement on the database at `url`, outside any store.
    static func execute(_ sql: String, on url: String) throws {
        let location = try PostgresLocation(url)
        let pool = ConnectionPool(configuration: try PostgresStore.configuration(for: location), logger: PostgresStore.quietLogger)
        try BlockingBridge.shared.run {
            try await pool.withConnection { try await $0.execute(sql) }
            await pool.close()
        }
    }
}

/// Data shared by the tests.
enum Samples {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bundled() throws -> Catalogue {
        try CatalogueDocument.read(try Data(contentsOf: repository.appendingPathComponent("data/catalogue.json")))
    }

    static func document(_ json: String) throws -> Catalogue { try CatalogueDocument.read(Data(json.utf8)) }

    static func content(_ name: String, _ number: Int = 0) -> PlanVersionContent {
        PlanVersionContent(name: name, status: "draft", inputs: .object(["target": .string("ucp-pgdip-ipc"), "n": .number(Double(number))]),
                           result: .object(["credentials": .array([.string("ucp-research")])]), catalogueVersion: "abc")
    }
}

extension Trait where Self == ConditionTrait {
    /// For tests of PostgreSQL alone: run when a server is given or required, else reported as
    /// skipped with the reason (never left out silently).
    static var needsPostgres: Self {
        .enabled(if: Backend.serverURL != nil || Backend.required,
                 "STACKPLAN_TEST_POSTGRES is not set: `make test` starts a PostgreSQL server for these tests")
    }
}
