import MILP

/// The mixed-integer program for one plan request, as written out in docs/formulation.md.
///
/// x[c]     take catalogue credential c (binary)
/// a[i,n]   apply countable item i to leaf n (binary)
/// y[i]     item i counts (binary with shared counting; otherwise Σₙ a[i,n])
/// s[n]     requirement node n is met (only for nodes not forced by an all-of chain from the root)
struct Formulation {
    let catalogue: Catalogue
    let request: PlanRequest
    let tree: RequirementTree
    let eligibility: Eligibility

    var model: Model
    /// Eligible held items first (profile order), then candidate credentials (id order).
    var items: [CountableItem] = []
    /// A candidate credential beside its take column and its tie-break rank.
    struct TakeColumn {
        /// The taking's id: the credential's for its first taking, `c[2]` for a further one.
        /// A calendar runs each taking once, keyed by this id.
        let id: String
        let credential: Credential
        let take: Variable
        let rank: Int
    }
    /// The candidates' columns, in id order.
    private(set) var columns: [TakeColumn] = []
    /// x[c] by credential id, for rows that name a credential.
    var take: [String: Variable] = [:]
    /// The candidates, in id order (the credentials of ``columns``).
    private(set) var candidates: [Credential] = []
    var assignments: [(item: Int, node: Int, variable: Variable)] = []
    var counted: [Int: LinearExpression] = [:]
    private var assignmentsByNode: [Int: [(item: Int, variable: Variable)]] = [:]
    /// Set when a required node cannot be met by any item at all, which makes the model infeasible.
    var structurallyInfeasible = false

    /// Held catalogue credentials, any age: they meet prerequisites and are never planned again.
    let heldIDs: Set<String>
    /// Each candidate's place in the id order of all candidates before pruning, and their number:
    /// the tie-break weighs by these, so that pruning leaves it the same function.
    private(set) var tieBreakRank: [String: Int] = [:]
    /// Candidates before pruning dominated ones (`nil` when not pruning).
    private(set) var unprunedCandidates: Int?

    /// Set when the request asks for a schedule: the calendar side of the model.
    var calendar: ScheduleModel?
    /// Candidates before pruning: the calendar's horizon is reckoned from them, so that pruning
    /// leaves every run of the remaining candidates as it was.
    private(set) var unprunedCandidateList: [Credential] = []
    /// What the plan without a calendar tells the calendar's model.
    let scheduleHint: ScheduleHint?
    /// How a schedule enters the model: every run a column, or only bounds (branch and check).
    let scheduleForm: ScheduleForm
    /// The heuristic's schedule as values of take and run columns, when it found one.
    var startingPoint: [Variable: Double]?

    /// Set when the request's deadline passed while the model was being built: the model is
    /// incomplete, and the answer is the solver-stopped one.
    private(set) var stopped = false

    /// Every requirement the elastic pass may relax, with the row that states it, in the order
    /// the tree is encoded (ElasticRelaxation.swift).
    private(set) var relaxable: [RelaxableRequirement] = []
    /// Optional credential leaves whose items' sum went straight into their parents' rows,
    /// by node: their place in ``relaxable``.
    private var bareLeaves: [Int: Int] = [:]

    init(
        catalogue: Catalogue, request: PlanRequest, qualification: Qualification, scheduleHint: ScheduleHint? = nil,
        scheduleForm: ScheduleForm = .timeIndexed
    ) {
        self.catalogue = catalogue
        self.request = request
        self.scheduleHint = scheduleHint
        self.scheduleForm = scheduleForm
        self.tree = RequirementTree(qualification, in: catalogue, exceptions: request.exceptions)
        var eligibility = Eligibility(
            catalogue: catalogue, constraints: request.constraints, qualification: qualification, today: request.today,
            schedule: request.schedule, hoursPerECTS: request.hoursPerECTS)
        eligibility.withdrawn = request.withdrawn
        self.eligibility = eligibility
        self.model = Model(name: "plan_\(qualification.id)")
        self.heldIDs = request.heldCatalogueIDs
        // Building a large calendar takes long: the deadline is looked at between the phases,
        // and inside the long ones.
        collectHeldItems()
        addTakeColumns(CandidateSelection(catalogue: catalogue, request: request, tree: tree, eligibility: eligibility, heldIDs: heldIDs))
        if timeIsUp() { return }
        if let settings = request.schedule { addSchedule(settings) }
        if timeIsUp() { return }
        addAssignments()
        encodeTree()
        addTotals()
        addExclusions()
        if timeIsUp() { return }
        addPrerequisites()
        addPrecedences()
        addCorequisiteTiming()
        addLearnerLimits()
    }

