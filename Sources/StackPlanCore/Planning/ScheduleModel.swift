import Foundation
import MILP

/// One way to run a credential: a dated offering, or a self-paced start.
public struct ScheduleOption: Sendable, Equatable {
    public var credential: String
    /// Index into the credential's offerings; `nil` for a self-paced run.
    public var offering: Int?
    public var start: Day
    /// The day after the last day.
    public var end: Day
    public var weeks: Int
    /// In the catalogue's base currency.
    public var cost: Double
    public var hours: Double

    /// Learning hours per day while it runs: its hours spread evenly.
    public var hoursPerDay: Double { hours / Double(end.ordinal - start.ordinal) }

    /// The hours this run puts into `week`: the days they share, at its hours per day.
    func hours(in week: StudyWeek) -> Double {
        let overlap = min(end.ordinal, week.end.ordinal) - max(start.ordinal, week.start.ordinal)
        return overlap > 0 ? hoursPerDay * Double(overlap) : 0
    }
}

/// One week of the learner's calendar, from the start day on; the last may be cut short by the horizon.
struct StudyWeek {
    var start: Day
    /// The day after its last day.
    var end: Day
}

/// The calendar side of a plan's model, as docs/formulation.md writes it out:
/// w[c,o] chooses option o of credential c, one row per week bounds the load, u[c,d] orders prerequisites.
struct ScheduleModel {
    /// How the calendar is in the model.
    let form: ScheduleForm
    let settings: ScheduleSettings
    /// Beyond the weekly start times, self-paced credentials may start every this many weeks.
    let startGridWeeks: Int
    /// The day after the last day any option may use.
    let horizonEnd: Day
    var options: [String: [(option: ScheduleOption, variable: Variable)]] = [:]
    var completion: Variable
    var cost = LinearExpression()
    var precedences: [(owner: String, prerequisite: String, variable: Variable)] = []
    /// Corequisites that serve (v[c,d]): d starts before c ends (Formulation.addCorequisiteTiming).
    var alongside: [(owner: String, corequisite: String, variable: Variable)] = []
    /// Days no plan can complete in, proven from the fewest learning hours (`weeks_studied`).
    var leastCompletion: Double?
    /// With the bounds form: K, the weeks the plan runs in (`weeks_studied`).
    var weeksStudied: Variable?
    /// With the bounds form: what each candidate's runs allow, by id (``RunSummary``).
    var summaries: [String: RunSummary] = [:]
    /// With the bounds form: whether every run of every candidate charges its credential's fee,
    /// so that a plan's fee depends on its credentials alone (the condition for branch and check).
    var runsChargeTheirFee = true
    /// Whether every run of every candidate ends on a week boundary from the start, so that
    /// the completion is a whole number of weeks.
    var endsOnWeekBoundaries = true

    func startDay(of credential: String) -> LinearExpression {
        LinearExpression(terms: (options[credential] ?? []).map { (Double($0.option.start.ordinal - settings.start.ordinal), $0.variable) })
    }

    func endDay(of credential: String) -> LinearExpression {
        LinearExpression(terms: (options[credential] ?? []).map { (Double($0.option.end.ordinal - settings.start.ordinal), $0.variable) })
    }

    var horizonDays: Double { Double(horizonEnd.ordinal - settings.start.ordinal) }
}

extension ScheduleSettings {
    /// The learner's weeks from the start until `end`, each bounded by the weekly hours.
    func weeks(until end: Day) -> [StudyWeek] {
        stride(from: start.ordinal, to: end.ordinal, by: 7).map { day in
            StudyWeek(start: Day(ordinal: day), end: Day(ordinal: min(day + 7, end.ordinal)))
        }
    }

    /// The hours the learner can give `week`: the weekly hours, in a week the calendar cuts
    /// short too. No run reaches past the calendar's end, so such a week holds what the whole
    /// week would, and the rule (PlanChecker's) is the weekly hours per whole week: a share
    /// pro rata would forbid plans that keep it, and make a calendar's answer depend on where
    /// it stops (the check's calendar ends at its placement or a stage's optimum).
    func capacity(of week: StudyWeek) -> Double {
        hoursPerWeek
    }

    /// Weeks a credential takes when self-paced: its stated weeks, stretched so that its hours
    /// fit the learner's week.
    ///
    /// Saturates at ``longestRunWeeks``: a run that long never fits any horizon (at most
    /// ``maxHorizonWeeks``), and the cap keeps huge hours or tiny weekly hours from overflowing.
    func selfPacedWeeks(hours: Double, stated: Int?) -> Int {
        let needed = (hours / hoursPerWeek - 1e-9).rounded(.up)
        let weeks = needed.isNaN ? Double(Self.longestRunWeeks) : min(needed, Double(Self.longestRunWeeks))
        return min(max(stated ?? 1, Int(weeks), 1), Self.longestRunWeeks)
    }

