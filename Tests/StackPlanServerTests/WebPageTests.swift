import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import StackPlanCore
@testable import StackPlanServer
import StackPlanStore
import Testing

/// The web pages in-process: each journey's pages and their error paths (issue 14).
@Suite struct WebPageTests {
    /// A database of its own with one account per role (learner ana assigned to advisor carla; ben unassigned).
    static func world() throws -> CatalogueStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-web-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CatalogueStore(path: directory.appendingPathComponent("test.sqlite").path)
        let data = try Data(contentsOf: Harness.repository.appendingPathComponent("data/catalogue.json"))
        _ = try store.importCatalogue(try CatalogueDocument.read(data))
        var ids: [String: Int64] = [:]
        for (name, role) in [("ana", AccountRole.learner), ("ben", .learner), ("carla", .advisor), ("dev", .advisor),
                             ("rita", .regulator), ("ed", .editor), ("root", .admin)] {
            ids[name] = try store.createAccount(name: name, role: role, passwordHash: Bcrypt.hash("password-of-\(name)", cost: 4), by: nil, now: Date()).id
        }
        let ana = try #require(ids["ana"]), carla = try #require(ids["carla"]), root = try #require(ids["root"])
        try store.assign(learner: ana, toAdvisor: carla, by: root, now: Date())
        return store
    }

    static func profileID(of name: String, in store: CatalogueStore) throws -> Int64 {
        let account = try #require(try store.account(named: name))
        return try #require(try store.profiles(owners: [account.id]).first?.id)
    }

    static func withPages(_ store: CatalogueStore, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(Harness.configuration, catalogue: store, records: store)
        try await app.test(.router) { client in try await body(client) }
    }

    /// The frontier page says when its list may not be the whole frontier, and only then.
    @Test func theFrontierPageSaysWhenItsListMayGoOn() {
        #expect(WebPages.frontierNotice(Frontier(plans: [], end: .complete)) == nil)
        #expect(WebPages.frontierNotice(Frontier(plans: [], end: .limit))?.contains("may follow") == true)
        #expect(WebPages.frontierNotice(Frontier(plans: [], end: .timeLimit))?.hasPrefix("No plan was found within the time limit") == true)
    }

    @Test func signInSetsASecureHTTPOnlySessionAndTheMenuFollowsTheRole() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            let form = try await browser.get(client, "/sign-in")
            #expect(form.status == .ok)
            #expect(form.text.contains("<label for=\"field-password\">Password</label>"))
            let session = try await browser.signIn(client, "ana")
            let cookies = session.headers[values: .setCookie]
            let sessionCookie = try #require(cookies.first { $0.hasPrefix("stackplan_session=") })
            #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("Secure") && sessionCookie.contains("SameSite=Strict"))
            let home = try await browser.get(client, "/")
            #expect(home.text.contains("Plan my route"))
            #expect(!home.text.contains("Batch check"))

            var regulator = WebBrowser()
            _ = try await regulator.signIn(client, "rita")
            let regulatorHome = try await regulator.get(client, "/")
            #expect(regulatorHome.text.contains("Batch check"))
            #expect(!regulatorHome.text.contains("Plan my route"))
        }
    }

    @Test func aWrongPasswordIsRefusedAndSigningOutEndsTheSession() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            _ = try await browser.get(client, "/sign-in")
            let wrong = try await browser.post(client, "/sign-in", ["name": "ana", "password": "guess"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("The name or the password is wrong."))
            _ = try await browser.signIn(client, "ana")
            #expect(try await browser.get(client, "/learner/profile").status == .ok)
            let out = try await browser.post(client, "/sign-out", [:])
            #expect(out.status == .seeOther)
            let after = try await browser.get(client, "/learner/profile")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location]?.hasPrefix("/sign-in") == true)
        }
    }

    @Test func aPostWithoutTheCSRFTokenIsRefusedAndChangesNothing() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            _ = try await browser.signIn(client, "ana")
            var forged = browser
            forged.csrfField = "0000000000000000000000000000000000000000000000000000000000000000"
            let refused = try await forged.post(client, "/learner/profile", ["name": "Forged", "budget": "10"])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("security token"))
            var noToken = browser
            noToken.csrfField = .some(nil)
            #expect(try await noToken.post(client, "/learner/profile", ["name": "Forged"]).status == .forbidden)
            let ana = try #require(try store.account(named: "ana"))
            #expect(try store.profiles(owners: [ana.id]).isEmpty)
        }
    }

    @Test func catalogueSearchFiltersAndShowsProblemsBesideTheirFields() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            let found = try await browser.get(client, "/catalogue?q=antimicrobial&priceMax=500&language=en")
            #expect(found.status == .ok)
            #expect(found.text.contains("/catalogue/credentials/ucp-ams\""))
            #expect(!found.text.contains("/catalogue/credentials/ucc-ams-core\""))
            let bad = try await browser.get(client, "/catalogue?ectsMin=lots")
            #expect(bad.text.contains("aria-invalid=\"true\""))
            #expect(bad.text.contains("must be a number, found &quot;lots&quot;"))
        }
    }

    @Test func credentialAndQualificationPagesShowOfferingsTreesAndGraph() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            let credential = try await browser.get(client, "/catalogue/credentials/ucp-ipc-outbreak")
            #expect(credential.status == .ok)
            #expect(credential.text.contains("Offerings"))
            #expect(credential.text.contains("2027-autumn"))
            #expect(credential.text.contains("/catalogue/qualifications/ucp-pgdip-ipc"))
            #expect(try await browser.get(client, "/catalogue/credentials/nope").status == .notFound)
            let qualification = try await browser.get(client, "/catalogue/qualifications/ucp-pgcert-ipc")
            #expect(qualification.text.contains("<details open>"))
            #expect(qualification.text.contains("requires.allOf[2].allOf[1]"))
            #expect(qualification.text.contains("/catalogue/qualifications/ucp-pgcert-ipc/graph.svg"))
        }
    }

    @Test func aProfileProblemIsShownBesideItsFieldAndNothingIsSaved() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            _ = try await browser.signIn(client, "ana")
            let bad = try await browser.post(client, "/learner/profile", [
                "name": "Ana", "budget": "-5", "held.0.credential": "ucp-ams", "held.0.earned": "2025-13-40",
            ])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"field-budget\" name=\"budget\" value=\"-5\" aria-invalid=\"true\""))
            #expect(bad.text.contains("id=\"error-held.0.earned\""))
            let ana = try #require(try store.account(named: "ana"))
            #expect(try store.profiles(owners: [ana.id]).isEmpty)
        }
    }

    /// The learner's journey: profile, plan, no plan with a relaxation that re-plans, save.
    @Test func aLearnerPlansFollowsARelaxationAndSavesThePlan() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var browser = WebBrowser()
            _ = try await browser.signIn(client, "ana")
            let saved = try await browser.post(client, "/learner/profile", Self.sofiaForm)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let plan = try await browser.get(client, "/plan?target=ucp-pgdip-ipc&objective=cost,workload")
            #expect(plan.status == .ok, "\(plan.text)")
            #expect(plan.text.contains("ucp-ipc-outbreak"))
            #expect(plan.text.contains("2400 EUR"))
            #expect(plan.text.contains("<svg class=\"chart timeline\""))
            let none = try await browser.get(client, "/plan?target=ucp-msc-ipc&objective=cost,workload")
            #expect(none.status == .unprocessableContent)
            #expect(none.text.contains("No plan exists"))
            // The relaxation's button carries the raised limit.
            #expect(none.text.contains("name=\"maxHours\" value=\"1510\""))
            let relaxed = try await browser.get(client, "/plan?target=ucp-msc-ipc&objective=cost,workload&maxHours=1510")
            #expect(relaxed.status == .ok)
            let profileID = try Self.profileID(of: "ana", in: store)
            let save = try await browser.post(client, "/plan/save", [
                "profile": String(profileID), "target": "ucp-pgdip-ipc", "objective": "cost,workload", "planName": "Diploma route",
            ])
            #expect(save.status == .seeOther)
            let location = try #require(save.headers[.location])
            let page = try await browser.get(client, location)
            #expect(page.text.contains("Diploma route"))
            #expect(page.text.contains("draft"))
        }
    }

    static let sofiaForm: [String: String] = [
        "name": "Sofia", "held.0.credential": "ucp-ipc-fund", "held.0.earned": "2024-02-15",
        "held.1.credential": "ucp-ipc-surv", "held.1.earned": "2024-07-10", "held.2.credential": "ucp-ams", "held.2.earned": "2025-01-20",
        "held.3.credential": "ucp-ams-proj", "held.3.earned": "2025-06-30", "budget": "6000", "maxHours": "900", "hoursPerWeek": "22",
        "start": "2027-01-04", "today": "2026-11-23", "languages": "pt, en",
    ]

    /// Ownership: another learner's profile and plan, and an unassigned advisor, find nothing.
    @Test func otherPeoplesProfilesAndPlansAreNotFound() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var ana = WebBrowser()
            _ = try await ana.signIn(client, "ana")
            _ = try await ana.post(client, "/learner/profile", Self.sofiaForm)
            let profileID = try Self.profileID(of: "ana", in: store)
            let save = try await ana.post(client, "/plan/save", ["profile": String(profileID), "target": "ucp-pgcert-ipc", "planName": "Mine"])
            let location = try #require(save.headers[.location])
            var ben = WebBrowser()
            _ = try await ben.signIn(client, "ben")
            #expect(try await ben.get(client, location).status == .notFound)
            #expect(try await ben.get(client, "/learner/profile?profile=\(profileID)").status == .notFound)
            #expect(try await ben.get(client, "/plan?profile=\(profileID)&target=ucp-pgcert-ipc").status == .notFound)
            var dev = WebBrowser()
            _ = try await dev.signIn(client, "dev")
            #expect(try await dev.get(client, location).status == .notFound)
            var carla = WebBrowser()
            _ = try await carla.signIn(client, "carla")
            let advisor = try await carla.get(client, "/advisor")
            #expect(advisor.text.contains("Mine"))
            #expect(try await carla.get(client, location).status == .ok)
            // A learner may not open the advisor's or the regulator's pages.
            #expect(try await ana.get(client, "/advisor").status == .forbidden)
            #expect(try await ana.get(client, "/regulator/batch").status == .forbidden)
        }
    }

    @Test func anAdvisorComparesPlansTowardDifferentQualifications() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var ana = WebBrowser()
            _ = try await ana.signIn(client, "ana")
            _ = try await ana.post(client, "/learner/profile", Self.sofiaForm)
            let profileID = try Self.profileID(of: "ana", in: store)
            var ids: [String] = []
            for target in ["ucp-pgcert-ipc", "ucp-pgdip-ipc"] {
                let save = try await ana.post(client, "/plan/save", ["profile": String(profileID), "target": target, "planName": target])
                ids.append(String(try #require(save.headers[.location]).split(separator: "/").last ?? ""))
            }
            var carla = WebBrowser()
            _ = try await carla.signIn(client, "carla")
            let compare = try await carla.get(client, "/saved-plans/compare?plan=\(ids[0])&plan=\(ids[1])")
            #expect(compare.status == .ok)
            #expect(compare.text.contains("Pós-Graduação (Certificado)"))
            #expect(compare.text.contains("Diploma de Pós-Graduação"))
            let tooMany = try await carla.get(client, "/saved-plans/compare?" + (1...5).map { "plan=\($0)" }.joined(separator: "&"))
            #expect(tooMany.status == .badRequest)
            let agreed = try await carla.post(client, "/saved-plans/\(ids[1])/versions", ["status": "agreed"])
            #expect(agreed.status == .seeOther)
            #expect(try store.savedPlanVersions(try #require(Int64(ids[1]))).last?.content.status == "agreed")
        }
    }

    /// The regulator's journey: a batch runs to completion, then its results filter by verdict.
    @Test func aBatchRunsToCompletionAndItsResultsFilterByVerdict() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var rita = WebBrowser()
            _ = try await rita.signIn(client, "rita")
            let records = try Data(contentsOf: Harness.repository.appendingPathComponent("data/cpd-records/nmc-batch.csv"))
            let started = try await rita.upload(client, "/regulator/batch", fields: ["scheme": "NMC", "asOf": "2026-11-23"],
                                                file: ("records", "nmc-batch.csv", records))
            #expect(started.status == .seeOther, "\(started.text)")
            let location = try #require(started.headers[.location])
            var page = try await rita.get(client, location)
            for _ in 0..<100 where page.text.contains("data-running=\"true\"") {
                try await Task.sleep(for: .milliseconds(100))
                page = try await rita.get(client, location)
            }
            #expect(page.text.contains("4</span> records"))
            #expect(page.text.contains("NMC-0002"))
            let invalid = try await rita.get(client, location + "?verdict=invalid")
            #expect(invalid.text.contains("NMC-0003"))
            #expect(!invalid.text.contains("<th scope=\"row\">NMC-0001</th>"))
            let csv = try await rita.get(client, location + "/results.csv")
            #expect(csv.text.hasPrefix("line,practitioner,status"))
            var ana = WebBrowser()
            _ = try await ana.signIn(client, "ana")
            #expect(try await ana.get(client, location).status == .forbidden)
        }
    }

    @Test func anEditorSeesEachValidationErrorBesideItsField() async throws {
        let store = try Self.world()
        try await Self.withPages(store) { client in
            var ed = WebBrowser()
            _ = try await ed.signIn(client, "ed")
            let bad = try await ed.post(client, "/editor/credentials", [
                "isNew": "yes", "id": "x-new", "title": "A new course", "provider": "ucp", "kind": "module", "eqf": "11", "ects": "5",
                "cost": "10", "mode": "online", "languages": "en",
            ])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"error-eqf\""))
            #expect(bad.text.contains("EQF level 1–8"))
            #expect(try store.credential("x-new") == nil)
            let good = try await ed.post(client, "/editor/credentials", [
                "isNew": "yes", "id": "x-new", "title": "A new course", "provider": "ucp", "kind": "module", "eqf": "7", "ects": "5",
                "cost": "10", "mode": "online", "languages": "en",
            ])
            #expect(good.status == .seeOther, "\(good.text)")
            #expect(try store.credential("x-new")?.eqf == 7)
        }
    }
}

