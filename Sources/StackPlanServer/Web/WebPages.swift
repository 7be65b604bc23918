import Foundation
import Hummingbird
import HummingbirdBcrypt
import Logging
import StackPlanCore
import StackPlanStore

/// The web pages (issue 14, docs/web.md): server-rendered HTML on the same service as the API,
/// calling the same core, store and route functions. Signed in by the API's session cookie
/// (HTTP-only, Secure, SameSite=Strict); every POST must carry the CSRF token of the readable
/// `stackplan_csrf` cookie, as the form field `csrf` or the `X-CSRF-Token` header.
struct WebPages: Sendable {
    let service: ServiceContext
    let records: any ServiceRecordSource
    let accounts: AccountRoutes
    let views: WebViews
    /// The service's jobs (shared with the API's job routes): the pages start CPD batches there
    /// and follow them on their own progress page.
    let jobs: JobBoard
    /// The API's per-account request rate, shared: a page that does work (a plan, a what-if, a
    /// batch) takes from the same bucket as an API request.
    let limiter: RateLimiter
    /// The target picker's nearest-first rankings, by what they were computed from.
    let rankings = NearestRankingCache()
    /// Largest form body; uploads (wallet files, batches, records) included.
    static let maximumFormBytes = 16 << 20

    init(service: ServiceContext, records: any ServiceRecordSource, passwordCost: UInt8, jobs: JobBoard, limiter: RateLimiter) {
        self.service = service
        self.records = records
        self.accounts = AccountRoutes(service: service, records: records, passwordCost: passwordCost)
        self.views = WebViews.load()
        self.jobs = jobs
        self.limiter = limiter
    }