    /// Whether the request's deadline has passed; once it has, the model stays ``stopped``.
    mutating func timeIsUp() -> Bool {
        if !stopped, request.solverOptions.deadline?.hasPassed == true { stopped = true }
        return stopped
    }

    // MARK: Items

    /// Held items that count toward the qualification (recent enough, or applied by an
    /// advisor's hand however old), in profile order.
    private mutating func collectHeldItems() {
        for (position, held) in request.learner.held.enumerated()
        where eligibility.reasonHeldDoesNotCount(held) == nil || tree.appliedByHand[held.catalogueID ?? "held[\(position)]"] != nil {
            if let item = held.item(position: position, in: catalogue, hoursPerECTS: request.hoursPerECTS) { items.append(item) }
        }
    }

    /// A take column for each selected candidate (CandidateSelection.swift), and its item.
    private mutating func addTakeColumns(_ selection: CandidateSelection) {
        tieBreakRank = selection.tieBreakRank
        unprunedCandidates = selection.unprunedCount
        unprunedCandidateList = selection.unpruned
        for candidate in selection.candidates {
            let id = candidate.credential.id
            let variable = model.addBinary("take[\(id)]")
            columns.append(TakeColumn(id: id, credential: candidate.credential, take: variable, rank: selection.tieBreakRank[id] ?? 0))
            take[id] = variable
            items.append(candidate.item)
        }
        candidates = columns.map(\.credential)
        addRepeatColumns(selection)
    }

    /// A repeatable credential's further takings, `c[2]`, `c[3]`, …: a take column and an item
    /// each, priced and counted like the first, the k-th only with the one before
    /// (x[c[k]] ≤ x[c[k-1]], so that equal plans are not counted twice). In a plan for several
    /// goals each goal's model has them, and the union shares them by id like any take column.
    /// With a calendar each taking gets runs of its own, starting after the one before ends
    /// (``addPrerequisites()``).
    private mutating func addRepeatColumns(_ selection: CandidateSelection) {
        for candidate in selection.candidates {
            let id = candidate.credential.id
            guard let times = candidate.credential.repeatable, times > 1, var previous = take[id] else { continue }
            for time in 2...min(times, InputLimits.repeats.upperBound) {
                let copy = Plan.takingID(id, time)
                let variable = model.addBinary("take[\(copy)]")
                model.add(LinearExpression(variable) <= LinearExpression(previous), name: "repeat_after[\(copy)]")
                columns.append(TakeColumn(id: copy, credential: candidate.credential, take: variable, rank: selection.tieBreakRank[id] ?? 0))
                take[copy] = variable
                var item = candidate.item
                item.id = copy
                items.append(item)
                previous = variable
            }
        }
    }

    /// The credentials a learner can reach by taking them one after another from what they hold:
    /// the least fixed point, found by adding credentials until a pass adds nothing.
    static func takeable(_ offered: [Credential], held: Set<String>) -> [Credential] {
        takeable(Array(offered.indices), of: offered, held: held).map { offered[$0] }
    }