/// Cookies kept between requests, and the CSRF token the pages' forms carry.
struct WebBrowser: Sendable {
    var cookies: [String: String] = [:]
    /// The token forms send; by default the one in the readable cookie, as the pages' hidden field holds it.
    var csrfField: String?? = .none

    mutating func keep(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let (name, value) = (String(pair[0]), String(pair[1]))
            if value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: cookieHeader)
        keep(response)
        return response
    }

    mutating func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        var all = fields
        let token: String? = switch csrfField {
        case .none: cookies["stackplan_csrf"]
        case .some(let given): given
        }
        if let token { all["csrf"] = token }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = all.sorted { $0.key < $1.key }.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    mutating func upload(_ client: any TestClientProtocol, _ uri: String, fields: [String: String],
                         file: (field: String, name: String, data: Data)) async throws -> TestResponse {
        let boundary = "----stackplan-test-boundary"
        var body = Data()
        var all = fields
        all["csrf"] = cookies["stackplan_csrf"]
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n".utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var headers = cookieHeader
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        keep(response)
        return response
    }

    /// Opens the sign-in page (for its CSRF cookie) and signs in.
    mutating func signIn(_ client: any TestClientProtocol, _ name: String) async throws -> TestResponse {
        if cookies["stackplan_csrf"] == nil { _ = try await get(client, "/sign-in") }
        let response = try await post(client, "/sign-in", ["name": name, "password": "password-of-\(name)"])
        #expect(response.status == .seeOther, "signing in \(name): \(response.text)")
        return response
    }
}
