import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
@testable import StackPlanServer
import StackPlanStore
import Testing

@Suite struct CatalogueRouteTests {
    @Test func healthCountsTheCatalogue() async throws {
        let counts = try Harness.store.counts()
        try await Harness.withAPI { client in
            let response = try await client.get("/api/v1/health")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.json["status"] == .string("ok"))
            #expect(response.json["catalogue"]?["credentials"] == .number(Double(counts.credentials)))
        }
    }

    @Test func credentialsTakeTheFiltersOfListAndTextSearch() async throws {
        let modules = try Harness.store.credentials(matching: CredentialQuery(kind: .module))
        let searched = try Harness.store.credentials(matching: CredentialQuery(search: "antimicrobial"))
        try #require(!searched.isEmpty && searched.count < modules.count + 1000)
        try await Harness.withAPI { client in
            let all = try await client.get("/api/v1/credentials?kind=module")
            #expect(all.status == .ok)
            #expect(all.json.arrayItems.compactMap { $0["id"]?.stringValue } == modules.map(\.id))
            let found = try await client.get("/api/v1/credentials?q=antimicrobial")
            #expect(found.json.arrayItems.compactMap { $0["id"]?.stringValue } == searched.map(\.id))
            // The same records as `list credentials --json` prints.
            #expect(found.json.arrayItems.first == CatalogueDocument.json(searched[0]))
            let page = try await client.get("/api/v1/credentials?kind=module&limit=2&offset=1")
            #expect(page.json.arrayItems.compactMap { $0["id"]?.stringValue } == Array(modules.map(\.id).dropFirst().prefix(2)))
            #expect(page.headers[HTTPFields.Element.Name("X-Total-Count")!] == String(modules.count))
        }
    }

    @Test func badQueryParametersAreProblemsNamingEachParameter() async throws {
        try await Harness.withAPI { client in
            let response = try await client.get("/api/v1/credentials?kind=course&limit=0&colour=red")
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.problemType == "urn:stackplan:problem:invalid-input")
            #expect(Set(response.problemPaths) == ["query.kind", "query.limit", "query.colour"])
            #expect(response.json["status"] == .number(400))
        }
    }

    @Test func oneRecordByIdAndUnknownIdsAre404() async throws {
        let credential = try #require(try Harness.store.credentials(matching: CredentialQuery()).first)
        let qualification = try #require(try Harness.store.qualifications(matching: QualificationQuery()).first)
        try await Harness.withAPI { client in
            let shown = try await client.get("/api/v1/credentials/\(credential.id)")
            #expect(shown.status == .ok)
            #expect(shown.json == CatalogueDocument.json(credential))
            let tree = try await client.get("/api/v1/qualifications/\(qualification.id)")
            #expect(tree.json == CatalogueDocument.json(qualification))
            for path in ["/api/v1/credentials/nope", "/api/v1/qualifications/nope", "/api/v1/providers/nope"] {
                let missing = try await client.get(path)
                #expect(missing.status == .notFound, "\(path)")
                #expect(missing.problemType == "urn:stackplan:problem:not-found")
                #expect(missing.json["detail"]?.stringValue?.contains("\"nope\"") == true)
            }
        }
    }

    @Test func providersAndCompetencies() async throws {
        let providers = try Harness.store.providers(matching: ProviderQuery())
        let competencies = try Harness.store.competencies(matching: CredentialQuery())
        try await Harness.withAPI { client in
            #expect(try await client.get("/api/v1/providers").json.arrayItems.count == providers.count)
            let counted = try await client.get("/api/v1/competencies").json.arrayItems
            #expect(counted.count == competencies.count)
            #expect(counted.first?["credentials"] == .number(Double(competencies[0].credentials)))
        }
    }

    @Test func unknownRoutesAre404AndWrongMethods405AsProblems() async throws {
        try await Harness.withAPI { client in
            let missing = try await client.get("/api/v1/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            let wrong = try await client.execute(uri: "/api/v1/credentials", method: .delete)
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
            #expect(wrong.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func bodiesBeyondTheLimitsAreRefused() async throws {
        var configuration = Harness.configuration
        configuration.limits = RequestLimits(maximumBodyBytes: 1000, maximumJSONDepth: 8)
        try await Harness.withAPI(configuration) { client in
            let large = ByteBuffer(string: "{\"target\": \"" + String(repeating: "x", count: 2000) + "\"}")
            let tooLarge = try await client.execute(uri: "/api/v1/plans", method: .post, headers: Harness.jsonHeaders, body: large)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.contentType] == "application/problem+json")
            let deep = ByteBuffer(string: "{\"learner\": " + String(repeating: "[", count: 20) + String(repeating: "]", count: 20) + "}")
            let tooDeep = try await client.execute(uri: "/api/v1/plans", method: .post, headers: Harness.jsonHeaders, body: deep)
            #expect(tooDeep.status == .badRequest)
            #expect(tooDeep.json["detail"]?.stringValue?.contains("deeper than 8 levels") == true)
            let broken = try await client.execute(uri: "/api/v1/plans", method: .post, headers: Harness.jsonHeaders, body: ByteBuffer(string: "{\"target\": }"))
            #expect(broken.status == .badRequest)
            #expect(broken.json["detail"]?.stringValue?.contains("line 1, column") == true)
            let empty = try await client.execute(uri: "/api/v1/plans", method: .post)
            #expect(empty.status == .badRequest)
        }
    }

    @Test func depthScanIgnoresBracketsInsideStrings() {
        #expect(RequestReading.deeperThan(2, Data("{\"a\": \"[[[[[[\"}".utf8)) == nil)
        #expect(RequestReading.deeperThan(2, Data("{\"a\": [[1]]}".utf8))?.column == 8)
        #expect(RequestReading.deeperThan(2, Data("{\"a\": \"\\\"[[[\"}".utf8)) == nil)
    }
}
