import Foundation
import StackPlanCore

/// Runs blocking work (GLPK solves, SQLite reads, Graphviz) on threads of its own, never on
/// the server's event loops or Swift's cooperative pool, which a solve of several seconds
/// would stall. At most `slots` pieces run at once and at most `waitingLimit` more wait, first
/// come first served; beyond that the request is refused at once (``QueueFull``: 429 with
/// Retry-After) instead of piling up behind work it would time out waiting for.
public final class BlockingWorkQueue: @unchecked Sendable {
    /// Pieces of work that may run at once.
    public let slots: Int
    /// Pieces that may wait for a slot.
    public let waitingLimit: Int
    /// What the queue runs, for messages: "solve", "read".
    public let name: String

    private let lock = NSLock()
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Error>] = []

    public init(name: String, slots: Int, waitingLimit: Int) {
        self.name = name
        self.slots = max(1, slots)
        self.waitingLimit = max(0, waitingLimit)
    }

    /// The queue is full: the client should try again later.
    public struct QueueFull: Error, Sendable {
        public var name: String
        public var slots: Int
        public var waitingLimit: Int
    }

    /// Pieces running and waiting now (for the health route and tests).
    public var load: (running: Int, waiting: Int) {
        lock.withLock { (running, waiting.count) }
    }

    /// Runs `work` on a thread of its own once a slot is free and returns what it returns.
    public func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result(catching: { try work() }))
            }
            // GLPK's branch and bound and the core's tree walks are deep: the main thread's size.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func acquire() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            // Decided and recorded under one lock, so the limits hold however many arrive at once.
            let admitted: Bool? = lock.withLock {
                if running < slots {
                    running += 1
                    return true
                }
                guard waiting.count < waitingLimit else { return nil }
                waiting.append(continuation)
                return false
            }
            switch admitted {
            case true?: continuation.resume()
            case nil: continuation.resume(throwing: QueueFull(name: name, slots: slots, waitingLimit: waitingLimit))
            case false?: break
            }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Error>? = lock.withLock {
            // The slot passes straight to the first waiter, so `running` stays counted.
            if !waiting.isEmpty { return waiting.removeFirst() }
            running -= 1
            return nil
        }
        next?.resume()
    }
}
