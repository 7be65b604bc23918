/// A decision variable of a ``Model``: a handle, meaningful only with the model that made it.
public struct Variable: Hashable, Sendable, Comparable {
    public let index: Int

    public static func < (lhs: Variable, rhs: Variable) -> Bool { lhs.index < rhs.index }
}

/// A sum of variables times coefficients, plus a constant.
///
/// Built with ordinary arithmetic: `2 * x + y - 3`. Terms of the same variable merge,
/// so an expression never holds a variable twice (GLPK rejects such rows by aborting).
public struct LinearExpression: Sendable {
    public private(set) var coefficients: [Variable: Double]
    public var constant: Double

    public init(constant: Double = 0) {
        self.coefficients = [:]
        self.constant = constant
    }

    public init(_ variable: Variable) {
        self.coefficients = [variable: 1]
        self.constant = 0
    }

    /// The sum of `coefficient × variable` over the given terms.
    public init<S: Sequence>(terms: S) where S.Element == (Double, Variable) {
        self.init()
        for (coefficient, variable) in terms { add(coefficient, variable) }
    }

    public static func sum<S: Sequence>(_ variables: S) -> LinearExpression where S.Element == Variable {
        LinearExpression(terms: variables.lazy.map { (1.0, $0) })
    }

    public mutating func add(_ coefficient: Double, _ variable: Variable) {
        coefficients[variable, default: 0] += coefficient
    }

    public mutating func add(_ other: LinearExpression, times factor: Double = 1) {
        for (variable, coefficient) in other.coefficients { add(factor * coefficient, variable) }
        constant += factor * other.constant
    }

    /// The terms in variable order, without zero coefficients: a canonical form.
    public var sortedTerms: [(variable: Variable, coefficient: Double)] {
        coefficients.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var isConstant: Bool { coefficients.values.allSatisfy { $0 == 0 } }

    /// Evaluates the expression at the given values, indexed by variable.
    public func value(at values: [Double]) -> Double {
        coefficients.reduce(constant) { $0 + $1.value * values[$1.key.index] }
    }
}

public func + (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
    var result = lhs
    result.add(rhs)
    return result
}

public func - (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
    var result = lhs
    result.add(rhs, times: -1)
    return result
}

public prefix func - (operand: LinearExpression) -> LinearExpression { LinearExpression() - operand }

public func * (factor: Double, expression: LinearExpression) -> LinearExpression {
    var result = LinearExpression()
    result.add(expression, times: factor)
    return result
}

public func += (lhs: inout LinearExpression, rhs: LinearExpression) { lhs.add(rhs) }
public func -= (lhs: inout LinearExpression, rhs: LinearExpression) { lhs.add(rhs, times: -1) }

public func + (lhs: Variable, rhs: Variable) -> LinearExpression { LinearExpression(lhs) + LinearExpression(rhs) }
public func + (lhs: LinearExpression, rhs: Variable) -> LinearExpression { lhs + LinearExpression(rhs) }
public func + (lhs: Variable, rhs: LinearExpression) -> LinearExpression { LinearExpression(lhs) + rhs }
public func + (lhs: LinearExpression, rhs: Double) -> LinearExpression { lhs + LinearExpression(constant: rhs) }
public func - (lhs: Variable, rhs: Variable) -> LinearExpression { LinearExpression(lhs) - LinearExpression(rhs) }
public func - (lhs: LinearExpression, rhs: Variable) -> LinearExpression { lhs - LinearExpression(rhs) }
public func - (lhs: Variable, rhs: LinearExpression) -> LinearExpression { LinearExpression(lhs) - rhs }
public func - (lhs: LinearExpression, rhs: Double) -> LinearExpression { lhs - LinearExpression(constant: rhs) }
public func * (factor: Double, variable: Variable) -> LinearExpression { factor * LinearExpression(variable) }
public func += (lhs: inout LinearExpression, rhs: Variable) { lhs.add(1, rhs) }
public func -= (lhs: inout LinearExpression, rhs: Variable) { lhs.add(-1, rhs) }

/// `expression ≤ / ≥ / = bound`, the constant folded into the right-hand side.
public struct Constraint: Sendable {
    public enum Relation: String, Sendable { case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "=" }

    public var expression: LinearExpression
    public var relation: Relation
    public var rightHandSide: Double

    public init(_ expression: LinearExpression, _ relation: Relation, _ rightHandSide: Double) {
        var folded = expression
        let constant = folded.constant
        folded.constant = 0
        self.expression = folded
        self.relation = relation
        self.rightHandSide = rightHandSide - constant
    }

    /// Whether the constraint holds at the given values, within an absolute tolerance.
    public func isSatisfied(by values: [Double], tolerance: Double = 1e-6) -> Bool {
        let lhs = expression.value(at: values)
        switch relation {
        case .lessOrEqual: return lhs <= rightHandSide + tolerance
        case .greaterOrEqual: return lhs >= rightHandSide - tolerance
        case .equal: return abs(lhs - rightHandSide) <= tolerance
        }
    }
}

public func <= (lhs: LinearExpression, rhs: LinearExpression) -> Constraint {
    Constraint(lhs - rhs, .lessOrEqual, 0)
}
public func >= (lhs: LinearExpression, rhs: LinearExpression) -> Constraint {
    Constraint(lhs - rhs, .greaterOrEqual, 0)
}
public func == (lhs: LinearExpression, rhs: LinearExpression) -> Constraint {
    Constraint(lhs - rhs, .equal, 0)
}
public func <= (lhs: LinearExpression, rhs: Double) -> Constraint { Constraint(lhs, .lessOrEqual, rhs) }
public func >= (lhs: LinearExpression, rhs: Double) -> Constraint { Constraint(lhs, .greaterOrEqual, rhs) }
public func == (lhs: LinearExpression, rhs: Double) -> Constraint { Constraint(lhs, .equal, rhs) }
public func <= (lhs: Variable, rhs: Double) -> Constraint { LinearExpression(lhs) <= rhs }
public func >= (lhs: Variable, rhs: Double) -> Constraint { LinearExpression(lhs) >= rhs }
public func <= (lhs: Variable, rhs: Variable) -> Constraint { LinearExpression(lhs) <= LinearExpression(rhs) }
public func <= (lhs: Variable, rhs: LinearExpression) -> Constraint { LinearExpression(lhs) <= rhs }
public func <= (lhs: LinearExpression, rhs: Variable) -> Constraint { lhs <= LinearExpression(rhs) }
public func >= (lhs: LinearExpression, rhs: Variable) -> Constraint { lhs >= LinearExpression(rhs) }
