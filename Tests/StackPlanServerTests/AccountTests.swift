import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// Sign-in, roles and ownership: each test makes its own accounts in a database of its own.
@Suite struct AccountTests {
    struct World {
        let store: CatalogueStore
        let names: [String: String]

        /// Two learners, two advisors (the first assigned the first learner only), an admin and a regulator.
        static func make() throws -> World {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-accounts-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try CatalogueStore(path: directory.appendingPathComponent("test.sqlite").path)
            let data = try Data(contentsOf: Harness.repository.appendingPathComponent("data/catalogue.json"))
            _ = try store.importCatalogue(try CatalogueDocument.read(data))
            var ids: [String: Int64] = [:]
            for (name, role) in [("ana", AccountRole.learner), ("ben", .learner), ("carla", .advisor), ("dev", .advisor),
                                 ("root", .admin), ("rita", .regulator)] {
                ids[name] = try store.createAccount(name: name, role: role, passwordHash: Bcrypt.hash("password-of-\(name)", cost: 4), by: nil, now: Date()).id
            }
            try store.assign(learner: ids["ana"]!, toAdvisor: ids["carla"]!, by: ids["root"]!, now: Date())
            return World(store: store, names: [:])
        }

        func withAPI(_ configuration: ServerConfiguration = Harness.configuration,
                     _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let app = buildApplication(configuration, catalogue: store, records: store)
            try await app.test(.router) { client in try await body(client) }
        }
    }

