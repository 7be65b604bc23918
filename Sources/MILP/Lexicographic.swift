/// The result of optimising several objectives in order of priority.
public struct LexicographicSolution: Sendable {
    /// The solve of the last stage reached: its values are the answer.
    public var final: Solution
    /// Each stage's optimal (or best found) value, in priority order.
    public var stageValues: [Double]
    /// The largest relative gap of any stage: 0 when every stage was proven optimal.
    public var gap: Double? {
        var worst = 0.0
        for stage in stages {
            guard let gap = stage.gap else { return nil }
            worst = max(worst, gap)
        }
        return worst
    }
    public var stages: [Solution]
    public var status: SolveStatus {
        if !final.status.hasSolution { return final.status }
        return stages.allSatisfy { $0.status == .optimal } ? .optimal : .feasible
    }
}

extension Model {
    /// Minimises the objectives one after another: each stage keeps every earlier objective
    /// at the value its stage reached, so later objectives only break ties.
    public func minimizeLexicographically(
        _ objectives: [LinearExpression], options: SolveOptions = SolveOptions()
    ) throws -> LexicographicSolution {
        precondition(!objectives.isEmpty, "at least one objective")
        var staged = self
        var stages: [Solution] = []
        var values: [Double] = []
        for (position, objective) in objectives.enumerated() {
            staged.minimize(objective)
            let solution = try staged.solve(options)
            stages.append(solution)
            guard solution.status.hasSolution, let value = solution.objectiveValue else {
                return LexicographicSolution(final: solution, stageValues: values, stages: stages)
            }
            values.append(value)
            if position < objectives.count - 1 {
                // A little slack keeps rounding noise in GLPK's value from cutting off the optimum itself.
                let slack = max(1e-6, 1e-9 * abs(value))
                staged.add(objective <= value + slack, name: "stage\(position + 1)")
            }
        }
        return LexicographicSolution(final: stages.last!, stageValues: values, stages: stages)
    }
}
