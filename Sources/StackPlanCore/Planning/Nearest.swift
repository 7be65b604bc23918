import MILP

/// What "nearest" measures: the remaining fees, the ECTS still to take, or the days to completion.
public enum NearestMeasure: String, Sendable, CaseIterable, Codable {
    case cost, ects, duration

    var objectives: [Objective] {
        switch self {
        case .cost: [.cost]
        case .ects: [.ects, .cost]
        case .duration: [.duration, .cost]
        }
    }
}

/// Which qualifications `nearest` ranks, and with which credentials. The learner's modes,
/// languages and deadline limit the plans as for `plan`; these limit what is ranked.
public struct NearestFilter: Sendable, Equatable, Codable {
    /// Qualifications below this EQF level are left out.
    public var minEQF: Int?
    /// Qualifications above this EQF level are left out.
    public var maxEQF: Int?
    /// Plans may use credentials of these kinds only; `nil`: every kind.
    public var kinds: [CredentialKind]?

    public init(minEQF: Int? = nil, maxEQF: Int? = nil, kinds: [CredentialKind]? = nil) {
        self.minEQF = minEQF
        self.maxEQF = maxEQF
        self.kinds = kinds
    }

    func admits(_ qualification: Qualification) -> Bool {
        (minEQF.map { qualification.eqf >= $0 } ?? true) && (maxEQF.map { qualification.eqf <= $0 } ?? true)
    }
}

/// One qualification, reached with the best plan's figure, or out of reach with the reason.
public struct NearestEntry: Sendable {
    /// Why a qualification is out of reach.
    public enum Reason: Sendable, Equatable {
        /// The profile's exceptions for it are invalid (the error's message).
        case invalidExceptions(String)
        /// No plan exists: the diagnosis (reachability only, or after a solve).
        case noPlan(Diagnosis)
        /// The linear relaxation's least cost is over the budget.
        case costBound(atLeast: Double, budget: Double, currency: String)
        /// The linear relaxation's fewest hours are over the hour limit.
        case hoursBound(atLeast: Double, limit: Double)
        /// A credential the requirements insist on cannot be had.
        case requiredUnavailable
        /// The solver's time limit passed first (its status).
        case stopped(status: String)

        public var code: String {
            switch self {
            case .invalidExceptions: "invalidExceptions"
            case .noPlan: "noPlan"
            case .costBound: "costBound"
            case .hoursBound: "hoursBound"
            case .requiredUnavailable: "requiredUnavailable"
            case .stopped: "stopped"
            }
        }
    }

