import Dispatch
import Foundation
import PostgresNIO

/// Runs postgres-nio's async calls for callers that must block (the store's protocols are
/// synchronous, called from a server's own worker threads and the command line).
///
/// The async work runs on this executor's own threads, never on Swift concurrency's
/// cooperative pool: a caller that blocks while its work waits for a cooperative thread (all
/// of which may be blocked by such callers, as in parallel tests on two cores) would deadlock.
final class BlockingBridge: TaskExecutor, @unchecked Sendable {
    /// Jobs waiting for a thread, and the threads' wake-up.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var started = false
    /// Threads of its own rather than Dispatch's: Dispatch sizes its pool to the cores and may
    /// be slow to add a thread while callers block, and the callers here always block.
    let threadCount: Int

    /// One for the process: its threads live as long as it does.
    static let shared = BlockingBridge()

    init(threads: Int = 4) {
        threadCount = threads
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if !started {
            started = true
            for index in 0..<threadCount {
                let thread = Thread { self.work() }
                thread.name = "stackplan-postgres-\(index)"
                thread.start()
            }
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }

    /// Runs `work` and waits for its result on the calling thread.
    func run<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let outcome = Outcome<Value>()
        let finished = DispatchSemaphore(value: 0)
        Task(executorPreference: self) {
            do { outcome.set(.success(try await work())) } catch { outcome.set(.failure(error)) }
            finished.signal()
        }
        finished.wait()
        return try outcome.get()
    }

    private final class Outcome<Value: Sendable>: @unchecked Sendable {
        private var result: Result<Value, any Error>?
        private let lock = NSLock()
        func set(_ value: Result<Value, any Error>) { lock.withLock { result = value } }
        func get() throws -> Value {
            guard let result = lock.withLock({ result }) else { throw CancellationError() }
            return try result.get()
        }
    }
}

/// Open connections to one database, reused one request at a time. A connection that broke is
/// dropped and a new one made for the next request, so a server restart costs one failed request.
final class ConnectionPool: @unchecked Sendable {
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    /// Idle connections kept open beyond this many are closed.
    let idleLimit: Int
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var nextID = 1
    private var closed = false

    init(configuration: PostgresConnection.Configuration, logger: Logger, idleLimit: Int = 16) {
        self.configuration = configuration
        self.logger = logger
        self.idleLimit = idleLimit
    }

    deinit {
        // A connection must be closed before it is released (postgres-nio checks it).
        for connection in idle { Self.close(connection) }
    }

    func connect() async throws -> PostgresConnection {
        let id = lock.withLock { defer { nextID += 1 }; return nextID }
        return try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger)
    }

    func withConnection<Value>(_ work: (PostgresConnection) async throws -> Value) async throws -> Value {
        let reused = lock.withLock { idle.popLast() }
        let connection: PostgresConnection
        if let reused, !reused.isClosed { connection = reused } else { connection = try await connect() }
        do {
            let value = try await work(connection)
            release(connection)
            return value
        } catch {
            // A connection in an unknown state (mid-transaction after a failed rollback) is not reused.
            if connection.isClosed || error is Unusable { try? await connection.close() } else { release(connection) }
            throw (error as? Unusable)?.underlying ?? error
        }
    }

    private func release(_ connection: PostgresConnection) {
        let keep = lock.withLock { () -> Bool in
            guard !closed, !connection.isClosed, idle.count < idleLimit else { return false }
            idle.append(connection)
            return true
        }
        if !keep { Self.close(connection) }
    }

    func close() async {
        let connections = lock.withLock { closed = true; defer { idle = [] }; return idle }
        for connection in connections { try? await connection.close() }
    }

    /// Closes `connection` without waiting, keeping it alive until it is closed (postgres-nio
    /// requires a connection to be closed before it is released).
    static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Marks an error after which the connection must not be reused.
    struct Unusable: Error {
        var underlying: any Error
    }
}
