import Foundation
import MILP

/// Why no plan reaches a qualification, from the most fundamental reason down.
public struct Diagnosis: Sendable, Equatable {
    public enum Cause: String, Sendable {
        /// Even the whole catalogue cannot meet some requirements.
        case catalogue
        /// The credentials the learner's modes, languages, accreditation or provider choices allow cannot.
        case learnerLimits
        /// Plans exist, but none within the budget, the hours or the deadline.
        case budgetOrHours
        /// Each requirement can be met alone, but not all together (overlaps, single counting, caps).
        case conflict
    }

    public struct Unmet: Sendable, Equatable {
        public var path: String
        public var requirement: String
        public var reason: String
        public var depth: Int
    }

    public var cause: Cause
    public var summary: String
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
        let heldIDs = Set(request.learner.held.compactMap(\.catalogueID))
        var limits = Eligibility(
            catalogue: catalogue, constraints: request.constraints, qualification: qualification, today: request.today,
            schedule: request.schedule, hoursPerECTS: request.hoursPerECTS)
        limits.withdrawn = request.withdrawn
        var unlimited = Eligibility(catalogue: catalogue, constraints: LearnerConstraints(), qualification: qualification, today: request.today)
        unlimited.withdrawn = request.withdrawn

        let heldItems: [CountableItem] = request.learner.held.enumerated().compactMap { position, held in
            guard limits.reasonHeldDoesNotCount(earned: held.earned) == nil
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
                let reason: String
                switch node.kind {
                case .credential(let id):
                    reason = whyNot(id, request: request, takeable: takeable, eligibility: eligibility)
                case .credits(let minimum, _):
                    let matching = reach.matching(index)
                    reason = "at most \(format(reach.supply(of: matching))) of the \(format(minimum)) ECTS can be found (\(matching.count) matching credential\(matching.count == 1 ? "" : "s"))"
                case .anyOf: reason = "none of its \(node.children.count) alternatives can be met"
                case .atLeast(let count):
                    reason = "only \(node.children.count(where: reach.isMet)) of the \(count) needed can be met"
                default: reason = "some of its parts cannot be met"
                }
                found.append(Diagnosis.Unmet(path: node.path, requirement: tree.describe(index, catalogue: catalogue), reason: reason, depth: node.depth))
                node.children.forEach(visit)
            }
            visit(RequirementTree.rootIndex)
            if !reach.isTotalMet {
                found.append(Diagnosis.Unmet(
                    path: "ects", requirement: "\(format(qualification.ects)) ECTS in all",
                    reason: "at most \(format(reach.totalSupply)) ECTS can count", depth: 0))
            }
            return found
        }

        let (everything, everythingTakeable) = reachability(unlimited)
        let catalogueGaps = unmet(everything, takeable: everythingTakeable, eligibility: unlimited)
        if !catalogueGaps.isEmpty {
            return Diagnosis(cause: .catalogue, summary: "\(qualification.id) cannot be reached even with every credential in the catalogue (held credentials count only while recent, and are never planned again)", unmet: catalogueGaps)
        }
        let (allowed, allowedTakeable) = reachability(limits)
        let limitGaps = unmet(allowed, takeable: allowedTakeable, eligibility: limits)
        if !limitGaps.isEmpty {
            return Diagnosis(cause: .learnerLimits, summary: "\(qualification.id) cannot be reached with the modes, languages, accreditation, providers and weekly hours you allow", unmet: limitGaps)
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
               let days = try bestValue(relaxed, qualification: qualification, objective: .duration) {
                earliest = start.adding(days: Int(days.rounded()) - 1)
            }
            if cheapest != nil {
                var reasons: [String] = []
                if let deadline = asked.deadline, let earliest, earliest > deadline {
                    reasons.append("the earliest any plan can finish is \(earliest), after the deadline \(deadline)")
                }
                if let budget = request.constraints.budget, let cheapest, cheapest > budget + 1e-6 {
                    reasons.append("the cheapest plan costs \(format(money: cheapest)) \(catalogue.baseCurrency), over the budget of \(format(money: budget)) \(catalogue.baseCurrency)")
                }
                if let hours = request.constraints.maxHours, let lightest, lightest > hours + 1e-6 {
                    reasons.append("the lightest plan needs \(format(lightest)) learning hours, over the limit of \(format(hours))")
                }
                if reasons.isEmpty { reasons.append("no plan keeps within the budget, the hours and the deadline at once") }
                return Diagnosis(
                    cause: .budgetOrHours, summary: reasons.joined(separator: "; "), unmet: [],
                    cheapestCost: cheapest, leastHours: lightest, earliestCompletion: earliest)
            }
        }
        if let settings = request.schedule {
            return Diagnosis(
                cause: .conflict,
                summary: "no schedule fits: within \(format(settings.hoursPerWeek)) learning hours a week from \(settings.start), the offerings on the calendar cannot run every credential needed, in prerequisite order, within \(settings.maxHorizonWeeks) weeks (or the requirements conflict)",
                unmet: [])
        }
        return Diagnosis(
            cause: .conflict,
            summary: "each requirement can be met on its own, but not all together: overlapping credentials exclude each other, a credential counts toward one requirement only, or a cap on credits binds",
            unmet: [])
    }

    func whyNot(_ id: String, request: PlanRequest, takeable: Set<String>, eligibility: Eligibility) -> String {
        if let held = request.learner.held.first(where: { $0.catalogueID == id }) {
            return "held, but it cannot count: " + (eligibility.reasonHeldDoesNotCount(earned: held.earned) ?? "it is not eligible")
        }
        guard let credential = catalogue.credential(id) else { return "the catalogue has no credential \(id)" }
        if let reason = eligibility.reasonNotOffered(credential) { return "\(id) is \(reason)" }
        if !takeable.contains(id) {
            let held = Set(request.learner.held.compactMap(\.catalogueID))
            let missing = credential.prerequisites?.credentialIDs.filter { !takeable.contains($0) && !held.contains($0) } ?? []
            return "its prerequisites cannot be met" + (missing.isEmpty ? "" : " (\(missing.joined(separator: ", ")) out of reach)")
        }
        return "it cannot be taken"
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

func format(money value: Double) -> String {
    let cents = (value * 100).rounded() / 100
    return cents.rounded() == cents ? String(Int(cents)) : String(format: "%.2f", cents)
}
