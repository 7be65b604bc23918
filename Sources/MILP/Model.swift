/// A mixed-integer linear program: variables with bounds, linear constraints and one objective.
///
/// A value type: copying a model and adding to the copy leaves the original as it was,
/// which is what a lexicographic solve needs between its stages.
public struct Model: Sendable {
    /// What values a variable takes: any real number in its bounds, whole numbers, or 0 and 1.
    public enum VariableKind: String, Sendable { case continuous, integer, binary }
    /// Whether the objective is minimised or maximised.
    public enum Sense: String, Sendable { case minimize, maximize }

    /// A column: its name (for LP files and messages), kind and bounds.
    public struct VariableInfo: Sendable {
        /// The column's name; made LP-safe and unique when written.
        public var name: String
        /// Continuous, integer or binary.
        public var kind: VariableKind
        /// `nil` for no lower bound.
        public var lowerBound: Double?
        /// `nil` for no upper bound.
        public var upperBound: Double?
    }

    /// A named constraint.
    public struct Row: Sendable {
        /// The row's name; made LP-safe and unique when written.
        public var name: String
        /// The constraint itself.
        public var constraint: Constraint
    }

    /// The model's name, as LP files show it.
    public var name: String
    /// Every column, in creation order (a ``Variable``'s index is its position here).
    public private(set) var variables: [VariableInfo] = []
    /// Every constraint, in the order added.
    public private(set) var rows: [Row] = []
    /// The objective; a constant zero until ``minimize(_:)`` or ``maximize(_:)``.
    public private(set) var objective = LinearExpression()
    /// Whether ``objective`` is minimised or maximised.
    public private(set) var sense: Sense = .minimize

    /// An empty model.
    public init(name: String = "model") {
        self.name = name
    }

    /// Adds a variable. `nil` bounds are infinite; binaries are clamped to [0, 1].
    @discardableResult
    public mutating func addVariable(
        _ name: String, _ kind: VariableKind = .continuous,
        lowerBound: Double? = 0, upperBound: Double? = nil
    ) -> Variable {
        var lower = lowerBound
        var upper = upperBound
        if kind == .binary {
            lower = max(lower ?? 0, 0)
            upper = min(upper ?? 1, 1)
        }
        variables.append(VariableInfo(name: name, kind: kind, lowerBound: lower, upperBound: upper))
        return Variable(index: variables.count - 1)
    }

    /// Adds a binary variable.
    public mutating func addBinary(_ name: String) -> Variable { addVariable(name, .binary) }

    /// Adds a constraint; without a name it is called `c` and its position.
    public mutating func add(_ constraint: Constraint, name: String? = nil) {
        rows.append(Row(name: name ?? "c\(rows.count + 1)", constraint: constraint))
    }

    /// Makes `expression` the objective, minimised.
    public mutating func minimize(_ expression: LinearExpression) {
        objective = expression
        sense = .minimize
    }

    /// Makes `expression` the objective, maximised.
    public mutating func maximize(_ expression: LinearExpression) {
        objective = expression
        sense = .maximize
    }

    /// Adds `coefficient × variable` to the expression of row `index`: the slack of a
    /// relaxation (as JuMP's `relax_with_penalty!` adds), or a variable put in another's place.
    public mutating func addTerm(_ coefficient: Double, _ variable: Variable, toRow index: Int) {
        rows[index].constraint.expression.add(coefficient, variable)
    }

    /// Sets both bounds of `variable` to `value`.
    public mutating func fixVariable(_ variable: Variable, to value: Double) {
        variables[variable.index].lowerBound = value
        variables[variable.index].upperBound = value
    }

    /// The same model with each given variable fixed at its value: what is left to decide
    /// once part of a solution is chosen (a heuristic's, say).
    public func fixing(_ values: [Variable: Double]) -> Model {
        var fixed = self
        for (variable, value) in values { fixed.fixVariable(variable, to: value) }
        return fixed
    }

    /// The linear relaxation: every integer and binary column continuous within its bounds,
    /// whose optimum bounds the mixed-integer one from below (minimising) at the price of an LP.
    public func linearRelaxation() -> Model {
        var relaxed = self
        for index in relaxed.variables.indices { relaxed.variables[index].kind = .continuous }
        return relaxed
    }

