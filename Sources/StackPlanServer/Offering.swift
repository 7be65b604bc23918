import Foundation
import Hummingbird
import HummingbirdAuth
import MILP
import NIOCore
import StackPlanCore
import StackPlanStore

/// A solve that stops when asked: its client has gone, or its job was cancelled.
///
/// GLPK is stopped through the one door MILP offers, the ``Deadline`` of ``SolveOptions``: the
/// deadline's clock jumps to the end of time once cancelled, so the branch-and-bound callback
/// terminates the search at its next call and every later solve of the same answer returns at
/// once without GLPK.
final class SolveCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }

    /// A deadline `seconds` from now (about eleven days when `nil`), passed at once when cancelled.
    func deadline(seconds: Double?) -> Deadline {
        Deadline(seconds: seconds ?? 1_000_000, clock: Deadline.Clock { [self] in
            isCancelled ? .infinity : Deadline.Clock.monotonic.now()
        })
    }
}

/// Every request's context: the account its bearer token proves, when it has one, and the
/// connection it came on, whose closing cancels the request's solve.
public struct APIContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Account?
    /// The client's connection (a test channel in-process).
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        channel = source.channel
    }

    /// A cancellation that fires when the client closes its connection. Hummingbird reads the
    /// connection while a handler runs, so a client that gives up is seen at once; the channel
    /// closing after the answer is sent fires it too, harmlessly.
    func disconnection() -> SolveCancellation {
        let cancellation = SolveCancellation()
        channel.closeFuture.whenComplete { _ in cancellation.cancel() }
        return cancellation
    }
}

/// What the service offers to new plans: every stored record except the retired ones. Retired
/// credentials (and those of retired providers) are withdrawn from the request, so that a plan
/// may still count them as held but never takes them; a retired qualification is no target.
struct Offering: Sendable {
    let unofferedCredentials: Set<String>
    let retiredQualifications: Set<String>
    let cancellation: SolveCancellation?

    static func read(_ records: any ServiceRecordSource, cancellation: SolveCancellation?) throws -> Offering {
        let retired = try records.retirements()
        return Offering(
            unofferedCredentials: try records.unofferedCredentialIDs(),
            retiredQualifications: Set(retired.filter { $0.kind == .qualification }.map(\.id)), cancellation: cancellation)
    }

    /// The request as the service plans it.
    func apply(_ request: PlanRequest) throws -> PlanRequest {
        if retiredQualifications.contains(request.target) {
            throw APIProblem(.conflict, type: "conflict", title: "Conflict",
                             detail: "qualification \"\(request.target)\" is retired: it is kept for the saved plans that name it, and offered to no new plan")
        }
        var offered = request
        offered.withdrawn.formUnion(unofferedCredentials)
        if let cancellation { offered.solverOptions.deadline = cancellation.deadline(seconds: request.solverOptions.timeLimit) }
        return offered
    }
}
