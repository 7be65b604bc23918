import MILP

/// How a schedule enters a plan's model (docs/formulation.md §3.7 and §3.9).
enum ScheduleForm: Sendable, Equatable {
    /// Every run of every candidate a column, every week a capacity row: the plain
    /// time-indexed model, solved as one MILP.
    case timeIndexed
    /// No run columns: the completion bounded from below by what every schedule must keep
    /// (weekly energy, runs that cannot share a week, earliest ends, prerequisite chains),
    /// the master of branch and check (ScheduleBranchAndCheck.swift).
    case bounds
}

/// What a candidate's runs allow, as the bounds form needs it: no column per run.
struct RunSummary {
    /// Learning hours.
    var hours: Double
    /// Self-paced: its run length in weeks; `nil` for dated offerings.
    var selfPacedWeeks: Int?
    /// Dated runs that fit (the learner's week, the horizon, seats, places).
    var datedRuns: [ScheduleOption]
    /// Days from the start until its earliest run ends; `nil` when no run fits at all.
    var earliestEnd: Int?
    /// The fewest calendar weeks any of its runs puts hours into.
    var fewestWeeks: Int
    /// Every run puts more than half the weekly hours into every week it touches: no two
    /// such credentials ever share a week.
    var heavy: Bool

    /// The earliest end of a run that starts on or after `day` (days from the start), if any.
    func earliestEnd(startingFrom day: Int, settings: ScheduleSettings, horizonDays: Int) -> Int? {
        if let weeks = selfPacedWeeks {
            let start = (day + 6) / 7 * 7
            let end = start + 7 * weeks
            return end <= horizonDays ? end : nil
        }
        return datedRuns.filter { $0.start.ordinal - settings.start.ordinal >= day }.map { $0.end.ordinal - settings.start.ordinal }.min()
    }
}

extension ScheduleSettings {
    /// The same calendar with a start every week of the horizon: branch and check needs no
    /// thinner grid, since it never builds every candidate's runs.
    var everyWeek: ScheduleSettings {
        var weekly = self
        weekly.weeklySelfPacedStarts = Int.max
        return weekly
    }
}

extension Formulation {
    /// The bounds form of the calendar: the completion C (days) and weeks K with rows that
    /// every schedule keeps, written out in docs/formulation.md §3.9.
    mutating func addScheduleBounds(_ settings: ScheduleSettings) {
        let (end, _) = scheduleHorizon(settings)
        let horizonDays = end.ordinal - settings.start.ordinal
        var calendar = ScheduleModel(
            form: .bounds, settings: settings, startGridWeeks: 1, horizonEnd: end,
            completion: model.addVariable("completion_days", .integer, lowerBound: 0, upperBound: Double(horizonDays)))
        for column in columns {
            if timeIsUp() { return }
            let summary = Self.runSummary(of: column.credential, catalogue: catalogue, request: request, settings: settings, horizonEnd: end)
            calendar.summaries[column.id] = summary
            let fee = catalogue.costInBaseCurrency(column.credential) ?? 0
            if summary.datedRuns.contains(where: { abs($0.cost - fee) > 1e-9 }) { calendar.runsChargeTheirFee = false }
            if summary.datedRuns.contains(where: { ($0.end.ordinal - settings.start.ordinal) % 7 != 0 }) { calendar.endsOnWeekBoundaries = false }
            calendar.cost.add(fee, column.take)
        }
        let weeksStudied = model.addVariable("weeks_studied", .integer, lowerBound: 0, upperBound: nil)
        calendar.weeksStudied = weeksStudied
        let slack = calendar.endsOnWeekBoundaries ? 0.0 : 6.0
        model.add(LinearExpression(calendar.completion) - 7 * weeksStudied >= -slack, name: "weeks_studied")
        let workload = LinearExpression(terms: columns.map { ($0.credential.learningHours(hoursPerECTS: request.hoursPerECTS), $0.take) })
        model.add(workload - settings.hoursPerWeek * weeksStudied <= 0, name: "energy")
        var heavy = LinearExpression()
        for column in columns {
            guard let summary = calendar.summaries[column.id] else { continue }
            guard let earliest = summary.earliestEnd else {
                model.add(LinearExpression(column.take) <= 0, name: "no_run[\(column.id)]")
                continue
            }
            model.add(LinearExpression(calendar.completion) - Double(earliest) * column.take >= 0, name: "completion[\(column.id)]")
            if summary.heavy { heavy.add(Double(summary.fewestWeeks), column.take) }
        }
        if !heavy.isConstant { model.add(heavy - LinearExpression(weeksStudied) <= 0, name: "heavy_weeks") }
        self.calendar = calendar
    }

