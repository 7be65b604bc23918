import MILP

/// What "nearest" measures: the remaining fees, the ECTS still to take, or the days to completion.
public enum NearestMeasure: String, Sendable, CaseIterable {
    case cost, ects, duration

    var objectives: [Objective] {
        switch self {
        case .cost: [.cost]
        case .ects: [.ects, .cost]
        case .duration: [.duration, .cost]
        }
    }
}

/// One qualification, reached with the best plan's figure, or out of reach with the reason.
public struct NearestEntry: Sendable {
    public enum Decision: String, Sendable {
        /// Planned: a mixed-integer program was solved.
        case planned
        /// Out of reach by the reachability test: no solver.
        case reachability
        /// Out of reach because the linear relaxation's bound already breaks the budget or hours.
        case linearBound
        /// Out of reach, as the solver proved.
        case solver
        /// The solver's time limit passed.
        case stopped
        /// The profile's exceptions for this qualification are invalid.
        case invalid
    }

    public var qualification: Qualification
    public var plan: Plan?
    /// The measure's value for the plan: fees, ECTS to take, or days.
    public var value: Double?
    public var reason: String?
    public var decision: Decision
}

public struct NearestRanking: Sendable {
    public var measure: NearestMeasure
    /// Reachable qualifications by ascending value (then cost, then id); the others after them, by id.
    public var entries: [NearestEntry]
    /// Qualifications whose planning MILP was solved, and those decided without one.
    public var solved: Int
    public var avoided: Int
}

extension Planner {
    /// Ranks every qualification of the catalogue by what remains to reach it from `template`
    /// (the learner, limits, dates and solver options; its target and objectives are replaced).
    /// Cheap bounds come first: the reachability test, then, under a budget or an hour limit, the
    /// linear relaxation's least cost or hours; a qualification either rules out skips its MILP.
    public func nearest(_ template: PlanRequest, by measure: NearestMeasure) throws -> NearestRanking {
        if measure == .duration && template.schedule == nil {
            throw PlanningError.invalidRequest("ranking by duration needs a schedule: give the learner's hours per week (\"hoursPerWeek\" or --hours-per-week)")
        }
        var entries: [NearestEntry] = []
        var solved = 0
        for qualification in catalogue.qualifications.sorted(by: { $0.id < $1.id }) {
            var request = template
            request.target = qualification.id
            request.objectives = measure.objectives
            func entry(_ decision: NearestEntry.Decision, plan: Plan? = nil, value: Double? = nil, reason: String? = nil) -> NearestEntry {
                NearestEntry(qualification: qualification, plan: plan, value: value, reason: reason, decision: decision)
            }
            do {
                _ = try validate(request)
            } catch let error as PlanningError {
                entries.append(entry(.invalid, reason: "\(error)"))
                continue
            }
            if let diagnosis = reachabilityDiagnosis(request, qualification: qualification) {
                entries.append(entry(.reachability, reason: brief(diagnosis)))
                continue
            }
            if let bound = try linearBoundReason(request, qualification: qualification) {
                entries.append(entry(.linearBound, reason: bound))
                continue
            }
            solved += 1
            switch try attempt(request, qualification: qualification) {
            case .planned(let plan):
                let value: Double = switch measure {
                case .cost: plan.totals.cost
                case .ects: plan.totals.ects
                case .duration: plan.objectiveValues.first ?? 0
                }
                entries.append(entry(.planned, plan: plan, value: value))
            case .infeasible:
                entries.append(entry(.solver, reason: brief(try diagnose(request, qualification: qualification))))
            case .stopped(let status):
                entries.append(entry(.stopped, reason: "no plan found within the time limit (\(status.rawValue))"))
            }
        }
        let reached = entries.filter { $0.plan != nil }.sorted {
            ($0.value!, $0.plan!.totals.cost, $0.qualification.id) < ($1.value!, $1.plan!.totals.cost, $1.qualification.id)
        }
        return NearestRanking(measure: measure, entries: reached + entries.filter { $0.plan == nil }, solved: solved, avoided: entries.count - solved)
    }

    /// Under a budget or an hour limit: the least cost (hours) of the linear relaxation without
    /// that limit is a lower bound on every plan's; above the limit, no plan keeps within it.
    private func linearBoundReason(_ request: PlanRequest, qualification: Qualification) throws -> String? {
        let limits = request.constraints
        guard limits.budget != nil || limits.maxHours != nil else { return nil }
        var unbounded = request
        unbounded.constraints.budget = nil
        unbounded.constraints.maxHours = nil
        let formulation = Formulation(catalogue: catalogue, request: unbounded, qualification: qualification)
        if formulation.structurallyInfeasible { return "some required credential cannot be had" }
        for (objective, limit) in [(Objective.cost, limits.budget), (.workload, limits.maxHours)] {
            guard let limit else { continue }
            var relaxed = formulation.model.linearRelaxation()
            relaxed.minimize(formulation.objective(objective))
            let solution = try relaxed.solve(request.solverOptions)
            guard solution.status.hasSolution, let bound = solution.objectiveValue else { continue }
            if bound > limit + 1e-6 {
                return objective == .cost
                    ? "every plan costs at least \(format(money: bound)) \(catalogue.baseCurrency) (linear bound), over your budget of \(format(money: limit))"
                    : "every plan needs at least \(format(bound.rounded(.up))) learning hours (linear bound), over your limit of \(format(limit))"
            }
        }
        return nil
    }

    private func brief(_ diagnosis: Diagnosis) -> String {
        let detail = diagnosis.unmet.first { !$0.reason.hasPrefix("some of its parts") }
        let more = diagnosis.unmet.count(where: { !$0.reason.hasPrefix("some of its parts") }) - 1
        return diagnosis.summary + (detail.map { ": \($0.path) \($0.reason)" + (more > 0 ? " (and \(more) more)" : "") } ?? "")
    }
}
