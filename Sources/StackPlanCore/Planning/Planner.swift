import MILP

/// Finds provably optimal stacks of credentials toward a qualification.
public struct Planner: Sendable {
    /// The catalogue plans are made from.
    public let catalogue: Catalogue
    /// The work the elastic diagnosis may do (ElasticDiagnosis.swift).
    public var shortfallLimits = ShortfallWorkLimits()
    /// Set when ``catalogue`` holds only the candidates this cut left: ``plan(_:)`` then throws
    /// ``CandidateCut/Uncovered`` rather than diagnose or plan within limits on too few.
    public var cut: CandidateCut?

    /// A planner over `catalogue`.
    public init(catalogue: Catalogue) {
        self.catalogue = catalogue
    }

    /// Plans the request: the optimal plan, or a diagnosis of why there is none.
    ///
    /// Every plan returned has passed ``PlanChecker``, which re-checks each rule without the model.
    public func plan(_ request: PlanRequest) throws -> PlanOutcome {
        // The time limit holds for all of it: every model built and solved from here on.
        let request = request.startingClock()
        // A budget or hours limit that is not an objective makes pruning compare that measure
        // too, and keeps many more candidates. Most limits do not bind: the optimum without
        // them, if it keeps within them, is the optimum with them (it is optimal on a larger
        // set). Only when it does not is the limited model built.
        if request.pruneDominated, let relaxed = request.withoutLimitsOutsideObjectives,
           case .planned(let plan) = try planModel(relaxed),
           PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty {
            return .planned(plan)
        }
        if let cut, !cut.coversLimits { throw CandidateCut.Uncovered() }
        return try planModel(request)
    }

    private func planModel(_ request: PlanRequest) throws -> PlanOutcome {
        let qualification = try validate(request)
        let outcome = try attempt(request, qualification: qualification)
        if case .infeasible = outcome {
            if cut != nil { throw CandidateCut.Uncovered() }
            let diagnosis = try findShortfalls(request, qualification: qualification, diagnosis: diagnose(request, qualification: qualification))
            // A diagnosis whose solves ran out of time may be wrong: the answer is then that the solver stopped.
            if request.solverOptions.deadline?.hasPassed == true { return .stopped(.timeLimit) }
            return .infeasible(diagnosis)
        }
        return outcome
    }

    /// Every plan that is not beaten on both completion date and cost, earliest first: the
    /// ε-constraint method, each next plan the earliest among those cheaper than the last.
    /// ``Frontier/end`` says whether that is all of them.
    public func frontier(_ request: PlanRequest, limit: Int = 50) throws -> Frontier {
        guard request.schedule != nil else {
            throw PlanningError.invalidRequest("the frontier needs a schedule: give the learner's hours per week (\"hoursPerWeek\" or --hours-per-week)")
        }
        let qualification = try validate(request)
        var staged = request.startingClock()
        staged.objectives = [.duration, .cost]
        var plans: [Plan] = []
        // With branch and check every point's model is the first one's with a lower budget (the
        // budget's value decides no candidate), and every cut holds for every plan: the model
        // is built once and each point starts with the cuts found so far.
        var shared: Formulation?
        if !staged.timeIndexedSchedule {
            let bounds = Formulation(catalogue: catalogue, request: staged, qualification: qualification, scheduleForm: .bounds)
            if let calendar = bounds.calendar, calendar.runsChargeTheirFee, !bounds.stopped, !bounds.structurallyInfeasible { shared = bounds }
        }
        var cuts: [Model.Row] = []
        while plans.count < limit {
            let outcome: PlanOutcome
            if let first = shared, let calendar = first.calendar {
                var point = first
                if let budget = staged.constraints.budget, !plans.isEmpty {
                    point.model.add(point.objective(.cost) <= budget, name: "frontier_budget")
                }
                outcome = try attemptBranchAndCheck(point, calendar: calendar, request: staged, cuts: &cuts)
            } else {
                outcome = try attempt(staged, qualification: qualification)
            }
            if case .planned(let plan) = outcome { plans.append(plan) }
            switch Frontier.next(after: outcome, budget: staged.constraints.budget) {
            case .budget(let budget): staged.constraints.budget = budget
            case .end(let reason): return Frontier(plans: plans, end: reason)
            }
        }
        return Frontier(plans: plans, end: .limit)
    }