    static func signIn(_ client: any TestClientProtocol, _ name: String, password: String? = nil) async throws -> HTTPFields {
        let response = try await client.post("/api/v1/sessions", .object(["name": .string(name), "password": .string(password ?? "password-of-\(name)")]))
        #expect(response.status == .created, "\(name): \(response.text)")
        let token = try #require(response.json["token"]?.stringValue)
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    static func savePlanBody(_ name: String, owner: String? = nil) throws -> JSON {
        var fields: [String: JSON] = ["name": .string(name), "plan": try PlanningRouteTests.sofia()]
        if let owner { fields["owner"] = .string(owner) }
        return .object(fields)
    }

    @Test func badPasswordsAndUnknownNamesAre401AndTokensWork() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let wrong = try await client.post("/api/v1/sessions", .object(["name": .string("ana"), "password": .string("guess")]))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let unknown = try await client.post("/api/v1/sessions", .object(["name": .string("nobody"), "password": .string("guess")]))
            #expect(unknown.status == .unauthorized)
            #expect(unknown.json["detail"] == wrong.json["detail"])
            #expect(try await client.get("/api/v1/me").status == .unauthorized)
            let forged = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer 0123.abcd"])
            #expect(forged.status == .unauthorized)
            let headers = try await Self.signIn(client, "ana")
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: headers)
            #expect(me.json["name"] == .string("ana"))
            #expect(me.json["role"] == .string("learner"))
            #expect(try await client.execute(uri: "/api/v1/sessions/current", method: .delete, headers: headers).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers).status == .unauthorized)
        }
        // Only a hash of the token's secret is stored.
        let tokens = try world.store.auditEntries(limit: 100).filter { $0.action == "sign in" }
        #expect(tokens.count == 1)
    }

    @Test func aLearnerCannotReadAnotherLearnersPlan() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let ana = try await Self.signIn(client, "ana")
            let ben = try await Self.signIn(client, "ben")
            let saved = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ana, body: Harness.body(try Self.savePlanBody("my route")))
            #expect(saved.status == .created, "\(saved.text)")
            let id = try #require(saved.json["id"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } })
            #expect(saved.json["version"] == .number(1))
            #expect(saved.json["status"] == .string("draft"))
            #expect(saved.json["result"]?["qualification"] != nil || saved.json["result"] != .null)
            let own = try await client.execute(uri: "/api/v1/saved-plans/\(id)", method: .get, headers: ana)
            #expect(own.status == .ok)
            let other = try await client.execute(uri: "/api/v1/saved-plans/\(id)", method: .get, headers: ben)
            #expect(other.status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/saved-plans", method: .get, headers: ben).json.arrayItems.isEmpty)
            let forOther = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ben, body: Harness.body(try Self.savePlanBody("x", owner: "ana")))
            #expect(forOther.status == .forbidden)
            let version = try await client.execute(uri: "/api/v1/saved-plans/\(id)/versions", method: .post, headers: ben,
                                                   body: Harness.body(.object(["status": .string("agreed")])))
            #expect(version.status == .notFound)
        }
    }

    @Test func anAdvisorReadsOnlyAssignedLearners() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let ana = try await Self.signIn(client, "ana")
            let ben = try await Self.signIn(client, "ben")
            let carla = try await Self.signIn(client, "carla")
            let dev = try await Self.signIn(client, "dev")
            let anas = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ana, body: Harness.body(try Self.savePlanBody("ana's")))
            let bens = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ben, body: Harness.body(try Self.savePlanBody("ben's")))
            let anaID = try #require(anas.json["id"]), benID = try #require(bens.json["id"])
            func id(_ json: JSON) -> String { if case .number(let n) = json { String(Int(n)) } else { "?" } }
            #expect(try await client.execute(uri: "/api/v1/saved-plans/\(id(anaID))", method: .get, headers: carla).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/saved-plans/\(id(benID))", method: .get, headers: carla).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/saved-plans/\(id(anaID))", method: .get, headers: dev).status == .notFound)
            let listed = try await client.execute(uri: "/api/v1/saved-plans", method: .get, headers: carla).json.arrayItems
            #expect(listed.compactMap { $0["name"]?.stringValue } == ["ana's"])
            // An advisor saves for an assigned learner only.
            let forAna = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: carla, body: Harness.body(try Self.savePlanBody("agreed route", owner: "ana")))
            #expect(forAna.status == .created)
            let forBen = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: carla, body: Harness.body(try Self.savePlanBody("x", owner: "ben")))
            #expect(forBen.status == .notFound)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: carla)
            #expect(me.json["learners"] == .array([.string("ana")]))
        }
    }

    @Test func savedPlansAreVersionedNeverOverwrittenAndWritesAreAudited() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let ana = try await Self.signIn(client, "ana")
            let saved = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ana, body: Harness.body(try Self.savePlanBody("route")))
            let id = try #require(saved.json["id"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } })
            let agreed = try await client.execute(uri: "/api/v1/saved-plans/\(id)/versions", method: .post, headers: ana,
                                                  body: Harness.body(.object(["status": .string("agreed")])))
            #expect(agreed.status == .created)
            #expect(agreed.json["version"] == .number(2))
            let bad = try await client.execute(uri: "/api/v1/saved-plans/\(id)/versions", method: .post, headers: ana,
                                               body: Harness.body(.object(["status": .string("finished")])))
            #expect(bad.problemPaths == ["$.status"])
            let first = try await client.execute(uri: "/api/v1/saved-plans/\(id)/versions/1", method: .get, headers: ana)
            #expect(first.json["status"] == .string("draft"))
            #expect(first.json["result"] == saved.json["result"])
            #expect(first.json["inputs"]?["learner"] != nil)
            let whole = try await client.execute(uri: "/api/v1/saved-plans/\(id)", method: .get, headers: ana)
            #expect(whole.json["versions"]?.arrayItems.count == 2)
            #expect(whole.json["status"] == .string("agreed"))
            let badPlan = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ana,
                                                   body: Harness.body(.object(["name": .string("x"), "plan": .object(["target": .number(3)])])))
            #expect(Set(badPlan.problemPaths) == ["$.plan.target", "$.plan.learner"])
            let root = try await Self.signIn(client, "root")
            let audit = try await client.execute(uri: "/api/v1/audit", method: .get, headers: root).json.arrayItems
            let actions = audit.compactMap { $0["action"]?.stringValue }
            #expect(actions.contains("save plan") && actions.contains("save plan version") && actions.contains("sign in"))
            #expect(try await client.execute(uri: "/api/v1/audit", method: .get, headers: ana).status == .forbidden)
        }
    }

    @Test func adminsCreateAccountsAndAssignLearners() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let root = try await Self.signIn(client, "root")
            let created = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: root, body: Harness.body(.object([
                "name": .string("eve"), "role": .string("learner"), "password": .string("a long enough password"),
            ])))
            #expect(created.status == .created)
            let again = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: root, body: Harness.body(.object([
                "name": .string("eve"), "role": .string("learner"), "password": .string("a long enough password"),
            ])))
            #expect(again.status == .conflict)
            let bad = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: root, body: Harness.body(.object([
                "name": .string("bad name!"), "role": .string("king"), "password": .string("short"),
            ])))
            #expect(Set(bad.problemPaths) == ["$.name", "$.role", "$.password"])
            let assigned = try await client.execute(uri: "/api/v1/assignments", method: .post, headers: root,
                                                    body: Harness.body(.object(["advisor": .string("dev"), "learner": .string("eve")])))
            #expect(assigned.status == .created)
            let eve = try await Self.signIn(client, "eve", password: "a long enough password")
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: eve).json["role"] == .string("learner"))
            let rita = try await Self.signIn(client, "rita")
            let notAdmin = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: rita, body: Harness.body(.object([
                "name": .string("mallory"), "role": .string("admin"), "password": .string("a long enough password"),
            ])))
            #expect(notAdmin.status == .forbidden)
        }
    }

    @Test func demoAccountsComeOnceWithWorkingPasswords() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-demo-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CatalogueStore(path: directory.appendingPathComponent("test.sqlite").path)
        let created = try DemoAccounts.createIfNone(in: store, cost: 4)
        #expect(Set(created.map(\.role)) == Set(AccountRole.allCases))
        #expect(try DemoAccounts.createIfNone(in: store, cost: 4).isEmpty)
        let learner = try #require(created.first { $0.role == .learner })
        let stored = try #require(try store.account(named: learner.name))
        #expect(stored.passwordHash != learner.password)
        #expect(Bcrypt.verify(learner.password, hash: stored.passwordHash))
    }
}

