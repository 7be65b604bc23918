import MILP

/// One set of credentials that meets several goals at once (docs/formulation.md, "One plan for
/// several goals"): each goal under its own requirement tree and counting rules, the
/// objectives and the learner's limits over the union, each credential paid for once.
public struct MultiGoalPlan: Sendable {
    /// Each goal's part of the plan, in the order the goals were given: what counts toward it
    /// (``Plan/applications``), the credentials it needs taken, its held credentials used.
    public var goals: [Plan]
    /// Every credential to take, in id order: the union of the goals' parts.
    public var taken: [String]
    /// How many times a repeatable credential is taken, for those taken more than once. Each
    /// taking is an item of its own (`c`, `c[2]`, …) that may count toward any goal, under that
    /// goal's rules; ``countsToward`` says where each one counts.
    public var repeats: [String: Int] = [:]
    /// Figures over the union, each credential once (`countedECTS` sums the goals' counted ECTS).
    public var totals: Plan.Totals
    public var objectives: [Objective]
    /// One value per objective, over the union.
    public var objectiveValues: [Double]
    public var status: SolveStatus
    /// The goals each taken or held item counts toward: qualification ids in goal order, then
    /// external goals' ids (`cpd:NMC`) in theirs. A repeated credential's further takings are
    /// items of their own (`c[2]`); external goals count only a credential's first taking.
    public var countsToward: [String: [String]]
    /// Each external goal's part (a CPD cycle), in the order given, checked without the model.
    public var external: [ExternalGoalPart] = []
    public var modelSize: Plan.ModelSize

    /// How many takings the plan has: its credentials, each repeated one as often as it is taken.
    public var takingCount: Int { Plan.takings(taken, repeats: repeats).count }
}

/// What planning for several goals gives.
public enum MultiGoalOutcome: Sendable {
    case planned(MultiGoalPlan)
    /// No plan meets every goal; the diagnosis is the first goal's that fails alone, or a
    /// conflict between goals (or the union's limits) when each goal alone has a plan.
    case infeasible(goal: String?, Diagnosis)
    /// The solver's time limit passed before it found any plan.
    case stopped(SolveStatus)
    /// An external goal (a CPD cycle) cannot be met even on its own within the learner's limits;
    /// its module's reasons.
    case unreachable(goal: String, reasons: [String])

    /// The plan, when there is one.
    public var plan: MultiGoalPlan? {
        if case .planned(let plan) = self { return plan }
        return nil
    }
}

extension Planner {
    /// One goal's request inside a plan for several: its own target; no budget or hours limit
    /// (those hold over the union); no dominance pruning, which compares credentials within
    /// one goal and could drop one that serves another.
    static func goalRequest(_ request: PlanRequest, goal: String) -> PlanRequest {
        var single = request
        single.target = goal
        single.constraints.budget = nil
        single.constraints.maxHours = nil
        single.pruneDominated = false
        return single
    }

    /// Plans one set of credentials toward every goal in `goals` (qualification ids, two or
    /// more, none repeated), with `request`'s learner, limits and objectives; its own target is
    /// not used. Each goal's part passes ``PlanChecker`` under that goal's rules.
    public func plan(goals: [String], _ request: PlanRequest) throws -> MultiGoalOutcome {
        try plan(goals: goals, external: [], request)
    }

