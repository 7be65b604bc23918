import MILP

/// One way the elastic model lets a requirement fall short, and the column that measures it.
struct ElasticTerm {
    /// `threshold`: credentials or different values a count or distinct rule lacks; relaxed so
    /// that the elastic model stays feasible, not yet listed among the shortfalls.
    enum Kind { case credential, credits, threshold, cap, total, priorCap }
    let kind: Kind
    /// The requirement node; `nil` for the total and the prior-learning cap.
    let node: Int?
    let variable: Variable
    /// Price per unit of shortfall, in ECTS: a waived credential leaf costs the ECTS it asks for.
    let weight: Double
}

/// How much work the elastic diagnosis may do: counts, so that a diagnosis never depends on the
/// machine's speed or load.
public struct ShortfallWorkLimits: Sendable, Equatable {
    /// Most branch-and-bound nodes.
    public var nodes: Int
    /// Most simplex iterations for the root relaxation.
    public var iterations: Int

    /// The limits a diagnosis uses unless told otherwise: on the bundled catalogue's hardest
    /// diagnosis (a master's on a calendar) well above what a proof needs.
    public init(nodes: Int = 5_000, iterations: Int = 1_000_000) {
        self.nodes = nodes
        self.iterations = iterations
    }
}

/// What the elastic model finds missing: one requirement, how far it falls short, and what the catalogue offers toward it.
public struct Shortfall: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case credential, credits, cap, total, priorCap }
    public var kind: Kind
    /// The requirement's path; `ects` for the total, `prior` for the prior-learning cap.
    public var path: String
    public var requirement: String
    /// ECTS missing (credits, total), ECTS over (cap, prior), or 1 for a credential that cannot be had.
    public var amount: Double
    /// ECTS of credentials in the catalogue (and held) that fit a credits requirement, and how many of those your limits allow.
    public var catalogueECTS: Double?
    public var allowedECTS: Double?
    /// ECTS the requirement asks for: a credits leaf's minimum, the total, or the cap on prior learning.
    public var needed: Double?
    /// A credits leaf's filter, and the ECTS of held items among those that fit it.
    public var filter: CredentialFilter?
    public var heldECTS: Double?
    /// The learner's limits in force when fewer ECTS fit them than the catalogue offers.
    public var limits: [ActiveLimit] = []
    /// Why a credential leaf's credential cannot be had.
    public var reason: UnmetReason?
}

/// One of the learner's own limits (or a set of them) whose relaxation makes the target reachable.
public struct Relaxation: Sendable, Equatable, Codable {
    /// `budget`, `maxHours`, `deadline`, `languages`, `modes`, `accreditedOnly`, `excludeProviders`,
    /// `hoursPerWeek`.
    public var limits: [String]
    /// The smallest change: one per limit relaxed.
    public var changes: [RelaxationChange]
    /// The new limit value where it is a number: the budget, the hours or the hours a week needed.
    public var value: Double?
    /// Languages, modes, providers or credentials the change admits.
    public var admitted: [String]
    /// The completion date needed, for a deadline; the day the plan then finishes, for hours a week.
    public var completion: Day?
    /// What the cheapest plan under the relaxation costs, in the base currency.
    public var planCost: Double
    public var currency: String
    /// The relaxation whose plan costs least.
    public var cheapest: Bool
}

extension Planner {
    /// Adds to a diagnosis what the elastic model finds missing and which of the learner's own
    /// limits, relaxed, would make the target reachable.
    func findShortfalls(_ request: PlanRequest, qualification: Qualification, diagnosis: Diagnosis) throws -> Diagnosis {
        var result = diagnosis
        (result.shortfalls, result.shortfallIsSmallest, result.shortfallLimitReached) = try elasticShortfalls(request, qualification: qualification)
        // A requirement that even the whole catalogue cannot meet is beyond any limit of the learner's.
        if diagnosis.cause != .catalogue { result.relaxations = try relaxations(request, qualification: qualification) }
        return result
    }

    // MARK: The elastic model

