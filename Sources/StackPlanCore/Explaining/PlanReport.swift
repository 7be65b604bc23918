/// A plan explained: each requirement with what meets it. StackPlanRendering writes it as text and JSON.
public struct PlanReport: Sendable {
    public struct RequirementLine: Sendable, Equatable {
        public var path: String
        public var depth: Int
        public var requirement: String
        public var met: Bool
        /// Ids of the items applied to this leaf.
        public var applied: [String]
        /// For credit leaves and caps: the ECTS counted against the figure in `requirement`.
        public var credits: Double?
        /// Waived by an advisor's exception: met without anything applied.
        public var waived = false
        /// Below a waived node: not asked for.
        public var setAside = false
        /// The counting scope the node names itself, if any: inside it a credential counts once.
        public var scope: String? = nil
        /// For count leaves: how many credentials are applied.
        public var count: Int? = nil
        /// For leaves with a distinct rule: how the applied credentials spread over its field.
        public var spread: Spread? = nil
    }

    /// The values of a distinct rule's field among a leaf's applied credentials.
    public struct Spread: Sendable, Equatable {
        public var rule: DistinctRule
        /// Different values shown.
        public var values: Int
        /// The most applied credentials sharing one value.
        public var largestShare: Int
    }

    public let plan: Plan
    public let catalogue: Catalogue
    public let request: PlanRequest
    public let requirements: [RequirementLine]

    public init(plan: Plan, catalogue: Catalogue, request: PlanRequest) {
        self.plan = plan
        self.catalogue = catalogue
        self.request = request
        self.requirements = Self.evaluate(plan: plan, catalogue: catalogue, request: request)
    }

    /// Every item the plan takes or the learner holds, by id (`held[N]` for external ones).
    public static func items(of plan: Plan, catalogue: Catalogue, request: PlanRequest) -> [String: CountableItem] {
        var items: [String: CountableItem] = [:]
        for (position, held) in request.learner.held.enumerated() {
            if let item = held.item(position: position, in: catalogue, hoursPerECTS: request.hoursPerECTS) { items[item.id] = item }
        }
        for id in plan.taken {
            if let credential = catalogue.credential(id) {
                items[id] = CountableItem(credential: credential, in: catalogue, hoursPerECTS: request.hoursPerECTS)
                // A repeatable credential's further takings count as items of their own.
                for time in 1..<max(1, plan.times(id)) {
                    var item = CountableItem(credential: credential, in: catalogue, hoursPerECTS: request.hoursPerECTS)
                    item.id = Plan.takingID(id, time + 1)
                    items[item.id] = item
                }
            }
        }
        return items
    }

    static func evaluate(plan: Plan, catalogue: Catalogue, request: PlanRequest) -> [RequirementLine] {
        let tree = RequirementTree(plan.qualification, in: catalogue, exceptions: request.exceptions)
        let items = items(of: plan, catalogue: catalogue, request: request)
        var byPath: [String: [String]] = [:]
        for (id, paths) in plan.applications { for path in paths { byPath[path, default: []].append(id) } }
        let countedItems = plan.applications.keys.compactMap { items[$0] }
        var met: [Int: Bool] = [:]
        var credits: [Int: Double] = [:]
        var counts: [Int: Int] = [:]
        var spreads: [Int: Spread] = [:]
        func spreadMet(_ index: Int, _ applied: [CountableItem]) -> Bool {
            guard let rule = tree.nodes[index].distinct else { return true }
            var perValue: [String: Int] = [:]
            for item in applied { for value in rule.values(of: item) { perValue[value, default: 0] += 1 } }
            let spread = Spread(rule: rule, values: perValue.count, largestShare: perValue.values.max() ?? 0)
            spreads[index] = spread
            return spread.values >= (rule.atLeast ?? 0) && spread.largestShare <= (rule.atMostEach ?? Int.max)
        }
        for index in tree.nodes.indices.reversed() {
            let node = tree.nodes[index]
            let applied = (byPath[node.path] ?? []).compactMap { items[$0] }
            if tree.isWaived(index) {
                met[index] = true
                continue
            }
            switch node.kind {
            case .credential: met[index] = !applied.isEmpty
            case .credits(let minimum, _):
                credits[index] = applied.reduce(0) { $0 + $1.ects }
                met[index] = spreadMet(index, applied) && credits[index]! >= minimum - 1e-9
            case .count(let minimum, _):
                counts[index] = applied.count
                credits[index] = applied.reduce(0) { $0 + $1.ects }
                met[index] = spreadMet(index, applied) && applied.count >= minimum
            case .maxCredits(let maximum, let filter):
                var limited = countedItems
                if let leaves = tree.leavesLimited(by: index) {
                    let ids = Set(leaves.flatMap { byPath[tree.nodes[$0].path] ?? [] })
                    limited = ids.sorted().compactMap { items[$0] }
                }
                credits[index] = limited.filter { $0.ects > 0 && filter.matches($0) }.reduce(0) { $0 + $1.ects }
                met[index] = credits[index]! <= maximum + 1e-9
            case .allOf, .qualification: met[index] = node.children.allSatisfy { met[$0]! }
            case .anyOf: met[index] = node.children.contains { met[$0]! }
            case .atLeast(let count): met[index] = node.children.count { met[$0]! } >= count
            }
        }
        return tree.nodes.indices.map { index in
            let node = tree.nodes[index]
            return RequirementLine(
                path: node.path, depth: node.depth, requirement: tree.describe(index, catalogue: catalogue),
                met: met[index]!, applied: (byPath[node.path] ?? []).sorted(), credits: credits[index],
                waived: tree.isWaived(index), setAside: tree.isSetAside(index) && !tree.isWaived(index), scope: node.declaredScope,
                count: counts[index], spread: spreads[index])
        }
    }
}

/// Lays rows out in columns, the first row as a header.
public func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
    return rows.map { row in
        "  " + row.enumerated().map { column, cell in
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            if column == row.count - 1 && !rightAligned.contains(column) { return cell }
            return rightAligned.contains(column) ? padding + cell : cell + padding
        }.joined(separator: "  ")
    }
}