@Suite struct ProfileTests {
    @Test func profilesBelongToTheirLearnerAndTheirAdvisors() async throws {
        let world = try AccountTests.World.make()
        let sofia = try Harness.learner("sofia")
        try await world.withAPI { client in
            let ana = try await AccountTests.signIn(client, "ana")
            let ben = try await AccountTests.signIn(client, "ben")
            let carla = try await AccountTests.signIn(client, "carla")
            let dev = try await AccountTests.signIn(client, "dev")
            let saved = try await client.execute(uri: "/api/v1/profiles", method: .post, headers: ana, body: Harness.body(.object(["profile": sofia])))
            #expect(saved.status == .created, "\(saved.text)")
            #expect(saved.json["profile"] == sofia)
            let id = try #require(saved.json["id"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } })
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get, headers: carla).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get, headers: ben).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get, headers: dev).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/profiles", method: .get, headers: ben).json.arrayItems.isEmpty)
            // The advisor updates it; the learner sees the change.
            var changed = sofia.objectFields
            changed["budget"] = .number(9000)
            let replaced = try await client.execute(uri: "/api/v1/profiles/\(id)", method: .put, headers: carla, body: Harness.body(.object(["profile": .object(changed)])))
            #expect(replaced.status == .ok)
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get, headers: ana).json["profile"]?["budget"] == .number(9000))
            let stolen = try await client.execute(uri: "/api/v1/profiles/\(id)", method: .put, headers: ben, body: Harness.body(.object(["profile": sofia])))
            #expect(stolen.status == .notFound)
            var broken = sofia.objectFields
            broken["budget"] = .number(-1)
            let bad = try await client.execute(uri: "/api/v1/profiles", method: .post, headers: ana, body: Harness.body(.object(["profile": .object(broken)])))
            #expect(bad.problemPaths == ["$.profile.budget"])
            let forBen = try await client.execute(uri: "/api/v1/profiles", method: .post, headers: carla,
                                                  body: Harness.body(.object(["profile": sofia, "owner": .string("ben")])))
            #expect(forBen.status == .notFound)
        }
    }

    @Test func concurrentVersionsOfOnePlanNeverShareANumber() async throws {
        let world = try AccountTests.World.make()
        let store = world.store
        let ana = try #require(try store.account(named: "ana"))
        let content = PlanVersionContent(name: "r", status: "draft", inputs: .object([:]), result: .object([:]), catalogueVersion: "x")
        let plan = try store.createSavedPlan(owner: ana.id, content: content, by: ana.id, now: Date())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask { _ = try store.addPlanVersion(planID: plan.planID, content: content, by: ana.id, now: Date()) }
            }
            try await group.waitForAll()
        }
        let versions = try store.savedPlanVersions(plan.planID).map(\.version)
        #expect(versions == Array(1...17))
    }
}

