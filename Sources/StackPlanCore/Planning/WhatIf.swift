import Foundation

/// A change to a learner's situation, to be planned beside the baseline: credentials assumed
/// held, credentials or offerings withdrawn, and limits in place of the profile's.
public struct WhatIfScenario: Sendable {
    /// Catalogue credentials the learner is assumed to hold, earned on the request's `today`.
    public var assumeHeld: [String]
    /// Credential ids to treat as not offered, or `CREDENTIAL@OFFERING` for one cancelled offering.
    public var without: [String]
    /// The scenario's limits; `nil` keeps the baseline's.
    public var constraints: LearnerConstraints?
    /// The scenario's calendar (its weekly hours and start); `nil` keeps the baseline's.
    public var schedule: ScheduleSettings?

    /// A scenario; every part left out keeps the baseline's.
    public init(assumeHeld: [String] = [], without: [String] = [], constraints: LearnerConstraints? = nil, schedule: ScheduleSettings? = nil) {
        self.assumeHeld = assumeHeld
        self.without = without
        self.constraints = constraints
        self.schedule = schedule
    }

    /// The scenario's catalogue and request: cancelled offerings lose their seats, withdrawn
    /// credentials are not offered, assumed ones are held. Unknown ids are errors naming the flag.
    public func apply(to baseline: PlanRequest, catalogue: Catalogue) throws -> (catalogue: Catalogue, request: PlanRequest) {
        var changed = catalogue
        var request = baseline
        var problems: [String] = []
        let held = Set(baseline.learner.held.compactMap(\.catalogueID))
        for id in assumeHeld {
            if catalogue.credential(id) == nil {
                problems.append("--assume-held \(id): the catalogue has no credential \"\(id)\"")
            } else if held.contains(id) || request.learner.held.contains(where: { $0.catalogueID == id }) {
                problems.append("--assume-held \(id): the learner holds it already")
            } else {
                request.learner.held.append(.catalogue(id, earned: baseline.today))
            }
        }
        for name in without {
            let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard var credential = catalogue.credential(parts[0]) else {
                problems.append("--without \(name): the catalogue has no credential \"\(parts[0])\"")
                continue
            }
            if parts.count == 1 {
                if held.contains(credential.id) { problems.append("--without \(name): the learner holds it, so it is never planned anyway") }
                request.withdrawn.insert(credential.id)
                continue
            }
            guard let index = credential.offerings.firstIndex(where: { $0.id == parts[1] }) else {
                let known = credential.offerings.compactMap(\.id)
                problems.append("--without \(name): \(credential.id) has no offering \"\(parts[1])\""
                    + (known.isEmpty ? " (it has no named offerings)" : " (its offerings: \(known.joined(separator: ", ")))"))
                continue
            }
            credential.offerings[index].seats = 0
            changed.upsert(credential)
        }
        if let constraints { request.constraints = constraints }
        if let schedule { request.schedule = schedule }
        guard problems.isEmpty else { throw PlanningError.invalidRequest(problems.joined(separator: "; ")) }
        return (changed, request)
    }
}

/// How one plan differs from another: the figures, and the credentials added and dropped.
public struct PlanDifference: Sendable, Equatable, Codable {
    public var cost: Double
    public var hours: Double
    public var ects: Double
    public var countedECTS: Double
    /// Days later (positive) or earlier the second plan completes, when both are scheduled.
    public var completionDays: Int?
    public var added: [String]
    public var removed: [String]
    /// Held items that count in the second plan but not the first, and the reverse.
    public var heldNowCounting: [String]
    public var heldNoLongerCounting: [String]

    public init(from before: Plan, to after: Plan) {
        cost = after.totals.cost - before.totals.cost
        hours = after.totals.hours - before.totals.hours
        ects = after.totals.ects - before.totals.ects
        countedECTS = after.totals.countedECTS - before.totals.countedECTS
        if let first = before.completes, let second = after.completes { completionDays = second.ordinal - first.ordinal }
        added = after.taken.filter { !before.taken.contains($0) }
        removed = before.taken.filter { !after.taken.contains($0) }
        heldNowCounting = after.heldApplied.filter { !before.heldApplied.contains($0) }
        heldNoLongerCounting = before.heldApplied.filter { !after.heldApplied.contains($0) }
    }

    public var isEmpty: Bool {
        abs(cost) < 0.005 && abs(hours) < 1e-6 && abs(ects) < 1e-6 && (completionDays ?? 0) == 0 && added.isEmpty && removed.isEmpty
            && heldNowCounting.isEmpty && heldNoLongerCounting.isEmpty
    }
}

/// The baseline and the scenario, each planned (or diagnosed) in full.
public struct WhatIfResult: Sendable {
    public var baseline: PlanOutcome
    public var scenario: PlanOutcome
    /// The scenario's catalogue and request, as planned (for reports on the scenario's plan).
    public var scenarioCatalogue: Catalogue
    public var scenarioRequest: PlanRequest

    /// Set when both have a plan.
    public var difference: PlanDifference? {
        guard case .planned(let before) = baseline, case .planned(let after) = scenario else { return nil }
        return PlanDifference(from: before, to: after)
    }
}

extension PlanRequest {
    /// The request as the learner's profile alone makes it, the baseline of a what-if: the
    /// profile's limits, and its weekly hours and start in place of any given for the scenario.
    /// Only when the profile gives no weekly hours and the request needs a calendar (a deadline
    /// or the duration objective) does the request's own calendar stay: there is none to compare with.
    public func asTheProfileGivesIt() throws -> PlanRequest {
        var baseline = self
        baseline.constraints = learner.constraints
        let needsCalendar = objectives.contains(.duration) || baseline.constraints.deadline != nil
        if learner.hoursPerWeek != nil || !needsCalendar {
            baseline.schedule = try ScheduleSettings.needed(
                by: learner, objectives: objectives, deadline: baseline.constraints.deadline, today: today)
        }
        return baseline
    }
}

extension Planner {
    /// Plans the baseline and the scenario (each with its diagnosis when it has no plan),
    /// under one time limit for both.
    public func whatIf(_ baseline: PlanRequest, _ scenario: WhatIfScenario) throws -> WhatIfResult {
        // One time limit for both plans: the scenario's request inherits the baseline's deadline.
        let baseline = baseline.startingClock()
        let (changed, request) = try scenario.apply(to: baseline, catalogue: catalogue)
        return WhatIfResult(
            baseline: try plan(baseline), scenario: try Planner(catalogue: changed).plan(request),
            scenarioCatalogue: changed, scenarioRequest: request)
    }
}
