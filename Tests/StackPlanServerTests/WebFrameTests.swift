import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// What every page shares: "not found" as a page, and the account's request rate (issue 14).
@Suite struct WebFrameTests {
    static func withPages(_ store: CatalogueStore, configuration: ServerConfiguration = Harness.configuration,
                          _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(configuration, catalogue: store, records: store)
        try await app.test(.router) { client in try await body(client) }
    }

    @Test func anUnknownPageIsAnHTMLPageInTheSiteLayoutAndAnUnknownAPIPathStaysProblemJSON() async throws {
        let store = try WebPageTests.world()
        try await Self.withPages(store) { client in
            var visitor = WebBrowser()
            let missing = try await visitor.get(client, "/no/such/page?x=1")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(missing.text.contains("<header class=\"site\">"))
            #expect(missing.text.contains("<h1>Not found</h1>"))
            #expect(missing.text.contains("There is no page at /no/such/page."))
            // Signed in, the page carries the account's menu.
            _ = try await visitor.signIn(client, "ana")
            let signedIn = try await visitor.get(client, "/plan/nowhere")
            #expect(signedIn.status == .notFound)
            #expect(signedIn.text.contains("Plan my route"))
            #expect(signedIn.text.contains("Signed in as <strong>ana</strong>"))
            // A page's path with a method it does not answer, and a POST anywhere, are pages too.
            let posted = try await visitor.post(client, "/catalogue", [:])
            #expect(posted.status == .notFound)
            #expect(posted.headers[.contentType]?.hasPrefix("text/html") == true)
            // Markup in the address is shown as text.
            let hostile = try await visitor.get(client, "/%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(hostile.status == .notFound)
            #expect(!hostile.text.contains("<script>alert(1)"))

            let api = try await client.get("/api/v1/no-such-route")
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let wrongMethod = try await client.execute(uri: "/api/v1/sessions", method: .get)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.contentType]?.hasPrefix("application/problem+json") == true)
        }
    }

    /// Pages that do work take from the account's bucket, the same one as the API's requests;
    /// a refused page says when to try again, in words and in `Retry-After`.
    @Test func pagesThatDoWorkAreRateLimitedWithTheAPIsLimiter() async throws {
        let store = try WebPageTests.world()
        var configuration = Harness.configuration
        configuration.rateLimit = RateLimit(burst: 3, perSecond: 0.001)
        try await Self.withPages(store, configuration: configuration) { client in
            var ana = WebBrowser()
            _ = try await ana.signIn(client, "ana")
            // Pages without work are not counted: many profile and catalogue pages, then three plans.
            for _ in 0..<5 {
                #expect(try await ana.get(client, "/learner/profile").status == .ok)
                #expect(try await ana.get(client, "/catalogue").status == .ok)
            }
            for _ in 0..<2 { #expect(try await ana.get(client, "/plan").status == .ok) }
            // The API's request takes the third token...
            var headers = ana.cookieHeader
            headers[.accept] = "application/json"
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers).status == .ok)
            // ...so the next page that does work is refused, as a page.
            let refused = try await ana.get(client, "/plan/whatif?target=ucp-pgcert-ipc")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            let wait = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait > 0)
            #expect(refused.text.contains("<h1>Too many requests</h1>"))
            #expect(refused.text.contains("Try again in \(wait) seconds"))
            // A form that does work is refused too, and the API answers its own 429.
            let profileID = try WebPageTests.profileIDIfAny(of: "ana", in: store)
            let save = try await ana.post(client, "/plan/save", ["profile": profileID.map(String.init) ?? "", "target": "ucp-pgcert-ipc"])
            #expect(save.status == .tooManyRequests)
            let api = try await client.execute(uri: "/api/v1/me", method: .get, headers: headers)
            #expect(api.status == .tooManyRequests)
            #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            // Pages without work still open.
            #expect(try await ana.get(client, "/learner/profile").status == .ok)
            // Another account has its own bucket.
            var ben = WebBrowser()
            _ = try await ben.signIn(client, "ben")
            #expect(try await ben.get(client, "/plan").status == .ok)
        }
    }
}

extension WebPageTests {
    static func profileIDIfAny(of name: String, in store: CatalogueStore) throws -> Int64? {
        let account = try #require(try store.account(named: name))
        return try store.profiles(owners: [account.id]).first?.id
    }
}