    /// More weeks than any horizon holds (about 19,000 years): where run lengths saturate.
    static let longestRunWeeks = 1_000_000
}

extension Formulation {
    /// Every way each candidate could run within the horizon and the learner's week.
    static func scheduleOptions(
        for credential: Credential, catalogue: Catalogue, settings: ScheduleSettings, hoursPerECTS: Double,
        horizonEnd: Day?, startGridWeeks: Int
    ) -> [ScheduleOption] {
        let hours = credential.learningHours(hoursPerECTS: hoursPerECTS)
        let rate = catalogue.rateToBase(credential.currency) ?? 1
        var result: [ScheduleOption] = []
        if credential.offerings.isEmpty {
            let weeks = settings.selfPacedWeeks(hours: hours, stated: credential.weeks)
            guard let horizonEnd else { return [] }
            // Every week for the first weeks (where early finishes are decided), thinner after.
            var week = 0
            while settings.start.adding(days: 7 * (week + weeks)) <= horizonEnd {
                let start = settings.start.adding(days: 7 * week)
                result.append(ScheduleOption(
                    credential: credential.id, offering: nil, start: start, end: start.adding(days: 7 * weeks), weeks: weeks,
                    cost: credential.cost * rate, hours: hours))
                week += week < settings.weeklySelfPacedStarts ? 1 : startGridWeeks
            }
            return result
        }
        for (index, offering) in credential.offerings.enumerated() {
            let weeks = min(offering.weeks ?? credential.weeks ?? settings.selfPacedWeeks(hours: hours, stated: nil), ScheduleSettings.longestRunWeeks)
            let option = ScheduleOption(
                credential: credential.id, offering: index, start: offering.start, end: offering.start.adding(days: 7 * weeks),
                weeks: weeks, cost: (offering.cost ?? credential.cost) * rate, hours: hours)
            let fitsWeek = hours / Double(weeks) <= settings.hoursPerWeek + 1e-9
            let inHorizon = horizonEnd.map { option.end <= $0 } ?? true
            if offering.seats != 0 && offering.start >= settings.start && fitsWeek && inHorizon { result.append(option) }
        }
        return result
    }

    /// The calendar side of the model, in steps: the horizon, every candidate's runs, the
    /// heuristic's placement (the start), the run columns, the completion, the energy rows and
    /// the weekly capacity rows. The deadline is looked at between the long steps.
    mutating func addSchedule(_ settings: ScheduleSettings) {
        if scheduleForm == .bounds { return addScheduleBounds(settings) }
        var (end, startGridWeeks) = scheduleHorizon(settings)
        guard let options = runOptions(settings, horizonEnd: end, startGridWeeks: startGridWeeks) else { return }
        var runs = options
        let placement = heuristicPlacement(settings, horizonEnd: end, runs: runs)
        // When finishing early comes first, no optimal plan ends after the heuristic's plan:
        // runs that would are left out, and the calendar stops there.
        if request.objectives.first == .duration, let placement, placement.end < end {
            end = placement.end
            for id in runs.keys { runs[id]?.removeAll { $0.end > end } }
        }
        var calendar = ScheduleModel(
            form: .timeIndexed, settings: settings, startGridWeeks: startGridWeeks, horizonEnd: end,
            // Runs end on whole days, so the completion can be whole too: the duration stage
            // then moves in steps of a day, and a bound within a day of a plan proves it optimal.
            completion: model.addVariable("completion_days", .integer, lowerBound: 0, upperBound: nil))
        guard addRunColumns(runs, placement: placement, to: &calendar) else { return }
        addCompletionRows(calendar)
        addEnergyRows(settings, runs: runs, calendar: &calendar)
        guard addCapacityRows(settings, until: end, calendar: calendar) else { return }
        self.calendar = calendar
    }