    /// The same, on positions in `credentials`.
    static func takeable(_ offered: [Int], of credentials: [Credential], held: Set<String>) -> [Int] {
        var available = held
        // Most credentials have no prerequisites: they go in at once, and only the rest loop.
        var result = offered.filter { credentials[$0].prerequisites == nil }
        for position in result { available.insert(credentials[position].id) }
        var pending = offered.filter { credentials[$0].prerequisites != nil }
        var changed = true
        // Corequisites are taken as met while prerequisites are added one after another (two
        // credentials may name each other); those whose corequisites are then out of reach go below.
        while changed {
            changed = false
            pending.removeAll { position in
                guard credentials[position].prerequisites?.isMet(before: available.contains, alongside: { _ in true }) ?? true else { return false }
                available.insert(credentials[position].id)
                result.append(position)
                changed = true
                return true
            }
        }
        guard result.contains(where: { credentials[$0].prerequisites?.hasCorequisite == true }) else { return result }
        // The greatest set within it whose every member's expression holds over the set itself.
        var kept = Set(result)
        var removed = true
        while removed {
            removed = false
            for position in kept where !(credentials[position].prerequisites?.isMet(by: available.contains) ?? true) {
                kept.remove(position)
                if !held.contains(credentials[position].id) { available.remove(credentials[position].id) }
                removed = true
            }
        }
        return result.filter(kept.contains)
    }

    /// x of the item's own taking: its credential's column, or a further taking's (`c[2]`).
    func takeVariable(of item: CountableItem) -> Variable? { item.isHeld ? nil : take[item.id] ?? item.catalogueID.flatMap { take[$0] } }

    // MARK: Applying items to leaves

    /// An item counts at most once in each counting scope (RequirementTree.CountingScope): with
    /// all its leaves in one scope, Σ a ≤ x is the whole rule and the sum says whether it counts;
    /// across scopes, a binary count[i] bounds each scope's sum and is bounded by them together.
    private mutating func addAssignments() {
        for (index, item) in items.enumerated() {
            let leaves = tree.leaves(accepting: item)
            guard !leaves.isEmpty else { continue }
            var byScope: [RequirementTree.CountingScope: [Variable]] = [:]
            let variables = leaves.map { leaf -> Variable in
                let variable = model.addBinary("apply[\(item.id)@\(tree.nodes[leaf].path)]")
                if tree.appliedByHand[item.id]?.contains(tree.nodes[leaf].path) == true { model.fixVariable(variable, to: 1) }
                assignments.append((index, leaf, variable))
                assignmentsByNode[leaf, default: []].append((index, variable))
                byScope[tree.nodes[leaf].countingScope, default: []].append(variable)
                return variable
            }
            let upper = takeVariable(of: item).map(LinearExpression.init) ?? LinearExpression(constant: 1)
            if byScope.count > 1 {
                let counts = model.addBinary("count[\(item.id)]")
                for (scope, inScope) in byScope.sorted(by: { $0.key < $1.key }) {
                    model.add(LinearExpression.sum(inScope) <= counts, name: "once_in_scope[\(item.id)@\(Self.name(of: scope))]")
                }
                model.add(counts <= LinearExpression.sum(variables), name: "count_needs_apply[\(item.id)]")
                model.add(counts <= upper, name: "count_needs_take[\(item.id)]")
                counted[index] = LinearExpression(counts)
            } else {
                let sum = LinearExpression.sum(variables)
                if !(item.isHeld && variables.count == 1) { model.add(sum <= upper, name: "one_leaf[\(item.id)]") }
                counted[index] = sum
            }
        }
    }

    /// How far a held item's grade lies above a mean-grade rule's least (points), or `nil` when
    /// the item is left out of the mean: still to take, ungraded, or graded on another scale.
    static func gradeMargin(_ item: CountableItem, _ least: Grade) -> Double? {
        guard item.isHeld, let grade = item.grade, grade.scale == least.scale else { return nil }
        return grade.points - least.points
    }

    /// A scope as row names write it: `qualification`, the scope's name, or the leaf's path.
    static func name(of scope: RequirementTree.CountingScope) -> String {
        switch scope {
        case .qualification: "qualification"
        case .named(let name): name
        case .leaf(let path): path
        }
    }

    private func applied(to node: Int) -> [(item: Int, variable: Variable)] {
        assignmentsByNode[node] ?? []
    }

    // MARK: The requirement tree

