/// An optimistic test of which requirement nodes some plan could meet, ignoring overlaps and
/// single counting: what fails here fails for every plan, and can be named as the reason.
struct Reachability {
    let tree: RequirementTree
    let items: [CountableItem]
    let priorCap: Double?

    /// The most ECTS the items could give a credit leaf or the total, held ones within the cap.
    func supply(of matching: [CountableItem]) -> Double {
        let held = matching.filter(\.isHeld).reduce(0) { $0 + $1.ects }
        let planned = matching.filter { !$0.isHeld }.reduce(0) { $0 + $1.ects }
        return planned + min(held, priorCap ?? .infinity)
    }

    func matching(_ index: Int) -> [CountableItem] { items.filter { tree.accepts(tree.nodes[index], $0) } }

    func isMet(_ index: Int) -> Bool {
        if tree.isWaived(index) { return true }
        let node = tree.nodes[index]
        switch node.kind {
        case .credential: return !matching(index).isEmpty
        case .credits(let minimum, _): return supply(of: matching(index)) >= minimum - 1e-9
        case .maxCredits: return true
        case .allOf, .qualification: return node.children.allSatisfy(isMet)
        case .anyOf: return node.children.contains(where: isMet)
        case .atLeast(let count): return node.children.count(where: isMet) >= count
        }
    }

    var totalSupply: Double {
        supply(of: items.filter { item in tree.leafIndices.contains { tree.accepts(tree.nodes[$0], item) } })
    }

    var isTotalMet: Bool { totalSupply >= tree.qualification.ects - 1e-9 }
}
