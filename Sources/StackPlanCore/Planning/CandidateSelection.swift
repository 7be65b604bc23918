/// Which catalogue credentials a plan's model gets columns for, decided before any column
/// exists: those the learner may take, whose prerequisites can be met, and that either fit a
/// leaf or are needed before one that does (nothing else can change the optimum), less those
/// that provably no optimal plan takes (docs/formulation.md §5.1).
struct CandidateSelection {
    /// A candidate and the item it counts as.
    struct Candidate {
        let credential: Credential
        let item: CountableItem
    }

    /// The candidates after pruning, in id order.
    private(set) var candidates: [Candidate] = []
    /// Each candidate's place in the id order of all candidates before pruning: the tie-break
    /// weighs by these, so that pruning leaves it the same function.
    private(set) var tieBreakRank: [String: Int] = [:]
    /// How many candidates there were before pruning (`nil` when not pruning).
    private(set) var unprunedCount: Int?
    /// The candidates before pruning (kept only with a schedule, whose horizon they decide).
    private(set) var unpruned: [Credential] = []

    init(catalogue: Catalogue, request: PlanRequest, tree: RequirementTree, eligibility: Eligibility, heldIDs: Set<String>) {
        let hoursPerECTS = request.hoursPerECTS
        // Positions in `catalogue.credentials` rather than copies: a national catalogue's
        // sub-catalogue can hold tens of thousands of credentials, and a copy costs a dozen retains.
        let all = catalogue.credentials
        let takeable = Formulation.takeable(
            all.indices.filter { !heldIDs.contains(all[$0].id) && eligibility.reasonNotOffered(all[$0]) == nil },
            of: all, held: heldIDs)
        var takeableByID: [String: Candidate] = [:]
        takeableByID.reserveCapacity(takeable.count)
        var useful: [String] = []
        for position in takeable {
            let item = CountableItem(credential: all[position], in: catalogue, hoursPerECTS: hoursPerECTS)
            takeableByID[all[position].id] = Candidate(credential: all[position], item: item)
            if !tree.leaves(accepting: item).isEmpty { useful.append(all[position].id) }
        }
        /// The takeable credentials `start` needs, directly or through prerequisites, `start` included, in id order.
        func closure(_ start: [String]) -> [Candidate] {
            var seen = Set(start)
            var pending = start
            while let id = pending.popLast() {
                guard let candidate = takeableByID[id] else { continue }
                for next in candidate.credential.prerequisites?.credentialIDs ?? [] where seen.insert(next).inserted {
                    pending.append(next)
                }
            }
            return seen.sorted().compactMap { takeableByID[$0] }
        }
        candidates = closure(useful)
        for (rank, candidate) in candidates.enumerated() { tieBreakRank[candidate.credential.id] = rank }
        if request.schedule != nil { unpruned = candidates.map(\.credential) }
        // The dominance argument does not cover an advisor's exceptions: with them, every candidate stays.
        guard request.pruneDominated && request.exceptions.isEmpty else { return }
        unprunedCount = candidates.count
        let dominance = Dominance(
            tree: tree, request: request, heldIDs: heldIDs,
            forcedECTS: Self.forcedECTS(tree: tree, catalogue: catalogue),
            candidates: candidates.enumerated().map { rank, candidate in
                Dominance.Candidate(
                    credential: candidate.credential, item: candidate.item, rank: rank,
                    cost: catalogue.costInBaseCurrency(candidate.credential) ?? 0)
            },
            overlapping: Self.overlappingIDs(present: heldIDs.union(candidates.map(\.credential.id)), catalogue: catalogue))
        // Each round argues on the model the previous one left, whose optimal plans are the
        // same: a credential named only by pruned candidates' prerequisites is free there.
        var pruned: Set<String> = []
        while true {
            let required = Set(candidates.flatMap { $0.credential.prerequisites?.credentialIDs ?? [] })
            let more = dominance.dominated(required: required, among: Set(candidates.map(\.credential.id))).subtracting(pruned)
            if more.isEmpty { break }
            pruned.formUnion(more)
            candidates = closure(useful.filter { !pruned.contains($0) })
        }
    }

    /// Ids in an overlap that can have a row: both sides candidates or held. (Only these
    /// matter, and they are the same in the whole catalogue and in a sub-catalogue.)
    static func overlappingIDs(present: Set<String>, catalogue: Catalogue) -> Set<String> {
        var overlapping: Set<String> = []
        for id in present {
            for other in catalogue.credential(id)?.excludes ?? [] where present.contains(other) {
                overlapping.insert(id)
                overlapping.insert(other)
            }
        }
        return overlapping
    }

    /// ECTS of the credentials named by required `credential` leaves, which count in every plan.
    static func forcedECTS(tree: RequirementTree, catalogue: Catalogue) -> Double {
        var forced: Set<String> = []
        // Iterative: a requirement tree's depth is the catalogue's to choose.
        var pending = [RequirementTree.rootIndex]
        while let index = pending.popLast() {
            switch tree.nodes[index].kind {
            case .credential(let id): forced.insert(id)
            case .allOf, .qualification: pending.append(contentsOf: tree.nodes[index].children)
            default: break
            }
        }
        return forced.reduce(0) { $0 + (catalogue.credential($1)?.credits ?? 0) }
    }
}