    /// Nodes reached from the root through all-of nodes only are required outright and need no
    /// indicator; below an any-of or at-least node, s[n] says whether the node is met.
    private mutating func encodeTree() {
        encode(RequirementTree.rootIndex, required: true)
    }

    /// Returns s[n] for an optional node; for a required node, adds its constraints and returns 1.
    @discardableResult
    private mutating func encode(_ index: Int, required: Bool) -> LinearExpression {
        // A waived node counts as met; nothing below it is encoded.
        if tree.isWaived(index) { return LinearExpression(constant: 1) }
        let node = tree.nodes[index]
        let name = node.path
        switch node.kind {
        case .credential(let id):
            let applied = applied(to: index)
            let sum = LinearExpression.sum(applied.map(\.variable))
            let weight = max(catalogue.credential(id)?.credits ?? 0, 1)
            // A leaf that asks for one credential takes one item, even when an exception admits several.
            if applied.count > 1 { model.add(sum <= 1, name: "one_item[\(name)]") }
            if required {
                if sum.isConstant { structurallyInfeasible = true }
                model.add(sum >= 1, name: "met[\(name)]")
                relaxable.append(.credentialLeaf(node: index, row: lastRow, weight: weight))
                return LinearExpression(constant: 1)
            }
            // A substitute can make the sum reach 2; an at-least count must see at most 1.
            if applied.count > 1 {
                let met = model.addVariable("met[\(name)]", .continuous, lowerBound: 0, upperBound: 1)
                model.add(met <= sum, name: "leaf[\(name)]")
                relaxable.append(.credentialLeaf(node: index, row: lastRow, weight: weight))
                return LinearExpression(met)
            }
            bareLeaves[index] = relaxable.count
            relaxable.append(.bareCredentialLeaf(node: index, sum: sum, uses: [], weight: weight))
            return sum
        case .credits, .count:
            return encodePool(index, required: required)
        case .maxCredits(let maximum, let filter):
            // A cap on one rule limits what is applied under its parent, each item once however
            // many leaves there it serves; a cap on the qualification limits what counts.
            let matching: [(item: Int, load: LinearExpression)]
            if let limited = tree.leavesLimited(by: index) {
                var byItem: [Int: [(leaf: Int, variable: Variable)]] = [:]
                for leaf in limited { for (item, variable) in applied(to: leaf) { byItem[item, default: []].append((leaf, variable)) } }
                matching = byItem.keys.sorted().filter { items[$0].ects > 0 && filter.matches(items[$0]) }.map { item in
                    let uses = byItem[item]!
                    // All in one counting scope: the sum is at most 1 already and says whether it is applied.
                    if Set(uses.map { tree.nodes[$0.leaf].countingScope }).count == 1 { return (item, LinearExpression.sum(uses.map(\.variable))) }
                    let used = model.addVariable("used[\(items[item].id)@\(name)]", .continuous, lowerBound: 0, upperBound: 1)
                    for use in uses { model.add(use.variable <= used, name: "use_in_part[\(items[item].id)@\(name)]") }
                    return (item, LinearExpression(used))
                }
            } else {
                matching = counted.sorted { $0.key < $1.key }.filter { items[$0.key].ects > 0 && filter.matches(items[$0.key]) }.map { ($0.key, $0.value) }
            }
            var load = LinearExpression()
            for (item, expression) in matching { load.add(expression, times: items[item].ects) }
            let most = matching.reduce(0) { $0 + items[$1.item].ects }
            if most <= maximum { return LinearExpression(constant: 1) }
            if required {
                model.add(load <= maximum, name: "cap[\(name)]")
                relaxable.append(.cap(node: index, row: lastRow, excess: most - maximum))
                return LinearExpression(constant: 1)
            }
            // Big-M with the tightest M: the most the matching items could ever carry.
            let met = model.addBinary("met[\(name)]")
            model.add(load + (most - maximum) * met <= most, name: "cap[\(name)]")
            return LinearExpression(met)
        case .allOf, .qualification:
            if required {
                for child in node.children { encode(child, required: true) }
                return LinearExpression(constant: 1)
            }
            let met = model.addVariable("met[\(name)]", .continuous, lowerBound: 0, upperBound: 1)
            for child in node.children {
                model.add(met <= encode(child, required: false), name: "all[\(name)]")
                noteUse(of: child, sign: -1)
            }
            return LinearExpression(met)
        case .anyOf:
            let children = node.children.map { encode($0, required: false) }
            if required {
                model.add(sum(children) >= 1, name: "any[\(name)]")
                node.children.forEach { noteUse(of: $0, sign: 1) }
                return LinearExpression(constant: 1)
            }
            let met = model.addVariable("met[\(name)]", .continuous, lowerBound: 0, upperBound: 1)
            model.add(met <= sum(children), name: "any[\(name)]")
            node.children.forEach { noteUse(of: $0, sign: -1) }
            return LinearExpression(met)
        case .atLeast(let count):
            let children = node.children.map { encode($0, required: false) }
            if required {
                model.add(sum(children) >= Double(count), name: "atleast[\(name)]")
                node.children.forEach { noteUse(of: $0, sign: 1) }
                return LinearExpression(constant: 1)
            }
            let met = model.addBinary("met[\(name)]")
            model.add(sum(children) - Double(count) * met >= 0, name: "atleast[\(name)]")
            node.children.forEach { noteUse(of: $0, sign: 1) }
            return LinearExpression(met)
        }
    }