    /// One solve without diagnosis: `.infeasible` carries an empty diagnosis. `refine` may add
    /// rows to the model first (the cuts that make alternatives differ).
    func attempt(_ request: PlanRequest, qualification: Qualification, refine: ((inout Formulation) -> Void)? = nil) throws -> PlanOutcome {
        var formulation = try formulation(request, qualification: qualification)
        refine?(&formulation)
        let nothing = Diagnosis(cause: .conflict, summary: .requirementsConflict, unmet: [])
        if formulation.stopped { return .stopped(.timeLimit) }
        if formulation.structurallyInfeasible { return .infeasible(nothing) }
        if let calendar = formulation.calendar, calendar.form == .bounds {
            var cuts: [Model.Row] = []
            return try attemptBranchAndCheck(formulation, calendar: calendar, request: request, cuts: &cuts)
        }
        // The heuristic fixed what to take and when; the best rest of a plan around that is the start.
        var start: [Double]?
        if let partial = formulation.startingPoint {
            var completion = formulation.model.fixing(partial)
            completion.minimize(Self.stages(of: formulation, request: request)[0])
            // With the calendar fixed, GLPK's presolver removes nearly the whole model at once, however large.
            var options = request.solverOptions
            options.presolve = true
            let solved = try completion.solve(options)
            if solved.status.hasSolution {
                start = solved.values
            } else {
                // Not a plan after all (a row the plan without a calendar did not have, such as
                // an alternative's cut): its completion date must not shorten the calendar either.
                formulation = Formulation(catalogue: catalogue, request: request, qualification: qualification)
                refine?(&formulation)
                if formulation.stopped { return .stopped(.timeLimit) }
            }
        }
        let stages = Self.stages(of: formulation, request: request)
        var bounds = request.objectives.map { formulation.provenLowerBound(of: $0) }
        if start == nil, formulation.calendar == nil, let induced = try relaxationInducedStart(formulation, first: stages[0], request: request) {
            start = induced.start
            // The relaxation's optimum bounds the first stage from below: a start that reaches it
            // is that stage's optimum, and GLPK is not asked to prove it again.
            bounds[0] = max(bounds[0] ?? induced.bound, induced.bound)
        }
        let result = try formulation.model.minimizeLexicographically(stages, options: request.solverOptions, start: start, lowerBounds: bounds)
        switch result.status {
        case .infeasible: return .infeasible(nothing)
        case .timeLimit, .unbounded: return .stopped(result.status)
        case .optimal, .feasible: break
        }
        let plan = extract(result.final, formulation: formulation, request: request, result: result, model: formulation.model)
        let violations = PlanChecker(catalogue: catalogue, request: request).violations(of: plan)
        guard violations.isEmpty else { throw PlanningError.inconsistentPlan(violations) }
        return .planned(plan)
    }

    /// A scheduled plan by branch and check (ScheduleBranchAndCheck.swift): the master's stages,
    /// each set checked on the calendar. `cuts` come from earlier solves of the same master, and
    /// go back with those this one found.
    private func attemptBranchAndCheck(_ formulation: Formulation, calendar: ScheduleModel, request: PlanRequest, cuts: inout [Model.Row]) throws -> PlanOutcome {
        let stages = Self.stages(of: formulation, request: request)
        // Duration is the user's stage where asked for, else the one appended after theirs (``stages(of:request:)``).
        let durationStages: Set<Int> = [request.objectives.firstIndex(of: .duration) ?? request.objectives.count]
        let solver = ScheduleBranchAndCheck(formulation: formulation, calendar: calendar, request: request, catalogue: catalogue)
        let relaxed = try relaxedOptimum(request, qualification: formulation.tree.qualification, candidates: formulation.candidates)
        let outcome = try solver.minimize(stages, durationStages: durationStages, cuts: cuts, relaxedOptimum: relaxed)
        cuts = outcome.cuts
        let result = outcome.result
        switch result.status {
        case .infeasible: return .infeasible(Diagnosis(cause: .conflict, summary: .requirementsConflict, unmet: []))
        case .timeLimit, .unbounded: return .stopped(result.status)
        case .optimal, .feasible: break
        }
        let plan = extract(result.final, formulation: formulation, request: request, result: result, model: outcome.model, schedule: outcome.schedule)
        let violations = PlanChecker(catalogue: catalogue, request: request).violations(of: plan)
        guard violations.isEmpty else { throw PlanningError.inconsistentPlan(violations) }
        return .planned(plan)
    }

