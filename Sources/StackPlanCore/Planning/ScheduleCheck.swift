import MILP

/// The check of branch and check: the earliest schedule of one chosen set of credentials,
/// proven, or proof that none ends in time (docs/formulation.md §3.9).
///
/// The set is small (the credentials of one plan), so the plain time-indexed model of just
/// those credentials is small too. The greedy placement (``ScheduleHeuristic``) comes first:
/// when it ends at the set's lower bound it is optimal and no solver runs; otherwise it is
/// GLPK's start, and its end the calendar's.
struct ScheduleCheck {
    let settings: ScheduleSettings
    /// Every run of a credential that ends by the given day (``Formulation/calendarRuns``).
    let runs: (String, Day) -> [ScheduleOption]

    enum Result {
        /// The earliest schedule within the limit, each credential's run by id; `proven`
        /// unless the time ran out first (then it is only the best found).
        case scheduled(runs: [String: ScheduleOption], completion: Int, proven: Bool)
        /// Proven: no schedule ends within the limit.
        case impossible
        /// The time ran out before any schedule was found or ruled out.
        case stopped
    }

    /// The least completion (days from the start) of `chosen`, each credential of `order`'s
    /// `before` ending before its `after` starts, each `alongside` corequisite starting before
    /// its owner ends, within `limit` days; `lowerBound` is a completion no schedule of the set beats.
    func earliest(
        _ chosen: [String], order: [(before: String, after: String)], alongside: [(corequisite: String, owner: String)] = [],
        lowerBound: Int, limit: Int, options: SolveOptions
    ) throws -> Result {
        guard lowerBound <= limit else { return .impossible }
        let limitEnd = settings.start.adding(days: limit)
        var available: [String: [ScheduleOption]] = [:]
        for id in chosen {
            let fitting = runs(id, limitEnd)
            if fitting.isEmpty { return .impossible }
            available[id] = fitting
        }
        var before: [String: [String]] = [:]
        for pair in order { before[pair.after, default: []].append(pair.before) }
        let placement = ScheduleHeuristic(settings: settings, horizonEnd: limitEnd).place(chosen, runs: available, alongside: alongside) { before[$0] ?? [] }
        func days(_ day: Day) -> Int { day.ordinal - settings.start.ordinal }
        if let placement, days(placement.end) <= lowerBound {
            var placed: [String: ScheduleOption] = [:]
            for (id, index) in placement.runs { placed[id] = available[id]?[index] }
            return .scheduled(runs: placed, completion: days(placement.end), proven: true)
        }
        // No later schedule can be better than the placement: the calendar stops at its end.
        let end = placement?.end ?? limitEnd
        var model = Model(name: "check")
        let completion = model.addVariable("completion_days", .integer, lowerBound: Double(lowerBound), upperBound: Double(days(end)))
        var columns: [String: [(run: ScheduleOption, variable: Variable)]] = [:]
        var start: [Double] = [0]
        for id in chosen {
            let fitting = (available[id] ?? []).enumerated().filter { $0.element.end <= end }
            guard !fitting.isEmpty else { return .impossible }
            let variables = fitting.map { model.addBinary("run[\(id)@\($0.element.start)]") }
            columns[id] = zip(fitting.map(\.element), variables).map { ($0, $1) }
            model.add(LinearExpression.sum(variables) == 1, name: "one_run[\(id)]")
            model.add(LinearExpression(completion) - LinearExpression(terms: zip(fitting, variables).map { (Double(days($0.element.end)), $1) }) >= 0, name: "completion[\(id)]")
            if let placement { start += fitting.map { placement.runs[id] == $0.offset ? 1 : 0 } }
        }
        func endDay(_ id: String) -> LinearExpression { LinearExpression(terms: (columns[id] ?? []).map { (Double(days($0.run.end)), $0.variable) }) }
        func startDay(_ id: String) -> LinearExpression { LinearExpression(terms: (columns[id] ?? []).map { (Double(days($0.run.start)), $0.variable) }) }
        for pair in order where columns[pair.before] != nil && columns[pair.after] != nil {
            model.add(endDay(pair.before) - startDay(pair.after) <= 0, name: "order[\(pair.before)<\(pair.after)]")
        }
        for pair in alongside where columns[pair.corequisite] != nil && columns[pair.owner] != nil {
            model.add(startDay(pair.corequisite) - endDay(pair.owner) <= -1, name: "alongside[\(pair.corequisite)~\(pair.owner)]")
        }
        for week in settings.weeks(until: end) {
            var load = LinearExpression()
            var worst = 0.0
            for id in chosen {
                var heaviest = 0.0
                for (run, variable) in columns[id] ?? [] {
                    let hours = run.hours(in: week)
                    guard hours > 0 else { continue }
                    load.add(hours, variable)
                    heaviest = max(heaviest, hours)
                }
                worst += heaviest
            }
            let capacity = settings.capacity(of: week)
            if worst > capacity + 1e-9 { model.add(load <= capacity + 1e-9, name: "capacity[\(week.start)]") }
        }
        model.minimize(LinearExpression(completion))
        if let placement { start[completion.index] = Double(days(placement.end)) }
        let solution = try model.solve(options, startingFrom: placement == nil ? nil : start)
        guard solution.status.hasSolution else { return solution.status == .infeasible ? .impossible : .stopped }
        var chosenRuns: [String: ScheduleOption] = [:]
        for (id, runs) in columns { chosenRuns[id] = runs.first { solution.isSet($0.variable) }?.run }
        let finish = chosenRuns.values.map { days($0.end) }.max() ?? 0
        return .scheduled(runs: chosenRuns, completion: finish, proven: solution.status == .optimal)
    }
}