    /// Plans one set of credentials toward every qualification in `goals` (at least one) and
    /// every external goal in `external` (a CPD cycle), two goals or more in all, none repeated.
    /// The external goals' rows join the union over the same take columns; each reads its part
    /// back and checks it without the model (formulation.md §11).
    public func plan(goals: [String], external: [any ExternalGoal], _ request: PlanRequest) throws -> MultiGoalOutcome {
        let names = goals + external.map(\.id)
        guard names.count >= 2 else { throw PlanningError.invalidRequest("planning for several goals needs at least two, not \(names.count)") }
        guard !goals.isEmpty else { throw PlanningError.invalidRequest("a plan for several goals needs a qualification among them; for a CPD cycle alone use cpd plan") }
        if let repeated = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) })?.element {
            throw PlanningError.invalidRequest("goal \"\(repeated)\" is given twice")
        }
        guard request.schedule == nil else {
            throw PlanningError.invalidRequest("planning for several goals works without the calendar: drop hours per week, the deadline and the duration objective")
        }
        let request = request.startingClock()
        // Validates the learner's limits and each goal's exceptions.
        var probe = request
        probe.target = goals[0]
        _ = try validate(probe)
        let requests = goals.map { Self.goalRequest(request, goal: $0) }
        let qualifications = try requests.map { try validate($0) }
        var formulations: [Formulation] = []
        for (goalRequest, qualification) in zip(requests, qualifications) {
            let formulation = Formulation(catalogue: catalogue, request: goalRequest, qualification: qualification)
            if formulation.stopped { return .stopped(.timeLimit) }
            if formulation.structurallyInfeasible { return try infeasibility(requests: requests, request: request, external: external) }
            formulations.append(formulation)
        }
        var union = UnionModel(formulations, goals: names)
        var eligibility = Eligibility(
            catalogue: catalogue, constraints: request.constraints, qualification: qualifications[0], today: request.today,
            hoursPerECTS: request.hoursPerECTS)
        eligibility.withdrawn = request.withdrawn
        let held = request.heldCatalogueIDs
        union.addExternalTakes(external.flatMap(\.usableCredentials), catalogue: catalogue, eligibility: eligibility, held: held)
        var encodings: [any ExternalGoalEncoding] = []
        // External goals count credentials, not takings: they see first takings' columns only.
        let shared = union.takes.filter { Plan.taking($0.key) == nil }
        for goal in external { encodings.append(try goal.encode(into: &union.model, take: shared)) }
        var model = union.model
        let cost = union.objective(.cost, catalogue: catalogue, hoursPerECTS: request.hoursPerECTS)
        let workload = union.objective(.workload, catalogue: catalogue, hoursPerECTS: request.hoursPerECTS)
        if let budget = request.constraints.budget { model.add(Constraint(cost, .lessOrEqual, budget), name: "budget") }
        if let hours = request.constraints.maxHours { model.add(Constraint(workload, .lessOrEqual, hours), name: "max_hours") }
        var stages = request.objectives.map { union.objective($0, catalogue: catalogue, hoursPerECTS: request.hoursPerECTS) }
        stages += union.tieBreaks
        let result = try model.minimizeLexicographically(stages, options: request.solverOptions)
        switch result.status {
        case .infeasible: return try infeasibility(requests: requests, request: request, external: external)
        case .timeLimit, .unbounded: return .stopped(result.status)
        case .optimal, .feasible: break
        }
        let final = result.final
        // Every taking: a credential's first, and a repeatable one's further takings (`c[2]`).
        let takings = union.takes.keys.sorted().filter { final.isSet(union.takes[$0]!) }
        var times: [String: Int] = [:]
        for taking in takings { times[Plan.credentialID(ofTaking: taking), default: 0] += 1 }
        let taken = times.keys.sorted()
        let repeats = times.filter { $0.value > 1 }
        var parts: [Plan] = []
        var violations: [String] = []
        for (position, formulation) in formulations.enumerated() {
            let goalSolution = union.solution(ofGoal: position, in: final, formulation: formulation, catalogue: catalogue)
            let part = extract(goalSolution, formulation: formulation, request: requests[position], result: result, model: model)
            violations += PlanChecker(catalogue: catalogue, request: requests[position]).violations(of: part).map { "\(goals[position]): \($0)" }
            parts.append(part)
        }
        var externalParts: [ExternalGoalPart] = []
        for encoding in encodings {
            let part = try encoding.part(of: final, taken: Set(taken))
            violations += part.violations.map { "\(part.goal): \($0)" }
            externalParts.append(part)
        }
        // Every taken credential's prerequisites are held or taken: external goals' credentials
        // have no qualification's checker to see to it.
        let available = Set(taken).union(held)
        for id in taken where catalogue.credential(id)?.prerequisites?.isMet(by: available.contains) == false {
            violations.append("\(id) is taken without its prerequisites")
        }
        // Every taking is some goal's: counted there or a prerequisite of one that is.
        var claimed = Set(parts.flatMap(\.takings) + externalParts.flatMap(\.taken))
        var pending = externalParts.flatMap(\.taken)
        while let id = pending.popLast() {
            for needed in catalogue.credential(id)?.prerequisites?.credentialIDs ?? [] where available.contains(needed) && claimed.insert(needed).inserted {
                pending.append(needed)
            }
        }
        violations += takings.filter { !claimed.contains($0) }.map { "\($0) is taken but serves no goal" }
        let takenCredentials = takings.map(Plan.credentialID(ofTaking:)).compactMap(catalogue.credential)
        let totals = Plan.Totals(
            cost: takenCredentials.reduce(0) { $0 + (catalogue.costInBaseCurrency($1) ?? 0) },
            hours: takenCredentials.reduce(0) { $0 + $1.learningHours(hoursPerECTS: request.hoursPerECTS) },
            ects: takenCredentials.reduce(0) { $0 + $1.credits },
            countedECTS: parts.reduce(0) { $0 + $1.totals.countedECTS })
        if let budget = request.constraints.budget, totals.cost > budget + 1e-6 { violations.append("the union costs \(totals.cost), over the budget of \(budget)") }
        if let hours = request.constraints.maxHours, totals.hours > hours + 1e-6 { violations.append("the union takes \(totals.hours) hours, over the limit of \(hours)") }
        guard violations.isEmpty else { throw PlanningError.inconsistentPlan(violations) }
        var countsToward: [String: [String]] = [:]
        for (goal, part) in zip(goals, parts) {
            for item in part.applications.keys.sorted() { countsToward[item, default: []].append(goal) }
        }
        for part in externalParts {
            for credential in Set(part.contributions.map(\.credential)).sorted() { countsToward[credential, default: []].append(part.goal) }
        }
        let gap = result.gap(ofFirst: request.objectives.count)
        return .planned(MultiGoalPlan(
            goals: parts, taken: taken, repeats: repeats, totals: totals, objectives: request.objectives,
            objectiveValues: request.objectives.map { objective in
                switch objective {
                case .cost: totals.cost
                case .workload: totals.hours
                case .ects: totals.ects
                case .count: Double(takings.count)
                case .duration: 0
                }
            },
            status: gap == 0 && result.stages.count >= request.objectives.count ? .optimal : .feasible,
            countsToward: countsToward,
            external: externalParts,
            modelSize: Plan.ModelSize(
                rows: model.rows.count, columns: model.variables.count,
                integerColumns: model.numberOfIntegerVariables, nonZeros: model.numberOfNonZeros)))
    }

    /// Why no plan meets every goal: the first goal without a plan of its own, with its
    /// diagnosis; otherwise the goals (with the union's limits) conflict.
    private func infeasibility(requests: [PlanRequest], request: PlanRequest, external: [any ExternalGoal]) throws -> MultiGoalOutcome {
        for goalRequest in requests {
            var alone = goalRequest
            alone.constraints.budget = request.constraints.budget
            alone.constraints.maxHours = request.constraints.maxHours
            alone.pruneDominated = true
            switch try plan(alone) {
            case .infeasible(let diagnosis): return .infeasible(goal: goalRequest.target, diagnosis)
            case .stopped(let status): return .stopped(status)
            case .planned: continue
            }
        }
        for goal in external {
            if let reasons = try goal.reasonsUnreachableAlone(within: request.constraints) { return .unreachable(goal: goal.id, reasons: reasons) }
        }
        if request.solverOptions.deadline?.hasPassed == true { return .stopped(.timeLimit) }
        return .infeasible(goal: nil, Diagnosis(cause: .conflict, summary: .requirementsConflict, unmet: []))
    }
}

