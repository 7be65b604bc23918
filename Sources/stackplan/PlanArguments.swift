import ArgumentParser
import Foundation
import MILP
import StackPlanCore

/// The options every planning command shares: the target, the learner, objectives and limits.
struct PlanArguments: ParsableArguments {
    @Option(help: "Id of the qualification to reach.")
    var target: String

    @Option(help: "Learner profile (JSON).")
    var learner: String

    @Option(help: "What to minimise, in priority order: cost, workload, ects, count, duration (e.g. duration,cost).")
    var objective: String = "cost"

    @Option(help: "Most the plan may cost, in the catalogue's base currency.")
    var budget: Double?

    @Option(help: "Most learning hours the plan may need.")
    var maxHours: Double?

    @Option(help: "Finish every credential by this day (YYYY-MM-DD); needs hours per week.")
    var deadline: String?

    @Option(help: "First day of study (YYYY-MM-DD) for a schedule; default: the profile's, else today.")
    var start: String?

    @Option(help: "Learning hours a week the learner can give; makes the plan a schedule.")
    var hoursPerWeek: Double?

    @Option(help: "A mode you can attend: online, blended, in-person (repeat for several).")
    var mode: [DeliveryMode] = []

    @Option(help: "A language you study in, ISO 639-1 (repeat for several).")
    var language: [String] = []

    @Flag(help: "Plan accredited credentials only.")
    var accreditedOnly = false

    @Flag(help: "Count only held credentials that learner import verified.")
    var verifiedOnly = false

    @Option(help: "A provider never to plan (repeat for several).")
    var excludeProvider: [String] = []

    @Option(help: "The day prior learning is measured from (YYYY-MM-DD); default: the profile's, else today.")
    var today: String?

    @Option(help: "Learning hours per ECTS for credentials that state no hours.")
    var hoursPerEcts: Double = 25

    @Option(help: "Solver time limit in seconds; the answer then says how far from optimal it may be.")
    var timeLimit: Double = 60

    @Option(help: "Accept a plan within this relative gap of optimal (0 = proven optimal).")
    var gap: Double = 0

    @Flag(help: "Show GLPK's progress (on standard error).")
    var verbose = false

    func validate() throws {
        if let budget, !(budget >= 0) { throw ValidationError("--budget must be zero or more") }
        if let maxHours, !(maxHours >= 0) { throw ValidationError("--max-hours must be zero or more") }
        for (flag, value) in [("--today", today), ("--deadline", deadline), ("--start", start)] {
            if let value, Day(value) == nil { throw ValidationError("\(flag) must be a date written YYYY-MM-DD") }
        }
        if let hoursPerWeek, !(hoursPerWeek > 0 && hoursPerWeek <= 168) { throw ValidationError("--hours-per-week must lie in (0, 168]") }
        if !(timeLimit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if !(gap >= 0 && gap < 1) { throw ValidationError("--gap must lie in [0, 1)") }
        if !(hoursPerEcts > 0) { throw ValidationError("--hours-per-ects must be positive") }
        do { _ = try Objective.list(objective) } catch { throw ValidationError("--objective: \(error)") }
        for language in language where !language.isLanguageCode {
            throw ValidationError("--language takes two-letter ISO 639-1 codes such as en, not \(language)")
        }
    }

    /// The request and the stored catalogue it is planned against.
    func load(from database: DatabaseOption) throws -> (request: PlanRequest, catalogue: Catalogue) {
        let store = try database.openExisting()
        return try reportingErrors { (try request(), try store.catalogue()) }
    }

    /// Reads the learner profile and puts the command line's limits in place of the profile's.
    func request() throws -> PlanRequest {
        let profile = try LearnerDocument.read(try readFile(learner), file: learner)
        var constraints = profile.constraints
        if let budget { constraints.budget = budget }
        if let maxHours { constraints.maxHours = maxHours }
        if !mode.isEmpty { constraints.modes = mode }
        if !language.isEmpty { constraints.languages = language }
        if accreditedOnly { constraints.accreditedOnly = true }
        if verifiedOnly { constraints.verifiedOnly = true }
        if !excludeProvider.isEmpty { constraints.excludeProviders = excludeProvider }
        if let deadline { constraints.deadline = Day(deadline) }
        let objectives = try Objective.list(objective)
        var request = PlanRequest(
            target: target, learner: profile, constraints: constraints, objectives: objectives,
            hoursPerECTS: hoursPerEcts, today: today.flatMap(Day.init),
            solverOptions: SolveOptions(timeLimit: timeLimit, relativeGap: gap, verbose: verbose))
        request.schedule = try ScheduleSettings.needed(
            by: profile, objectives: objectives, deadline: constraints.deadline, start: start.flatMap(Day.init),
            hoursPerWeek: hoursPerWeek, today: request.today)
        return request
    }
}
