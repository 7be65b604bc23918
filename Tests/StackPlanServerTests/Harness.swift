import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// The bundled catalogue in a database of its own, and the API on it, run in-process.
enum Harness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One database per test process, imported once: the routes only read it.
    static let store: CatalogueStore = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-server-\(UUID())")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try! CatalogueStore(path: directory.appendingPathComponent("test.sqlite").path)
        let data = try! Data(contentsOf: repository.appendingPathComponent("data/catalogue.json"))
        _ = try! store.importCatalogue(try! CatalogueDocument.read(data))
        return store
    }()

    static var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(schemesPath: repository.appendingPathComponent("data/cpd-schemes.json").path)
        // The cheapest bcrypt: the tests sign in often.
        configuration.passwordCost = 4
        // A diagnosis runs several solves; side by side with the whole suite on two cores it can
        // take minutes of wall time. The tests check answers, not speed (`make bench` does that).
        configuration.limits.maximumSolveSeconds = 900
        return configuration
    }

    /// Runs `body` against the API on the bundled catalogue.
    static func withAPI(_ configuration: ServerConfiguration = Harness.configuration, catalogue: (any CatalogueSource)? = nil,
                        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(configuration, catalogue: catalogue ?? store, records: store)
        try await app.test(.router) { client in try await body(client) }
    }

    static func learner(_ name: String) throws -> JSON {
        try JSON.parse(Data(contentsOf: repository.appendingPathComponent("data/learners/\(name).json")))
    }

    static func body(_ json: JSON) -> ByteBuffer { ByteBuffer(bytes: json.serialized(pretty: false)) }

    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
}

extension TestResponse {
    var json: JSON { (try? JSON.parse(Data(body.readableBytesView))) ?? .null }
    var text: String { String(buffer: body) }

    /// The problem document's `errors` paths.
    var problemPaths: [String] {
        guard case .array(let errors)? = json.objectFields["errors"] else { return [] }
        return errors.compactMap { if case .string(let path)? = $0.objectFields["path"] { path } else { nil } }
    }

    var problemType: String? { if case .string(let type)? = json.objectFields["type"] { type } else { nil } }
}

extension JSON {
    subscript(key: String) -> JSON? { objectFields[key] }

    var arrayItems: [JSON] { if case .array(let items) = self { items } else { [] } }

    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
}

extension TestClientProtocol {
    /// POSTs a JSON body.
    func post(_ uri: String, _ json: JSON) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: Harness.jsonHeaders, body: Harness.body(json))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}