/// The goals' models side by side in one: each goal's columns and rows copied under the
/// goal's name (`goal/…`), except its take columns, which become one shared x[c] per credential.
struct UnionModel {
    var model: Model
    /// The shared x[c], by credential id.
    var takes: [String: Variable] = [:]
    /// For each goal, its columns' places in the union model, by the goal's column index.
    var columnMaps: [[Variable]] = []

    init(_ formulations: [Formulation], goals: [String]) {
        model = Model(name: "plan_" + goals.joined(separator: "+"))
        // Shared columns first, in id order, so that the union is the same whatever the goals' order.
        let ids = Set(formulations.flatMap { $0.take.keys }).sorted()
        for id in ids { takes[id] = model.addBinary("take[\(id)]") }
        for (formulation, goal) in zip(formulations, goals) {
            let sharedByIndex = Dictionary(uniqueKeysWithValues: formulation.take.map { ($0.value.index, $0.key) })
            var map: [Variable] = []
            for (index, column) in formulation.model.variables.enumerated() {
                if let id = sharedByIndex[index], let shared = takes[id] {
                    map.append(shared)
                } else {
                    map.append(model.addVariable("\(goal)/\(column.name)", column.kind, lowerBound: column.lowerBound, upperBound: column.upperBound))
                }
            }
            for row in formulation.model.rows {
                let expression = LinearExpression(terms: row.constraint.expression.sortedTerms.map { ($0.coefficient, map[$0.variable.index]) })
                model.add(Constraint(expression, row.constraint.relation, row.constraint.rightHandSide), name: "\(goal)/\(row.name)")
            }
            columnMaps.append(map)
        }
    }