    public enum Decision: String, Sendable, Codable {
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
    public var reason: Reason?
    public var decision: Decision
    /// Below the highest EQF level the learner holds: ranked after the qualifications at or above it.
    public var belowLearnerLevel = false
}

public struct NearestRanking: Sendable {
    public var measure: NearestMeasure
    /// Reachable qualifications at or above the learner's level by ascending value (then cost, then
    /// id), then those below it likewise; the unreachable after them, by id.
    public var entries: [NearestEntry]
    public var filter: NearestFilter
    /// The highest EQF level among the learner's held credentials, if any.
    public var learnerLevel: Int?
    /// Qualifications the filter's levels leave out, by id.
    public var leftOut: [String]
    /// Qualifications whose planning MILP was solved, and those decided without one.
    public var solved: Int
    public var avoided: Int
}

extension Planner {
    /// Ranks every qualification of the catalogue by what remains to reach it from `template`
    /// (the learner, limits, dates and solver options; its target and objectives are replaced).
    /// Cheap bounds come first: the reachability test, then, under a budget or an hour limit, the
    /// linear relaxation's least cost or hours; a qualification either rules out skips its MILP.
    public func nearest(_ template: PlanRequest, by measure: NearestMeasure, filter: NearestFilter = NearestFilter()) throws -> NearestRanking {
        if measure == .duration && template.schedule == nil {
            throw PlanningError.invalidRequest("ranking by duration needs a schedule: give the learner's hours per week (\"hoursPerWeek\" or --hours-per-week)")
        }
        var entries: [NearestEntry] = []
        var solved = 0
        var leftOut: [String] = []
        let learnerLevel = template.learner.held.compactMap { held -> Int? in
            switch held.source {
            case .catalogue(let id): catalogue.credential(id)?.eqf
            case .external(let external): external.eqf
            }
        }.max()
        var base = template
        var leftOutKinds: [String: CredentialKind] = [:]
        if let kinds = filter.kinds {
            // Credentials of other kinds are not offered to these plans: treated as withdrawn, and
            // named for what they are in the reasons.
            for credential in catalogue.credentials where !kinds.contains(credential.kind) && !template.withdrawn.contains(credential.id) {
                leftOutKinds[credential.id] = credential.kind
            }
            base.withdrawn.formUnion(leftOutKinds.keys)
        }
        func named(_ diagnosis: Diagnosis) -> Diagnosis {
            guard let kinds = filter.kinds, !leftOutKinds.isEmpty else { return diagnosis }
            func rename(_ reason: UnmetReason) -> UnmetReason {
                guard case .notOffered(let id, .withdrawn) = reason, let kind = leftOutKinds[id] else { return reason }
                return .notOffered(credential: id, .kindNotAllowed(kind, allowed: kinds))
            }
            var renamed = diagnosis
            for index in renamed.unmet.indices { renamed.unmet[index].reason = rename(renamed.unmet[index].reason) }
            for index in renamed.shortfalls.indices { renamed.shortfalls[index].reason = renamed.shortfalls[index].reason.map(rename) }
            return renamed
        }
        for qualification in catalogue.qualifications.sorted(by: { $0.id < $1.id }) {
            guard filter.admits(qualification) else {
                leftOut.append(qualification.id)
                continue
            }
            var request = base
            request.target = qualification.id
            request.objectives = measure.objectives
            func entry(_ decision: NearestEntry.Decision, plan: Plan? = nil, value: Double? = nil, reason: NearestEntry.Reason? = nil) -> NearestEntry {
                NearestEntry(qualification: qualification, plan: plan, value: value, reason: reason, decision: decision,
                             belowLearnerLevel: learnerLevel.map { qualification.eqf < $0 } ?? false)
            }
            do {
                _ = try validate(request)
            } catch let error as PlanningError {
                entries.append(entry(.invalid, reason: .invalidExceptions("\(error)")))
                continue
            }
            if let diagnosis = reachabilityDiagnosis(request, qualification: qualification) {
                entries.append(entry(.reachability, reason: .noPlan(named(diagnosis))))
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
                entries.append(entry(.solver, reason: .noPlan(named(try diagnose(request, qualification: qualification)))))
            case .stopped(let status):
                entries.append(entry(.stopped, reason: .stopped(status: status.rawValue)))
            }
        }
        // An award below what the learner already holds is rarely what they look for: it comes after the others.
        let reached = entries.filter { $0.plan != nil }.sorted {
            ($0.belowLearnerLevel ? 1 : 0, $0.value ?? 0, $0.plan?.totals.cost ?? 0, $0.qualification.id)
                < ($1.belowLearnerLevel ? 1 : 0, $1.value ?? 0, $1.plan?.totals.cost ?? 0, $1.qualification.id)
        }
        return NearestRanking(
            measure: measure, entries: reached + entries.filter { $0.plan == nil }, filter: filter, learnerLevel: learnerLevel,
            leftOut: leftOut, solved: solved, avoided: entries.count - solved)
    }

    /// Under a budget or an hour limit: the least cost (hours) of the linear relaxation without
    /// that limit is a lower bound on every plan's; above the limit, no plan keeps within it.
    private func linearBoundReason(_ request: PlanRequest, qualification: Qualification) throws -> NearestEntry.Reason? {
        let limits = request.constraints
        guard limits.budget != nil || limits.maxHours != nil else { return nil }
        var unbounded = request
        unbounded.constraints.budget = nil
        unbounded.constraints.maxHours = nil
        let formulation = Formulation(catalogue: catalogue, request: unbounded, qualification: qualification)
        if formulation.structurallyInfeasible { return .requiredUnavailable }
        for (objective, limit) in [(Objective.cost, limits.budget), (.workload, limits.maxHours)] {
            guard let limit else { continue }
            var relaxed = formulation.model.linearRelaxation()
            relaxed.minimize(formulation.objective(objective))
            let solution = try relaxed.solve(request.solverOptions)
            guard solution.status.hasSolution, let bound = solution.objectiveValue else { continue }
            if bound > limit + 1e-6 {
                return objective == .cost
                    ? .costBound(atLeast: bound, budget: limit, currency: catalogue.baseCurrency)
                    : .hoursBound(atLeast: bound, limit: limit)
            }
        }
        return nil
    }
}