    /// The takings of the optimal plan without a calendar for the request's first objective, when
    /// that is not the duration, made of the scheduled model's `candidates` (those pruning left):
    /// its value bounds the scheduled optimum from below, since an optimal scheduled plan takes
    /// only such candidates and is a plan without a calendar too (the calendar only adds rows,
    /// the deadline among them, and branch and check charges each credential its fee). `nil`
    /// when there is no such plan proven optimal, and with an advisor's exceptions (they may
    /// name credentials outside the candidates: the master then searches as it always did).
    private func relaxedOptimum(_ request: PlanRequest, qualification: Qualification, candidates: [Credential]) throws -> [String]? {
        guard let first = request.objectives.first, first != .duration, request.exceptions.isEmpty else { return nil }
        var unscheduled = request
        unscheduled.schedule = nil
        unscheduled.constraints.deadline = nil
        unscheduled.objectives = [first]
        // The candidates, and the held credentials the plan may count.
        let held = request.learner.held.compactMap { $0.catalogueID.flatMap(catalogue.credential) }
        let subCatalogue = Catalogue(
            baseCurrency: catalogue.baseCurrency, exchangeRates: catalogue.exchangeRates, providers: catalogue.providers,
            credentials: candidates + held, qualifications: catalogue.qualifications)
        guard case .planned(let plan) = try Planner(catalogue: subCatalogue).attempt(unscheduled, qualification: qualification),
              plan.status == .optimal else { return nil }
        return plan.takings
    }

    /// A plan to start the first stage from, and the LP relaxation's optimum, a lower bound on
    /// that stage. The plan is found among the columns of the relaxation's optimal face: those
    /// it uses and those whose reduced cost is zero (any of them could enter its solution at no
    /// cost). Every other take column fixed at 0, the small model left is solved as it is. A
    /// plan among the used columns alone often takes a dearer course whole where the relaxation
    /// took a fraction (learner 2's `workload` plan at a million credentials: 2,896 hours
    /// against an optimum of 2,126, which GLPK then branched 17 nodes to find); the face holds
    /// the courses that fit the credits exactly. When the plan reaches the relaxation's bound,
    /// the stage needs no solve at all. `nil` when there is no relaxation, or the model is too
    /// large for the extra solves; `start` is `nil` when the face holds no plan.
    private func relaxationInducedStart(
        _ formulation: Formulation, first: LinearExpression, request: PlanRequest
    ) throws -> (start: [Double]?, bound: Double)? {
        guard formulation.model.numberOfNonZeros <= SolveOptions.presolveNonZeroLimit else { return nil }
        var relaxed = formulation.model.linearRelaxation()
        relaxed.minimize(first)
        let relaxation = try relaxed.solve(request.solverOptions)
        guard relaxation.status == .optimal, let bound = relaxation.objectiveValue,
              relaxation.values.count == formulation.model.variables.count else { return nil }
        // GLPK's reduced costs are exact but for its dual tolerance (1e-7, relative).
        let zero = 1e-7 * max(1, abs(bound))
        var unused: [Variable: Double] = [:]
        for column in formulation.columns where relaxation.values[column.take.index] < 1e-6 {
            let cost = relaxation.reducedCost(of: column.take) ?? .infinity
            if cost > zero { unused[column.take] = 0 }
        }
        guard !unused.isEmpty else { return (nil, bound) }
        var restricted = formulation.model.fixing(unused)
        restricted.minimize(first)
        var options = request.solverOptions
        options.presolve = true
        let solved = try restricted.solve(options)
        return (solved.status.hasSolution ? solved.values : nil, bound)
    }

    /// The user's objectives, then our own: finish early when scheduling, then fewest credentials, then earlier ids.
    private static func stages(of formulation: Formulation, request: PlanRequest) -> [LinearExpression] {
        var stages = request.objectives.map(formulation.objective)
        if formulation.calendar != nil && !request.objectives.contains(.duration) { stages.append(formulation.objective(.duration)) }
        stages += formulation.tieBreaks
        return stages
    }

    /// The request's model; with a schedule, built with what the plan without a calendar says.
    func formulation(_ request: PlanRequest, qualification: Qualification) throws -> Formulation {
        // Branch and check needs a plan's fee to follow from its credentials: when some
        // offering charges a fee of its own, the time-indexed model decides between runs.
        if request.schedule != nil && !request.timeIndexedSchedule {
            let bounds = Formulation(catalogue: catalogue, request: request, qualification: qualification, scheduleForm: .bounds)
            if bounds.calendar?.runsChargeTheirFee ?? true { return bounds }
        }
        return Formulation(
            catalogue: catalogue, request: request, qualification: qualification,
            scheduleHint: request.schedule == nil ? nil : try scheduleHint(request, qualification: qualification))
    }

