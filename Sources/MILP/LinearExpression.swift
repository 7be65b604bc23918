import OrderedCollections

/// A decision variable of a ``Model``: a handle, meaningful only with the model that made it.
public struct Variable: Hashable, Sendable, Comparable {
    /// The variable's position among the model's columns, from 0.
    public let index: Int

    /// Variables order by index: the order the model created them in.
    public static func < (lhs: Variable, rhs: Variable) -> Bool { lhs.index < rhs.index }
}

/// A sum of variables times coefficients, plus a constant.
///
/// Built with ordinary arithmetic: `2 * x + y - 3`. Terms of the same variable merge,
/// so an expression never holds a variable twice (GLPK rejects such rows by aborting).
/// Terms are kept in variable order as they are added (nearly always at the end, as models
/// create variables in the order they use them), so no use has to sort them again.
public struct LinearExpression: Sendable {
    /// Coefficient by variable, in variable order; a coefficient may be zero after terms cancel.
    public private(set) var coefficients: OrderedDictionary<Variable, Double>
    /// The constant term.
    public var constant: Double

    /// The constant `constant`, without variables.
    public init(constant: Double = 0) {
        self.coefficients = [:]
        self.constant = constant
    }

    /// The expression `1 × variable`.
    public init(_ variable: Variable) {
        self.coefficients = [variable: 1]
        self.constant = 0
    }

    /// The sum of `coefficient × variable` over the given terms.
    public init<S: Sequence>(terms: S) where S.Element == (Double, Variable) {
        self.init()
        for (coefficient, variable) in terms { add(coefficient, variable) }
    }

    /// The sum of the variables, each with coefficient 1.
    public static func sum<S: Sequence>(_ variables: S) -> LinearExpression where S.Element == Variable {
        LinearExpression(terms: variables.lazy.map { (1.0, $0) })
    }

    /// Adds `coefficient × variable`, merging with the variable's term if it has one.
    public mutating func add(_ coefficient: Double, _ variable: Variable) {
        if let position = coefficients.index(forKey: variable) {
            coefficients.values[position] += coefficient
        } else if let last = coefficients.keys.last, variable < last {
            // Out of order: the first key above it, found by bisection, keeps the order.
            var low = 0, high = coefficients.count - 1
            while low < high {
                let middle = (low + high) / 2
                if coefficients.keys[middle] < variable { low = middle + 1 } else { high = middle }
            }
            coefficients.updateValue(coefficient, forKey: variable, insertingAt: low)
        } else {
            coefficients[variable] = coefficient
        }
    }

    /// Adds `factor × other`, its constant included.
    public mutating func add(_ other: LinearExpression, times factor: Double = 1) {
        for (variable, coefficient) in other.coefficients { add(factor * coefficient, variable) }
        constant += factor * other.constant
    }

    /// The terms in variable order, without zero coefficients: a canonical form.
    public var sortedTerms: [(variable: Variable, coefficient: Double)] {
        coefficients.compactMap { $0.value != 0 ? ($0.key, $0.value) : nil }
    }

    /// How many terms have a coefficient other than zero.
    public var numberOfTerms: Int { coefficients.values.count { $0 != 0 } }

    /// Whether no variable has a coefficient other than zero.
    public var isConstant: Bool { coefficients.values.allSatisfy { $0 == 0 } }

    /// Evaluates the expression at the given values, indexed by variable.
    public func value(at values: [Double]) -> Double {
        coefficients.reduce(constant) { $0 + $1.value * values[$1.key.index] }
    }
}

// MARK: Arithmetic: every mix of expressions, variables and numbers

/// The sum of two expressions.
public func + (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
    var result = lhs
    result.add(rhs)
    return result
}

/// The difference of two expressions.
public func - (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
    var result = lhs
    result.add(rhs, times: -1)
    return result
}

/// The expression negated.
public prefix func - (operand: LinearExpression) -> LinearExpression { LinearExpression() - operand }
/// The variable negated.
public prefix func - (operand: Variable) -> LinearExpression { -LinearExpression(operand) }

