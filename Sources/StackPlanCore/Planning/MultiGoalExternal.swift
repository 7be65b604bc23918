import MILP

/// A goal of a plan for several goals that is not a qualification, encoded by the module that
/// knows its rules: a regulator's CPD cycle (StackPlanCPD's `CPDGoal`, named `cpd:SCHEME`).
/// The planner gives it the union's shared take columns; it adds its own columns and rows over
/// them, and afterwards reads its part of the plan back and checks it without the model.
public protocol ExternalGoal: Sendable {
    /// How plans and reports name the goal: `cpd:NMC`.
    var id: String { get }
    /// Catalogue credentials the goal could count if they were taken, in any order. Each gets
    /// the union's shared take column unless the learner cannot take it (held already, or
    /// outside the learner's modes, languages, providers, places, accreditation or currencies).
    var usableCredentials: [String] { get }
    /// Adds the goal's columns and rows to `model`. `take[id]` is the shared x[c] of a
    /// credential the learner may take; an id without one must be left out.
    func encode(into model: inout Model, take: [String: Variable]) throws -> any ExternalGoalEncoding
    /// Why the goal cannot be met even on its own within `constraints` (the learner's budget and
    /// hours included), as its module words it; `nil` when it can.
    func reasonsUnreachableAlone(within constraints: LearnerConstraints) throws -> [String]?
}

/// What an external goal's encoding keeps to read its part of a solved union.
public protocol ExternalGoalEncoding: Sendable {
    /// The goal's part of the plan: the credentials it counts and its requirements, assessed
    /// again without the model from the credentials `solution` takes.
    func part(of solution: Solution, taken: Set<String>) throws -> ExternalGoalPart
}

/// One external goal's share of a plan for several goals.
public struct ExternalGoalPart: Sendable, Equatable {
    /// A credential that counts toward the goal, and what it brings.
    public struct Contribution: Sendable, Equatable {
        public var credential: String
        /// The goal's own category it counts in (a CPD scheme's category), if it has categories.
        public var category: String?
        /// In the goal's unit, after the goal's own limits.
        public var amount: Double
        /// Taken by the plan (`true`), or already held or recorded.
        public var planned: Bool

        public init(credential: String, category: String?, amount: Double, planned: Bool) {
            self.credential = credential
            self.category = category
            self.amount = amount
            self.planned = planned
        }
    }

    /// One of the goal's requirements after the plan.
    public struct Requirement: Sendable, Equatable {
        public var id: String
        public var label: String
        /// What it asks, `nil` for requirements that are not amounts.
        public var required: Double?
        public var achieved: Double
        public var met: Bool
        /// Whether credentials can meet it; a figure only the learner can declare (practice hours) cannot.
        public var closableByCredentials: Bool

        public init(id: String, label: String, required: Double?, achieved: Double, met: Bool, closableByCredentials: Bool) {
            self.id = id
            self.label = label
            self.required = required
            self.achieved = achieved
            self.met = met
            self.closableByCredentials = closableByCredentials
        }
    }

    /// The goal's id (`cpd:NMC`).
    public var goal: String
    public var title: String
    /// The unit its amounts are in (hours, credits, points).
    public var unit: String
    /// The period the goal is judged over (a CPD cycle), when it has one.
    public var from: Day?
    public var until: Day?
    public var contributions: [Contribution]
    public var requirements: [Requirement]
    /// Credentials to take that count toward the goal, in id order.
    public var taken: [String]
    /// Requirements credentials could meet that the plan leaves unmet, as the independent
    /// check found them: empty for every plan the planner returns.
    public var violations: [String]

    public init(
        goal: String, title: String, unit: String, from: Day? = nil, until: Day? = nil, contributions: [Contribution],
        requirements: [Requirement], taken: [String], violations: [String]
    ) {
        self.goal = goal
        self.title = title
        self.unit = unit
        self.from = from
        self.until = until
        self.contributions = contributions
        self.requirements = requirements
        self.taken = taken
        self.violations = violations
    }
}

