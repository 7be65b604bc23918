/// Checks a plan against every rule directly, without the optimisation model: the second pair
/// of eyes behind each answer, and the referee in tests that compare the planner with brute force.
public struct PlanChecker {
    let catalogue: Catalogue
    let request: PlanRequest

    public init(catalogue: Catalogue, request: PlanRequest) {
        self.catalogue = catalogue
        self.request = request
    }

    /// Every rule the plan breaks, in words; empty for a valid plan.
    public func violations(of plan: Plan) -> [String] {
        var problems: [String] = []
        guard let qualification = catalogue.qualification(request.target) else { return ["unknown qualification \(request.target)"] }
        let limits = request.constraints
        let heldByID: [String: (position: Int, held: HeldCredential)] = Dictionary(
            request.learner.held.enumerated().map { (($1.catalogueID ?? "held[\($0)]"), ($0, $1)) },
            uniquingKeysWith: { first, _ in first })
        let heldCatalogueIDs = request.heldCatalogueIDs
        let taken = Set(plan.taken)
        if taken.count != plan.taken.count { problems.append("a credential is taken twice") }
        // What advisors' exceptions allow, and nothing more.
        var waived: Set<String> = [], substitutes: [String: Set<String>] = [:], byHand: [String: Set<String>] = [:]
        for exception in request.exceptions {
            switch exception.rule {
            case .waive(let path): waived.insert(path)
            case .substitute(let old, let new): substitutes[old, default: []].insert(new)
            case .apply(let item, let path): byHand[item, default: []].insert(path)
            }
        }

        // What is taken
        var cost = 0.0, hours = 0.0
        for id in plan.taken {
            guard let credential = catalogue.credential(id) else { problems.append("\(id) is not in the catalogue"); continue }
            if heldCatalogueIDs.contains(id) { problems.append("\(id) is held already but planned again") }
            if request.withdrawn.contains(id) { problems.append("\(id) is withdrawn but planned") }
            if let modes = limits.modes, !modes.contains(credential.mode) { problems.append("\(id) is taught \(credential.mode.rawValue)") }
            if let languages = limits.languages, Set(languages).isDisjoint(with: credential.languages) {
                problems.append("\(id) is taught in none of the learner's languages")
            }
            let accredited = credential.accredited ?? catalogue.provider(credential.provider)?.accredited ?? false
            if limits.accreditedOnly && !accredited { problems.append("\(id) is not accredited") }
            if limits.excludeProviders.contains(credential.provider) { problems.append("\(id) is from an excluded provider") }
            if let places = limits.places, !catalogue.canAttendSomeRun(of: credential, within: places) { problems.append("\(id) is held in person outside the learner's places") }
            if request.schedule == nil, let prerequisites = credential.prerequisites,
               !prerequisites.isMet(by: { taken.contains($0) || heldCatalogueIDs.contains($0) }) {
                problems.append("\(id) is taken without its prerequisites")
            }
            let times = plan.times(id)
            if times > 1 && times > credential.repeatable ?? 1 {
                problems.append("\(id) is taken \(times) times, more than its \(credential.repeatable ?? 1)")
            }
            let currency = credential.currency ?? catalogue.baseCurrency
            cost += Double(times) * credential.cost * (currency == catalogue.baseCurrency ? 1 : catalogue.exchangeRates[currency] ?? .nan)
            hours += Double(times) * (credential.hours ?? (credential.ects ?? 0) * request.hoursPerECTS)
        }
        for id in plan.repeats.keys.sorted() where !taken.contains(id) { problems.append("\(id) is repeated but not taken") }
        if let settings = request.schedule {
            if let scheduledCost = checkSchedule(plan, settings: settings, taken: taken, held: heldCatalogueIDs, problems: &problems) {
                cost = scheduledCost
            }
        }
        if let budget = limits.budget, !(cost <= budget + 1e-6) { problems.append("costs \(cost), over the budget of \(budget)") }
        if let maxHours = limits.maxHours, !(hours <= maxHours + 1e-6) { problems.append("needs \(hours) hours, over \(maxHours)") }
        if abs(cost - plan.totals.cost) > 1e-6 { problems.append("reported cost \(plan.totals.cost) differs from \(cost)") }

        // What counts
        var items: [String: CountableItem] = [:]
        for id in plan.applications.keys {
            if taken.contains(id), let credential = catalogue.credential(id) {
                items[id] = CountableItem(credential: credential, in: catalogue, hoursPerECTS: request.hoursPerECTS)
            } else if heldByID[id] == nil, let (base, time) = Plan.taking(id), taken.contains(base), time <= plan.times(base),
                      let credential = catalogue.credential(base) {
                // A further taking of a repeatable credential: an item of its own.
                var item = CountableItem(credential: credential, in: catalogue, hoursPerECTS: request.hoursPerECTS)
                item.id = id
                items[id] = item
            } else if let (position, held) = heldByID[id] {
                if let years = qualification.rules.priorWithinYears, byHand[id] == nil {
                    let oldest = request.today.adding(months: -Int((years * 12).rounded()))
                    if held.earned.map({ $0 < oldest || $0 > request.today }) ?? true {
                        problems.append("held \(id) counts but was not earned within \(years) years of \(request.today)")
                    }
                }
                if request.constraints.verifiedOnly && !held.isVerified && byHand[id] == nil {
                    problems.append("held \(id) counts but is not verified, and only verified credentials may count")
                }
                items[id] = held.item(position: position, in: catalogue, hoursPerECTS: request.hoursPerECTS)
            } else {
                problems.append("\(id) counts but is neither taken nor held")
            }
        }
        let heldCounted = Set(items.values.filter(\.isHeld).map(\.id))
        if heldCounted != Set(plan.heldApplied) { problems.append("heldApplied \(plan.heldApplied.sorted()) differs from the held items applied \(heldCounted.sorted())") }
        if let cap = qualification.rules.maxPriorECTS {
            let prior = items.values.filter(\.isHeld).reduce(0) { $0 + $1.ects }
            if prior > cap + 1e-9 { problems.append("\(prior) ECTS of prior learning count, over the cap of \(cap)") }
        }
        func excludes(_ id: String, _ other: String) -> Bool { catalogue.credential(id)?.excludes.contains(other) ?? false }
        let countedCatalogueIDs = items.values.compactMap(\.catalogueID).sorted()
        for (index, id) in countedCatalogueIDs.enumerated() {
            for other in countedCatalogueIDs[(index + 1)...] where excludes(id, other) || excludes(other, id) {
                problems.append("\(id) and \(other) exclude each other but both count")
            }
        }

        // Where it counts: walk the tree, collecting leaves by path, then judge each node.
        // Each leaf's counting scope: the nearest named one above it ("" for the qualification's
        // own), or the leaf alone under the older `sharedCounting`.
        var leaves: [String: RequirementNode.Rule] = [:]
        var leafNodes: [String: RequirementNode] = [:]
        var leafScope: [String: String] = [:]
        func collect(_ node: RequirementNode, _ path: String, _ seen: Set<String>, _ inherited: String) {
            if waived.contains(path) { return }
            let scope = node.scope.map { "named:" + $0 } ?? inherited
            switch node.rule {
            case .credential, .credits, .count:
                leaves[path] = node.rule
                leafNodes[path] = node
                leafScope[path] = qualification.rules.sharedCounting ? "leaf:" + path : scope
            case .allOf(let children): children.enumerated().forEach { collect($1, "\(path).allOf[\($0)]", seen, scope) }
            case .anyOf(let children): children.enumerated().forEach { collect($1, "\(path).anyOf[\($0)]", seen, scope) }
            case .atLeast(_, let children): children.enumerated().forEach { collect($1, "\(path).of[\($0)]", seen, scope) }
            case .qualification(let id):
                if !seen.contains(id), let inner = catalogue.qualification(id) { collect(inner.requires, "\(path).requires", seen.union([id]), scope) }
            case .maxCredits: break
            }
        }
        collect(qualification.requires, "requires", [qualification.id], "")
        var appliedTo: [String: [CountableItem]] = [:]
        for (id, paths) in plan.applications {
            guard let item = items[id] else { continue }
            if paths.isEmpty { problems.append("\(id) is listed as applied but to no requirement") }
            var pathsByScope: [String: [String]] = [:]
            for path in Set(paths) { if let scope = leafScope[path] { pathsByScope[scope, default: []].append(path) } }
            for (_, inOneScope) in pathsByScope.sorted(by: { $0.key < $1.key }) where inOneScope.count > 1 {
                problems.append("\(id) counts toward \(inOneScope.sorted().joined(separator: " and ")), twice within one counting scope")
            }
            if Set(paths).count != paths.count { problems.append("\(id) is applied to one requirement twice") }
            for path in paths {
                let handApplied = byHand[id]?.contains(path) == true
                switch leaves[path] {
                case .credential(let wanted)?:
                    if item.catalogueID != wanted && !handApplied && substitutes[wanted]?.contains(id) != true {
                        problems.append("\(id) is applied to \(path), which asks for \(wanted)")
                    }
                case .credits(_, let filter)?, .count(_, let filter)?:
                    if !filter.matches(item) && !handApplied { problems.append("\(id) is applied to \(path) but does not match its filter") }
                default: problems.append("\(id) is applied to \(path), which is no credential or credit requirement")
                }
                appliedTo[path, default: []].append(item)
            }
        }
        for (path, applied) in appliedTo.sorted(by: { $0.key < $1.key }) where applied.count > 1 {
            if case .credential? = leaves[path] { problems.append("\(path) asks for one credential but \(applied.count) are applied to it") }
        }
        // "At most m from one value" limits what may be applied to a leaf, met or not.
        for (path, applied) in appliedTo.sorted(by: { $0.key < $1.key }) {
            guard let distinct = leafNodes[path]?.distinct, let most = distinct.atMostEach else { continue }
            var perValue: [String: Int] = [:]
            for item in applied { for value in distinct.values(of: item) { perValue[value, default: 0] += 1 } }
            for (value, count) in perValue.sorted(by: { $0.key < $1.key }) where count > most {
                problems.append("\(count) credentials with \(distinct.by.rawValue) \(value) are applied to \(path), more than \(most)")
            }
        }
        // Mean grades: of the held items graded on the rule's scale, credit-weighted.
        func meanGradeShort(_ applied: [CountableItem], _ least: Grade) -> Double? {
            let graded = applied.compactMap { item in Formulation.gradeMargin(item, least).map { (item.ects, $0 + least.points) } }
            let credits = graded.reduce(0) { $0 + $1.0 }
            guard credits > 0 else { return nil }
            let mean = graded.reduce(0) { $0 + $1.0 * $1.1 } / credits
            return mean < least.points - 1e-9 ? mean : nil
        }
        for (path, applied) in appliedTo.sorted(by: { $0.key < $1.key }) {
            guard let least = leafNodes[path]?.meanGrade, let mean = meanGradeShort(applied, least) else { continue }
            problems.append("the credits applied to \(path) have a mean grade of \(mean), below \(least.text) (\(least.points)) on \(least.scale)")
        }
        if let least = qualification.rules.meanGrade, let mean = meanGradeShort(Array(items.values), least) {
            problems.append("the credentials that count have a mean grade of \(mean), below \(least.text) (\(least.points)) on \(least.scale)")
        }
        /// Whether the items applied to a leaf show as many different values as its distinct rule asks.
        func spreads(_ node: RequirementNode, _ path: String) -> Bool {
            guard let distinct = node.distinct, let least = distinct.atLeast else { return true }
            return Set((appliedTo[path] ?? []).flatMap(distinct.values)).count >= least
        }
        /// The items applied to some leaf below `path`, each once.
        func appliedUnder(_ path: String) -> [CountableItem] {
            var seen: Set<String> = []
            return appliedTo.filter { $0.key.hasPrefix(path + ".") }.sorted { $0.key < $1.key }.flatMap(\.value).filter { seen.insert($0.id).inserted }
        }
        for (id, paths) in byHand.sorted(by: { $0.key < $1.key }) {
            for path in paths.sorted() where !(plan.applications[id] ?? []).contains(path) {
                problems.append("\(id) must count toward \(path) by exception, but does not")
            }
        }
        func met(_ node: RequirementNode, _ path: String, _ seen: Set<String>, parent: String) -> Bool {
            if waived.contains(path) { return true }
            switch node.rule {
            case .credential: return !(appliedTo[path] ?? []).isEmpty
            case .credits(let minimum, _): return (appliedTo[path] ?? []).reduce(0) { $0 + $1.ects } >= minimum - 1e-9 && spreads(node, path)
            case .count(let minimum, _): return (appliedTo[path] ?? []).count >= minimum && spreads(node, path)
            case .maxCredits(let maximum, let filter):
                let limited = node.capReach == .parent ? appliedUnder(parent) : Array(items.values)
                return limited.filter { $0.ects > 0 && filter.matches($0) }.reduce(0) { $0 + $1.ects } <= maximum + 1e-9
            case .allOf(let children): return children.enumerated().allSatisfy { met($1, "\(path).allOf[\($0)]", seen, parent: path) }
            case .anyOf(let children): return children.enumerated().contains { met($1, "\(path).anyOf[\($0)]", seen, parent: path) }
            case .atLeast(let count, let children): return children.enumerated().count { met($1, "\(path).of[\($0)]", seen, parent: path) } >= count
            case .qualification(let id):
                guard !seen.contains(id), let inner = catalogue.qualification(id) else { return false }
                return met(inner.requires, "\(path).requires", seen.union([id]), parent: path)
            }
        }
        if !met(qualification.requires, "requires", [qualification.id], parent: "requires") { problems.append("the requirement tree of \(qualification.id) is not met") }
        let counted = items.values.reduce(0) { $0 + $1.ects }
        if counted < qualification.ects - 1e-9 { problems.append("\(counted) ECTS count, fewer than the \(qualification.ects) required") }
        return problems
    }