    /// Registers every page on `router`. Called before the API's middlewares are added, so the
    /// pages answer HTML, never problem JSON, and check their own session and CSRF token.
    func register(on router: Router<APIContext>) {
        router.get("/static/:file") { _, context in
            let name = try context.parameters.require("file")
            guard let data = views.files[name] else { throw HTTPError(.notFound) }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        registerSession(on: router)
        registerCatalogue(on: router)
        registerLearner(on: router)
        registerAdvisor(on: router)
        registerRegulator(on: router)
        registerEditor(on: router)
        // Added after every page, so it wraps only what no page matched: the API's routes and
        // the router's "not found". An address outside /api that nothing answers gets a page.
        router.middlewares.add(WebNotFoundMiddleware(pages: self))
    }

    // MARK: the frame every page runs in

    /// Who may open a page: anyone, anyone signed in, or the roles listed.
    enum Access: Sendable {
        case anyone
        case signedIn
        case roles(Set<AccountRole>)
    }

    /// One page request: the account, the CSRF token forms carry, the query and the form.
    struct Visit: Sendable {
        var account: Account?
        var csrf: String
        /// Set when the visitor had no CSRF cookie yet: the answer sets it.
        var newCSRF: Bool
        var query: WebFields
        var form: WebFields
        var path: String

        func require() throws -> Account {
            guard let account else { throw WebError(status: .unauthorized, message: "sign in to see this page") }
            return account
        }
    }

    typealias Handler = @Sendable (Request, Visit, APIContext) async throws -> Response

    /// Registers a page. `doesWork` marks a page that runs solves or checks: a signed-in
    /// visitor's request to it counts against the account's rate, as an API request does.
    func on(_ router: Router<APIContext>, _ method: HTTPRequest.Method, _ path: String, _ access: Access, doesWork: Bool = false,
            _ handler: @escaping Handler) {
        router.on(RouterPath(path), method: method) { request, context in
            try await run(request, context, access, doesWork: doesWork, handler)
        }
    }

    /// The visit a request makes before anything is checked: its query, its CSRF token (a new
    /// one when the cookie has none) and no account yet.
    func newVisit(_ request: Request) -> Visit {
        var visit = Visit(account: nil, csrf: "", newCSRF: false, query: WebFields.urlEncoded(Substring(request.uri.query ?? "")),
                          form: WebFields(), path: request.uri.path)
        let cookieCSRF = request.cookies[SessionCookies.csrf]?.value ?? ""
        if cookieCSRF.count == 64, cookieCSRF.allSatisfy(\.isHexDigit) {
            visit.csrf = cookieCSRF
        } else {
            visit.csrf = AccessTokens.randomHex(bytes: 32)
            visit.newCSRF = true
        }
        return visit
    }

    /// The account the session cookie proves, if any.
    func signedInAccount(_ request: Request) async throws -> Account? {
        guard let token = request.cookies[SessionCookies.session]?.value, !token.isEmpty else { return nil }
        let records = records
        return try await service.reads.run { try AccessTokens.account(for: token, records: records, now: Date())?.0 }
    }

    private func run(_ request: Request, _ context: APIContext, _ access: Access, doesWork: Bool, _ handler: Handler) async throws -> Response {
        var visit = newVisit(request)
        do {
            visit.account = try await signedInAccount(request)
            if request.method == .post {
                visit.form = try await WebBody.read(request, limit: Self.maximumFormBytes)
                // The token must come back in the form (or header) and match the cookie: another
                // site's page can make the browser send the cookie, but cannot read it.
                let given = visit.form["csrf"] ?? request.headers[SessionCookies.csrfHeader] ?? ""
                guard !visit.newCSRF, SessionCookies.same(visit.csrf, given) else {
                    throw WebError.forbidden("This form has expired or did not come from StackPlan's own page (its security token is missing or wrong). Go back, reload the page and send it again.")
                }
            }
            switch access {
            case .anyone: break
            case .signedIn, .roles:
                guard let account = visit.account else {
                    if request.method == .get {
                        let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                        return redirect("/sign-in?" + WebFields(values: ["next": [next]]).query(), visit: visit)
                    }
                    throw WebError(status: .unauthorized, message: "Your session has ended: sign in again.")
                }
                if case .roles(let roles) = access, !roles.contains(account.role) {
                    throw WebError.forbidden("This page is for \(roles.map(\.rawValue).sorted().joined(separator: " and ")) accounts; you are signed in as \(account.role.rawValue).")
                }
            }
            if doesWork, let account = visit.account, let wait = limiter.take(for: account.id) {
                throw WebError.rateLimited(retryAfter: wait, limit: limiter.limit)
            }
            var response = try await handler(request, visit, context)
            if visit.newCSRF { Self.setCSRF(visit.csrf, on: &response) }
            return response
        } catch {
            var response = errorPage(error, visit: visit, logger: context.logger)
            if visit.newCSRF { Self.setCSRF(visit.csrf, on: &response) }
            return response
        }
    }

    static func setCSRF(_ token: String, on response: inout Response) {
        response.setCookie(Cookie(name: SessionCookies.csrf, value: token, maxAge: Int(AccessTokens.lifetime), path: "/",
                                  secure: true, httpOnly: false, sameSite: .strict))
    }

    /// The error as a page: the person's own mistakes in their words, the service's faults without internals.
    func errorPage(_ error: Error, visit: Visit, logger: Logger) -> Response {
        let status: HTTPResponse.Status
        var message: String
        var problems: [[String: Any]] = []
        switch error {
        case let web as WebError:
            status = web.status
            message = web.message
        default:
            let problem = APIProblem.answering(error)
            status = problem.status
            message = problem.status.code >= 500 && problem.status != .serviceUnavailable ? "The service failed on this request; the fault is logged." : problem.detail
            problems = problem.errors.map { ["path": $0.path, "message": $0.message] }
            if problem.status.code >= 500, problem.status != .serviceUnavailable {
                logger.error("page \(visit.path) failed: \(String(describing: error))")
            }
        }
        let title = switch status {
        case .notFound: "Not found"
        case .forbidden: "Not allowed"
        case .unauthorized: "Sign in again"
        case .tooManyRequests: "Too many requests"
        default: "Something went wrong"
        }
        var response = page("error", title: title, visit: visit, [
            "message": message, "problems": problems, "status": String(status.code), "signInLink": status == .unauthorized,
        ], status: status)
        if let web = error as? WebError, let retryAfter = web.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    /// A page: the template with the frame's values (account, menu, CSRF token) added.
    func page(_ template: String, title: String, visit: Visit, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["pageTitle"] = title
        values["csrf"] = visit.csrf
        values["menu"] = menu(for: visit.account, current: visit.path)
        if let account = visit.account { values["account"] = ["name": account.name, "role": account.role.rawValue] }
        guard let html = views.render(template, Self.forTemplate(values) as? [String: Any] ?? values) else {
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "The page could not be drawn; the fault is logged.\n")))
        }
        return Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            // Nothing is loaded from anywhere else, and no other site may frame the pages.
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Prepares values for Mustache, where every string, even an empty one, opens a section:
    /// empty strings are left out, and each list gets `hasNAME` and `manyNAME` flags.
    static func forTemplate(_ value: Any) -> Any? {
        switch value {
        case let text as String:
            return text.isEmpty ? nil : text
        case let dictionary as [String: Any]:
            var cleaned: [String: Any] = [:]
            for (key, item) in dictionary {
                guard let kept = forTemplate(item) else { continue }
                cleaned[key] = kept
                if let list = kept as? [Any] {
                    cleaned["has" + key.prefix(1).uppercased() + key.dropFirst()] = !list.isEmpty
                    cleaned["many" + key.prefix(1).uppercased() + key.dropFirst()] = list.count > 1
                }
            }
            return cleaned
        case let list as [Any]:
            return list.compactMap { forTemplate($0) }
        default:
            return value
        }
    }

