import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// Editors retire records: kept and readable (by id, and in the saved plans that name them),
/// offered to no new plan or list, each retirement a numbered catalogue edit.
@Suite struct RetirementTests {
    static func world() throws -> AccountTests.World {
        let world = try AccountTests.World.make()
        try world.store.createAccount(name: "eddie", role: .editor, passwordHash: Bcrypt.hash("password-of-eddie", cost: 4), by: nil, now: Date())
        return world
    }

    /// The strings of an array; empty for anything else.
    static func strings(_ value: JSON?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    static func ids(_ response: TestResponse) -> [String] { response.json.arrayItems.compactMap { $0["id"]?.stringValue } }

    @Test func aRetiredCredentialIsReadableButNotPlannedOrListed() async throws {
        let world = try Self.world()
        try await world.withAPI { client in
            let eddie = try await AccountTests.signIn(client, "eddie")
            let ana = try await AccountTests.signIn(client, "ana")
            // Saved before the retirement: the saved plan keeps naming the credential.
            let saved = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ana,
                                                 body: Harness.body(try AccountTests.savePlanBody("before")))
            #expect(saved.status == .created)
            let before = try await client.post("/api/v1/plans", try PlanningRouteTests.sofia())
            let taken = Self.strings(before.json["credentials"])
            let retired = try #require(taken.first)

            #expect(try await client.execute(uri: "/api/v1/credentials/\(retired)/retirement", method: .post, headers: ana).status == .forbidden)
            let fingerprint = try world.store.catalogueVersion()
            let done = try await client.execute(uri: "/api/v1/credentials/\(retired)/retirement", method: .post, headers: eddie)
            #expect(done.status == .created, "\(done.text)")
            #expect(done.json["edit"] == .number(1))
            #expect(try world.store.catalogueEditCount() == 1)
            let again = try await client.execute(uri: "/api/v1/credentials/\(retired)/retirement", method: .post, headers: eddie)
            #expect(again.status == .conflict)
            #expect(try await client.execute(uri: "/api/v1/credentials/nothing-here/retirement", method: .post, headers: eddie).status == .notFound)

            // Readable by id, marked; left out of lists unless asked for.
            let shown = try await client.get("/api/v1/credentials/\(retired)")
            #expect(shown.status == .ok)
            #expect(shown.headers[HTTPFields.Element.Name("X-Retired-At")!] != nil)
            #expect(try await client.get("/api/v1/credentials/ucp-ams").headers[HTTPFields.Element.Name("X-Retired-At")!] == nil)
            #expect(!Self.ids(try await client.get("/api/v1/credentials")).contains(retired))
            #expect(Self.ids(try await client.get("/api/v1/credentials?retired=include")).contains(retired))
            #expect(Self.ids(try await client.get("/api/v1/credentials?retired=only")) == [retired])
            #expect(try await client.get("/api/v1/credentials?retired=maybe").problemPaths == ["query.retired"])
            let listed = try await client.get("/api/v1/retirements")
            #expect(listed.json.arrayItems.map { $0["id"] } == [.string(retired)])

            // New plans do without it; the saved plan still names it.
            let after = try await client.post("/api/v1/plans", try PlanningRouteTests.sofia())
            if after.status == .ok {
                #expect(!Self.strings(after.json["credentials"]).contains(retired))
            } else {
                #expect(after.status == .unprocessableContent, "\(after.text)")
            }
            let location = try #require(saved.headers[.location])
            let kept = try await client.execute(uri: location, method: .get, headers: ana)
            let keptCredentials = Self.strings(kept.json["result"]?["credentials"])
            #expect(keptCredentials.contains(retired))
            // The fingerprint saved plans record moves with a retirement, so a re-plan tells the catalogue changed.
            #expect(try world.store.catalogueVersion() != fingerprint)

            // Restored: offered again, as the next edit.
            let restored = try await client.execute(uri: "/api/v1/credentials/\(retired)/retirement", method: .delete, headers: eddie)
            #expect(restored.status == .ok)
            #expect(restored.json["edit"] == .number(2))
            #expect(try await client.execute(uri: "/api/v1/credentials/\(retired)/retirement", method: .delete, headers: eddie).status == .conflict)
            let offeredAgain = try await client.post("/api/v1/plans", try PlanningRouteTests.sofia())
            #expect(offeredAgain.json["credentials"] == before.json["credentials"])
        }
        #expect(try world.store.auditEntries(limit: 10).filter { $0.action == "edit catalogue" }.count == 2)
    }

    @Test func aRetiredQualificationIsNoTargetAndARetiredProvidersCredentialsAreNotOffered() async throws {
        let world = try Self.world()
        try await world.withAPI { client in
            let eddie = try await AccountTests.signIn(client, "eddie")
            #expect(try await client.execute(uri: "/api/v1/qualifications/ucp-pgdip-ipc/retirement", method: .post, headers: eddie).status == .created)
            let refused = try await client.post("/api/v1/plans", try PlanningRouteTests.sofia())
            #expect(refused.status == .conflict)
            #expect(refused.json["detail"]?.stringValue?.contains("retired") == true)
            #expect(try await client.get("/api/v1/qualifications/ucp-pgdip-ipc").status == .ok)
            #expect(!Self.ids(try await client.get("/api/v1/qualifications")).contains("ucp-pgdip-ipc"))
            let nearest = try await client.post("/api/v1/nearest", .object(["learner": try Harness.learner("sofia")]))
            #expect(nearest.status == .ok)
            let ranked = nearest.json["qualifications"]?.arrayItems.compactMap { $0["id"]?.stringValue } ?? []
            #expect(!ranked.isEmpty && !ranked.contains("ucp-pgdip-ipc"))

            let ucpCredentials = Self.ids(try await client.get("/api/v1/credentials?provider=ucp"))
            #expect(!ucpCredentials.isEmpty)
            #expect(try await client.execute(uri: "/api/v1/providers/ucp/retirement", method: .post, headers: eddie).json["edit"] == .number(2))
            #expect(Self.ids(try await client.get("/api/v1/credentials?provider=ucp")).isEmpty)
            #expect(!Self.ids(try await client.get("/api/v1/providers")).contains("ucp"))
            #expect(try await client.get("/api/v1/providers/ucp").status == .ok)
            // Toward another qualification, nothing of the retired provider is planned.
            let other = try await client.post("/api/v1/plans", try PlanningRouteTests.sofia(["maxHours": .number(9000)], target: "ucp-msc-ipc"))
            if other.status == .ok {
                #expect(!Self.strings(other.json["credentials"]).contains { ucpCredentials.contains($0) })
            } else {
                // No plan, or (on a loaded machine) none within the time limit.
                #expect(other.status == .unprocessableContent || other.status == .serviceUnavailable, "\(other.text.prefix(300))")
            }
        }
    }
}

