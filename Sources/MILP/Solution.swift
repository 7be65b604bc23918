/// How a solve ended.
public enum SolveStatus: String, Sendable, Equatable {
    /// Proven optimal (within the requested relative gap, which defaults to zero).
    case optimal
    /// A solution was found but the solver stopped (time or gap limit) before proving it optimal;
    /// ``Solution/gap`` says how far from optimal it may be.
    case feasible
    case infeasible
    case unbounded
    /// The time limit passed before any solution was found.
    case timeLimit

    public var hasSolution: Bool { self == .optimal || self == .feasible }
}

public struct SolveOptions: Sendable {
    /// Wall-clock limit in seconds; `nil` for none.
    public var timeLimit: Double?
    /// Stop once the relative gap between the best solution and the best bound is at most this.
    public var relativeGap: Double
    /// Let GLPK print its progress to the terminal.
    public var verbose: Bool
    /// Whether GLPK's MIP presolver runs first; `nil` lets the size of the model decide
    /// (on up to ``presolveNonZeroLimit`` non-zeros).
    public var presolve: Bool?

    /// The presolver tightens small and medium models well, but takes no time limit and grows
    /// far faster than the model: measured on generated calendars, minutes at two million non-zeros.
    public static let presolveNonZeroLimit = 250_000

    public init(timeLimit: Double? = nil, relativeGap: Double = 0, verbose: Bool = false, presolve: Bool? = nil) {
        self.timeLimit = timeLimit
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
        return found
    }
}

public struct Solution: Sendable {
    public var status: SolveStatus
    /// Objective value of the solution found, if any.
    public var objectiveValue: Double?
    /// Best proven bound on the optimum, when the solver reported one.
    public var bestBound: Double?
    /// Variable values by index; empty without a solution.
    public var values: [Double]

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

    public subscript(variable: Variable) -> Double { values[variable.index] }

    /// The value of a binary or integer variable, rounded to the nearest whole number.
    public func integerValue(_ variable: Variable) -> Int { Int(values[variable.index].rounded()) }

    public func isSet(_ variable: Variable) -> Bool { values[variable.index] > 0.5 }

    public func value(of expression: LinearExpression) -> Double { expression.value(at: values) }
}