    /// Plans without the calendar (no weekly hours, no deadline), finishing early approached by
    /// the fewest learning hours: its credentials are the schedule heuristic's to place. `nil`
    /// when there is no such plan.
    private func scheduleHint(_ request: PlanRequest, qualification: Qualification) throws -> ScheduleHint? {
        var unscheduled = request
        unscheduled.schedule = nil
        unscheduled.constraints.deadline = nil
        unscheduled.objectives = []
        for objective in request.objectives.map({ $0 == .duration ? Objective.workload : $0 }) where !unscheduled.objectives.contains(objective) {
            unscheduled.objectives.append(objective)
        }
        guard let plan = try attempt(unscheduled, qualification: qualification).plan else { return nil }
        // Every scheduled plan is a plan without a calendar too: its credentials are offered
        // without one and it keeps the same limits, the budget included unless an offering
        // undercuts its credential's fee (a schedule pays the offerings'). So the fewest hours
        // and the lowest fee without a calendar, when proven, bound every schedule's.
        let cheaperOffering = catalogue.credentials.contains { credential in credential.offerings.contains { ($0.cost ?? credential.cost) < credential.cost } }
        func provenLeast(_ objective: Objective) throws -> Double? {
            guard unscheduled.objectives.contains(objective), !cheaperOffering || (objective == .workload && request.constraints.budget == nil) else { return nil }
            var single = unscheduled
            single.objectives = [objective]
            let best = unscheduled.objectives.first == objective ? plan : try attempt(single, qualification: qualification).plan
            guard let best, best.status == .optimal else { return nil }
            return objective == .cost ? best.totals.cost : best.totals.hours
        }
        return ScheduleHint(credentials: plan.takings, leastWorkload: try provenLeast(.workload), leastCost: try provenLeast(.cost))
    }

    /// Checks what validation of the catalogue alone cannot: the target and the learner's held credentials.
    func validate(_ request: PlanRequest) throws -> Qualification {
        guard let qualification = catalogue.qualification(request.target) else {
            throw PlanningError.unknownTarget(request.target)
        }
        if request.schedule == nil && request.objectives.contains(.duration) {
            throw PlanningError.invalidRequest("the duration objective needs a schedule: give the learner's hours per week (\"hoursPerWeek\" or --hours-per-week)")
        }
        if request.schedule == nil && request.constraints.deadline != nil {
            throw PlanningError.invalidRequest("a deadline needs a schedule: give the learner's hours per week (\"hoursPerWeek\" or --hours-per-week)")
        }
        if let schedule = request.schedule, !(schedule.hoursPerWeek > 0 && schedule.hoursPerWeek <= 168) {
            throw PlanningError.invalidRequest("hours per week must lie in (0, 168], not \(schedule.hoursPerWeek)")
        }
        if let schedule = request.schedule, let deadline = request.constraints.deadline, deadline < schedule.start {
            throw PlanningError.invalidRequest("the deadline \(deadline) is before the start \(schedule.start)")
        }
        guard request.hoursPerECTS > 0 && request.hoursPerECTS.isFinite else {
            throw PlanningError.invalidRequest("hours per ECTS must be a positive number, not \(request.hoursPerECTS)")
        }
        try checkDerivedFigures(request)
        var issues: [ValidationIssue] = []
        for (index, held) in request.learner.held.enumerated() {
            guard let id = held.catalogueID, catalogue.credential(id) == nil else { continue }
            let hint = catalogue.qualification(id) != nil
                ? "is a qualification: list the credentials it was awarded for, or describe it as an external credential"
                : "refers to credential \"\(id)\", which the catalogue does not have"
            issues.append(ValidationIssue(path: "$.held[\(index)].credential", message: hint))
        }
        let limits = request.constraints
        for (name, value) in [("budget", limits.budget), ("maxHours", limits.maxHours)] {
            if let value, !(value >= 0 && value.isFinite) {
                issues.append(ValidationIssue(path: "$.\(name)", message: "must be zero or more, found \(value)"))
            }
        }
        guard issues.isEmpty else { throw PlanningError.invalidLearner(InvalidDocument(issues: issues)) }
        try checkExceptions(request, qualification: qualification)
        return qualification
    }