    /// A `credits` or `count` leaf: each of its thresholds (ECTS applied, credentials applied,
    /// different values among them) as a row, hard when the leaf is required and scaled by one
    /// binary indicator when it is optional; "at most m sharing one value" is a hard row either way.
    private mutating func encodePool(_ index: Int, required: Bool) -> LinearExpression {
        let node = tree.nodes[index]
        let name = node.path
        let appliedHere = applied(to: index)
        var thresholds: [(expression: LinearExpression, minimum: Double, row: String)] = []
        switch node.kind {
        case .credits(let minimum, _) where minimum > 0:
            thresholds.append((LinearExpression(terms: appliedHere.map { (items[$0.item].ects, $0.variable) }), minimum, "credits"))
        case .count(let minimum, _):
            thresholds.append((LinearExpression.sum(appliedHere.map(\.variable)), Double(minimum), "count"))
        default: break
        }
        if let distinct = node.distinct {
            var byValue: [String: [Variable]] = [:]
            for (item, variable) in appliedHere { for value in distinct.values(of: items[item]) { byValue[value, default: []].append(variable) } }
            if let most = distinct.atMostEach {
                for (value, variables) in byValue.sorted(by: { $0.key < $1.key }) where variables.count > most {
                    model.add(LinearExpression.sum(variables) <= Double(most), name: "per_value[\(name)@\(value)]")
                }
            }
            if let least = distinct.atLeast {
                // Continuous: present[v] > 0 only if some item with value v is applied, and each is at most 1.
                var present = LinearExpression()
                for (value, variables) in byValue.sorted(by: { $0.key < $1.key }) {
                    let shown = model.addVariable("present[\(name)@\(value)]", .continuous, lowerBound: 0, upperBound: 1)
                    model.add(shown <= LinearExpression.sum(variables), name: "value_applied[\(name)@\(value)]")
                    present.add(LinearExpression(shown))
                }
                thresholds.append((present, Double(least), "distinct"))
            }
        }
        // A mean grade over what is applied here: Σ ects·(grade − least)·a ≥ 0, over held items
        // graded on the rule's scale (the rest are left out of the mean). Hard, met or not.
        if let mean = node.meanGrade {
            let terms = appliedHere.compactMap { applied -> (Double, Variable)? in
                Self.gradeMargin(items[applied.item], mean).map { ($0 * items[applied.item].ects, applied.variable) }
            }
            if terms.contains(where: { $0.0 < 0 }) { model.add(LinearExpression(terms: terms) >= 0, name: "mean_grade[\(name)]") }
        }
        // A free-elective pool (`credits: 0`) asks for nothing: it only lets what it accepts
        // count toward the total, so it is met whatever is applied.
        if thresholds.isEmpty { return LinearExpression(constant: 1) }
        if required {
            for threshold in thresholds {
                model.add(threshold.expression >= threshold.minimum, name: "\(threshold.row)[\(name)]")
                relaxable.append(threshold.row == "credits"
                    ? .credits(node: index, row: lastRow, minimum: threshold.minimum) : .threshold(node: index, row: lastRow, minimum: threshold.minimum))
            }
            return LinearExpression(constant: 1)
        }
        let met = model.addBinary("met[\(name)]")
        for threshold in thresholds {
            model.add(threshold.expression - threshold.minimum * met >= 0, name: "\(threshold.row)[\(name)]")
            relaxable.append(threshold.row == "credits"
                ? .credits(node: index, row: lastRow, minimum: threshold.minimum) : .threshold(node: index, row: lastRow, minimum: threshold.minimum))
        }
        return LinearExpression(met)
    }