    /// An objective over the union: each credential's figure once, however many goals it serves.
    func objective(_ objective: Objective, catalogue: Catalogue, hoursPerECTS: Double) -> LinearExpression {
        LinearExpression(terms: takes.sorted { $0.key < $1.key }.compactMap { id, take in
            // A further taking (`c[2]`) costs what its credential does, once more.
            guard let credential = catalogue.credential(Plan.credentialID(ofTaking: id)) else { return nil }
            let coefficient: Double = switch objective {
            case .duration: 0
            case .cost: catalogue.costInBaseCurrency(credential) ?? 0
            case .workload: credential.learningHours(hoursPerECTS: hoursPerECTS)
            case .ects: credential.credits
            case .count: 1
            }
            return (coefficient, take)
        })
    }

    /// The tie-break's two stages (``TieBreak``) over the union's takings in id order.
    var tieBreaks: [LinearExpression] {
        TieBreak.stages(ranked: takes.keys.sorted().enumerated().map { (rank: $0.offset, take: takes[$0.element]!) })
    }

    /// The union's solution as the goal's own model sees it, with the goal's take columns kept
    /// only for what the goal uses: the takings that count toward it (with a further taking,
    /// the ones before it) and, through prerequisites, the taken credentials these need.
    func solution(ofGoal position: Int, in union: Solution, formulation: Formulation, catalogue: Catalogue) -> Solution {
        let map = columnMaps[position]
        var values = map.map { union[$0] }
        var used: Set<String> = []
        for assignment in formulation.assignments where values[assignment.variable.index] > 0.5 {
            let item = formulation.items[assignment.item]
            guard !item.isHeld, let id = item.catalogueID else { continue }
            // The k-th taking needs the ones before it (x[c[k]] ≤ x[c[k-1]] in every goal's model).
            for time in 1...(Plan.taking(item.id)?.time ?? 1) {
                let taking = time == 1 ? id : Plan.takingID(id, time)
                if formulation.take[taking] != nil { used.insert(taking) }
            }
        }
        var pending = Array(used)
        while let taking = pending.popLast() {
            for needed in catalogue.credential(Plan.credentialID(ofTaking: taking))?.prerequisites?.credentialIDs ?? [] {
                guard let take = formulation.take[needed], values[take.index] > 0.5, !used.contains(needed) else { continue }
                used.insert(needed)
                pending.append(needed)
            }
        }
        for (id, take) in formulation.take where !used.contains(id) { values[take.index] = 0 }
        var solution = union
        solution.values = values
        return solution
    }
}