    /// The largest learning hours or fee (in the base currency) one credential may come to:
    /// a million such credentials still total a finite number, and GLPK sees no wild coefficient.
    public static let largestFigure = 1e12

    /// Every credential's learning hours (its ECTS times the hours per ECTS, unless stated) and
    /// fee in the base currency (times its exchange rate), as the model uses them, must be finite
    /// and at most ``largestFigure``: a request that makes one larger names the figure and its cause.
    func checkDerivedFigures(_ request: PlanRequest) throws {
        for credential in catalogue.credentials {
            let hours = credential.learningHours(hoursPerECTS: request.hoursPerECTS)
            if !(hours.isFinite && hours <= Self.largestFigure) {
                let cause = credential.hours == nil
                    ? "\(format(credential.credits)) ECTS at \(request.hoursPerECTS) hours per ECTS"
                    : "it states \(hours) hours"
                throw PlanningError.invalidRequest(
                    "credential \"\(credential.id)\" needs more learning hours than planning accepts (\(cause); at most \(format(Self.largestFigure)))")
            }
            let rate = catalogue.rateToBase(credential.currency) ?? 1
            let fees = [credential.cost] + credential.offerings.compactMap(\.cost)
            if let fee = fees.first(where: { !($0 * rate).isFinite || abs($0 * rate) > Self.largestFigure }) {
                throw PlanningError.invalidRequest(
                    "credential \"\(credential.id)\" costs more than planning accepts (\(fee) \(credential.currency ?? catalogue.baseCurrency) at a rate of \(rate) to \(catalogue.baseCurrency); at most \(format(Self.largestFigure)))")
            }
        }
    }

    func extract(
        _ solution: Solution, formulation: Formulation, request: PlanRequest, result: LexicographicSolution, model: Model,
        schedule given: [ScheduleOption]? = nil
    ) -> Plan {
        // Each taking: a repeatable credential's further takings repeat its id.
        let takings = formulation.columns.filter { solution.isSet($0.take) }.map(\.credential.id)
        var repeats: [String: Int] = [:]
        for id in takings { repeats[id, default: 0] += 1 }
        let taken = repeats.keys.sorted()
        repeats = repeats.filter { $0.value > 1 }
        var applications: [String: [String]] = [:]
        for assignment in formulation.assignments where solution.isSet(assignment.variable) {
            applications[formulation.items[assignment.item].id, default: []].append(formulation.tree.nodes[assignment.node].path)
        }
        applications = applications.mapValues { $0.sorted() }
        let heldApplied = formulation.items.filter { $0.isHeld && applications[$0.id] != nil }.map(\.id)

        var prerequisiteOf: [String: [String]] = [:], corequisiteOf: [String: [String]] = [:]
        // A credential counts when any of its takings does: in a goal of several, its first
        // taking may count toward another goal while its second counts here.
        let counting = Set(formulation.items.filter { !$0.isHeld && applications[$0.id] != nil }.compactMap(\.catalogueID))
        for id in taken where !counting.contains(id) {
            let before = taken.filter { catalogue.credential($0)?.prerequisites?.precedingIDs.contains(id) ?? false }
            let alongside = taken.filter { catalogue.credential($0)?.prerequisites.map { $0.credentialIDs.count != $0.precedingIDs.count && !$0.precedingIDs.contains(id) && $0.credentialIDs.contains(id) } ?? false }
            // Taken only as a corequisite: said so; as a prerequisite of anything, a prerequisite.
            if before.isEmpty && !alongside.isEmpty { corequisiteOf[id] = alongside } else { prerequisiteOf[id] = before + alongside }
        }
        let takenCredentials = takings.compactMap(catalogue.credential)
        var schedule = given
        if given == nil, let calendar = formulation.calendar {
            // Each taking's run, a repeated credential's in the order of its takings.
            schedule = formulation.columns.filter { solution.isSet($0.take) }
                .sorted { (Plan.credentialID(ofTaking: $0.id), Plan.taking($0.id)?.time ?? 1) < (Plan.credentialID(ofTaking: $1.id), Plan.taking($1.id)?.time ?? 1) }
                .compactMap { column in calendar.options[column.id]?.first { solution.isSet($0.variable) }?.option }
        }
        let countedECTS = formulation.items.filter { applications[$0.id] != nil }.reduce(0) { $0 + $1.ects }
        let totals = Plan.Totals(
            cost: schedule.map { $0.reduce(0) { $0 + $1.cost } } ?? takenCredentials.reduce(0) { $0 + (catalogue.costInBaseCurrency($1) ?? 0) },
            hours: takenCredentials.reduce(0) { $0 + $1.learningHours(hoursPerECTS: request.hoursPerECTS) },
            ects: takenCredentials.reduce(0) { $0 + $1.credits },
            countedECTS: countedECTS)
        var durationDays = 0.0
        if let end = schedule?.map(\.end.ordinal).max(), let start = request.schedule?.start.ordinal { durationDays = Double(end - start) }
        // The tie-break stages are ours, not the user's: their gaps do not make a plan less optimal.
        let userStages = request.objectives.count
        let gap = result.gap(ofFirst: userStages)
        return Plan(
            qualification: formulation.tree.qualification,
            status: gap == 0 && result.stages.count >= userStages ? .optimal : .feasible,
            objectives: request.objectives,
            objectiveValues: request.objectives.map { objective in
                // The plan's own figures, free of the solver's rounding and of stage slack.
                switch objective {
                case .cost: totals.cost
                case .workload: totals.hours
                case .ects: totals.ects
                case .count: Double(takings.count)
                case .duration: durationDays
                }
            },
            gap: gap,
            taken: taken, repeats: repeats, heldApplied: heldApplied, applications: applications, prerequisiteOf: prerequisiteOf, corequisiteOf: corequisiteOf,
            unusedHeld: unusedHeld(formulation: formulation, request: request, applications: applications),
            totals: totals,
            modelSize: Plan.ModelSize(
                rows: model.rows.count, columns: model.variables.count,
                integerColumns: model.numberOfIntegerVariables, nonZeros: model.numberOfNonZeros),
            today: request.today,
            schedule: schedule,
            completes: schedule.flatMap { runs in runs.map { $0.end.adding(days: -1) }.max() ?? request.schedule?.start },
            startGridWeeks: formulation.calendar?.startGridWeeks)
    }

