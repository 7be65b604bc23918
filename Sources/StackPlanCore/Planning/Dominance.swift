/// Finds candidates that no optimal plan takes, because enough interchangeable credentials are
/// at least as good in every stage of the objective, so that the model can leave them out.
///
/// The argument (docs/formulation.md §5.1). Call a candidate *free* if it is named in no
/// candidate's prerequisites, takes part in no overlap, and its own prerequisites are met by
/// what the learner holds. Candidate k *dominates* candidate j if
///
/// - both are accepted by exactly the same leaves, all of them `credits` leaves, and match
///   exactly the same caps;
/// - k is free;
/// - e_k ≥ e_j, with equality when a cap matches them or `ects` is an objective;
/// - c_k ≤ c_j when cost is an objective or there is a budget, h_k ≤ h_j when workload is an
///   objective or there is an hours limit;
/// - k is strictly better in an objective (cost or workload), or else comes before j in id
///   order (the tie-break);
/// - with a schedule, k and j have the same runs: both self-paced for the same number of
///   weeks, or the same dated offerings (none with a fee of its own), and the same hours, so
///   that k can run exactly when j ran, with the same weekly load and the same end; or both
///   are self-paced, k runs no more weeks than j and, unless j is *alone in its weeks*
///   (below), puts no more hours into each of them.
///
/// A self-paced run puts the same load (hours over weeks) into every week it runs, and may
/// start any week. Started on j's first day, a self-paced k no longer than j touches only j's
/// weeks and ends no later; with no heavier a load it keeps every week within the weekly
/// hours that j kept. A self-paced credential is alone in its weeks when its weekly load plus
/// the lightest load any candidate's run can put into a week exceeds the weekly hours: no other
/// run ever shares a week with it, so k need only fit the weekly hours itself, whatever its
/// load (docs/formulation.md §5.1). When two measures are compared, the sweep has no room
/// for length and load together: self-paced credentials are then compared only with those
/// of the same runs, or when alone in their weeks, on length.
///
/// Take a lexicographically optimal plan P* (all stages, the tie-break included) with j in it.
/// Removing j, or a free credential, from P* lowers the count and breaks no row unless it is
/// *needed*: removing it, all else fixed, breaks a `credits` row it is applied to or the total.
/// If b credentials of at least e_j ECTS each are needed for one row with threshold m, the
/// row's supply is at least their sum and yet below m plus the smallest of them, so
/// (b − 1)·e_j < m and b ≤ ⌈m/e_j⌉. For the total, the credentials named by required
/// `credential` leaves (F ECTS, none of them in a group) always count too, so the threshold
/// left is E − F. Hence P* holds at most D_j = Σ_{leaves n of j} ⌈m_n/e_j⌉ + max(0, ⌈(E − F)/e_j⌉)
/// such credentials, j one of them. If j has D_j
/// dominators, one is outside P*; putting it in j's place keeps every row (the same leaves,
/// at least the credits, the same cap load, no prerequisites or overlaps, no more cost or
/// hours, with a schedule the same run), is no worse in any objective, and is strictly better in an objective or else in the
/// tie-break: a contradiction. So no optimal plan takes j, and the model without j has exactly the same
/// optimal plans, provided the tie-break keeps the ranks of the unpruned candidate list.
struct Dominance {
    struct Candidate {
        var credential: Credential
        var item: CountableItem
        var rank: Int
        var cost: Double

        func value(_ measure: Measure) -> Double { measure == .cost ? cost : item.hours }
    }

    enum Measure: Hashable { case cost, hours }

    let request: PlanRequest
    let heldIDs: Set<String>
    let candidates: [Candidate]
    /// Ids in an overlap between candidates or held credentials.
    let overlapping: Set<String>
    /// What remains of the qualification's total once the credentials named by required
    /// `credential` leaves count, as they do in every plan (none of them is in a group).
    let remainingTotal: Double

    /// `selfPaced`: the group of self-paced candidates, compared on their runs' length and weekly load.
    struct Signature: Hashable { var leaves: [Int]; var caps: [Int]; var runs: Runs?; var aloneInItsWeeks = false; var selfPaced = false }
    /// A self-paced candidate's run: `weeks` at `load` hours in each; `alone` when no other run
    /// can share one of its weeks.
    struct SelfPacedRun { var weeks: Int; var load: Double; var alone: Bool }
    /// What a credential's runs in a schedule depend on; equal runs make two credentials
    /// interchangeable on the calendar.
    struct Runs: Hashable {
        var hours: Double
        var selfPacedWeeks: Int?
        /// Start ordinal, weeks and whether it has seats, of each offering, in start order.
        var offerings: [[Int]]

