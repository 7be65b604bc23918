/// What the plan without a calendar tells the model of a schedule (Planner.scheduleHint).
struct ScheduleHint {
    /// Credentials for ``ScheduleHeuristic`` to place.
    var credentials: [String]
    /// The fewest learning hours of any plan, when proven: no schedule needs fewer.
    var leastWorkload: Double?
    /// The lowest fee of any plan, when proven and no offering charges less than its
    /// credential: no schedule costs less.
    var leastCost: Double?
}

/// Puts a given set of credentials on the calendar greedily: a schedule to start the
/// solver from, and, when the plan should finish early, a completion date no optimal plan
/// can be later than (docs/formulation.md §3.8).
///
/// Credentials go in prerequisite order, each into the run that ends first among those that
/// start after its planned prerequisites end and keep every week within the learner's hours.
/// Heavier credentials go first among those whose prerequisites are placed: small ones fill
/// the gaps the big ones leave.
struct ScheduleHeuristic {
    let settings: ScheduleSettings
    /// The day after the last day of the calendar.
    let horizonEnd: Day

    struct Placement {
        /// Each credential's position in its list of runs.
        var runs: [String: Int]
        /// The day after the last run ends.
        var end: Day
    }

    /// `nil` when some credential has no run that fits.
    func place(
        _ credentials: [String], runs: [String: [ScheduleOption]], prerequisites: (String) -> [String]
    ) -> Placement? {
        let chosen = Set(credentials)
        guard chosen.allSatisfy({ runs[$0] != nil }) else { return nil }
        let weeks = max(1, (horizonEnd.ordinal - settings.start.ordinal + 6) / 7)
        var load = Array(repeating: 0.0, count: weeks)
        var ends: [String: Day] = [:]
        var placed: [String: Int] = [:]
        var waiting = chosen.sorted()
        while !waiting.isEmpty {
            let ready = waiting.filter { id in prerequisites(id).allSatisfy { !chosen.contains($0) || ends[$0] != nil } }
            guard let next = ready.max(by: { hours(of: $0, runs) < hours(of: $1, runs) || (hours(of: $0, runs) == hours(of: $1, runs) && $0 > $1) }) else {
                return nil  // a prerequisite cycle inside the set
            }
            let earliestStart = prerequisites(next).compactMap { ends[$0] }.max() ?? settings.start
            let fitting = runs[next]!.indices.filter { index in
                let run = runs[next]![index]
                return run.start >= earliestStart && fits(run, in: load)
            }
            guard let best = fitting.min(by: { runs[next]![$0].end < runs[next]![$1].end }) else { return nil }
            add(runs[next]![best], to: &load)
            placed[next] = best
            ends[next] = runs[next]![best].end
            waiting.removeAll { $0 == next }
        }
        return Placement(runs: placed, end: ends.values.max() ?? settings.start)
    }

    private func hours(of id: String, _ runs: [String: [ScheduleOption]]) -> Double { runs[id]?.first?.hours ?? 0 }

    /// The hours `run` puts into each week it overlaps, as the model's capacity rows count them.
    private func weeklyLoad(_ run: ScheduleOption) -> [(week: Int, hours: Double)] {
        var result: [(Int, Double)] = []
        var week = max(0, (run.start.ordinal - settings.start.ordinal) / 7)
        while true {
            let weekStart = settings.start.ordinal + 7 * week
            let weekEnd = min(weekStart + 7, horizonEnd.ordinal)
            guard weekStart < run.end.ordinal, weekStart < horizonEnd.ordinal else { break }
            let overlap = min(run.end.ordinal, weekEnd) - max(run.start.ordinal, weekStart)
            if overlap > 0 { result.append((week, run.hoursPerDay * Double(overlap))) }
            week += 1
        }
        return result
    }

    private func capacity(ofWeek week: Int) -> Double {
        let weekStart = settings.start.ordinal + 7 * week
        return settings.hoursPerWeek / 7 * Double(min(weekStart + 7, horizonEnd.ordinal) - weekStart)
    }

    private func fits(_ run: ScheduleOption, in load: [Double]) -> Bool {
        weeklyLoad(run).allSatisfy { $0.week < load.count && load[$0.week] + $0.hours <= capacity(ofWeek: $0.week) + 1e-9 }
    }

    private func add(_ run: ScheduleOption, to load: inout [Double]) {
        for (week, hours) in weeklyLoad(run) { load[week] += hours }
    }
}