/// The expression scaled by a number.
public func * (factor: Double, expression: LinearExpression) -> LinearExpression {
    var result = LinearExpression()
    result.add(expression, times: factor)
    return result
}
/// The expression scaled by a number.
public func * (expression: LinearExpression, factor: Double) -> LinearExpression { factor * expression }
/// The variable times a number.
public func * (factor: Double, variable: Variable) -> LinearExpression { factor * LinearExpression(variable) }
/// The variable times a number.
public func * (variable: Variable, factor: Double) -> LinearExpression { factor * LinearExpression(variable) }
/// The expression divided by a (non-zero) number.
public func / (expression: LinearExpression, divisor: Double) -> LinearExpression { (1 / divisor) * expression }

/// Adds an expression in place.
public func += (lhs: inout LinearExpression, rhs: LinearExpression) { lhs.add(rhs) }
/// Subtracts an expression in place.
public func -= (lhs: inout LinearExpression, rhs: LinearExpression) { lhs.add(rhs, times: -1) }
/// Adds a variable in place.
public func += (lhs: inout LinearExpression, rhs: Variable) { lhs.add(1, rhs) }
/// Subtracts a variable in place.
public func -= (lhs: inout LinearExpression, rhs: Variable) { lhs.add(-1, rhs) }
/// Adds a number to the constant in place.
public func += (lhs: inout LinearExpression, rhs: Double) { lhs.constant += rhs }
/// Subtracts a number from the constant in place.
public func -= (lhs: inout LinearExpression, rhs: Double) { lhs.constant -= rhs }

/// The sum of two variables.
public func + (lhs: Variable, rhs: Variable) -> LinearExpression { LinearExpression(lhs) + LinearExpression(rhs) }
/// An expression plus a variable.
public func + (lhs: LinearExpression, rhs: Variable) -> LinearExpression { lhs + LinearExpression(rhs) }
/// A variable plus an expression.
public func + (lhs: Variable, rhs: LinearExpression) -> LinearExpression { LinearExpression(lhs) + rhs }
/// An expression plus a number.
public func + (lhs: LinearExpression, rhs: Double) -> LinearExpression { lhs + LinearExpression(constant: rhs) }
/// A number plus an expression.
public func + (lhs: Double, rhs: LinearExpression) -> LinearExpression { LinearExpression(constant: lhs) + rhs }
/// A variable plus a number.
public func + (lhs: Variable, rhs: Double) -> LinearExpression { LinearExpression(lhs) + LinearExpression(constant: rhs) }
/// A number plus a variable.
public func + (lhs: Double, rhs: Variable) -> LinearExpression { LinearExpression(constant: lhs) + LinearExpression(rhs) }
/// The difference of two variables.
public func - (lhs: Variable, rhs: Variable) -> LinearExpression { LinearExpression(lhs) - LinearExpression(rhs) }
/// An expression minus a variable.
public func - (lhs: LinearExpression, rhs: Variable) -> LinearExpression { lhs - LinearExpression(rhs) }
/// A variable minus an expression.
public func - (lhs: Variable, rhs: LinearExpression) -> LinearExpression { LinearExpression(lhs) - rhs }
/// An expression minus a number.
public func - (lhs: LinearExpression, rhs: Double) -> LinearExpression { lhs - LinearExpression(constant: rhs) }
/// A number minus an expression.
public func - (lhs: Double, rhs: LinearExpression) -> LinearExpression { LinearExpression(constant: lhs) - rhs }
/// A variable minus a number.
public func - (lhs: Variable, rhs: Double) -> LinearExpression { LinearExpression(lhs) - LinearExpression(constant: rhs) }
/// A number minus a variable.
public func - (lhs: Double, rhs: Variable) -> LinearExpression { LinearExpression(constant: lhs) - LinearExpression(rhs) }

/// `expression ≤ / ≥ / = bound`, the constant folded into the right-hand side.
public struct Constraint: Sendable {
    /// How the expression compares with the right-hand side.
    public enum Relation: String, Sendable { case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "=" }

