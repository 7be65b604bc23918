import MILP

/// The k best plans in objective order, each a real choice: every later plan leaves out at
/// least `minDifference` of the credentials of every earlier plan.
public struct AlternativePlans: Sendable {
    public enum End: Sendable, Equatable {
        /// As many plans as asked for.
        case complete
        /// No further plan keeps the required difference from all the earlier ones.
        case exhausted
        /// A later solve hit the time limit before it found a plan.
        case stopped(SolveStatus)
    }

    /// The first solve's outcome: the optimum, or the diagnosis when there is no plan at all.
    public var outcome: PlanOutcome
    /// Best first; empty when there is no plan.
    public var plans: [Plan]
    public var end: End
}

extension Planner {
    /// No-good cuts on the take variables: after plan P with credentials S, the row
    /// Σ_{c∈S} x_c ≤ |S| − N keeps every later plan at least N credentials away from P, so no
    /// later plan is an earlier one plus spare courses. Each solve is the full lexicographic
    /// solve with its tie-break, so the plans come in objective order and deterministically.
    public func alternatives(_ request: PlanRequest, count: Int, minDifference: Int = 1) throws -> AlternativePlans {
        guard count >= 1 else { throw PlanningError.invalidRequest("ask for at least one plan, not \(count)") }
        guard minDifference >= 1 else { throw PlanningError.invalidRequest("the minimum difference must be at least 1 credential, not \(minDifference)") }
        // Pruning keeps only what an optimal plan could take; the second-best may need the rest.
        var request = request.startingClock()
        request.pruneDominated = false
        let first = try plan(request)
        guard case .planned(let best) = first else { return AlternativePlans(outcome: first, plans: [], end: .exhausted) }
        let qualification = try validate(request)
        var plans = [best]
        var end = AlternativePlans.End.complete
        while plans.count < count {
            // A plan of fewer than N credentials cannot be left N credentials short.
            if plans.contains(where: { $0.taken.count < minDifference }) {
                end = .exhausted
                break
            }
            let earlier = plans
            let outcome = try attempt(request, qualification: qualification) { formulation in
                for (index, plan) in earlier.enumerated() {
                    let taken = plan.taken.compactMap { formulation.take[$0] }
                    formulation.model.add(LinearExpression.sum(taken) <= Double(plan.taken.count - minDifference), name: "differ[\(index + 1)]")
                }
            }
            switch outcome {
            case .planned(let plan): plans.append(plan)
            case .infeasible: end = .exhausted
            case .stopped(let status): end = .stopped(status)
            }
            if end != .complete { break }
        }
        return AlternativePlans(outcome: first, plans: plans, end: end)
    }
}