extension Model {
    /// Copies every column and row of `other` into this model, its names prefixed, with the
    /// columns `replacing` names (by their index in `other`) taken to be columns of this model
    /// instead. Returns where each of `other`'s columns now is, by index.
    public mutating func embed(_ other: Model, prefix: String, replacing: [Int: Variable] = [:]) -> [Variable] {
        var map: [Variable] = []
        map.reserveCapacity(other.variables.count)
        for (index, column) in other.variables.enumerated() {
            if let existing = replacing[index] {
                map.append(existing)
            } else {
                map.append(addVariable(prefix + column.name, column.kind, lowerBound: column.lowerBound, upperBound: column.upperBound))
            }
        }
        for row in other.rows {
            let expression = LinearExpression(terms: row.constraint.expression.sortedTerms.map { ($0.coefficient, map[$0.variable.index]) })
            add(Constraint(expression, row.constraint.relation, row.constraint.rightHandSide), name: prefix + row.name)
        }
        return map
    }
}

extension UnionModel {
    /// Take columns for the credentials external goals could count and that no qualification's
    /// model has, and for the prerequisites these need (transitively), each if the learner may
    /// take it; then the prerequisite rows of those new columns (a qualification's model already
    /// has the rows of its own candidates). Returns the ids given new columns, in id order.
    @discardableResult
    mutating func addExternalTakes(_ ids: [String], catalogue: Catalogue, eligibility: Eligibility, held: Set<String>) -> [String] {
        var added: [String] = []
        var pending = Array(Set(ids)).sorted().reversed() as [String]
        while let id = pending.popLast() {
            guard takes[id] == nil, !held.contains(id), let credential = catalogue.credential(id),
                  eligibility.reasonNotOffered(credential) == nil else { continue }
            takes[id] = model.addBinary("take[\(id)]")
            added.append(id)
            for needed in credential.prerequisites?.credentialIDs ?? [] where takes[needed] == nil && !held.contains(needed) { pending.append(needed) }
        }
        added.sort()
        for id in added {
            guard let prerequisite = catalogue.credential(id)?.prerequisites, let take = takes[id] else { continue }
            require(prerequisite, whenever: LinearExpression(take), owner: id, path: "pre", held: held)
        }
        return added
    }

    /// `trigger ≤ [prerequisite met]`, as the single-goal model writes it (formulation.md §3.5):
    /// a credential neither held nor given a column can never be met.
    private mutating func require(_ prerequisite: Prerequisite, whenever trigger: LinearExpression, owner: String, path: String, held: Set<String>) {
        switch prerequisite {
        case .credential(let id):
            if held.contains(id) { return }
            model.add(trigger <= takes[id].map { LinearExpression($0) } ?? LinearExpression(), name: "prereq[\(owner)<-\(id)]")
        case .corequisite(let id):
            if held.contains(id) { return }
            model.add(trigger <= takes[id].map { LinearExpression($0) } ?? LinearExpression(), name: "coreq[\(owner)+\(id)]")
        case .allOf(let children):
            for (index, child) in children.enumerated() { require(child, whenever: trigger, owner: owner, path: "\(path).\(index)", held: held) }
        case .anyOf(let children):
            let met = indicators(children, owner: owner, path: path, held: held)
            model.add(trigger <= total(met), name: "prereq_any[\(owner):\(path)]")
        case .atLeast(let count, let children):
            let met = indicators(children, owner: owner, path: path, held: held)
            model.add(Double(count) * trigger <= total(met), name: "prereq_atleast[\(owner):\(path)]")
        }
    }

    private mutating func indicators(_ children: [Prerequisite], owner: String, path: String, held: Set<String>) -> [LinearExpression] {
        children.enumerated().map { index, child in
            if case .credential(let id) = child {
                if held.contains(id) { return LinearExpression(constant: 1) }
                return takes[id].map { LinearExpression($0) } ?? LinearExpression()
            }
            if case .corequisite(let id) = child {
                if held.contains(id) { return LinearExpression(constant: 1) }
                return takes[id].map { LinearExpression($0) } ?? LinearExpression()
            }
            let met = model.addBinary("prereq_met[\(owner):\(path).\(index)]")
            require(child, whenever: LinearExpression(met), owner: owner, path: "\(path).\(index)", held: held)
            return LinearExpression(met)
        }
    }
}

/// The sum of several expressions.
private func total(_ expressions: [LinearExpression]) -> LinearExpression {
    expressions.reduce(into: LinearExpression()) { $0.add($1) }
}