    /// The index of the row added last.
    private var lastRow: Int { model.rows.count - 1 }

    /// Records that the row added last holds `child`'s expression with coefficient `sign`,
    /// when `child` is an optional credential leaf without a row of its own: the elastic pass
    /// puts its capped indicator there in place of the items' sum.
    private mutating func noteUse(of child: Int, sign: Double) {
        guard let position = bareLeaves[child], case .bareCredentialLeaf(let node, let sum, let uses, let weight) = relaxable[position] else { return }
        relaxable[position] = .bareCredentialLeaf(node: node, sum: sum, uses: uses + [(row: lastRow, sign: sign)], weight: weight)
    }

    private func sum(_ expressions: [LinearExpression]) -> LinearExpression {
        expressions.reduce(into: LinearExpression()) { $0.add($1) }
    }

    // MARK: Totals, prior learning and overlaps

    private mutating func addTotals() {
        let qualification = tree.qualification
        if qualification.ects > 0 {
            var total = LinearExpression()
            // In item order, which is the order of their variables: each term then joins the end
            // of the row (a dictionary's order inserted them mid-row, quadratic in the candidates:
            // 0.23 s of a 100k calendar plan's 5.4 s).
            for (item, expression) in counted.sorted(by: { $0.key < $1.key }) { total.add(expression, times: items[item].ects) }
            model.add(total >= qualification.ects, name: "total_ects")
            relaxable.append(.total(row: lastRow, ects: qualification.ects))
        }
        if let mean = qualification.rules.meanGrade {
            var margin = LinearExpression()
            for (item, expression) in counted.sorted(by: { $0.key < $1.key }) {
                if let points = Self.gradeMargin(items[item], mean) { margin.add(expression, times: points * items[item].ects) }
            }
            if margin.sortedTerms.contains(where: { $0.coefficient < 0 }) { model.add(margin >= 0, name: "mean_grade") }
        }
        if let cap = qualification.rules.maxPriorECTS {
            var prior = LinearExpression()
            for (item, expression) in counted.sorted(by: { $0.key < $1.key }) where items[item].isHeld { prior.add(expression, times: items[item].ects) }
            if !prior.isConstant {
                model.add(prior <= cap, name: "prior_cap")
                relaxable.append(.priorCap(row: lastRow))
            }
        }
    }