    /// Minimises the weighted shortfall: ECTS missing at credit leaves and in the total, the ECTS
    /// of credential leaves that cannot be had, ECTS over caps. Every rule else stays hard,
    /// including the learner's limits, so the answer is "what is missing within your limits".
    ///
    /// With a long calendar the elastic model is a hard packing problem, so its solve is held to
    /// ``shortfallLimits``: counts of work, never seconds, so that the same input always gives
    /// the same diagnosis. `limitReached` says when the limit, not a proof, ended the search.
    func elasticShortfalls(_ request: PlanRequest, qualification: Qualification) throws -> (shortfalls: [Shortfall], proven: Bool, limitReached: Bool) {
        var formulation = Formulation(catalogue: catalogue, request: request, qualification: qualification)
        let shortfalls = formulation.relaxRequirements()
        let shortfall = LinearExpression(terms: shortfalls.map { ($0.weight, $0.variable) })
        // Only the shortfall matters here: a tie-break stage would spend the work limit proving
        // which of many equally short schedules is first, for figures that do not change.
        var options = request.solverOptions
        options.timeLimit = nil
        options.nodeLimit = shortfallLimits.nodes
        options.iterationLimit = shortfallLimits.iterations
        let result = try formulation.model.minimizeLexicographically([shortfall], options: options)
        let limitReached = result.stages.contains(where: \.reachedWorkLimit)
        guard result.final.status.hasSolution else { return ([], false, limitReached) }
        let solution = result.final
        let tree = formulation.tree
        let limits = formulation.eligibility
        var unlimited = Eligibility(catalogue: catalogue, constraints: LearnerConstraints(), qualification: qualification, today: request.today)
        unlimited.withdrawn = request.withdrawn
        let heldIDs = formulation.heldIDs
        let allowedTakeable = Set(Formulation.takeable(
            catalogue.credentials.filter { !heldIDs.contains($0.id) && limits.reasonNotOffered($0) == nil }, held: heldIDs).map(\.id))
        let anyTakeable = Formulation.takeable(
            catalogue.credentials.filter { !heldIDs.contains($0.id) && unlimited.reasonNotOffered($0) == nil }, held: heldIDs)
        let heldItems = formulation.items.filter(\.isHeld)
        let activeLimits = describeLimits(request)

        var found: [Shortfall] = []
        for term in shortfalls {
            // The tie-break stage may use the first stage's slack: round it away.
            let amount = (solution[term.variable] * 1e4).rounded() / 1e4
            guard amount > 0 else { continue }
            switch term.kind {
            case .threshold: continue
            case .credits:
                let index = term.node!
                let node = tree.nodes[index]
                guard case .credits(let minimum, let filter) = node.kind else { continue }
                let fitting = anyTakeable.filter { tree.accepts(node, CountableItem(credential: $0, in: catalogue, hoursPerECTS: request.hoursPerECTS)) }
                let heldFitting = heldItems.filter { tree.accepts(node, $0) }.reduce(0) { $0 + $1.ects }
                // A repeatable credential offers its credits once for each taking the plan may make.
                func offers(_ credential: Credential) -> Double {
                    credential.credits * Double(max(1, min(credential.repeatable ?? 1, InputLimits.repeats.upperBound)))
                }
                let offered = fitting.reduce(0) { $0 + offers($1) } + heldFitting
                let allowed = fitting.filter { allowedTakeable.contains($0.id) }.reduce(0) { $0 + offers($1) } + heldFitting
                found.append(Shortfall(kind: .credits, path: node.path, requirement: tree.describe(index, catalogue: catalogue), amount: amount,
                                       catalogueECTS: offered, allowedECTS: allowed, needed: minimum, filter: filter, heldECTS: heldFitting,
                                       limits: allowed < offered - 1e-9 ? activeLimits : []))
            case .credential:
                let index = term.node!
                guard case .credential(let id) = tree.nodes[index].kind else { continue }
                let reason = whyNot(id, request: request, takeable: allowedTakeable, eligibility: limits)
                found.append(Shortfall(kind: .credential, path: tree.nodes[index].path, requirement: tree.describe(index, catalogue: catalogue),
                                       amount: 1, reason: reason))
            case .cap:
                let index = term.node!
                found.append(Shortfall(kind: .cap, path: tree.nodes[index].path, requirement: tree.describe(index, catalogue: catalogue), amount: amount))
            case .total:
                found.append(Shortfall(kind: .total, path: "ects", requirement: "\(format(qualification.ects)) ECTS in all", amount: amount,
                                       needed: qualification.ects))
            case .priorCap:
                found.append(Shortfall(kind: .priorCap, path: "prior", requirement: "at most \(format(qualification.rules.maxPriorECTS ?? 0)) ECTS of prior learning", amount: amount,
                                       needed: qualification.rules.maxPriorECTS ?? 0))
            }
        }
        return (found, result.status == .optimal, limitReached)
    }

