import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import StackPlanCore
import StackPlanStore

/// Bearer tokens for API clients.
///
/// A token is `SELECTOR.VERIFIER`, both random: the selector finds the stored token, and only a
/// bcrypt hash of the verifier is stored, so that a copy of the database grants no one access.
/// (The verifier carries 256 random bits, so the hash's cost need not be high.)
enum AccessTokens {
    static let lifetime: TimeInterval = 12 * 3600
    static let verifierCost: UInt8 = 4

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// A new token for `account`, and what is stored of it.
    static func issue(for account: Account, now: Date) -> (token: String, stored: StoredToken) {
        let selector = randomHex(bytes: 12), verifier = randomHex(bytes: 32)
        let stored = StoredToken(selector: selector, accountID: account.id, verifierHash: Bcrypt.hash(verifier, cost: verifierCost),
                                 expiresAt: now.addingTimeInterval(lifetime))
        return ("\(selector).\(verifier)", stored)
    }

    /// The account a token proves, or `nil` for a token that is malformed, unknown, expired or wrong.
    static func account(for token: String, records: any ServiceRecordSource, now: Date) throws -> (Account, selector: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 24, parts[1].count == 64,
              parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return nil }
        guard let stored = try records.token(selector: String(parts[0])), stored.expiresAt > now,
              Bcrypt.verify(String(parts[1]), hash: stored.verifierHash),
              let account = try records.account(id: stored.accountID) else { return nil }
        return (account, stored.selector)
    }
}

/// Sets the context's identity from `Authorization: Bearer TOKEN`; a token that proves nothing
/// is refused with 401 at once rather than treated as no token.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let records: any ServiceRecordSource
    let reads: BlockingWorkQueue

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let token: String
        if let bearer = request.headers.bearer {
            token = bearer.token
        } else if let cookie = request.cookies[SessionCookies.session]?.value {
            // A browser sends cookies to any request made from any page: a state-changing one must
            // also carry the CSRF token, which only the service's own pages can read.
            if ![.get, .head, .options].contains(request.method) {
                let expected = request.cookies[SessionCookies.csrf]?.value ?? ""
                let given = request.headers[SessionCookies.csrfHeader] ?? ""
                guard !expected.isEmpty, SessionCookies.same(expected, given) else {
                    throw APIProblem.forbidden("a request signed in by cookie that changes anything needs the X-CSRF-Token header")
                }
            }
            token = cookie
        } else {
            return try await next(request, context)
        }
        let records = records
        guard let (account, _) = try await reads.run({ try AccessTokens.account(for: token, records: records, now: Date()) }) else {
            throw APIProblem.unauthorized("the bearer token is unknown, expired or malformed: sign in again with POST /api/v1/sessions")
        }
        var context = context
        context.identity = account
        return try await next(request, context)
    }
}

extension APIProblem {
    static func unauthorized(_ detail: String) -> APIProblem {
        APIProblem(.unauthorized, type: "unauthorized", title: "Unauthorized", detail: detail,
                   headers: [.wwwAuthenticate: "Bearer realm=\"stackplan\""])
    }

    static func forbidden(_ detail: String) -> APIProblem {
        APIProblem(.forbidden, type: "forbidden", title: "Forbidden", detail: detail)
    }
}

extension APIContext {
    /// The signed-in account, or 401.
    func account() throws -> Account {
        guard let identity else {
            throw APIProblem.unauthorized("this route needs a bearer token: POST /api/v1/sessions with your name and password")
        }
        return identity
    }
}

/// The demo accounts a new service starts with: one per role, with generated passwords.
public enum DemoAccounts {
    public struct Created: Sendable {
        public var name: String
        public var role: AccountRole
        public var password: String
    }

    /// Creates `demo-ROLE` for every role when the service has no account yet, assigns the demo
    /// learner to the demo advisor, and returns the passwords (to be shown once, never stored).
    public static func createIfNone(in records: any ServiceRecordSource, cost: UInt8 = PasswordHashing.defaultCost) throws -> [Created] {
        guard try records.accountCount() == 0 else { return [] }
        var created: [Created] = []
        var accounts: [AccountRole: Account] = [:]
        for role in AccountRole.allCases {
            let password = AccessTokens.randomHex(bytes: 9)
            let name = "demo-\(role.rawValue)"
            accounts[role] = try records.createAccount(name: name, role: role, passwordHash: Bcrypt.hash(password, cost: cost), by: nil, now: Date())
            created.append(Created(name: name, role: role, password: password))
        }
        if let learner = accounts[.learner], let advisor = accounts[.advisor], let admin = accounts[.admin] {
            try records.assign(learner: learner.id, toAdvisor: advisor.id, by: admin.id, now: Date())
        }
        return created
    }
}

public enum PasswordHashing {
    /// bcrypt's cost for passwords: 2^10 rounds.
    public static let defaultCost: UInt8 = 10
}

/// The session cookie the web pages use instead of a bearer token, and its CSRF companion.
enum SessionCookies {
    static let session = "stackplan_session"
    static let csrf = "stackplan_csrf"
    static let csrfHeader = HTTPFields.Element.Name("X-CSRF-Token")!

    /// The session (HTTP-only: no script reads it) and the CSRF token (readable by the pages, which
    /// send it back in X-CSRF-Token), both Secure and SameSite=Strict.
    static func set(token: String, csrf: String, on response: inout Response) {
        let age = Int(AccessTokens.lifetime)
        response.setCookie(Cookie(name: session, value: token, maxAge: age, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: Self.csrf, value: csrf, maxAge: age, path: "/", secure: true, httpOnly: false, sameSite: .strict))
    }

    static func clear(on response: inout Response) {
        response.setCookie(Cookie(name: session, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: csrf, value: "", maxAge: 0, path: "/", secure: true, httpOnly: false, sameSite: .strict))
    }

    /// Compares in time that does not depend on where the two differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
