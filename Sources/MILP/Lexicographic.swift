/// The result of optimising several objectives in order of priority.
public struct LexicographicSolution: Sendable {
    /// The answer: the last stage's solution, or, when a later stage found none in its time,
    /// the latest stage that did (it still honours every earlier stage).
    public var final: Solution
    /// Every stage's solve, in priority order, up to the first that found no solution.
    public var stages: [Solution]
    /// The objectives, in priority order.
    public var objectives: [LinearExpression]

    /// The stages of a lexicographic solve made elsewhere (a decomposition that solves each
    /// stage in several steps), read the same way as ``Model/minimizeLexicographically``'s.
    public init(final: Solution, stages: [Solution], objectives: [LinearExpression]) {
        self.final = final
        self.stages = stages
        self.objectives = objectives
    }

    /// Each objective's value at the final solution.
    public var values: [Double] { final.status.hasSolution ? objectives.map { final.value(of: $0) } : [] }

    /// The largest relative gap between an objective's final value and the bound its own stage
    /// proved, over the first `count` stages; 0 when those stages were all proven optimal.
    public func gap(ofFirst count: Int) -> Double? {
        guard final.status.hasSolution else { return nil }
        var worst = 0.0
        for (index, stage) in stages.prefix(count).enumerated() where stage.status != .optimal {
            guard let bound = stage.bestBound else { return nil }
            let value = final.value(of: objectives[index])
            worst = max(worst, abs(value - bound) / max(abs(value), 1e-9))
        }
        if stages.count < min(count, objectives.count) { return nil }
        return worst
    }

    /// The largest relative gap over every stage (see ``gap(ofFirst:)``).
    public var gap: Double? { gap(ofFirst: objectives.count) }

    /// Optimal only when every stage was proven optimal.
    public var status: SolveStatus {
        if !final.status.hasSolution { return final.status }
        return stages.count == objectives.count && stages.allSatisfy { $0.status == .optimal } ? .optimal : .feasible
    }
}

extension Model {
    /// Minimises the objectives one after another: each stage keeps every earlier objective
    /// at the value its stage reached, so later objectives only break ties.
    ///
    /// Each stage starts from the solution of the stage before (it keeps the new stage row),
    /// the first from `start` when given: a stage that runs out of time still answers.
    /// `lowerBounds[i]`, when given, is a bound on objective i proven elsewhere (by a
    /// relaxation, say): it stands when GLPK's own is weaker or missing, and proves a stage
    /// optimal once the stage reaches it.
    public func minimizeLexicographically(
        _ objectives: [LinearExpression], options: SolveOptions = SolveOptions(), start: [Double]? = nil,
        lowerBounds: [Double?] = []
    ) throws -> LexicographicSolution {
        precondition(!objectives.isEmpty, "at least one objective")
        var staged = self
        var stages: [Solution] = []
        for (position, objective) in objectives.enumerated() {
            staged.minimize(objective)
            let known = position < lowerBounds.count ? lowerBounds[position] : nil
            let from = (stages.last?.values ?? start).flatMap(staged.feasiblePoint)
            var solution: Solution
            if let known, let from, case let value = objective.value(at: from),
               Solution.reaches(value, lowerBound: known, step: staged.objectiveStep) {
                // The start already reaches a bound proven elsewhere: nothing for GLPK to do.
                solution = Solution(status: .optimal, objectiveValue: value, bestBound: value, values: from)
            } else {
                solution = try staged.solve(options, fromFeasiblePoint: from)
                if let known { solution = solution.withLowerBound(known, step: staged.objectiveStep) }
            }
            guard solution.status.hasSolution, let value = solution.objectiveValue else {
                // A later stage that found nothing leaves the earlier answer standing.
                let answer = stages.last ?? solution
                if stages.isEmpty { stages.append(solution) }
                return LexicographicSolution(final: answer, stages: stages, objectives: objectives)
            }
            stages.append(solution)
            if position < objectives.count - 1 {
                // A little slack keeps rounding noise in GLPK's value from cutting off the optimum itself.
                let slack = max(1e-6, 1e-9 * abs(value))
                staged.add(objective <= value + slack, name: "stage\(position + 1)")
            }
        }
        return LexicographicSolution(final: stages.last!, stages: stages, objectives: objectives)
    }
}