    private func describeLimits(_ request: PlanRequest) -> [ActiveLimit] {
        let limits = request.constraints
        var active: [ActiveLimit] = []
        if let languages = limits.languages { active.append(.languages(languages)) }
        if let modes = limits.modes { active.append(.modes(modes)) }
        if limits.accreditedOnly { active.append(.accreditedOnly) }
        if !limits.excludeProviders.isEmpty { active.append(.excludedProviders(limits.excludeProviders)) }
        if let schedule = request.schedule { active.append(.weeklyHours(schedule.hoursPerWeek, from: schedule.start)) }
        return active
    }

    // MARK: Relaxing the learner's limits

    private enum Limit: String, CaseIterable {
        case budget, maxHours, deadline, languages, modes, accreditedOnly, excludeProviders

        func isSet(in constraints: LearnerConstraints) -> Bool {
            switch self {
            case .budget: constraints.budget != nil
            case .maxHours: constraints.maxHours != nil
            case .deadline: constraints.deadline != nil
            case .languages: constraints.languages != nil
            case .modes: constraints.modes != nil
            case .accreditedOnly: constraints.accreditedOnly
            case .excludeProviders: !constraints.excludeProviders.isEmpty
            }
        }

        func lift(_ constraints: inout LearnerConstraints) {
            switch self {
            case .budget: constraints.budget = nil
            case .maxHours: constraints.maxHours = nil
            case .deadline: constraints.deadline = nil
            case .languages: constraints.languages = nil
            case .modes: constraints.modes = nil
            case .accreditedOnly: constraints.accreditedOnly = false
            case .excludeProviders: constraints.excludeProviders = []
            }
        }
    }

    /// Each limit the learner set is lifted in turn; where that admits a plan, the smallest change
    /// that does is found by minimising how far the plan goes past the old limit (the cost over
    /// the budget, the languages added, ...), then its cost. If no single limit is enough, all are
    /// lifted together and then restored one by one while a plan remains: a smallest set to relax.
    func relaxations(_ request: PlanRequest, qualification: Qualification) throws -> [Relaxation] {
        var found = try relaxationsOfLimits(request, qualification: qualification)
        // The weekly hours are a limit too, though not one the model can minimise (WeeklyHoursRelaxation.swift).
        if let weekly = try weeklyHoursRelaxation(request, qualification: qualification) { found.append(weekly) }
        if let cheapest = found.indices.min(by: { found[$0].planCost < found[$1].planCost - 1e-9 }) { found[cheapest].cheapest = true }
        return found
    }

    private func relaxationsOfLimits(_ request: PlanRequest, qualification: Qualification) throws -> [Relaxation] {
        let set = Limit.allCases.filter { $0.isSet(in: request.constraints) }
        guard !set.isEmpty else { return [] }
        var found: [Relaxation] = []
        for limit in set {
            var relaxed = request
            limit.lift(&relaxed.constraints)
            if let relaxation = try smallestChange(lifting: [limit], from: request, relaxed: relaxed, qualification: qualification) {
                found.append(relaxation)
            }
        }
        if found.isEmpty && set.count > 1 {
            var lifted = set
            var everything = request
            set.forEach { $0.lift(&everything.constraints) }
            guard try isReachable(everything, qualification: qualification) else { return [] }
            for limit in set {
                var attempt = request
                lifted.filter { $0 != limit }.forEach { $0.lift(&attempt.constraints) }
                if try isReachable(attempt, qualification: qualification) { lifted.removeAll { $0 == limit } }
            }
            var relaxed = request
            lifted.forEach { $0.lift(&relaxed.constraints) }
            if let relaxation = try smallestChange(lifting: lifted, from: request, relaxed: relaxed, qualification: qualification) {
                found.append(relaxation)
            }
        }
        return found
    }

    private func isReachable(_ request: PlanRequest, qualification: Qualification) throws -> Bool {
        guard reachabilityDiagnosis(request, qualification: qualification) == nil else { return false }
        if case .planned = try attempt(request, qualification: qualification) { return true }
        return false
    }