    func redirect(_ location: String, visit: Visit? = nil) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The menu of an account's role; the catalogue for everyone.
    func menu(for account: Account?, current: String) -> [[String: Any]] {
        var items: [(String, String)] = [("Catalogue", "/catalogue")]
        switch account?.role {
        case .learner?:
            items += [("My profile", "/learner/profile"), ("Plan my route", "/plan"), ("My saved plans", "/saved-plans")]
        case .advisor?:
            items += [("My learners", "/advisor"), ("Plan for a learner", "/plan"), ("Saved plans", "/saved-plans")]
        case .regulator?:
            items += [("CPD schemes", "/regulator"), ("Check a record", "/regulator/check"), ("Batch check", "/regulator/batch"),
                      ("Coverage", "/regulator/coverage"), ("Lint", "/regulator/lint")]
        case .editor?:
            items += [("Edit the catalogue", "/editor")]
        case .admin?:
            items += [("CPD schemes", "/regulator"), ("Batch check", "/regulator/batch"), ("Coverage", "/regulator/coverage"),
                      ("Lint", "/regulator/lint"), ("Edit the catalogue", "/editor")]
        case nil:
            break
        }
        return items.map { label, link in
            ["label": label, "link": link, "current": current == link || (link != "/catalogue" && current.hasPrefix(link + "/")) || (link == "/catalogue" && current.hasPrefix("/catalogue"))]
        }
    }

    // MARK: sign-in

    /// A hash no password matches, verified for unknown names so that they take as long as wrong passwords.
    private static let decoyHash = Bcrypt.hash(AccessTokens.randomHex(bytes: 16), cost: 4)

    func registerSession(on router: Router<APIContext>) {
        on(router, .get, "/", .anyone) { _, visit, _ in
            guard let account = visit.account else { return redirect("/sign-in") }
            return page("home", title: "StackPlan", visit: visit, ["role": account.role.rawValue, "menuItems": menu(for: account, current: "/")])
        }
        on(router, .get, "/sign-in", .anyone) { _, visit, _ in
            page("sign-in", title: "Sign in", visit: visit, ["next": Self.safeNext(visit.query["next"]) ?? "/"])
        }
        on(router, .post, "/sign-in", .anyone) { _, visit, _ in
            let name = visit.form["name"] ?? "", password = visit.form.values["password"]?.first ?? ""
            let next = Self.safeNext(visit.form["next"]) ?? "/"
            let records = records
            let issued = try await service.reads.run { () -> (String, Account)? in
                let account = name.isEmpty ? nil : try records.account(named: name)
                let usable = !password.isEmpty && password.utf8.count <= 72 && !password.utf8.contains(0)
                guard let account, usable, Bcrypt.verify(password, hash: account.passwordHash) else {
                    _ = Bcrypt.verify(password.isEmpty ? "x" : password, hash: Self.decoyHash)
                    return nil
                }
                let now = Date()
                let (token, stored) = AccessTokens.issue(for: account, now: now)
                try records.storeToken(stored, now: now)
                return (token, account)
            }
            guard let (token, _) = issued else {
                return page("sign-in", title: "Sign in", visit: visit, [
                    "next": next, "name": name, "failed": "The name or the password is wrong.",
                ], status: .unauthorized)
            }
            var response = redirect(next)
            // A new CSRF token with the new session: one seen before signing in is not reused.
            SessionCookies.set(token: token, csrf: AccessTokens.randomHex(bytes: 32), on: &response)
            return response
        }
        on(router, .post, "/sign-out", .signedIn) { request, visit, _ in
            let account = try visit.require()
            let token = request.cookies[SessionCookies.session]?.value ?? ""
            let selector = String(token.split(separator: ".").first ?? "")
            let records = records
            try await service.reads.run { try records.deleteToken(selector: selector, by: account.id, now: Date()) }
            var response = redirect("/sign-in")
            SessionCookies.clear(on: &response)
            return response
        }
    }

    /// Only a path on this site may follow sign-in (no `//other.site` or `https://…`).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else { return nil }
        return next
    }
}
