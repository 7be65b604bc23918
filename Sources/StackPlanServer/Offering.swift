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

    /// A cancellation that fires when the client closes its connection, as ``ConnectionWatch``
    /// sees it (in-process tests have no watch: nothing fires).
    func disconnection() -> SolveCancellation {
        let cancellation = SolveCancellation()
        channel.pipeline.handler(type: ConnectionWatch.self).whenSuccess { $0.watch(cancellation) }
        return cancellation
    }
}

/// Watches one connection for its client going away, and cancels the solves of its requests.
///
/// Hummingbird reads a connection while a handler runs, but allows half-closure: a client
/// that closes its socket only closes the connection's read side (`inputClosed`), and the
/// channel stays open until the handler answers. So the watch sits in the pipeline (Hummingbird's
/// `additionalChannelHandlers`, after HTTP decoding) and takes the read side closing, or the
/// channel going inactive (a reset), as the client having gone. A request's `Request.body`
/// offers `consumeWithInboundCloseHandler` for the same purpose, but it must be given the
/// body unread, and it ends keep-alive on every connection that uses it.
final class ConnectionWatch: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny

    /// Touched on the channel's event loop only.
    private var gone = false
    private var watching: [Weak] = []

    private struct Weak { weak var cancellation: SolveCancellation? }

    /// Cancels `cancellation` when the client goes (at once if it has). Called on the event loop.
    func watch(_ cancellation: SolveCancellation) {
        if gone { return cancellation.cancel() }
        // Requests answered long ago on a kept-alive connection leave nothing behind.
        watching.removeAll { $0.cancellation == nil }
        watching.append(Weak(cancellation: cancellation))
    }

    private func clientWent() {
        gone = true
        for entry in watching { entry.cancellation?.cancel() }
        watching = []
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { clientWent() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientWent()
        context.fireChannelInactive()
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