    /// Columns that must take whole values (integer and binary).
    public var numberOfIntegerVariables: Int { variables.count { $0.kind != .continuous } }
    /// Non-zero coefficients over all rows: the size of the constraint matrix.
    public var numberOfNonZeros: Int { rows.reduce(0) { $0 + $1.constraint.expression.numberOfTerms } }

    /// Every problem that would make GLPK abort the process, found before GLPK sees the model.
    public func problems() -> [ModelError] {
        var found: [ModelError] = []
        for info in variables {
            if let lower = info.lowerBound, !lower.isFinite { found.append(.nonFiniteBound(variable: info.name)) }
            if let upper = info.upperBound, !upper.isFinite { found.append(.nonFiniteBound(variable: info.name)) }
            if let lower = info.lowerBound, let upper = info.upperBound, lower > upper {
                found.append(.emptyDomain(variable: info.name, lower: lower, upper: upper))
            }
        }
        func check(_ expression: LinearExpression, in place: String) {
            for (variable, coefficient) in expression.coefficients {
                if variable.index < 0 || variable.index >= variables.count {
                    found.append(.unknownVariable(index: variable.index, place: place))
                } else if !coefficient.isFinite {
                    found.append(.nonFiniteCoefficient(variable: variables[variable.index].name, place: place))
                }
            }
        }
        for row in rows {
            check(row.constraint.expression, in: "constraint \(row.name)")
            if !row.constraint.rightHandSide.isFinite { found.append(.nonFiniteRightHandSide(constraint: row.name)) }
        }
        check(objective, in: "objective")
        if !objective.constant.isFinite { found.append(.nonFiniteCoefficient(variable: "constant", place: "objective")) }
        return found
    }

    /// Whether the values meet every bound, integrality and constraint, within a tolerance.
    public func isFeasible(_ values: [Double], tolerance: Double = 1e-6) -> Bool {
        guard values.count == variables.count else { return false }
        for (info, value) in zip(variables, values) {
            if let lower = info.lowerBound, value < lower - tolerance { return false }
            if let upper = info.upperBound, value > upper + tolerance { return false }
            if info.kind != .continuous, abs(value - value.rounded()) > tolerance { return false }
        }
        return rows.allSatisfy { $0.constraint.isSatisfied(by: values, tolerance: tolerance) }
    }
}

/// What is wrong with a model or its options, found before GLPK could abort on it; or a
/// failure of GLPK itself.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A bound is infinite or not a number (no bound is written `nil`).
    case nonFiniteBound(variable: String)
    /// The lower bound is above the upper.
    case emptyDomain(variable: String, lower: Double, upper: Double)
    /// An expression uses a variable of another model.
    case unknownVariable(index: Int, place: String)
    /// A coefficient is infinite or not a number.
    case nonFiniteCoefficient(variable: String, place: String)
    /// A right-hand side is infinite or not a number.
    case nonFiniteRightHandSide(constraint: String)
    /// A solve option is out of range.
    case invalidOption(String)
    /// Every problem found in one model.
    case invalidModel([ModelError])
    /// GLPK returned an error code this layer does not expect.
    case solverFailed(code: Int32)
    /// The LP file could not be written.
    case cannotWrite(path: String)

    /// The problem in words.
    public var description: String {
        switch self {
        case .nonFiniteBound(let variable): "variable \(variable) has a bound that is not a finite number"
        case .emptyDomain(let variable, let lower, let upper): "variable \(variable) has lower bound \(lower) above upper bound \(upper)"
        case .unknownVariable(let index, let place): "\(place) uses variable #\(index), which this model does not have"
        case .nonFiniteCoefficient(let variable, let place): "\(place) gives variable \(variable) a coefficient that is not a finite number"
        case .nonFiniteRightHandSide(let constraint): "constraint \(constraint) has a right-hand side that is not a finite number"
        case .invalidOption(let message): "invalid solver option: \(message)"
        case .invalidModel(let problems): "invalid model: " + problems.map(\.description).joined(separator: "; ")
        case .solverFailed(let code): "GLPK failed with code \(code)"
        case .cannotWrite(let path): "cannot write the model to \(path)"
        }
    }
}