extension AccountTests {
    @Test func replanningASavedPlanShowsWhatChanged() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let ana = try await Self.signIn(client, "ana")
            let saved = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: ana, body: Harness.body(try Self.savePlanBody("route")))
            let id = try #require(saved.json["id"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } })
            // New inputs: workload first, and one provider left out.
            var inputs = try PlanningRouteTests.sofia().objectFields
            inputs["excludeProviders"] = .array([.string("galway")])
            inputs["objectives"] = .array([.string("workload"), .string("cost")])
            let replanned = try await client.execute(uri: "/api/v1/saved-plans/\(id)/versions", method: .post, headers: ana,
                                                     body: Harness.body(.object(["plan": .object(inputs)])))
            #expect(replanned.status == .created, "\(replanned.text)")
            let changes = try #require(replanned.json["changes"])
            #expect(changes["catalogueChanged"] == .bool(false))
            #expect(changes["cost"]?["from"] == saved.json["result"]?["totals"]?["cost"])
            let same = try await client.execute(uri: "/api/v1/saved-plans/\(id)/versions", method: .post, headers: ana,
                                                body: Harness.body(.object(["replan": .bool(true)])))
            #expect(same.json["changes"]?["added"] == .array([]))
            #expect(same.json["changes"]?["removed"] == .array([]))
            #expect(same.json["version"] == .number(3))
        }
    }
}

extension AccountTests {
    @Test func anAccountBeyondItsRateIsAnswered429() async throws {
        let world = try World.make()
        var configuration = Harness.configuration
        configuration.rateLimit = RateLimit(burst: 3, perSecond: 0.01)
        let app = buildApplication(configuration, catalogue: world.store, records: world.store)
        try await app.test(.router) { client in
            let ana = try await Self.signIn(client, "ana")
            for _ in 0..<3 { #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: ana).status == .ok) }
            let refused = try await client.execute(uri: "/api/v1/me", method: .get, headers: ana)
            #expect(refused.status == .tooManyRequests)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another account has its own allowance.
            let ben = try await Self.signIn(client, "ben")
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: ben).status == .ok)
        }
    }
}

extension AccountTests {
    @Test func pagesUseAnHTTPOnlySessionCookieWithCSRFProtection() async throws {
        let world = try World.make()
        try await world.withAPI { client in
            let signedIn = try await client.post("/api/v1/sessions", .object([
                "name": .string("ana"), "password": .string("password-of-ana"), "cookie": .bool(true),
            ]))
            #expect(signedIn.status == .created)
            #expect(signedIn.json["token"] == nil)
            let csrf = try #require(signedIn.json["csrfToken"]?.stringValue)
            let setCookies = signedIn.headers[values: .setCookie]
            let session = try #require(setCookies.first { $0.hasPrefix("stackplan_session=") })
            #expect(session.contains("HttpOnly") && session.contains("Secure") && session.contains("SameSite=Strict"))
            let value = String(session.dropFirst("stackplan_session=".count).prefix { $0 != ";" })
            let cookies = "stackplan_session=\(value); stackplan_csrf=\(csrf)"
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookies])
            #expect(me.json["name"] == .string("ana"))
            let body = Harness.body(try Self.savePlanBody("route"))
            let forged = try await client.execute(uri: "/api/v1/saved-plans", method: .post, headers: [.cookie: cookies, .contentType: "application/json"], body: body)
            #expect(forged.status == .forbidden)
            let wrong = try await client.execute(uri: "/api/v1/saved-plans", method: .post,
                                                 headers: [.cookie: cookies, .contentType: "application/json", HTTPFields.Element.Name("X-CSRF-Token")!: "x" + csrf.dropFirst()], body: body)
            #expect(wrong.status == .forbidden)
            let saved = try await client.execute(uri: "/api/v1/saved-plans", method: .post,
                                                 headers: [.cookie: cookies, .contentType: "application/json", HTTPFields.Element.Name("X-CSRF-Token")!: csrf], body: body)
            #expect(saved.status == .created)
        }
    }
}

