/// How a solve ended.
public enum SolveStatus: String, Sendable, Equatable {
    /// Proven optimal (within the requested relative gap, which defaults to zero).
    case optimal
    /// A solution was found but the solver stopped (time or gap limit) before proving it optimal;
    /// ``Solution/gap`` says how far from optimal it may be.
    case feasible
    /// Proven to have no solution.
    case infeasible
    /// The objective can improve without end.
    case unbounded
    /// The time limit passed before any solution was found.
    case timeLimit

    /// Whether the solve returned a solution (optimal or not).
    public var hasSolution: Bool { self == .optimal || self == .feasible }
}

/// How far a branch-and-bound search has come.
public struct SolveProgress: Sendable, Equatable {
    /// The objective of the best solution found so far, if any.
    public var bestObjective: Double?
    /// The best bound proven so far, if any: no solution is better.
    public var bound: Double?
    /// Nodes of the search tree created so far.
    public var nodes: Int

    public init(bestObjective: Double?, bound: Double?, nodes: Int) {
        self.bestObjective = bestObjective
        self.bound = bound
        self.nodes = nodes
    }
}

/// How a solve may run: its limits, its tolerance and the solver that runs it.
public struct SolveOptions: Sendable {
    /// Wall-clock limit in seconds for one solve; `nil` for none. With a ``deadline``, the
    /// smaller of the two holds.
    public var timeLimit: Double?
    /// When the whole computation this solve is part of must end: each solve gets the time
    /// left, and once it has passed a solve returns ``SolveStatus/timeLimit`` without solving.
    public var deadline: Deadline?
    /// Most branch-and-bound nodes; `nil` for no limit. Unlike time, a count of work gives the
    /// same answer on every run and machine.
    public var nodeLimit: Int?
    /// Most simplex iterations for the root relaxation when it is solved without GLPK's MIP
    /// presolver (see ``presolve``), as large models are; `nil` for no limit. The presolver
    /// counts no iterations, but small models finish within the node limit.
    public var iterationLimit: Int?
    /// What solves: GLPK unless a caller puts another ``Solver`` in its place.
    public var solver: any Solver = GLPKSolver()
    /// Stop once the relative gap between the best solution and the best bound is at most this.
    public var relativeGap: Double
    /// Let GLPK print its progress to the terminal.
    public var verbose: Bool
    /// Called from the branch-and-bound search with the best solution and bound so far, for a
    /// front end to show a person waiting; it runs on the solving thread and must be quick.
    public var progress: (@Sendable (SolveProgress) -> Void)?
    /// Whether GLPK's MIP presolver runs first; `nil` lets the size of the model decide
    /// (on up to ``presolveNonZeroLimit`` non-zeros).
    public var presolve: Bool?

    /// The presolver tightens small and medium models well, but takes no time limit and grows
    /// far faster than the model: measured on generated calendars, minutes at two million non-zeros.
    public static let presolveNonZeroLimit = 250_000

    /// Creates options; the defaults solve to proven optimality without limits, quietly.
    public init(
        timeLimit: Double? = nil, relativeGap: Double = 0, verbose: Bool = false, presolve: Bool? = nil,
        deadline: Deadline? = nil, nodeLimit: Int? = nil, iterationLimit: Int? = nil
    ) {
        self.timeLimit = timeLimit
        self.deadline = deadline
        self.nodeLimit = nodeLimit
        self.iterationLimit = iterationLimit
        self.relativeGap = relativeGap
        self.verbose = verbose
        self.presolve = presolve
    }

    func problems() -> [ModelError] {
        var found: [ModelError] = []
        if let limit = timeLimit, !(limit > 0 && limit.isFinite && limit < Double(Int32.max) / 1000) {
            found.append(.invalidOption("time limit must be a positive number of seconds, not \(limit)"))
        }
        if !(relativeGap >= 0 && relativeGap.isFinite) {
            found.append(.invalidOption("relative gap must be a non-negative number, not \(relativeGap)"))
        }
        if let limit = nodeLimit, !(1...Int(Int32.max)).contains(limit) {
            found.append(.invalidOption("node limit must lie in 1...\(Int32.max), not \(limit)"))
        }
        if let limit = iterationLimit, !(1...Int(Int32.max)).contains(limit) {
            found.append(.invalidOption("iteration limit must lie in 1...\(Int32.max), not \(limit)"))
        }
        return found
    }
}