    /// A candidate's runs summed up for the bounds form, within the horizon and the learner's places.
    static func runSummary(
        of credential: Credential, catalogue: Catalogue, request: PlanRequest, settings: ScheduleSettings, horizonEnd: Day
    ) -> RunSummary {
        let hours = credential.learningHours(hoursPerECTS: request.hoursPerECTS)
        let half = settings.hoursPerWeek / 2 + 1e-9
        func touched(_ run: ScheduleOption) -> [Double] {
            settings.weeks(until: run.end).filter { $0.end > run.start }.map { run.hours(in: $0) }.filter { $0 > 0 }
        }
        if credential.offerings.isEmpty {
            let weeks = settings.selfPacedWeeks(hours: hours, stated: credential.weeks)
            // Every self-paced run has the shape of the first: whole weeks at the same load.
            let first = scheduleOptions(
                for: credential, catalogue: catalogue, settings: settings.everyWeek, hoursPerECTS: request.hoursPerECTS,
                horizonEnd: min(horizonEnd, settings.start.adding(days: 7 * min(weeks, settings.maxHorizonWeeks + 1))), startGridWeeks: 1
            ).first.flatMap { run in request.constraints.allowsAttending(credential, offering: nil, in: catalogue) ? run : nil }
            let load = first.map(touched) ?? []
            return RunSummary(
                hours: hours, selfPacedWeeks: weeks, datedRuns: [],
                earliestEnd: first.map { $0.end.ordinal - settings.start.ordinal },
                fewestWeeks: load.count, heavy: !load.isEmpty && load.allSatisfy { $0 > half })
        }
        let runs = calendarRuns(of: credential, catalogue: catalogue, request: request, settings: settings, until: horizonEnd)
        let loads = runs.map(touched)
        return RunSummary(
            hours: hours, selfPacedWeeks: nil, datedRuns: runs,
            earliestEnd: runs.map { $0.end.ordinal - settings.start.ordinal }.min(),
            fewestWeeks: loads.map(\.count).min() ?? 0,
            heavy: !loads.isEmpty && loads.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 > half } })
    }

    /// Every run of a credential that ends by `end`, a self-paced one starting any week:
    /// what branch and check schedules a chosen set with.
    static func calendarRuns(
        of credential: Credential, catalogue: Catalogue, request: PlanRequest, settings: ScheduleSettings, until end: Day
    ) -> [ScheduleOption] {
        scheduleOptions(
            for: credential, catalogue: catalogue, settings: settings.everyWeek, hoursPerECTS: request.hoursPerECTS,
            horizonEnd: end, startGridWeeks: 1
        ).filter { request.constraints.allowsAttending(credential, offering: $0.offering, in: catalogue) }
    }

    /// Chains: when planned d serves as k's prerequisite (u = 1), k runs after d ends, so
    /// C is at least the earliest end of a run of k starting after d's earliest end. A pair
    /// with no such run cannot serve: its bound exceeds the horizon, forcing u to 0.
    mutating func addChainBounds(_ calendar: ScheduleModel) {
        let horizonDays = Int(calendar.horizonDays)
        for (owner, prerequisite, variable) in calendar.precedences {
            guard let before = calendar.summaries[prerequisite]?.earliestEnd, let after = calendar.summaries[owner] else { continue }
            let bound = after.earliestEnd(startingFrom: before, settings: calendar.settings, horizonDays: horizonDays) ?? (horizonDays + 1)
            model.add(LinearExpression(calendar.completion) - Double(bound) * variable >= 0, name: "chain[\(prerequisite)<\(owner)]")
        }
    }
}

extension ScheduleModel {
    /// The least completion (days) of any schedule of `chosen` whose prerequisite pairs
    /// `order` (before, after) are kept: the bounds form's rows evaluated on that set.
    func completionBound(of chosen: [String], order: [(before: String, after: String)]) -> Int {
        let summaries = chosen.compactMap { self.summaries[$0] }
        let slack = endsOnWeekBoundaries ? 0 : 6
        var bound = max(0, 7 * leastWeeks(of: chosen) - slack)
        for summary in summaries { bound = max(bound, summary.earliestEnd ?? 0) }
        let horizon = Int(horizonDays)
        for pair in order {
            guard let before = self.summaries[pair.before]?.earliestEnd, let after = self.summaries[pair.after] else { continue }
            bound = max(bound, after.earliestEnd(startingFrom: before, settings: settings, horizonDays: horizon) ?? horizon + 1)
        }
        return bound
    }

    /// The fewest weeks `chosen` can run in: its hours at the weekly hours, or its heavy
    /// credentials one after another (the `energy` and `heavy_weeks` rows on that set).
    func leastWeeks(of chosen: [String]) -> Int {
        let summaries = chosen.compactMap { self.summaries[$0] }
        let hours = summaries.reduce(0) { $0 + $1.hours }
        let energyWeeks = Int(min(max(0, (hours / settings.hoursPerWeek - 1e-9).rounded(.up)), Double(settings.maxHorizonWeeks + 1)))
        return max(energyWeeks, summaries.filter(\.heavy).reduce(0) { $0 + $1.fewestWeeks })
    }
}