        /// `nil` when an offering has a fee of its own: the dominance argument compares credentials' fees.
        init?(_ credential: Credential, hours: Double, settings: ScheduleSettings) {
            self.hours = hours
            if credential.offerings.isEmpty {
                selfPacedWeeks = settings.selfPacedWeeks(hours: hours, stated: credential.weeks)
                offerings = []
                return
            }
            guard credential.offerings.allSatisfy({ $0.cost == nil }) else { return nil }
            offerings = credential.offerings.map { offering in
                [offering.start.ordinal, offering.weeks ?? credential.weeks ?? settings.selfPacedWeeks(hours: hours, stated: nil), offering.seats == 0 ? 0 : 1]
            }.sorted { $0.lexicographicallyPrecedes($1) }
        }
    }
    /// Candidates (by position) accepted by the same leaves, all `credits` leaves, matching the
    /// same caps and, with a schedule, with the same runs.
    private var groups: [Signature: [Int]] = [:]
    /// The threshold of each `credits` leaf.
    private var minimum: [Int: Double] = [:]
    /// Self-paced candidates alone in their weeks (by position): their run length in weeks,
    /// a dimension of dominance (a dominator runs no longer).
    private var aloneWeeks: [Int: Int] = [:]
    /// Self-paced candidates' runs (by position), when one compared measure leaves room for
    /// two more dimensions, run length and weekly load: then all self-paced candidates of a
    /// signature form one group.
    private var selfPacedRuns: [Int: SelfPacedRun] = [:]

    init(tree: RequirementTree, request: PlanRequest, heldIDs: Set<String>, forcedECTS: Double, candidates: [Candidate], overlapping: Set<String>) {
        self.request = request
        self.heldIDs = heldIDs
        self.candidates = candidates
        self.overlapping = overlapping
        remainingTotal = tree.qualification.ects - forcedECTS
        let caps = tree.nodes.indices.compactMap { index -> CredentialFilter? in
            if case .maxCredits(_, let filter) = tree.nodes[index].kind { return filter }
            return nil
        }
        let leafIndices = tree.leafIndices
        // Only plain credit leaves: swapping one credential for another can change how the
        // applied credentials spread over a distinct rule's values.
        for index in leafIndices where tree.nodes[index].distinct == nil { if case .credits(let m, _) = tree.nodes[index].kind { minimum[index] = m } }
        let lightest = request.schedule.flatMap { Self.lightestWeeklyLoad(candidates, settings: $0) }
        let sweepsRuns = Self.sweep(for: request).map { $0.checked == nil } ?? false
        for (position, candidate) in candidates.enumerated() {
            // A repeatable credential may be taken again where a dominator could not: neither side of a swap.
            if (candidate.credential.repeatable ?? 1) > 1 { continue }
            let leaves = tree.leaves(accepting: candidate.item)
            guard !leaves.isEmpty, leaves.allSatisfy({ minimum[$0] != nil }) else { continue }
            let matchedCaps = caps.indices.filter { caps[$0].matches(candidate.item) }
            var runs: Runs?
            if sweepsRuns, let settings = request.schedule, let lightest, let run = Self.selfPacedRun(candidate, settings: settings, lightest: lightest) {
                selfPacedRuns[position] = run
                groups[Signature(leaves: leaves, caps: matchedCaps, runs: nil, selfPaced: true), default: []].append(position)
                continue
            }
            if let settings = request.schedule, let lightest, let weeks = Self.weeksAlone(candidate, settings: settings, lightest: lightest) {
                aloneWeeks[position] = weeks
                groups[Signature(leaves: leaves, caps: matchedCaps, runs: nil, aloneInItsWeeks: true), default: []].append(position)
                continue
            }
            if let settings = request.schedule {
                // Runs held in places of their own may be open to a learner limited to some places or not: never interchangeable.
                if request.constraints.places != nil && candidate.credential.offerings.contains(where: { $0.place != nil }) { continue }
                guard let calendar = Runs(candidate.credential, hours: candidate.item.hours, settings: settings) else { continue }
                runs = calendar
            }
            groups[Signature(leaves: leaves, caps: matchedCaps, runs: runs), default: []].append(position)
        }
    }

    /// The fewest hours any candidate's run puts into a week it touches, counting only runs
    /// that put some: a self-paced run its hours over its weeks, a dated one a day's share (the
    /// least it can put into a week it overlaps). `nil` when no run puts any.
    static func lightestWeeklyLoad(_ candidates: [Candidate], settings: ScheduleSettings) -> Double? {
        var lightest: Double?
        for candidate in candidates where candidate.item.hours > 0 {
            let hours = candidate.item.hours
            let credential = candidate.credential
            let loads = credential.offerings.isEmpty
                ? [hours / Double(settings.selfPacedWeeks(hours: hours, stated: credential.weeks))]
                : credential.offerings.map { offering in
                    hours / (7 * Double(max(1, min(offering.weeks ?? credential.weeks ?? settings.selfPacedWeeks(hours: hours, stated: nil), ScheduleSettings.longestRunWeeks))))
                }
            for load in loads where load > 0 { lightest = min(lightest ?? load, load) }
        }
        return lightest
    }

