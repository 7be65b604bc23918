/// An optimistic test of which requirement nodes some plan could meet, ignoring overlaps and
/// single counting: what fails here fails for every plan, and can be named as the reason.
struct Reachability {
    let tree: RequirementTree
    let items: [CountableItem]
    let priorCap: Double?
    /// Leaf index → the items it accepts, in item order; items that fit some leaf.
    private let matchingByLeaf: [Int: [CountableItem]]
    private let fitting: [CountableItem]

    init(tree: RequirementTree, items: [CountableItem], priorCap: Double?) {
        self.tree = tree
        self.items = items
        self.priorCap = priorCap
        var byLeaf: [Int: [CountableItem]] = [:]
        var fitting: [CountableItem] = []
        for item in items {
            let leaves = tree.leaves(accepting: item)
            for leaf in leaves { byLeaf[leaf, default: []].append(item) }
            if !leaves.isEmpty { fitting.append(item) }
        }
        matchingByLeaf = byLeaf
        self.fitting = fitting
    }

    /// The most ECTS the items could give a credit leaf or the total, held ones within the cap.
    func supply(of matching: [CountableItem]) -> Double {
        let held = matching.filter(\.isHeld).reduce(0) { $0 + $1.ects }
        let planned = matching.filter { !$0.isHeld }.reduce(0) { $0 + $1.ects }
        return planned + min(held, priorCap ?? .infinity)
    }

    func matching(_ index: Int) -> [CountableItem] {
        tree.nodes[index].isLeaf ? matchingByLeaf[index] ?? [] : items.filter { tree.accepts(tree.nodes[index], $0) }
    }

    func isMet(_ index: Int) -> Bool {
        if tree.isWaived(index) { return true }
        let node = tree.nodes[index]
        switch node.kind {
        case .credential: return !matching(index).isEmpty
        case .credits(let minimum, _): return supply(of: matching(index)) >= minimum - 1e-9 && spreads(index)
        case .count(let minimum, _): return matching(index).count >= minimum && spreads(index)
        case .maxCredits: return true
        case .allOf, .qualification: return node.children.allSatisfy(isMet)
        case .anyOf: return node.children.contains(where: isMet)
        case .atLeast(let count): return node.children.count(where: isMet) >= count
        }
    }

    /// Whether the items a leaf accepts show as many different values as its distinct rule asks.
    func spreads(_ index: Int) -> Bool { valuesShort(index) == nil }

    /// The field, the values shown and those asked for, when the items a leaf accepts show too few.
    func valuesShort(_ index: Int) -> (field: DistinctRule.Field, shown: Int, needed: Int)? {
        guard let distinct = tree.nodes[index].distinct, let least = distinct.atLeast else { return nil }
        let shown = Set(matching(index).flatMap(distinct.values)).count
        return shown >= least ? nil : (distinct.by, shown, least)
    }

    var totalSupply: Double {
        supply(of: fitting)
    }

    var isTotalMet: Bool { totalSupply >= tree.qualification.ects - 1e-9 }
}