    private mutating func addExclusions() {
        // Every item of a credential: the held or planned one, and a repeatable one's further takings.
        var byCatalogueID: [String: [Int]] = [:]
        for item in counted.keys.sorted() { if let id = items[item].catalogueID { byCatalogueID[id, default: []].append(item) } }
        var pairs: Set<[String]> = []
        for id in byCatalogueID.keys {
            for other in catalogue.credential(id)?.excludes ?? [] where byCatalogueID[other] != nil {
                pairs.insert([id, other].sorted())
            }
        }
        for pair in pairs.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            for first in byCatalogueID[pair[0]] ?? [] {
                for second in byCatalogueID[pair[1]] ?? [] {
                    guard let one = counted[first], let two = counted[second] else { continue }
                    let name = items[first].id == pair[0] && items[second].id == pair[1] ? "\(pair[0])|\(pair[1])" : "\(items[first].id)|\(items[second].id)"
                    model.add(one + two <= 1, name: "overlap[\(name)]")
                }
            }
        }
    }

    // MARK: Prerequisites

    private mutating func addPrerequisites() {
        // Further takings of a repeatable credential need the first, which carries the rows.
        for column in columns where column.id == column.credential.id {
            guard let prerequisite = column.credential.prerequisites else { continue }
            require(prerequisite, whenever: LinearExpression(column.take), owner: column.credential.id, path: "pre")
        }
        // On a calendar the k-th taking starts once the one before has ended: a precedence
        // that serves whenever the k-th is taken (x[c[k]] ≤ x[c[k-1]] already holds).
        guard calendar != nil else { return }
        for column in columns {
            guard let previous = Self.previousTaking(column.id) else { continue }
            calendar?.precedences.append((owner: column.id, prerequisite: previous, variable: column.take))
        }
    }

    /// The taking before `id` (`c` before `c[2]`, `c[2]` before `c[3]`); `nil` for a first taking.
    static func previousTaking(_ id: String) -> String? {
        guard let (credential, time) = Plan.taking(id) else { return nil }
        return time == 2 ? credential : Plan.takingID(credential, time - 1)
    }

    /// Every corequisite a credential among `takings` names that is among them too, with the
    /// credential: the heuristic starts each before its owner ends, whichever one serves.
    func corequisitePairs(of takings: [String]) -> [(corequisite: String, owner: String)] {
        let present = Set(takings)
        return takings.flatMap { owner in
            (catalogue.credential(owner)?.prerequisites.map(Self.corequisiteIDs) ?? []).filter(present.contains).map { (corequisite: $0, owner: owner) }
        }
    }

    /// The corequisites an expression names, anywhere in it.
    static func corequisiteIDs(_ prerequisite: Prerequisite) -> [String] {
        switch prerequisite {
        case .credential: []
        case .corequisite(let id): [id]
        case .allOf(let children), .anyOf(let children): children.flatMap(corequisiteIDs)
        case .atLeast(_, let children): children.flatMap(corequisiteIDs)
        }
    }

    /// What must end before taking `id` starts, as the schedule heuristic places takings: the
    /// taking before it, or the credential's planned prerequisites for a first taking.
    func precedingTakings(_ id: String) -> [String] {
        if let previous = Self.previousTaking(id) { return [previous] }
        return catalogue.credential(id)?.prerequisites?.precedingIDs ?? []
    }

    /// Adds `trigger ≤ [prerequisite met]`. Inner nodes get binary indicators: a fractional
    /// indicator under an any-of node would let two half-met branches pass as one met branch.
    private mutating func require(_ prerequisite: Prerequisite, whenever trigger: LinearExpression, owner: String, path: String) {
        switch prerequisite {
        case .credential(let id):
            if heldIDs.contains(id) { return }
            model.add(trigger <= prerequisiteValue(owner: owner, id: id), name: "prereq[\(owner)<-\(id)]")
        case .corequisite(let id):
            // Held, or in the plan too; with a schedule it starts before the owner ends (addCorequisiteTiming).
            if heldIDs.contains(id) { return }
            model.add(trigger <= corequisiteValue(owner: owner, id: id), name: "coreq[\(owner)+\(id)]")
        case .allOf(let children):
            for (index, child) in children.enumerated() { require(child, whenever: trigger, owner: owner, path: "\(path).\(index)") }
        case .anyOf(let children):
            let met = indicators(children, owner: owner, path: path)
            model.add(trigger <= sum(met), name: "prereq_any[\(owner):\(path)]")
        case .atLeast(let count, let children):
            let met = indicators(children, owner: owner, path: path)
            model.add(Double(count) * trigger <= sum(met), name: "prereq_atleast[\(owner):\(path)]")
        }
    }

    private mutating func indicators(_ children: [Prerequisite], owner: String, path: String) -> [LinearExpression] {
        children.enumerated().map { index, child in
            if case .credential(let id) = child {
                if heldIDs.contains(id) { return LinearExpression(constant: 1) }
                return prerequisiteValue(owner: owner, id: id)
            }
            if case .corequisite(let id) = child { return heldIDs.contains(id) ? LinearExpression(constant: 1) : corequisiteValue(owner: owner, id: id) }
            let met = model.addBinary("prereq_met[\(owner):\(path).\(index)]")
            require(child, whenever: LinearExpression(met), owner: owner, path: "\(path).\(index)")
            return LinearExpression(met)
        }
    }

    // MARK: The learner's limits and the objectives

    /// Whether planned corequisite `id` serves `owner`: x[id] without a schedule (0 for a
    /// credential without a column); with one, a variable v[owner,id] ≤ x[id] that also
    /// forces `id` to start before `owner` ends (``addCorequisiteTiming()``).
    private mutating func corequisiteValue(owner: String, id: String) -> LinearExpression {
        guard let variable = take[id] else { return LinearExpression() }
        guard calendar != nil else { return LinearExpression(variable) }
        if let existing = calendar?.alongside.first(where: { $0.owner == owner && $0.corequisite == id }) { return LinearExpression(existing.variable) }
        let serves = model.addBinary("alongside[\(id)~\(owner)]")
        model.add(serves <= variable, name: "alongside_needs_take[\(id)~\(owner)]")
        calendar?.alongside.append((owner: owner, corequisite: id, variable: serves))
        return LinearExpression(serves)
    }

    /// A corequisite that serves starts before the credential naming it ends: start[d] ≤
    /// end[c] − 1 (days; end is the day after the last), so it runs alongside or has ended
    /// before. Big-M with M = the horizon, in the time-indexed form; branch and check leaves
    /// it to its check (ScheduleCheck), as no completion bound follows from it.
    private mutating func addCorequisiteTiming() {
        guard let calendar, calendar.form == .timeIndexed else { return }
        for (owner, corequisite, variable) in calendar.alongside {
            let gap = calendar.startDay(of: corequisite) - calendar.endDay(of: owner)
            model.add(gap + calendar.horizonDays * variable <= calendar.horizonDays - 1, name: "alongside[\(corequisite)~\(owner)]")
        }
    }

    /// Whether planned credential `id` serves as `owner`'s prerequisite: simply x[id] without a
    /// schedule; with one, a variable u[owner,id] ≤ x[id] that also forces `id` to end first.
    private mutating func prerequisiteValue(owner: String, id: String) -> LinearExpression {
        guard let variable = take[id] else { return LinearExpression() }
        guard calendar != nil else { return LinearExpression(variable) }
        return LinearExpression(precedenceVariable(before: owner, prerequisite: id, taken: variable))
    }

    private mutating func addLearnerLimits() {
        if let budget = request.constraints.budget { model.add(objective(.cost) <= budget, name: "budget") }
        if let hours = request.constraints.maxHours { model.add(objective(.workload) <= hours, name: "max_hours") }
        // The deadline is kept by offering only options that end in time (ScheduleModel).
    }

    func objective(_ objective: Objective) -> LinearExpression {
        if let calendar {
            switch objective {
            case .cost: return calendar.cost
            case .duration: return LinearExpression(calendar.completion)
            default: break
            }
        }
        return LinearExpression(terms: columns.map { column in
            let credential = column.credential
            let coefficient: Double = switch objective {
            case .duration: 0
            case .cost: catalogue.costInBaseCurrency(credential) ?? 0
            case .workload: credential.learningHours(hoursPerECTS: request.hoursPerECTS)
            case .ects: credential.credits
            case .count: 1
            }
            return (coefficient, column.take)
        })
    }

    /// The tie-break's two stages (``TieBreak``), ranked in the id order of the candidates
    /// before pruning, so that pruning leaves them the same functions on the plans that remain.
    var tieBreaks: [LinearExpression] { TieBreak.stages(ranked: columns.map { (rank: $0.rank, take: $0.take) }) }
}