    func unusedHeld(formulation: Formulation, request: PlanRequest, applications: [String: [String]]) -> [Plan.UnusedHeld] {
        let qualification = formulation.tree.qualification
        let priorUsed = formulation.items.filter { $0.isHeld && applications[$0.id] != nil }.reduce(0) { $0 + $1.ects }
        var unused: [Plan.UnusedHeld] = []
        for (position, held) in request.learner.held.enumerated() {
            let id = held.catalogueID ?? "held[\(position)]"
            guard applications[id] == nil else { continue }
            let title: String
            switch held.source {
            case .catalogue(let id): title = catalogue.credential(id)?.title ?? id
            case .external(let external): title = external.title
            }
            let reason: HeldUnusedReason
            if let tooOld = formulation.eligibility.reasonHeldDoesNotCount(held) {
                reason = tooOld
            } else if let item = formulation.items.first(where: { $0.id == id && $0.isHeld }), item.ects == 0,
                      formulation.tree.leafIndices.contains(where: { index in
                          if case .credits(_, let filter) = formulation.tree.nodes[index].kind { return filter.matches(item) }
                          return false
                      }) {
                reason = .carriesNoECTS
            } else if let item = formulation.items.first(where: { $0.id == id && $0.isHeld }),
                      formulation.tree.leafIndices.contains(where: { formulation.tree.accepts(formulation.tree.nodes[$0], item) }) {
                let overlapping = catalogue.credential(id)?.excludes.filter { applications[$0] != nil } ?? []
                let reverse = applications.keys.filter { catalogue.credential($0)?.excludes.contains(id) ?? false }
                if let cap = qualification.rules.maxPriorECTS, priorUsed + item.ects > cap + 1e-9 {
                    reason = .priorCapReached(cap: cap, counted: priorUsed)
                } else if let other = (overlapping + reverse).sorted().first {
                    reason = .overlaps(other)
                } else {
                    reason = .notNeeded
                }
            } else {
                reason = .matchesNoRequirement(qualification: qualification.id)
            }
            unused.append(Plan.UnusedHeld(id: id, title: title, reason: reason))
        }
        return unused
    }
}

extension Planner {
    /// The model of the request's first stage (its first objective), as `--write-model` saves it.
    public func model(for request: PlanRequest) throws -> Model {
        let qualification = try validate(request)
        let formulation = try formulation(request, qualification: qualification)
        var model = formulation.model
        model.minimize(formulation.objective(request.objectives.first ?? .cost))
        return model
    }
}