    private func smallestChange(lifting limits: [Limit], from original: PlanRequest, relaxed: PlanRequest, qualification: Qualification) throws -> Relaxation? {
        // The optimistic test first: proving a big schedule model infeasible can take the
        // solver's whole time limit, while this settles most hopeless relaxations at once.
        if reachabilityDiagnosis(relaxed, qualification: qualification) != nil { return nil }
        var formulation = Formulation(catalogue: catalogue, request: relaxed, qualification: qualification)
        guard !formulation.structurallyInfeasible else { return nil }
        let old = original.constraints
        // With one limit lifted, first minimise how far past it the plan goes; with several, the cost.
        var admittedBy: [(Limit, [(String, Variable)])] = []
        var measure: LinearExpression?
        if limits.count == 1 {
            switch limits[0] {
            case .budget: measure = formulation.objective(.cost)
            case .maxHours: measure = formulation.objective(.workload)
            case .deadline: measure = formulation.calendar.map { LinearExpression($0.completion) }
            case .languages, .modes, .accreditedOnly, .excludeProviders:
                let indicators = admissionIndicators(limits[0], old: old, formulation: &formulation)
                admittedBy.append((limits[0], indicators))
                measure = LinearExpression.sum(indicators.map(\.1))
            }
        } else {
            for limit in limits where [.languages, .modes, .accreditedOnly, .excludeProviders].contains(limit) {
                admittedBy.append((limit, admissionIndicators(limit, old: old, formulation: &formulation)))
            }
        }
        let stages = (measure.map { [$0] } ?? []) + [formulation.objective(.cost)] + formulation.tieBreaks
        let result = try formulation.model.minimizeLexicographically(stages, options: relaxed.solverOptions)
        guard result.final.status.hasSolution else { return nil }
        let solution = result.final
        let cost = solution.value(of: formulation.objective(.cost))
        let hours = solution.value(of: formulation.objective(.workload))
        let currency = catalogue.baseCurrency

        var changes: [RelaxationChange] = []
        var value: Double?
        var admitted: [String] = []
        var completion: Day?
        for limit in limits {
            switch limit {
            case .budget:
                value = cost
                changes.append(.budget(from: old.budget!, to: cost, currency: currency))
            case .maxHours:
                value = hours
                changes.append(.maxHours(from: old.maxHours!, to: hours))
            case .deadline:
                if let calendar = formulation.calendar, let start = relaxed.schedule?.start {
                    let days = Int(solution[calendar.completion].rounded())
                    completion = start.adding(days: days - 1)
                    changes.append(.deadline(from: old.deadline!, to: completion!))
                }
            case .languages, .modes, .accreditedOnly, .excludeProviders:
                let names = admittedBy.first { $0.0 == limit }?.1.filter { solution.isSet($0.1) }.map(\.0) ?? []
                admitted += names
                switch limit {
                case .languages: changes.append(.addLanguages(names))
                case .modes: changes.append(.addModes(names))
                case .accreditedOnly: changes.append(.acceptUnaccredited(names))
                default: changes.append(.includeProviders(names))
                }
            }
        }
        return Relaxation(
            limits: limits.map(\.rawValue), changes: changes, value: limits.count == 1 ? value : nil,
            admitted: admitted, completion: completion, planCost: cost, currency: currency, cheapest: false)
    }

    /// Binary indicators, one per language, mode, provider or credential outside the old limit,
    /// each forced to 1 by any planned credential that needs it.
    private func admissionIndicators(_ limit: Limit, old: LearnerConstraints, formulation: inout Formulation) -> [(String, Variable)] {
        var indicators: [String: Variable] = [:]
        func indicator(_ name: String) -> Variable {
            if let existing = indicators[name] { return existing }
            let variable = formulation.model.addBinary("admit[\(limit.rawValue):\(name)]")
            indicators[name] = variable
            return variable
        }
        for credential in formulation.candidates {
            guard let taken = formulation.take[credential.id] else { continue }
            switch limit {
            case .languages:
                guard let allowed = old.languages, !credential.languages.contains(where: allowed.contains) else { continue }
                let options = credential.languages.sorted().map(indicator)
                formulation.model.add(LinearExpression(taken) <= LinearExpression.sum(options), name: "admit_language[\(credential.id)]")
            case .modes:
                guard let allowed = old.modes, !allowed.contains(credential.mode) else { continue }
                formulation.model.add(taken <= indicator(credential.mode.rawValue), name: "admit_mode[\(credential.id)]")
            case .accreditedOnly:
                guard !catalogue.isAccredited(credential) else { continue }
                formulation.model.add(taken <= indicator(credential.id), name: "admit_unaccredited[\(credential.id)]")
            case .excludeProviders:
                guard old.excludeProviders.contains(credential.provider) else { continue }
                formulation.model.add(taken <= indicator(credential.provider), name: "admit_provider[\(credential.id)]")
            default: continue
            }
        }
        return indicators.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
