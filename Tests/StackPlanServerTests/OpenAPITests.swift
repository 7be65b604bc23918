import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import Testing

/// The OpenAPI document, the routes and docs/openapi.json, held to each other.
@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteIsARoute() {
        let (_, routes) = buildRouter(Harness.configuration, catalogue: Harness.store, records: Harness.store)
        #expect(Set(routes) == Set(OpenAPIDocument.routes))
        #expect(routes.count == Set(routes).count)
    }

    @Test func theRepositoryCopyIsTheServedDocument() async throws {
        let stored = try JSON.parse(Data(contentsOf: Harness.repository.appendingPathComponent("docs/openapi.json")))
        try await Harness.withAPI { client in
            let served = try await client.get("/api/v1/openapi.json")
            #expect(served.status == .ok)
            #expect(served.json["openapi"] == .string("3.1.0"))
            // `stackplan serve --print-openapi > docs/openapi.json` refreshes the copy.
            #expect(served.json == stored)
        }
    }

    @Test func everyDocumentedRouteAnswers() async throws {
        let document = OpenAPIDocument.json(version: "test")
        let paths = document["paths"]?.objectFields ?? [:]
        try await Harness.withAPI { client in
            for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
                let id = path.hasPrefix("/api/v1/cpd/schemes") ? "NMC" : path.hasPrefix("/api/v1/credentials") ? "ucp-ams"
                    : path.hasPrefix("/api/v1/providers") ? "ucp" : "ucp-pgdip-ipc"
                let concrete = path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{version}", with: "1")
                for method in item.objectFields.keys.sorted() {
                    let response = try await client.execute(
                        uri: concrete, method: HTTPRequest.Method(method.uppercased())!, headers: Harness.jsonHeaders,
                        body: method == "post" ? ByteBuffer(string: "{}") : nil)
                    #expect(response.status != .notFound, "\(method) \(path)")
                    #expect(response.status != .methodNotAllowed, "\(method) \(path)")
                    #expect(response.status.code < 500, "\(method) \(path): \(response.status)")
                }
            }
        }
    }
}