    /// The run length in weeks of a self-paced candidate that no other run can share a week
    /// with: its weekly load within the weekly hours, and over them with the lightest load of
    /// any run added (by more than the model's tolerance). `nil` for any other candidate.
    static func weeksAlone(_ candidate: Candidate, settings: ScheduleSettings, lightest: Double) -> Int? {
        selfPacedRun(candidate, settings: settings, lightest: lightest).flatMap { $0.alone ? $0.weeks : nil }
    }

    /// A self-paced candidate's run, when it fits the weekly hours; `nil` for any other candidate.
    static func selfPacedRun(_ candidate: Candidate, settings: ScheduleSettings, lightest: Double) -> SelfPacedRun? {
        guard candidate.credential.offerings.isEmpty, candidate.item.hours > 0 else { return nil }
        let weeks = settings.selfPacedWeeks(hours: candidate.item.hours, stated: candidate.credential.weeks)
        let load = candidate.item.hours / Double(weeks)
        guard load <= settings.hoursPerWeek else { return nil }
        return SelfPacedRun(weeks: weeks, load: load, alone: load + lightest > settings.hoursPerWeek + 1e-6)
    }

    /// How the sweep orders and counts dominators for `request`: by the measures of `order`,
    /// then rank, counting those no worse in `checked` too. `nil` when nothing can be pruned.
    /// (With cost and hours both objectives, a dominator equal in cost, lighter but later in
    /// id order is not counted: fewer dominators only prune less.) Two measures that are only
    /// limits would need a second dimension: no pruning then.
    static func sweep(for request: PlanRequest) -> (order: [Measure], checked: Measure?)? {
        let objectives = Set(request.objectives)
        // The measures a dominator must be no worse in, and those of them that are objectives.
        var compared: [Measure] = []
        if objectives.contains(.cost) || request.constraints.budget != nil { compared.append(.cost) }
        if objectives.contains(.workload) || request.constraints.maxHours != nil { compared.append(.hours) }
        let inObjective = compared.filter { $0 == .cost ? objectives.contains(.cost) : objectives.contains(.workload) }
        switch (compared.count, inObjective.count) {
        case (0, _): return ([], nil)
        case (1, 1): return (compared, nil)
        case (1, _): return ([], compared[0])
        case (2, 2): return ([compared[0]], compared[1])
        case (2, 1): return (inObjective, compared.first { !inObjective.contains($0) })
        default: return nil
        }
    }

    /// D_j: how many dominators j, accepted by `leaves`, needs before no optimal plan takes it.
    /// Counted in Double: a tiny credit value or a huge threshold makes the count larger than
    /// any Int (and then nothing is pruned), never a trap.
    private func dominatorsNeeded(_ j: Candidate, leaves: [Int]) -> Double {
        leaves.reduce(0.0) { $0 + ((minimum[$1] ?? 0) / j.item.ects).rounded(.up) } + max(0, (remainingTotal / j.item.ects).rounded(.up))
    }

    /// The candidates among `among` that no optimal plan takes, when `required` are the ids
    /// named in the prerequisites of the candidates in `among`.
    func dominated(required: Set<String>, among: Set<String>) -> Set<String> {
        let objectives = Set(request.objectives)
        // Dominators are counted in one sweep by `order`, then id: those before j are strictly
        // better in an objective, or equal in it and earlier in the tie-break; a Fenwick tree over
        // `checked` counts those of them no worse in that measure too.
        guard let (order, checked) = Self.sweep(for: request) else { return [] }
        func isFree(_ credential: Credential) -> Bool {
            !required.contains(credential.id) && !overlapping.contains(credential.id)
                && (credential.prerequisites?.isMet(by: heldIDs.contains) ?? true)
        }

        var pruned: Set<String> = []
        for (signature, all) in groups {
            let members = all.filter { among.contains(candidates[$0].credential.id) }
            guard members.count > 1 else { continue }
            let exactECTS = !signature.caps.isEmpty || objectives.contains(.ects)
            let sweep = members.sorted { a, b in
                for measure in order where candidates[a].value(measure) != candidates[b].value(measure) {
                    return candidates[a].value(measure) < candidates[b].value(measure)
                }
                return candidates[a].rank < candidates[b].rank
            }
            if signature.selfPaced {
                pruned.formUnion(dominatedSelfPaced(sweep, signature: signature, exactECTS: exactECTS, required: required, isFree: isFree))
                continue
            }
            let levels = Array(Set(members.map { candidates[$0].item.ects })).sorted()
            let levelOf = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            let values = checked.map { measure in Array(Set(members.map { candidates[$0].value(measure) })).sorted() } ?? [0]
            let slotOf = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
            // Credentials alone in their weeks: a dominator runs no more weeks (one counter per length).
            let lengths = Array(Set(members.map { aloneWeeks[$0] ?? 0 })).sorted()
            let lengthOf = Dictionary(uniqueKeysWithValues: lengths.enumerated().map { ($1, $0) })
            var counters = levels.map { _ in lengths.map { _ in FenwickTree(size: values.count) } }
            for position in sweep {
                let j = candidates[position]
                let level = levelOf[j.item.ects]!
                let slot = checked.map { slotOf[j.value($0)]! } ?? 0
                let length = lengthOf[aloneWeeks[position] ?? 0]!
                if !required.contains(j.credential.id) {
                    let needed = dominatorsNeeded(j, leaves: signature.leaves)
                    var dominators = 0
                    for ects in exactECTS ? level...level : level...(levels.count - 1) {
                        for shorter in 0...length { dominators += counters[ects][shorter].count(upTo: slot) }
                        if Double(dominators) >= needed { break }
                    }
                    if needed.isFinite && Double(dominators) >= needed { pruned.insert(j.credential.id) }
                }
                if isFree(j.credential) { counters[level][length].add(at: slot) }
            }
        }
        return pruned
    }