    /// Where the calendar ends, and how often self-paced runs may start after the first weeks.
    ///
    /// Horizon: the deadline, else the latest offering end plus every candidate's self-paced
    /// weeks (room to run them all one after another), capped. Candidates before pruning
    /// decide it, and with it the start grid, so that pruning removes only columns.
    func scheduleHorizon(_ settings: ScheduleSettings) -> (end: Day, startGridWeeks: Int) {
        let cap = settings.start.adding(days: 7 * settings.maxHorizonWeeks)
        var end: Day
        if let deadline = request.constraints.deadline {
            end = deadline.adding(days: 1)
        } else {
            // Weeks saturate (selfPacedWeeks), and so does their sum: beyond the cap it changes nothing.
            // A repeatable credential's takings run one after another: its weeks count once per taking.
            let selfPaced = unprunedCandidateList.reduce(0) {
                let weeks = settings.selfPacedWeeks(hours: $1.learningHours(hoursPerECTS: request.hoursPerECTS), stated: $1.weeks)
                return min($0 + min(weeks * min(max($1.repeatable ?? 1, 1), InputLimits.repeats.upperBound), ScheduleSettings.longestRunWeeks), settings.maxHorizonWeeks + 1)
            }
            let latestOffering = unprunedCandidateList.flatMap { credential in
                credential.offerings.map { $0.start.adding(days: 7 * min($0.weeks ?? credential.weeks ?? 1, ScheduleSettings.longestRunWeeks)) }
            }.max() ?? settings.start
            end = max(latestOffering, settings.start).adding(days: 7 * max(selfPaced, 1))
        }
        end = min(end, cap)
        let weeks = max(1, (end.ordinal - settings.start.ordinal + 6) / 7)
        let later = max(0, weeks - settings.weeklySelfPacedStarts)
        let startGridWeeks = max(1, (later + settings.laterSelfPacedStarts - 1) / max(1, settings.laterSelfPacedStarts))
        return (end, startGridWeeks)
    }

    /// Every candidate's runs by id; `nil` when the deadline passed on the way.
    private mutating func runOptions(_ settings: ScheduleSettings, horizonEnd: Day, startGridWeeks: Int) -> [String: [ScheduleOption]]? {
        var runs: [String: [ScheduleOption]] = [:]
        for column in columns {
            if timeIsUp() { return nil }
            runs[column.id] = Self.scheduleOptions(
                for: column.credential, catalogue: catalogue, settings: settings, hoursPerECTS: request.hoursPerECTS,
                horizonEnd: horizonEnd, startGridWeeks: startGridWeeks
            ).filter { request.constraints.allowsAttending(column.credential, offering: $0.offering, in: catalogue) }
        }
        return runs
    }

    /// The plan without a calendar placed greedily on it (ScheduleHeuristic), when there is
    /// such a plan, every credential fits, and the runs' fees keep within the budget.
    private func heuristicPlacement(_ settings: ScheduleSettings, horizonEnd: Day, runs: [String: [ScheduleOption]]) -> ScheduleHeuristic.Placement? {
        guard let hint = scheduleHint else { return nil }
        let placement = ScheduleHeuristic(settings: settings, horizonEnd: horizonEnd).place(hint.credentials, runs: runs, alongside: corequisitePairs(of: hint.credentials)) { id in
            precedingTakings(id)
        }
        // The plan without a calendar kept the budget at the credentials' fees; offerings may charge more.
        if let placed = placement, let budget = request.constraints.budget,
           placed.runs.reduce(0, { total, run in total + (runs[run.key].map { $0[run.value].cost } ?? 0) }) > budget + 1e-9 {
            return nil
        }
        return placement
    }

    /// w[c,r] for every run, one run per taken credential, the runs' fees; and, with a
    /// placement, the start point. `false` when the deadline passed on the way.
    private mutating func addRunColumns(_ runs: [String: [ScheduleOption]], placement: ScheduleHeuristic.Placement?, to calendar: inout ScheduleModel) -> Bool {
        var start: [Variable: Double] = [:]
        for column in columns {
            if timeIsUp() { return false }
            let id = column.id
            let options = runs[id] ?? []
            let variables = options.map { option in model.addBinary("run[\(id)@\(option.start)]") }
            calendar.options[id] = Array(zip(options, variables))
            model.add(LinearExpression.sum(variables) == LinearExpression(column.take), name: "one_run[\(id)]")
            for (option, variable) in zip(options, variables) { calendar.cost.add(option.cost, variable) }
            if let placement {
                let chosen = placement.runs[id]
                start[column.take] = chosen == nil ? 0 : 1
                for (index, variable) in variables.enumerated() { start[variable] = index == chosen ? 1 : 0 }
            }
        }
        if placement != nil { startingPoint = start }
        return true
    }

    /// C ≥ the end of every taken credential's run.
    private mutating func addCompletionRows(_ calendar: ScheduleModel) {
        for column in columns {
            model.add(LinearExpression(calendar.completion) >= calendar.endDay(of: column.id), name: "completion[\(column.id)]")
        }
    }