    /// The variable side, its constant always zero (folded into ``rightHandSide``).
    public var expression: LinearExpression
    /// The comparison.
    public var relation: Relation
    /// The constant side.
    public var rightHandSide: Double

    /// `expression relation rightHandSide`, with the expression's constant moved to the right.
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

// MARK: Comparisons: every mix of expressions, variables and numbers (not two numbers)

/// `lhs ≤ rhs`.
public func <= (lhs: LinearExpression, rhs: LinearExpression) -> Constraint { Constraint(lhs - rhs, .lessOrEqual, 0) }
/// `lhs ≥ rhs`.
public func >= (lhs: LinearExpression, rhs: LinearExpression) -> Constraint { Constraint(lhs - rhs, .greaterOrEqual, 0) }
/// `lhs = rhs`.
public func == (lhs: LinearExpression, rhs: LinearExpression) -> Constraint { Constraint(lhs - rhs, .equal, 0) }

/// `expression ≤ bound`.
public func <= (lhs: LinearExpression, rhs: Double) -> Constraint { Constraint(lhs, .lessOrEqual, rhs) }
/// `expression ≥ bound`.
public func >= (lhs: LinearExpression, rhs: Double) -> Constraint { Constraint(lhs, .greaterOrEqual, rhs) }
/// `expression = bound`.
public func == (lhs: LinearExpression, rhs: Double) -> Constraint { Constraint(lhs, .equal, rhs) }
/// `bound ≤ expression`.
public func <= (lhs: Double, rhs: LinearExpression) -> Constraint { rhs >= lhs }
/// `bound ≥ expression`.
public func >= (lhs: Double, rhs: LinearExpression) -> Constraint { rhs <= lhs }
/// `bound = expression`.
public func == (lhs: Double, rhs: LinearExpression) -> Constraint { rhs == lhs }

/// `variable ≤ bound`.
public func <= (lhs: Variable, rhs: Double) -> Constraint { LinearExpression(lhs) <= rhs }
/// `variable ≥ bound`.
public func >= (lhs: Variable, rhs: Double) -> Constraint { LinearExpression(lhs) >= rhs }
/// `variable = bound`.
public func == (lhs: Variable, rhs: Double) -> Constraint { LinearExpression(lhs) == rhs }
/// `bound ≤ variable`.
public func <= (lhs: Double, rhs: Variable) -> Constraint { LinearExpression(rhs) >= lhs }
/// `bound ≥ variable`.
public func >= (lhs: Double, rhs: Variable) -> Constraint { LinearExpression(rhs) <= lhs }
/// `bound = variable`.
public func == (lhs: Double, rhs: Variable) -> Constraint { LinearExpression(rhs) == lhs }

/// `lhs ≤ rhs` for two variables.
public func <= (lhs: Variable, rhs: Variable) -> Constraint { LinearExpression(lhs) <= LinearExpression(rhs) }
/// `lhs ≥ rhs` for two variables.
public func >= (lhs: Variable, rhs: Variable) -> Constraint { LinearExpression(lhs) >= LinearExpression(rhs) }
// (`Variable == Variable` stays the handles' equality: write `x == LinearExpression(y)` for the row.)

/// `variable ≤ expression`.
public func <= (lhs: Variable, rhs: LinearExpression) -> Constraint { LinearExpression(lhs) <= rhs }
/// `variable ≥ expression`.
public func >= (lhs: Variable, rhs: LinearExpression) -> Constraint { LinearExpression(lhs) >= rhs }
/// `variable = expression`.
public func == (lhs: Variable, rhs: LinearExpression) -> Constraint { LinearExpression(lhs) == rhs }
/// `expression ≤ variable`.
public func <= (lhs: LinearExpression, rhs: Variable) -> Constraint { lhs <= LinearExpression(rhs) }
/// `expression ≥ variable`.
public func >= (lhs: LinearExpression, rhs: Variable) -> Constraint { lhs >= LinearExpression(rhs) }
/// `expression = variable`.
public func == (lhs: LinearExpression, rhs: Variable) -> Constraint { lhs == LinearExpression(rhs) }