    /// The dominated members of a group of self-paced candidates, `sweep` in the order of
    /// ``sweep(for:)`` (one measure, no `checked`): j's dominators are free members before it
    /// whose runs are no longer and, unless j is alone in its weeks, no heavier in any week.
    /// Started on j's first day, such a k touches only j's weeks with no more hours in each,
    /// and ends no later (docs/formulation.md §5.1).
    private func dominatedSelfPaced(
        _ sweep: [Int], signature: Signature, exactECTS: Bool, required: Set<String>, isFree: (Credential) -> Bool
    ) -> Set<String> {
        let levels = Array(Set(sweep.map { candidates[$0].item.ects })).sorted()
        let levelOf = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        let lengths = Array(Set(sweep.map { selfPacedRuns[$0]!.weeks })).sorted()
        let lengthOf = Dictionary(uniqueKeysWithValues: lengths.enumerated().map { ($1, $0) })
        func needed(_ j: Candidate) -> Double { dominatorsNeeded(j, leaves: signature.leaves) }
        // Each bucket (ECTS level, run length) keeps how many free members it holds and the
        // `kept` lightest weekly loads among them: a count of loads at most j's that stops at
        // `kept` is exact below it, and `kept` dominators in one bucket are already enough.
        let kept = sweep.reduce(0) { most, position in
            let count = needed(candidates[position])
            return count.isFinite ? max(most, Int(min(count, Double(sweep.count)))) : most
        }
        guard kept > 0 else { return [] }
        struct Bucket { var count = 0; var lightest: [Double] = [] }
        var buckets = levels.map { _ in lengths.map { _ in Bucket() } }
        var pruned: Set<String> = []
        for position in sweep {
            let j = candidates[position], run = selfPacedRuns[position]!
            let level = levelOf[j.item.ects]!, length = lengthOf[run.weeks]!
            if !required.contains(j.credential.id) {
                let needed = needed(j)
                var dominators = 0
                search: for ects in exactECTS ? level...level : level...(levels.count - 1) {
                    for shorter in 0...length {
                        let bucket = buckets[ects][shorter]
                        // Alone in its weeks, j shares none: any run within them fits.
                        dominators += run.alone ? bucket.count : bucket.lightest.prefix { $0 <= run.load }.count
                        if Double(dominators) >= needed { break search }
                    }
                }
                if needed.isFinite && Double(dominators) >= needed { pruned.insert(j.credential.id) }
            }
            if isFree(j.credential) {
                buckets[level][length].count += 1
                var lightest = buckets[level][length].lightest
                if lightest.count < kept || run.load < lightest[lightest.count - 1] {
                    lightest.insert(run.load, at: lightest.firstIndex { $0 > run.load } ?? lightest.count)
                    if lightest.count > kept { lightest.removeLast() }
                    buckets[level][length].lightest = lightest
                }
            }
        }
        return pruned
    }
}

/// Counts of inserted positions, queried by prefix, each in O(log n).
struct FenwickTree {
    private var tree: [Int]

    init(size: Int) { tree = Array(repeating: 0, count: size + 1) }

    mutating func add(at position: Int) {
        var index = position + 1
        while index < tree.count { tree[index] += 1; index += index & -index }
    }

    /// How many were added at positions 0...position.
    func count(upTo position: Int) -> Int {
        var index = position + 1, total = 0
        while index > 0 { total += tree[index]; index -= index & -index }
        return total
    }
}