    /// The calendar rules: one run per taking (a repeated credential's runs one after another),
    /// true to its offering, prerequisites finished before dependants start, the weekly hours in
    /// every week, the deadline. Returns the plan's cost.
    private func checkSchedule(_ plan: Plan, settings: ScheduleSettings, taken: Set<String>, held: Set<String>, problems: inout [String]) -> Double? {
        guard let runs = plan.schedule else {
            problems.append("a schedule was asked for but the plan has none")
            return nil
        }
        // Each credential's runs in order, one per taking; its first run is the one that
        // prerequisites and corequisites look at (later takings start after it ends).
        let runsByCredential = Dictionary(grouping: runs, by: \.credential).mapValues { $0.sorted { $0.start < $1.start } }
        for (id, ordered) in runsByCredential.sorted(by: { $0.key < $1.key }) {
            if ordered.count != plan.times(id) { problems.append("\(id) is scheduled \(ordered.count) times but taken \(plan.times(id))") }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) where later.start < earlier.end {
                problems.append("\(id) is taken again from \(later.start), before its run ending \(earlier.end.adding(days: -1)) is over")
            }
        }
        let byCredential = runsByCredential.compactMapValues(\.first)
        if Set(byCredential.keys) != taken { problems.append("the schedule's credentials \(byCredential.keys.sorted()) differ from those taken \(taken.sorted())") }
        var cost = 0.0
        for run in runs {
            guard let credential = catalogue.credential(run.credential) else { continue }
            let hours = credential.hours ?? (credential.ects ?? 0) * request.hoursPerECTS
            let rate = (credential.currency ?? catalogue.baseCurrency) == catalogue.baseCurrency ? 1 : catalogue.exchangeRates[credential.currency!] ?? .nan
            var expectedCost = credential.cost * rate
            if let index = run.offering {
                guard credential.offerings.indices.contains(index) else { problems.append("\(run.credential) runs in an offering it does not have"); continue }
                let offering = credential.offerings[index]
                if run.start != offering.start { problems.append("\(run.credential) starts \(run.start), not on its offering's day \(offering.start)") }
                if run.weeks != (offering.weeks ?? credential.weeks ?? run.weeks) { problems.append("\(run.credential) runs \(run.weeks) weeks, not its offering's") }
                if offering.seats == 0 { problems.append("\(run.credential)'s offering has no seats") }
                expectedCost = (offering.cost ?? credential.cost) * rate
            } else {
                if !credential.offerings.isEmpty { problems.append("\(run.credential) is run self-paced but only has dated offerings") }
                if Double(run.weeks) * settings.hoursPerWeek < hours - 1e-6 { problems.append("\(run.credential) is squeezed into \(run.weeks) weeks") }
            }
            if run.start < settings.start { problems.append("\(run.credential) starts before the learner does") }
            if !request.constraints.allowsAttending(credential, offering: run.offering, in: catalogue) { problems.append("\(run.credential) runs outside the learner's places") }
            if run.end != run.start.adding(days: 7 * run.weeks) { problems.append("\(run.credential)'s end does not match its weeks") }
            if abs(run.hours - hours) > 1e-6 { problems.append("\(run.credential) is scheduled with \(run.hours) hours, not \(hours)") }
            if abs(run.cost - expectedCost) > 1e-6 { problems.append("\(run.credential) costs \(run.cost) in the schedule, not \(expectedCost)") }
            if let deadline = request.constraints.deadline, run.end.adding(days: -1) > deadline { problems.append("\(run.credential) ends after the deadline \(deadline)") }
            if let prerequisites = credential.prerequisites {
                let met = prerequisites.isMet(
                    before: { id in held.contains(id) || (byCredential[id].map { $0.end <= run.start } ?? false) },
                    // A corequisite starts before the run ends: alongside it, or finished before.
                    alongside: { id in held.contains(id) || (byCredential[id].map { $0.start < run.end } ?? false) })
                if !met { problems.append("\(run.credential) starts before its prerequisites are finished, or lacks a corequisite that starts before it ends") }
            }
            cost += expectedCost
        }
        // The load of each week: hours spread evenly over each run's days.
        var bucketStart = settings.start
        let lastEnd = runs.map(\.end).max() ?? settings.start
        while bucketStart < lastEnd {
            let bucketEnd = bucketStart.adding(days: 7)
            let load = runs.reduce(0.0) { total, run in
                let overlap = min(run.end.ordinal, bucketEnd.ordinal) - max(run.start.ordinal, bucketStart.ordinal)
                return total + (overlap > 0 ? run.hours * Double(overlap) / Double(run.end.ordinal - run.start.ordinal) : 0)
            }
            if load > settings.hoursPerWeek + 1e-6 {
                problems.append("\(load) learning hours in the week from \(bucketStart), over \(settings.hoursPerWeek)")
            }
            bucketStart = bucketEnd
        }
        let completes = runs.map { $0.end.adding(days: -1) }.max() ?? settings.start
        if plan.completes != completes { problems.append("reported completion \(String(describing: plan.completes)) differs from \(completes)") }
        return cost
    }
}
