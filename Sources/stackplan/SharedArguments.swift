import ArgumentParser
import Foundation
import MILP
import StackPlanCore

extension Day: ExpressibleByArgument {
    /// A date written YYYY-MM-DD; anything else is a usage error. Whether the date lies in the
    /// range StackPlan plans in is checked by `checkDays`, so that the message names the range.
    public init?(argument: String) {
        guard let day = Day(argument) else { return nil }
        self = day
    }

    public var defaultValueDescription: String { description }
}

/// The days a date flag may name: the calendar StackPlan plans and checks records in.
let flagDays = InputLimits.days

/// Refuses a date flag outside `flagDays` as invalid input (exit 2), naming the flag.
func checkDays(_ flags: [(String, Day?)]) throws {
    for (flag, day) in flags {
        if let day, !flagDays.contains(day) {
            throw FlagRefusal.record("\(flag) must lie in \(flagDays.lowerBound)–\(flagDays.upperBound), found \(day)", outOfRange: true)
        }
    }
}

/// Objectives in priority order, written as a comma-separated list such as `duration,cost`.
struct ObjectiveList: ExpressibleByArgument, Equatable, Sendable {
    var objectives: [Objective]

    init(_ objectives: [Objective]) { self.objectives = objectives }

    init?(argument: String) {
        guard let objectives = try? Objective.list(argument) else { return nil }
        self.objectives = objectives
    }

    static let cost = ObjectiveList([.cost])

    var defaultValueDescription: String { objectives.map(\.rawValue).joined(separator: ",") }
}

/// Limits a planning command puts in place of the profile's (or a CPD record's) own.
struct LimitArguments: ParsableArguments {
    @Option(parsing: .unconditional, help: "Most the plan may cost, in the catalogue's base currency (0 to 1,000,000,000).",
            transform: FlagRanges.money.number)
    var budget: Double?

    @Option(parsing: .unconditional, help: "Most learning hours the plan may need (0 to 1,000,000).", transform: FlagRanges.hours.number)
    var maxHours: Double?

    @Option(help: "A mode you can attend: online, blended, in-person (repeat for several).")
    var mode: [DeliveryMode] = []

    @Option(help: "A language you study in, ISO 639-1 (repeat for several).")
    var language: [String] = []

    @Option(help: "A provider never to plan (repeat for several).")
    var excludeProvider: [String] = []

    func validate() throws {
        for language in language where !language.isLanguageCode {
            throw ValidationError("--language takes two-letter ISO 639-1 codes such as en, not \(language)")
        }
    }

    /// `constraints` with every limit given on the command line in place of its own.
    func applied(to constraints: LearnerConstraints) -> LearnerConstraints {
        var constraints = constraints
        if let budget { constraints.budget = budget }
        if let maxHours { constraints.maxHours = maxHours }
        if !mode.isEmpty { constraints.modes = mode }
        if !language.isEmpty { constraints.languages = language }
        if !excludeProvider.isEmpty { constraints.excludeProviders = excludeProvider }
        return constraints
    }
}

/// The learner's calendar: the day prior learning is measured from, and the schedule's start and pace.
struct CalendarArguments: ParsableArguments {
    @Option(help: ArgumentHelp("The day prior learning is measured from; default: the profile's, else today.", valueName: "YYYY-MM-DD"))
    var today: Day?

    @Option(help: ArgumentHelp("First day of study for a schedule; default: the profile's, else today.", valueName: "YYYY-MM-DD"))
    var start: Day?

    @Option(parsing: .unconditional, help: "Learning hours a week the learner can give (more than 0, at most 168); makes every plan a schedule.",
            transform: FlagRanges.hoursPerWeek.number)
    var hoursPerWeek: Double?

    @Option(parsing: .unconditional, help: "Learning hours per ECTS for credentials that state no hours (1 to 100; default 25).",
            transform: FlagRanges.hoursPerECTS.number)
    var hoursPerEcts: Double = 25

    func validate() throws { try checkDays([("--today", today), ("--start", start)]) }
}

/// The solver's limits.
struct SolverArguments: ParsableArguments {
    @Option(parsing: .unconditional, help: "Solver time limit in seconds (more than 0, at most 86,400; default 60); the answer then says how far from optimal it may be.",
            transform: FlagRanges.timeLimit.number)
    var timeLimit: Double = 60

    @Option(parsing: .unconditional, help: "Accept a plan within this relative gap of optimal (0 = proven optimal, the default; below 1).",
            transform: FlagRanges.gap.number)
    var gap: Double = 0

    @Flag(help: "Show GLPK's progress (on standard error).")
    var verbose = false

    var options: SolveOptions { SolveOptions(timeLimit: timeLimit, relativeGap: gap, verbose: verbose) }
}
