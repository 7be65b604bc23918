import ArgumentParser
import Foundation
import MILP
import StackPlanCore

/// The options every planning command shares: the target, the learner, objectives and limits.
struct PlanArguments: ParsableArguments {
    @Option(name: .customLong("target"), help: "Id of the qualification to reach (plan takes several for one plan meeting all; compare takes several side by side).")
    var targets: [String] = []

    /// The one qualification every command but compare plans toward.
    var target: String { targets.last ?? "" }

    @Option(help: "Learner profile (JSON; - or /dev/stdin reads standard input).")
    var learner: String

    @Option(help: ArgumentHelp("What to minimise, in priority order: cost, workload, ects, count, duration (e.g. duration,cost).", valueName: "objectives"))
    var objective: ObjectiveList = .cost

    @OptionGroup var limits: LimitArguments

    @Option(help: ArgumentHelp("Finish every credential by this day; needs hours per week.", valueName: "YYYY-MM-DD"))
    var deadline: Day?

    func validate() throws { try checkDays([("--deadline", deadline)]) }

    @Flag(help: "Plan accredited credentials only.")
    var accreditedOnly = false

    @OptionGroup var calendar: CalendarArguments

    @Flag(help: "Count only held credentials that learner import verified.")
    var verifiedOnly = false

    @OptionGroup var solver: SolverArguments

    /// The solver's time limit, for messages about it.
    var timeLimit: Double { solver.timeLimit }

    /// The request and the stored catalogue it is planned against.
    func load(from database: DatabaseOption) throws -> (request: PlanRequest, catalogue: Catalogue) {
        let store = try database.openExisting()
        return try reportingErrors { (try request(), try store.catalogue()) }
    }

    /// The qualifications to plan toward: the --target flags, or else the profile's `goals`.
    func goals(of request: PlanRequest) -> [String] { targets.isEmpty ? request.learner.goals : targets }

    /// One request per --target (or goal of the profile), for the commands that take several.
    func requests() throws -> [PlanRequest] {
        let first = try request(allowingSeveralTargets: true)
        return goals(of: first).map { target in
            var request = first
            request.target = target
            return request
        }
    }

    /// Reads the learner profile and puts the command line's limits in place of the profile's.
    /// Without `schedule`, the plan ignores the calendar even when the profile gives weekly hours.
    func request(schedule: Bool = true, allowingSeveralTargets: Bool = false) throws -> PlanRequest {
        if targets.count > 1 && !allowingSeveralTargets {
            throw PlanningError.invalidRequest("--target: give one qualification (only plan and compare take several), not \(targets.joined(separator: ", "))")
        }
        let profile = try LearnerDocument.read(try readFile(learner), file: learner)
        let goals = targets.isEmpty ? profile.goals : targets
        if goals.isEmpty { throw CommandFailure(.invalidInput, "--target: name the qualification to reach (or list \"goals\" in the learner profile)") }
        if goals.count > 1 && !allowingSeveralTargets {
            throw CommandFailure(.invalidInput, "\(learner): $.goals lists several qualifications; this command plans toward one: give --target")
        }
        var constraints = limits.applied(to: profile.constraints)
        if accreditedOnly { constraints.accreditedOnly = true }
        if verifiedOnly { constraints.verifiedOnly = true }
        if let deadline { constraints.deadline = deadline }
        let objectives = objective.objectives
        var request = PlanRequest(
            target: goals.last ?? target, learner: profile, constraints: constraints, objectives: objectives,
            hoursPerECTS: calendar.hoursPerEcts, today: calendar.today, solverOptions: solver.options)
        guard schedule else {
            if objectives.contains(.duration) {
                throw CommandFailure(.invalidInput, "--no-schedule cannot minimise duration: drop duration from --objective")
            }
            if calendar.hoursPerWeek != nil || calendar.start != nil || deadline != nil {
                throw CommandFailure(.invalidInput, "--no-schedule plans without the calendar: drop --hours-per-week, --start and --deadline")
            }
            if let ignored = request.constraints.deadline {
                printError("note: --no-schedule ignores the profile's deadline \(ignored)")
                request.constraints.deadline = nil
            }
            return request
        }
        request.schedule = try ScheduleSettings.needed(
            by: profile, objectives: objectives, deadline: constraints.deadline, start: calendar.start,
            hoursPerWeek: calendar.hoursPerWeek, today: request.today)
        return request
    }
}
