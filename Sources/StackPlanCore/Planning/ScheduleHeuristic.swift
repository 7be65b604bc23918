/// What the plan without a calendar tells the model of a schedule (Planner.scheduleHint).
struct ScheduleHint {
    /// Takings for ``ScheduleHeuristic`` to place (a repeated credential's `c[2]` among them).
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

    /// `nil` when some credential has no run that fits. Each `alongside` corequisite starts
    /// before its owner ends; a greedy choice that leaves none that does gives `nil` too.
    func place(
        _ credentials: [String], runs: [String: [ScheduleOption]], alongside: [(corequisite: String, owner: String)] = [],
        prerequisites: (String) -> [String]
    ) -> Placement? {
        let chosen = Set(credentials)
        guard chosen.allSatisfy({ runs[$0] != nil }) else { return nil }
        let weeks = settings.weeks(until: horizonEnd)
        var load = Array(repeating: 0.0, count: weeks.count)
        /// The weeks `run` falls in, by position, with the hours it puts there, as the model's capacity rows count them.
        func weeklyLoad(_ run: ScheduleOption) -> [(week: Int, hours: Double)] {
            let first = max(0, (run.start.ordinal - settings.start.ordinal) / 7)
            return (first..<max(first, weeks.count)).prefix { weeks[$0].start < run.end }.map { ($0, run.hours(in: weeks[$0])) }
        }
        func fits(_ run: ScheduleOption) -> Bool {
            run.end <= horizonEnd && weeklyLoad(run).allSatisfy { load[$0.week] + $0.hours <= settings.capacity(of: weeks[$0.week]) + 1e-9 }
        }
        func hours(_ id: String) -> Double { runs[id]?.first?.hours ?? 0 }

        var ends: [String: Day] = [:], starts: [String: Day] = [:]
        var placed: [String: Int] = [:]
        func keepsAlongside(_ id: String, _ run: ScheduleOption) -> Bool {
            alongside.allSatisfy { pair in
                (pair.corequisite != id || ends[pair.owner].map { run.start < $0 } ?? true)
                    && (pair.owner != id || starts[pair.corequisite].map { $0 < run.end } ?? true)
            }
        }
        var waiting = chosen.sorted()
        while !waiting.isEmpty {
            let ready = waiting.filter { id in prerequisites(id).allSatisfy { !chosen.contains($0) || ends[$0] != nil } }
            // Heaviest first; among equals, the earlier id.
            guard let next = ready.max(by: { (hours($0), $1) < (hours($1), $0) }) else {
                return nil  // a prerequisite cycle inside the set
            }
            let earliestStart = prerequisites(next).compactMap { ends[$0] }.max() ?? settings.start
            // A credential the calendar's model has no runs for cannot be placed.
            guard let options = runs[next] else { return nil }
            let fitting = options.indices.filter { options[$0].start >= earliestStart && fits(options[$0]) && keepsAlongside(next, options[$0]) }
            guard let best = fitting.min(by: { options[$0].end < options[$1].end }) else { return nil }
            for (week, hours) in weeklyLoad(options[best]) { load[week] += hours }
            placed[next] = best
            ends[next] = options[best].end
            starts[next] = options[best].start
            waiting.removeAll { $0 == next }
        }
        return Placement(runs: placed, end: ends.values.max() ?? settings.start)
    }
}
