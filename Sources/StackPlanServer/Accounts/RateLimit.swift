import Foundation
import Hummingbird
import StackPlanStore

/// How many requests a signed-in account may make: a burst of `burst`, refilled at `perSecond`.
public struct RateLimit: Sendable {
    public var burst: Double
    public var perSecond: Double

    public init(burst: Double = 120, perSecond: Double = 2) {
        self.burst = burst
        self.perSecond = perSecond
    }
}

/// One token bucket per account: a request takes a token, an empty bucket answers 429 with the
/// seconds until the next token. Requests without an account are not counted here.
final class RateLimiter: @unchecked Sendable {
    let limit: RateLimit
    private let lock = NSLock()
    private var buckets: [Int64: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    init(_ limit: RateLimit) { self.limit = limit }

    /// `nil` when the request may go ahead, else the seconds to wait.
    func take(for account: Int64, now: ContinuousClock.Instant = .now) -> Int? {
        lock.withLock {
            var bucket = buckets[account] ?? (limit.burst, now)
            let elapsed = bucket.at.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(limit.burst, bucket.tokens + seconds * limit.perSecond)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[account] = bucket
                return max(1, Int(((1 - bucket.tokens) / max(limit.perSecond, 1e-9)).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[account] = bucket
            return nil
        }
    }
}

struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        if let account = context.identity, let wait = limiter.take(for: account.id) {
            throw APIProblem(.tooManyRequests, type: "rate-limited", title: "Too many requests",
                             detail: "this account has used its \(Int(limiter.limit.burst)) requests; one more comes every \(1 / limiter.limit.perSecond) s",
                             extensions: ["retryAfter": .number(Double(wait))], headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}
