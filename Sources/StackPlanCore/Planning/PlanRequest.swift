import Foundation
import MILP

/// What a plan minimises. Several, in order, make a lexicographic objective.
public enum Objective: String, Sendable, CaseIterable {
    /// Fees in the catalogue's base currency.
    case cost
    /// Learning hours.
    case workload
    /// Extra ECTS taken: the fewest credits beyond what is needed.
    case ects
    /// Number of credentials taken.
    case count

    /// Parses `cost,workload`, rejecting unknown and repeated names.
    public static func list(_ text: String) throws -> [Objective] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var objectives: [Objective] = []
        for name in names {
            guard let objective = Objective(rawValue: name) else {
                throw PlanningError.invalidRequest("unknown objective \"\(name)\"; use \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !objectives.contains(objective) else { throw PlanningError.invalidRequest("objective \"\(name)\" is given twice") }
            objectives.append(objective)
        }
        guard !objectives.isEmpty else { throw PlanningError.invalidRequest("name at least one objective") }
        return objectives
    }
}

public struct PlanRequest: Sendable {
    public var target: String
    public var learner: LearnerProfile
    /// The learner's limits as planned with: the profile's, or what the command line put in their place.
    public var constraints: LearnerConstraints
    public var objectives: [Objective]
    /// Hours of learning per ECTS where a credential does not state its hours (ECTS Users' Guide: 25–30).
    public var hoursPerECTS: Double
    /// The day prior learning is measured from.
    public var today: Day
    public var solverOptions: SolveOptions
    /// Leave out candidates that provably no optimal plan takes (docs/formulation.md §5.1).
    /// Off only to measure what it buys, or to check it.
    public var pruneDominated = true

    public init(
        target: String, learner: LearnerProfile, constraints: LearnerConstraints? = nil,
        objectives: [Objective] = [.cost], hoursPerECTS: Double = 25, today: Day? = nil,
        solverOptions: SolveOptions = SolveOptions(timeLimit: 60)
    ) {
        self.target = target
        self.learner = learner
        self.constraints = constraints ?? learner.constraints
        self.objectives = objectives
        self.hoursPerECTS = hoursPerECTS
        self.today = today ?? learner.today ?? Day.current
        self.solverOptions = solverOptions
    }
}

extension PlanRequest {
    /// The request without a budget when cost is not an objective and without an hours limit
    /// when workload is not; `nil` when that changes nothing.
    var withoutLimitsOutsideObjectives: PlanRequest? {
        var relaxed = self
        if !objectives.contains(.cost) { relaxed.constraints.budget = nil }
        if !objectives.contains(.workload) { relaxed.constraints.maxHours = nil }
        return relaxed.constraints == constraints ? nil : relaxed
    }
}

public enum PlanningError: Error, CustomStringConvertible {
    case unknownTarget(String)
    case invalidRequest(String)
    case invalidLearner(InvalidDocument)
    /// The independent checker rejected a plan the model produced: a defect, reported rather than hidden.
    case inconsistentPlan([String])

    public var description: String {
        switch self {
        case .unknownTarget(let id): "the catalogue has no qualification \"\(id)\""
        case .invalidRequest(let message): message
        case .invalidLearner(let document): document.description
        case .inconsistentPlan(let violations): "internal error: the plan failed its independent check: " + violations.joined(separator: "; ")
        }
    }
}

extension Day {
    /// Today in UTC, for profiles that give no `today`.
    public static var current: Day {
        Day(ordinal: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