/// What a solve found: its status, the solution's values and objective, and the best bound.
public struct Solution: Sendable {
    /// How the solve ended.
    public var status: SolveStatus
    /// Objective value of the solution found, if any.
    public var objectiveValue: Double?
    /// Best proven bound on the optimum, when the solver reported one.
    public var bestBound: Double?
    /// Variable values by index; empty without a solution.
    public var values: [Double]
    /// Set when the solve stopped at its node or iteration limit (not its time): the same
    /// input then stops at the same place on every run.
    public var reachedWorkLimit = false
    /// For a model without integer columns solved to optimality, each variable's reduced cost by
    /// index: how much the objective changes per unit the variable moves up from where it is
    /// (positive for a variable at its lower bound that a minimisation would rather not raise;
    /// zero for one in the basis). Empty for a mixed-integer solve, or a solver that gives none.
    public var reducedCosts: [Double] = []

    /// Creates a solution record; solvers other than GLPK build theirs with this.
    public init(status: SolveStatus, objectiveValue: Double?, bestBound: Double?, values: [Double], reachedWorkLimit: Bool = false) {
        self.status = status
        self.objectiveValue = objectiveValue
        self.bestBound = bestBound
        self.values = values
        self.reachedWorkLimit = reachedWorkLimit
    }

    /// Relative distance between the solution and the best bound: 0 when optimal,
    /// `nil` when there is no solution or no bound to measure against.
    public var gap: Double? {
        switch status {
        case .optimal: return 0
        case .feasible:
            guard let objective = objectiveValue, let bound = bestBound else { return nil }
            return abs(objective - bound) / max(abs(objective), 1e-9)
        default: return nil
        }
    }

    /// The solution of a minimisation with a lower bound proven elsewhere taken into account:
    /// the stronger bound stands, and a value within the objective's step of it is optimal.
    func withLowerBound(_ known: Double, step: Double?) -> Solution {
        guard status == .feasible || status == .timeLimit, known.isFinite else { return self }
        var result = self
        result.bestBound = max(bestBound ?? known, known)
        if status == .feasible, let value = objectiveValue, Self.reaches(value, lowerBound: known, step: step) {
            result.status = .optimal
            result.bestBound = value
        }
        return result
    }

    /// Whether a minimisation's value is proven optimal by a lower bound: no value that moves
    /// in `step` fits between them (with no step, they must be equal but for rounding).
    static func reaches(_ value: Double, lowerBound known: Double, step: Double?) -> Bool {
        value < known + (step ?? 0) - 1e-6 * max(1, abs(value)) || value <= known + 1e-9 * max(1, abs(value))
    }

    /// The value of `variable` in the solution.
    public subscript(variable: Variable) -> Double { values[variable.index] }

    /// The reduced cost of `variable` (see ``reducedCosts``), `nil` when the solve gave none.
    public func reducedCost(of variable: Variable) -> Double? {
        reducedCosts.indices.contains(variable.index) ? reducedCosts[variable.index] : nil
    }

    /// The value of a binary or integer variable, rounded to the nearest whole number.
    /// Saturates at ±2⁵³ (where a Double stops holding every whole number) instead of trapping.
    public func integerValue(_ variable: Variable) -> Int {
        let limit = 9_007_199_254_740_992.0
        let value = values[variable.index].rounded()
        return value.isNaN ? 0 : Int(min(max(value, -limit), limit))
    }

    /// Whether a binary variable is 1 (above one half).
    public func isSet(_ variable: Variable) -> Bool { values[variable.index] > 0.5 }

    /// The value of `expression` in the solution.
    public func value(of expression: LinearExpression) -> Double { expression.value(at: values) }
}