    /// Energy: every hour is studied in one of the K = ⌈C/7⌉ weeks the plan runs in, none
    /// holding more than the weekly hours, so Σ h·x ≤ H·K and C ≥ 7K − 6 (C ≥ 7K when every
    /// run ends on a week boundary, as self-paced runs do). Implied by the capacity rows for
    /// whole plans, but it gives the LP relaxation a real completion bound; and when the plan
    /// without a calendar proved the fewest hours W*, no plan runs in fewer than ⌈W*/H⌉ weeks.
    private mutating func addEnergyRows(_ settings: ScheduleSettings, runs: [String: [ScheduleOption]], calendar: inout ScheduleModel) {
        // Capped past the longest horizon (a weaker bound, still true): tiny weekly hours cannot blow it up.
        let leastWeeks = scheduleHint?.leastWorkload.map { min((($0 / settings.hoursPerWeek) - 1e-9).rounded(.up), Double(settings.maxHorizonWeeks + 1)) } ?? 0
        let weeksStudied = model.addVariable("weeks_studied", .integer, lowerBound: max(0, leastWeeks), upperBound: nil)
        let workload = LinearExpression(terms: columns.map { ($0.credential.learningHours(hoursPerECTS: request.hoursPerECTS), $0.take) })
        model.add(workload - settings.hoursPerWeek * weeksStudied <= 0, name: "energy")
        let onWeekBoundaries = runs.values.joined().allSatisfy { ($0.end.ordinal - settings.start.ordinal) % 7 == 0 }
        let slack = onWeekBoundaries ? 0.0 : 6.0
        model.add(LinearExpression(calendar.completion) - 7 * weeksStudied >= -slack, name: "weeks_studied")
        if leastWeeks > 0 { calendar.leastCompletion = max(0, 7 * leastWeeks - slack) }
    }

    /// Weekly load: hours spread evenly over each run's days, summed per week, within the
    /// weekly hours. `false` when the deadline passed on the way.
    private mutating func addCapacityRows(_ settings: ScheduleSettings, until end: Day, calendar: ScheduleModel) -> Bool {
        for week in settings.weeks(until: end) {
            if timeIsUp() { return false }
            var load = LinearExpression()
            var worst = 0.0
            for column in columns {
                var credentialWorst = 0.0
                for (option, variable) in calendar.options[column.id] ?? [] {
                    let hours = option.hours(in: week)
                    guard hours > 0 else { continue }
                    load.add(hours, variable)
                    credentialWorst = max(credentialWorst, hours)
                }
                worst += credentialWorst
            }
            let capacity = settings.capacity(of: week)
            // A week that even the heaviest mix of runs cannot overfill needs no row.
            if worst > capacity + 1e-9 { model.add(load <= capacity + 1e-9, name: "capacity[\(week.start)]") }
        }
        return true
    }

    /// A lower bound on `objective` over every plan, proven without this model, when there is
    /// one: what the plan without a calendar proved (ScheduleHint).
    func provenLowerBound(of objective: Objective) -> Double? {
        switch objective {
        case .cost: scheduleHint?.leastCost
        case .workload: scheduleHint?.leastWorkload
        case .duration: calendar?.leastCompletion
        case .ects, .count: nil
        }
    }

    /// u[owner,prerequisite]: made once per pair. Only called with a calendar (see `prerequisiteValue`).
    mutating func precedenceVariable(before owner: String, prerequisite: String, taken: Variable) -> Variable {
        if let existing = calendar?.precedences.first(where: { $0.owner == owner && $0.prerequisite == prerequisite }) {
            return existing.variable
        }
        let variable = model.addBinary("before[\(prerequisite)<\(owner)]")
        model.add(variable <= taken, name: "before_needs_take[\(prerequisite)<\(owner)]")
        calendar?.precedences.append((owner, prerequisite, variable))
        return variable
    }

    /// end[d] ≤ start[c] whenever d serves as c's prerequisite (big-M with M = the horizon).
    mutating func addPrecedences() {
        guard let calendar else { return }
        if calendar.form == .bounds { return addChainBounds(calendar) }
        for (owner, prerequisite, variable) in calendar.precedences {
            let gap = calendar.endDay(of: prerequisite) - calendar.startDay(of: owner)
            model.add(gap + calendar.horizonDays * variable <= calendar.horizonDays, name: "order[\(prerequisite)<\(owner)]")
        }
    }
}
