import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import Testing

@Suite struct RegulatorRouteTests {
    static func record(_ name: String) throws -> JSON {
        try JSON.parse(Data(contentsOf: Harness.repository.appendingPathComponent("data/cpd-records/\(name).json")))
    }

    @Test func checkOneRecordAgainstItsScheme() async throws {
        let body: JSON = .object(["record": try Self.record("nmc-nurse")])
        try await Harness.withAPI { client in
            let response = try await client.post("/api/v1/cpd/check", body)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json["scheme"] != nil || response.json["compliant"] != nil)
        }
    }

    @Test func badRecordsAndUnknownSchemesAreNamed() async throws {
        var fields = try Self.record("nmc-nurse").objectFields
        fields["cycleEnds"] = .string("31/03/2027")
        let record = fields
        try await Harness.withAPI { client in
            let bad = try await client.post("/api/v1/cpd/check", .object(["record": .object(record), "asOf": .string("soon")]))
            #expect(bad.status == .badRequest)
            #expect(Set(bad.problemPaths) == ["$.record.cycleEnds", "$.asOf"])
            let missing = try await client.post("/api/v1/cpd/check", .object([:]))
            #expect(missing.problemPaths == ["$.record"])
            let unknown = try await client.post("/api/v1/cpd/check", .object(["record": try Self.record("nmc-nurse"), "scheme": .string("XYZ")]))
            #expect(unknown.status == .notFound)
        }
    }

    @Test func schemesCoverageAndLint() async throws {
        try await Harness.withAPI { client in
            let schemes = try await client.get("/api/v1/cpd/schemes")
            #expect(schemes.json.arrayItems.count > 1)
            #expect(try await client.get("/api/v1/cpd/schemes/NMC").status == .ok)
            #expect(try await client.get("/api/v1/cpd/schemes/XYZ").status == .notFound)
            let coverage = try await client.get("/api/v1/cpd/coverage?scheme=NMC&asOf=2026-11-23")
            #expect(coverage.status == .ok, "\(coverage.text)")
            let noScheme = try await client.get("/api/v1/cpd/coverage")
            #expect(noScheme.problemPaths == ["query.scheme"])
            let lint = try await client.get("/api/v1/lint")
            #expect(lint.status == .ok)
            #expect(try await client.get("/api/v1/lint?provider=nope").status == .notFound)
            #expect(try await client.get("/api/v1/lint?hoursPerEcts=0").problemPaths == ["query.hoursPerEcts"])
            let document = try await client.post("/api/v1/lint", .object(["format": .string("nonsense")]))
            #expect(document.status == .badRequest)
            #expect(document.problemPaths.contains("$.format"))
        }
    }
}
