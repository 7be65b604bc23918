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
    /// Days from the start until the last credential ends: needs a schedule.
    case duration

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
    /// When set, the plan is also a schedule: offerings, weekly hours, prerequisites in order, deadline.
    public var schedule: ScheduleSettings?
    /// Exceptions given for this request alone (the command line's), on top of the profile's.
    public var addedExceptions: [AdvisorException] = []
    /// Catalogue credentials treated as not offered (a what-if: a course cancelled).
    public var withdrawn: Set<String> = []

    /// Every exception in force: the profile's for the target, then the request's own, with
    /// `held[N]` naming a held catalogue credential turned into that credential's id (the item's own id).
    public var exceptions: [AdvisorException] {
        (learner.exceptions.filter { $0.qualification == target } + addedExceptions).map { exception in
            var resolved = exception
            switch exception.rule {
            case .apply(let item, let path): resolved.rule = .apply(item: itemID(item), path: path)
            case .substitute(let old, let new): resolved.rule = .substitute(old: old, new: itemID(new))
            case .waive: break
            }
            return resolved
        }
    }

    /// The id a held item goes by in plans: its catalogue id, or `held[N]` for an external one.
    func itemID(_ name: String) -> String {
        guard name.hasPrefix("held["), name.hasSuffix("]"), let position = Int(name.dropFirst(5).dropLast()),
              learner.held.indices.contains(position), let id = learner.held[position].catalogueID else { return name }
        return id
    }
    /// Leave out candidates that provably no optimal plan takes (docs/formulation.md §5.1).
    /// Off only to measure what it buys, or to check it.
    public var pruneDominated = true
    /// Solve a schedule with the plain time-indexed model (every run a column) instead of
    /// branch and check. Off but to measure what branch and check buys, or to check it.
    public var timeIndexedSchedule = false

    public init(
        target: String, learner: LearnerProfile, constraints: LearnerConstraints? = nil,
        objectives: [Objective] = [.cost], hoursPerECTS: Double = 25, today: Day? = nil,
        solverOptions: SolveOptions = SolveOptions(timeLimit: 60), schedule: ScheduleSettings? = nil
    ) {
        self.schedule = schedule
        self.target = target
        self.learner = learner
        self.constraints = constraints ?? learner.constraints
        self.objectives = objectives
        self.hoursPerECTS = hoursPerECTS
        self.today = today ?? learner.today ?? Day.current
        self.solverOptions = solverOptions
    }
}

/// The calendar a schedule is planned on.
public struct ScheduleSettings: Sendable, Equatable {
    /// The first day of study: week 1 starts here.
    public var start: Day
    public var hoursPerWeek: Double
    /// Longest horizon the model looks at, in weeks, whatever the data suggest.
    public var maxHorizonWeeks: Int
    /// A self-paced credential may start in each of the first this many weeks…
    public var weeklySelfPacedStarts: Int
    /// …and at most this many more times, evenly spread over the rest of the horizon:
    /// this keeps the model small when the horizon runs to years.
    public var laterSelfPacedStarts: Int

    public init(start: Day, hoursPerWeek: Double, maxHorizonWeeks: Int = 520, weeklySelfPacedStarts: Int = 104, laterSelfPacedStarts: Int = 52) {
        self.start = start
        self.hoursPerWeek = hoursPerWeek
        self.maxHorizonWeeks = maxHorizonWeeks
        self.weeklySelfPacedStarts = weeklySelfPacedStarts
        self.laterSelfPacedStarts = laterSelfPacedStarts
    }

    /// The schedule a profile asks for: when it gives weekly hours, or the request needs one
    /// (a duration objective or a deadline), in which case the weekly hours must be known.
    public static func needed(
        by profile: LearnerProfile, objectives: [Objective], deadline: Day?,
        start: Day? = nil, hoursPerWeek: Double? = nil, today: Day
    ) throws -> ScheduleSettings? {
        let hours = hoursPerWeek ?? profile.hoursPerWeek
        let wanted = hours != nil || objectives.contains(.duration) || deadline != nil
        guard wanted else { return nil }
        guard let hours else {
            throw PlanningError.invalidRequest("a schedule (duration objective or deadline) needs the learner's hours per week: give \"hoursPerWeek\" in the profile or --hours-per-week")
        }
        guard hours > 0 && hours <= 168 else { throw PlanningError.invalidRequest("hours per week must lie in (0, 168], not \(hours)") }
        return ScheduleSettings(start: start ?? profile.start ?? today, hoursPerWeek: hours)
    }
}

extension PlanRequest {
    /// The request with its time limit turned into a deadline for everything planning it
    /// does (model building, every solve and stage, the diagnosis), when it has none yet:
    /// the limit then covers the whole answer, not each solve.
    public func startingClock() -> PlanRequest {
        guard solverOptions.deadline == nil else { return self }
        var started = self
        started.solverOptions.deadline = Deadline(seconds: solverOptions.timeLimit)
        return started
    }

    /// The request without a budget when cost is not an objective and without an hours limit
    /// when workload is not; `nil` when that changes nothing.
    var withoutLimitsOutsideObjectives: PlanRequest? {
        var relaxed = self
        if !objectives.contains(.cost) { relaxed.constraints.budget = nil }
        if !objectives.contains(.workload) { relaxed.constraints.maxHours = nil }
        return relaxed.constraints == constraints ? nil : relaxed
    }
}

/// Why a request cannot be planned at all (as opposed to having no plan).
public enum PlanningError: Error, CustomStringConvertible, ClassifiedError {
    /// The catalogue has no qualification with this id.
    case unknownTarget(String)
    /// The request is wrong: a flag or a field out of range; the message names it.
    case invalidRequest(String)
    /// The learner's profile is wrong, with every problem and its JSON path.
    case invalidLearner(InvalidDocument)
    /// The independent checker rejected a plan the model produced: a defect, reported rather than hidden.
    case inconsistentPlan([String])

    public var kind: ErrorKind {
        switch self {
        case .unknownTarget: .notFound
        case .invalidRequest, .invalidLearner: .invalidInput
        case .inconsistentPlan: .internalFault
        }
    }

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