extension ProfileTests {
    @Test func aProfileFromWalletFilesIsKeptForTheLearner() async throws {
        let world = try AccountTests.World.make()
        let samples = Harness.repository.appendingPathComponent("Tests/StackPlanInterchangeTests/Samples")
        let badge = try String(contentsOf: samples.appendingPathComponent("ob3-validator-complete.json"), encoding: .utf8)
        try await world.withAPI { client in
            let ana = try await AccountTests.signIn(client, "ana")
            let imported = try await client.execute(uri: "/api/v1/profiles/from-wallet", method: .post, headers: ana, body: Harness.body(.object([
                "files": .array([.object(["name": .string("badge.json"), "content": .string(badge)])]),
            ])))
            #expect(imported.status == .created, "\(imported.text)")
            #expect(imported.json["owner"] == .string("ana"))
            #expect(imported.json["report"]?.stringValue?.isEmpty == false)
            let id = try #require(imported.json["id"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } })
            #expect(try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get, headers: ana).status == .ok)
            let broken = try await client.execute(uri: "/api/v1/profiles/from-wallet", method: .post, headers: ana, body: Harness.body(.object([
                "files": .array([.object(["name": .string("x.json"), "content": .string("{\"not\": \"a credential\"}")])]),
            ])))
            #expect(broken.status == .badRequest)
            #expect(broken.problemPaths.allSatisfy { $0.hasPrefix("$.files[0].content") } && !broken.problemPaths.isEmpty)
            let none = try await client.execute(uri: "/api/v1/profiles/from-wallet", method: .post, headers: ana, body: Harness.body(.object([:])))
            #expect(none.problemPaths == ["$.files"])
        }
    }
}

extension AccountTests {
    @Test func editorsChangeTheCatalogueWithImportsValidationInOneNumberedAuditedEdit() async throws {
        let world = try World.make()
        try world.store.createAccount(name: "eddie", role: .editor, passwordHash: Bcrypt.hash("password-of-eddie", cost: 4), by: nil, now: Date())
        let credential = try #require(try world.store.credential("ucp-ams"))
        var changed = CatalogueDocument.json(credential).objectFields
        changed["cost"] = .number(999)
        let edit: JSON = .object(["format": .string("stackplan/1"), "providers": .array([]), "credentials": .array([.object(changed)])])
        var broken = changed
        broken["provider"] = .string("nobody")
        broken["ects"] = .number(-3)
        let bad: JSON = .object(["format": .string("stackplan/1"), "providers": .array([]), "credentials": .array([.object(broken)])])
        try await world.withAPI { client in
            let eddie = try await Self.signIn(client, "eddie")
            let refused = try await client.execute(uri: "/api/v1/catalogue", method: .post, headers: eddie, body: Harness.body(bad))
            #expect(refused.status == .badRequest)
            #expect(refused.problemPaths.count >= 2)
            #expect(try world.store.credential("ucp-ams")?.cost == credential.cost)
            let done = try await client.execute(uri: "/api/v1/catalogue", method: .post, headers: eddie, body: Harness.body(edit))
            #expect(done.status == .created, "\(done.text)")
            #expect(done.json["edit"] == .number(1))
            #expect(try world.store.credential("ucp-ams")?.cost == 999)
            let ana = try await Self.signIn(client, "ana")
            #expect(try await client.execute(uri: "/api/v1/catalogue", method: .post, headers: ana, body: Harness.body(edit)).status == .forbidden)
        }
        #expect(try world.store.auditEntries(limit: 10).contains { $0.action == "edit catalogue" })
        #expect(try world.store.catalogueEditCount() == 1)
    }
}
