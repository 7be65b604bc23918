import Foundation
import MILP

/// Why no plan reaches a qualification, from the most fundamental reason down.
public struct Diagnosis: Sendable, Equatable, Codable {
    public enum Cause: String, Sendable, Codable {
        /// Even the whole catalogue cannot meet some requirements.
        case catalogue
        /// The credentials the learner's modes, languages, accreditation or provider choices allow cannot.
        case learnerLimits
        /// Plans exist, but none within the budget, the hours or the deadline.
        case budgetOrHours
        /// Each requirement can be met alone, but not all together (overlaps, single counting, caps).
        case conflict
    }

    /// The finding in one value, with its figures.
    public enum Summary: Sendable, Equatable, Codable {
        /// Even the whole catalogue cannot reach the qualification.
        case beyondCatalogue(qualification: String)
        /// The credentials the learner's limits allow cannot reach it.
        case beyondLimits(qualification: String)
        /// Plans exist, but each breaks one of these limits.
        case limits([LimitBreach])
        /// With a schedule: no calendar fits the weekly hours from the start within the horizon.
        case noScheduleFits(hoursPerWeek: Double, start: Day, maxWeeks: Int)
        /// Each requirement can be met alone, but not all together.
        case requirementsConflict

        public var code: String {
            switch self {
            case .beyondCatalogue: "beyondCatalogue"
            case .beyondLimits: "beyondLimits"
            case .limits: "limits"
            case .noScheduleFits: "noScheduleFits"
            case .requirementsConflict: "requirementsConflict"
            }
        }
    }

    public struct Unmet: Sendable, Equatable, Codable {
        public var path: String
        public var requirement: String
        public var reason: UnmetReason
        public var depth: Int
    }

    public var cause: Cause
    public var summary: Summary
    public var unmet: [Unmet]
    /// The cheapest plan's cost and the lightest plan's hours when only budget or hours stand in the way.
    public var cheapestCost: Double?
    public var leastHours: Double?
    /// The earliest any plan can finish, when a deadline stands in the way.
    public var earliestCompletion: Day?
    /// What the elastic model finds missing at the least: each requirement that falls short and by how much.
    public var shortfalls: [Shortfall] = []
    /// Whether the solver proved the shortfall smallest; a hard calendar may leave it the best found in time.
    public var shortfallIsSmallest = true
    /// Set when the elastic model's work limit (``ShortfallWorkLimits``), not a proof, ended its search.
    public var shortfallLimitReached = false
    /// The learner's own limits whose relaxation makes the target reachable, each with the smallest change.
    public var relaxations: [Relaxation] = []
}

extension Planner {
    /// The diagnoses that need no solver: requirements that no plan can meet, with or without the
    /// learner's limits (an optimistic test, so whatever fails here fails for every plan).
    func reachabilityDiagnosis(_ request: PlanRequest, qualification: Qualification) -> Diagnosis? {
        let tree = RequirementTree(qualification, in: catalogue, exceptions: request.exceptions)
        let heldIDs = request.heldCatalogueIDs
        var limits = Eligibility(
            catalogue: catalogue, constraints: request.constraints, qualification: qualification, today: request.today,
            schedule: request.schedule, hoursPerECTS: request.hoursPerECTS)
        limits.withdrawn = request.withdrawn
        var unlimited = Eligibility(catalogue: catalogue, constraints: LearnerConstraints(), qualification: qualification, today: request.today)
        unlimited.withdrawn = request.withdrawn

        let heldItems: [CountableItem] = request.learner.held.enumerated().compactMap { position, held in
            guard limits.reasonHeldDoesNotCount(held) == nil
                || tree.appliedByHand[held.catalogueID ?? "held[\(position)]"] != nil else { return nil }
            return held.item(position: position, in: catalogue, hoursPerECTS: request.hoursPerECTS)
        }
        func reachability(_ eligibility: Eligibility) -> (Reachability, Set<String>) {
            let offered = catalogue.credentials.filter { !heldIDs.contains($0.id) && eligibility.reasonNotOffered($0) == nil }
            let takeable = Formulation.takeable(offered, held: heldIDs)
            let items = heldItems + takeable.map { CountableItem(credential: $0, in: catalogue, hoursPerECTS: request.hoursPerECTS) }
            return (Reachability(tree: tree, items: items, priorCap: qualification.rules.maxPriorECTS), Set(takeable.map(\.id)))
        }

        func unmet(_ reach: Reachability, takeable: Set<String>, eligibility: Eligibility) -> [Diagnosis.Unmet] {
            var found: [Diagnosis.Unmet] = []
            func visit(_ index: Int) {
                guard !reach.isMet(index) else { return }
                let node = tree.nodes[index]
                let reason: UnmetReason
                switch node.kind {
                case .credential(let id):
                    reason = whyNot(id, request: request, takeable: takeable, eligibility: eligibility)
                case .credits(let minimum, _):
                    let matching = reach.matching(index)
                    if let (field, shown, needed) = reach.valuesShort(index), reach.supply(of: matching) >= minimum - 1e-9 {
                        reason = .tooFewValues(field: field, available: shown, needed: needed)
                    } else {
                        reason = .creditsOutOfReach(available: reach.supply(of: matching), needed: minimum, matching: matching.count)
                    }
                case .count(let minimum, _):
                    let matching = reach.matching(index)
                    if let (field, shown, needed) = reach.valuesShort(index), matching.count >= minimum {
                        reason = .tooFewValues(field: field, available: shown, needed: needed)
                    } else {
                        reason = .countOutOfReach(available: matching.count, needed: minimum)
                    }
                case .anyOf: reason = .noAlternative(alternatives: node.children.count)
                case .atLeast(let count):
                    reason = .tooFewMet(met: node.children.count(where: reach.isMet), needed: count)
                default: reason = .partsUnmet
                }
                found.append(Diagnosis.Unmet(path: node.path, requirement: tree.describe(index, catalogue: catalogue), reason: reason, depth: node.depth))
                node.children.forEach(visit)
            }
            visit(RequirementTree.rootIndex)
            if !reach.isTotalMet {
                found.append(Diagnosis.Unmet(
                    path: "ects", requirement: "\(format(qualification.ects)) ECTS in all",
                    reason: .totalOutOfReach(available: reach.totalSupply, needed: qualification.ects), depth: 0))
            }
            return found
        }

        let (everything, everythingTakeable) = reachability(unlimited)
        let catalogueGaps = unmet(everything, takeable: everythingTakeable, eligibility: unlimited)
        if !catalogueGaps.isEmpty {
            return Diagnosis(cause: .catalogue, summary: .beyondCatalogue(qualification: qualification.id), unmet: catalogueGaps)
        }
        let (allowed, allowedTakeable) = reachability(limits)
        let limitGaps = unmet(allowed, takeable: allowedTakeable, eligibility: limits)
        if !limitGaps.isEmpty {
            return Diagnosis(cause: .learnerLimits, summary: .beyondLimits(qualification: qualification.id), unmet: limitGaps)
        }
        return nil
    }

