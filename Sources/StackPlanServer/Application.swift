import Foundation
import Hummingbird
import StackPlanCore
import StackPlanStore

/// How `stackplan serve` runs the service.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// The port to listen on; 0 asks the system for a free one (printed when the server runs).
    public var port: Int
    /// The CPD scheme file the regulator routes read (default: data/cpd-schemes.json).
    public var schemesPath: String
    public var limits: RequestLimits
    /// Solves that may run at once: the core count by default.
    public var solveSlots: Int
    /// Solves that may wait for a slot before requests are refused with 429.
    public var solveQueue: Int
    /// Requests a signed-in account may make.
    public var rateLimit = RateLimit()
    /// Jobs (CPD batches, frontiers, alternatives) that may run at once; more are refused with 429.
    public var jobSlots = 2
    /// Where jobs keep their uploads and results (beside the database for `stackplan serve`).
    public var jobFolder = NSTemporaryDirectory()
    /// How long a finished job and its results are kept before they are deleted.
    public var jobRetention: TimeInterval = 24 * 3600
    /// This instance's name among those serving one database, stored with the jobs it runs: a
    /// restart under the same name takes the jobs it left running as interrupted at once.
    public var instance = "instance-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    /// How often the instance says its running jobs are alive.
    public var jobHeartbeat: TimeInterval = JobLease.heartbeat
    /// How long another instance's running job may go unheard of before it is taken as interrupted.
    public var jobLease: TimeInterval = JobLease.lease
    /// bcrypt's cost for new passwords (4 to 31; each step doubles the work).
    public var passwordCost: UInt8 = PasswordHashing.defaultCost

    public init(
        host: String = "127.0.0.1", port: Int = 8080, schemesPath: String = "data/cpd-schemes.json",
        limits: RequestLimits = RequestLimits(), solveSlots: Int = ProcessInfo.processInfo.activeProcessorCount, solveQueue: Int = 16
    ) {
        self.host = host
        self.port = port
        self.schemesPath = schemesPath
        self.limits = limits
        self.solveSlots = solveSlots
        self.solveQueue = solveQueue
    }
}

/// What every route shares: the catalogue, the queues for blocking work, the limits.
struct ServiceContext: Sendable {
    let catalogue: any CatalogueSource
    let limits: RequestLimits
    let schemesPath: String
    /// GLPK solves and other long computations.
    let solves: BlockingWorkQueue
    /// Short blocking reads of the database.
    let reads: BlockingWorkQueue
    /// The version of the service, as `stackplan --version` prints it.
    let version: String
    /// Accounts, saved plans, retired records, jobs.
    let records: any ServiceRecordSource
    /// Solves stopped (or skipped) because their client had gone.
    let abandoned = Counter()

    /// Reads the database off the event loop.
    func read<Value: Sendable>(_ work: @escaping @Sendable (any CatalogueSource) throws -> Value) async throws -> Value {
        let catalogue = catalogue
        return try await reads.run { try work(catalogue) }
    }

    /// Runs a solve (and the catalogue read it needs) off the event loop, in a bounded queue.
    func solve<Value: Sendable>(_ work: @escaping @Sendable (any CatalogueSource) throws -> Value) async throws -> Value {
        let catalogue = catalogue
        return try await solves.run { try work(catalogue) }
    }

    /// Runs a planning solve for a request on `context`'s connection: `work` plans what the
    /// ``Offering`` gives it (retired records left out), and the solve stops as soon as the
    /// client closes its connection, freeing the slot (while waiting for one, the work is
    /// skipped altogether).
    func solve<Value: Sendable>(for context: APIContext, _ work: @escaping @Sendable (any CatalogueSource, Offering) throws -> Value) async throws -> Value {
        try await solve(cancellation: context.disconnection(), work)
    }

    /// As ``solve(for:_:)``, stopped by `cancellation`.
    func solve<Value: Sendable>(cancellation: SolveCancellation?, _ work: @escaping @Sendable (any CatalogueSource, Offering) throws -> Value) async throws -> Value {
        let catalogue = catalogue, records = records, abandoned = abandoned
        return try await solves.run {
            if let cancellation, cancellation.isCancelled {
                abandoned.add()
                throw ClientGone()
            }
            let value = try work(catalogue, try Offering.read(records, cancellation: cancellation))
            if let cancellation, cancellation.isCancelled {
                abandoned.add()
                throw ClientGone()
            }
            return value
        }
    }
}

/// The client closed its connection before its answer was ready: nobody reads the answer.
struct ClientGone: ClassifiedError {
    var kind: ErrorKind { .solverStopped }
    var description: String { "the client closed the connection before the answer was ready" }
}

/// A count shared between threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func add() { lock.withLock { count += 1 } }
}

/// Collects the routes as they are registered, so that the OpenAPI test and the 405 answers
/// know every one.
final class RouteTable: @unchecked Sendable {
    let router: Router<APIContext>
    private(set) var routes: [APIRoute] = []

    init(router: Router<APIContext>) { self.router = router }

    func add(_ method: HTTPRequest.Method, _ path: String,
             _ handler: @escaping @Sendable (Request, APIContext) async throws -> Response) {
        let route = APIRoute(method, path)
        routes.append(route)
        router.on(RouterPath(route.routerPath), method: method, use: handler)
    }
}

/// The API's router on `catalogue`: every route of docs/api.md under `/api/v1`.
public func buildRouter(_ configuration: ServerConfiguration, catalogue: any CatalogueSource, records: any ServiceRecordSource, version: String = "0.9.0")
    -> (router: Router<APIContext>, routes: [APIRoute]) {
    let router = Router(context: APIContext.self)
    let service = ServiceContext(
        catalogue: catalogue, limits: configuration.limits, schemesPath: configuration.schemesPath,
        solves: BlockingWorkQueue(name: "solve", slots: configuration.solveSlots, waitingLimit: configuration.solveQueue),
        reads: BlockingWorkQueue(name: "read", slots: max(4, configuration.solveSlots * 2), waitingLimit: 256),
        version: version, records: records)
    let table = RouteTable(router: router)
    // One board of jobs for the API and the pages: a batch started on a page is a job of the API too.
    let board = JobBoard(limit: configuration.jobSlots, folder: configuration.jobFolder, records: records, retention: configuration.jobRetention,
                         instance: configuration.instance, heartbeat: configuration.jobHeartbeat, lease: configuration.jobLease)
    // One rate per account, for the API and the pages that do work alike.
    let limiter = RateLimiter(configuration.rateLimit)
    // The web pages (issue 14), before the API's middlewares: they answer HTML and check their own session and CSRF token.
    WebPages(service: service, records: records, passwordCost: min(31, max(4, configuration.passwordCost)), jobs: board, limiter: limiter)
        .register(on: router)
    // Before the routes: Hummingbird wraps only the routes added after a middleware.
    router.middlewares.add(ProblemMiddleware<APIContext>(table: table))
    router.middlewares.add(BearerTokenMiddleware(records: records, reads: service.reads))
    router.middlewares.add(RateLimitMiddleware(limiter: limiter))
    CatalogueRoutes(service: service).register(in: table)
    PlanningRoutes(service: service).register(in: table)
    RegulatorRoutes(service: service).register(in: table)
    let accounts = AccountRoutes(service: service, records: records, passwordCost: min(31, max(4, configuration.passwordCost)))
    accounts.register(in: table)
    ProfileRoutes(accounts: accounts).register(in: table)
    JobRoutes(service: service, board: board, maximumUploadBytes: configuration.limits.maximumUploadBytes)
        .register(in: table)
    OpenAPIRoutes(version: version).register(in: table)
    return (router, table.routes)
}

/// The service as a Hummingbird application, run by `stackplan serve` and, in-process, by the tests.
public func buildApplication(
    _ configuration: ServerConfiguration, catalogue: any CatalogueSource, records: any ServiceRecordSource, version: String = "0.9.0",
    onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let (router, _) = buildRouter(configuration, catalogue: catalogue, records: records, version: version)
    return Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionWatch()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StackPlan"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) })
}