    func diagnose(_ request: PlanRequest, qualification: Qualification) throws -> Diagnosis {
        if let found = reachabilityDiagnosis(request, qualification: qualification) { return found }

        var relaxed = request
        relaxed.constraints.budget = nil
        relaxed.constraints.maxHours = nil
        relaxed.constraints.deadline = nil
        let asked = request.constraints
        if asked.budget != nil || asked.maxHours != nil || asked.deadline != nil {
            let cheapest = try bestValue(relaxed, qualification: qualification, objective: .cost)
            let lightest = try bestValue(relaxed, qualification: qualification, objective: .workload)
            var earliest: Day?
            if let start = request.schedule?.start, asked.deadline != nil,
               let days = try bestValue(relaxed, qualification: qualification, objective: .duration),
               days.isFinite, abs(days) < 1e7 {
                earliest = start.adding(days: Int(days.rounded()) - 1)
            }
            if cheapest != nil {
                var breaches: [LimitBreach] = []
                if let deadline = asked.deadline, let earliest, earliest > deadline {
                    breaches.append(.deadline(earliest: earliest, deadline: deadline))
                }
                if let budget = request.constraints.budget, let cheapest, cheapest > budget + 1e-6 {
                    breaches.append(.budget(cheapest: cheapest, budget: budget, currency: catalogue.baseCurrency))
                }
                if let hours = request.constraints.maxHours, let lightest, lightest > hours + 1e-6 {
                    breaches.append(.hours(least: lightest, limit: hours))
                }
                if breaches.isEmpty { breaches.append(.together) }
                return Diagnosis(
                    cause: .budgetOrHours, summary: .limits(breaches), unmet: [],
                    cheapestCost: cheapest, leastHours: lightest, earliestCompletion: earliest)
            }
        }
        if let settings = request.schedule {
            return Diagnosis(
                cause: .conflict,
                summary: .noScheduleFits(hoursPerWeek: settings.hoursPerWeek, start: settings.start, maxWeeks: settings.maxHorizonWeeks),
                unmet: [])
        }
        return Diagnosis(
            cause: .conflict,
            summary: .requirementsConflict,
            unmet: [])
    }

    func whyNot(_ id: String, request: PlanRequest, takeable: Set<String>, eligibility: Eligibility) -> UnmetReason {
        if let held = request.learner.held.first(where: { $0.catalogueID == id }) {
            return .heldCannotCount(eligibility.reasonHeldDoesNotCount(held))
        }
        guard let credential = catalogue.credential(id) else { return .unknownCredential(id) }
        if let reason = eligibility.reasonNotOffered(credential) { return .notOffered(credential: id, reason) }
        if !takeable.contains(id) {
            let held = request.heldCatalogueIDs
            let missing = credential.prerequisites?.credentialIDs.filter { !takeable.contains($0) && !held.contains($0) } ?? []
            return .prerequisitesOutOfReach(missing: missing)
        }
        return .notTogether
    }

    private func bestValue(_ request: PlanRequest, qualification: Qualification, objective: Objective) throws -> Double? {
        // Pruning keeps what is optimal for the objectives of its request: this one.
        var request = request
        request.objectives = [objective]
        let formulation = Formulation(catalogue: catalogue, request: request, qualification: qualification)
        var model = formulation.model
        model.minimize(formulation.objective(objective))
        let solution = try model.solve(request.solverOptions)
        return solution.status.hasSolution ? solution.objectiveValue : nil
    }
}

/// Money to the cent, without a fraction when whole. Never converts to Int: a fee of 1e19 is a
/// figure to print, not a reason to trap.
func format(money value: Double) -> String {
    guard value.isFinite else { return String(value) }
    // Past 1e15 a Double has no cents left, and multiplying by 100 could overflow.
    if abs(value) >= 1e15 { return String(format: "%.0f", value.rounded()) }
    let cents = (value * 100).rounded() / 100
    if cents == 0 { return "0" }
    return cents.rounded() == cents ? String(format: "%.0f", cents) : String(format: "%.2f", cents)
}
