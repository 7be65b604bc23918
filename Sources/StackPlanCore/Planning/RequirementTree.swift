/// A qualification's requirement tree with `{"qualification": …}` references expanded in place,
/// every node numbered and named by its path (`requires.allOf[1]`), as plans and explanations cite them.
public struct RequirementTree: Sendable {
    public enum Kind: Sendable, Equatable {
        case credential(String)
        case allOf
        case anyOf
        case atLeast(Int)
        case credits(Double, CredentialFilter)
        case count(Int, CredentialFilter)
        case maxCredits(Double, CredentialFilter)
        /// Met when its one child, the referenced qualification's tree, is met.
        case qualification(String)
    }

    /// Where a credential counts at most once (docs/data-format.md, "Counting scopes").
    public enum CountingScope: Sendable, Hashable, Comparable {
        /// The qualification's own scope: every leaf outside a named scope.
        case qualification
        /// A scope a node names, shared by every node naming it.
        case named(String)
        /// One leaf alone, by its path: every leaf under the older `sharedCounting: true`.
        case leaf(String)
    }

    public struct Node: Sendable {
        public var path: String
        public var label: String?
        public var kind: Kind
        public var children: [Int]
        public var depth: Int
        /// The scope the node names itself, if any.
        public var declaredScope: String?
        /// The scope the leaves count in: its own, else its nearest ancestor's.
        public var countingScope: CountingScope
        /// On credit and count leaves: how the applied credentials must spread over a field's values.
        public var distinct: DistinctRule? = nil
        /// On caps: what the cap limits.
        public var capReach: CapReach = .qualification
        /// On credit and count leaves: the least credit-weighted mean grade of the held items applied.
        public var meanGrade: Grade? = nil
        /// The node's parent, `nil` for the root.
        public var parent: Int? = nil

        /// Leaves are where credentials are applied.
        public var isLeaf: Bool {
            switch kind {
            case .credential, .credits, .count: true
            default: false
            }
        }
    }

    public let qualification: Qualification
    public private(set) var nodes: [Node] = []
    public static let rootIndex = 0

    /// Paths of waived nodes, and of every node at or below one: set aside, they take no items.
    public private(set) var waived: Set<String> = []
    private var setAside: Set<String> = []
    /// Credential id asked for → item ids accepted in its place.
    private var substitutes: [String: Set<String>] = [:]
    /// Item id → leaf paths it is applied to by hand.
    public private(set) var appliedByHand: [String: Set<String>] = [:]
    /// Indices of leaves, for ``leaves(accepting:)``: asking every leaf about every credential
    /// is quadratic, and a qualification may name thousands of credentials.
    private var leavesByCredential: [String: [Int]] = [:]
    private var creditLeaves: [Int] = []
    private var leafByPath: [String: Int] = [:]

    /// Expands the tree; the catalogue must have passed validation (no unknown or cyclic references).
    /// Exceptions are taken as given: ``Planner`` checks them against the tree before planning.
    public init(_ qualification: Qualification, in catalogue: Catalogue, exceptions: [AdvisorException] = []) {
        self.qualification = qualification
        _ = add(qualification.requires, path: "requires", depth: 0, catalogue: catalogue, expanding: [qualification.id], scope: .qualification)
        if qualification.rules.sharedCounting {
            for index in nodes.indices { nodes[index].countingScope = .leaf(nodes[index].path) }
        }
        for exception in exceptions {
            switch exception.rule {
            case .waive(let path): waived.insert(path)
            case .substitute(let old, let new): substitutes[old, default: []].insert(new)
            case .apply(let item, let path): appliedByHand[item, default: []].insert(path)
            }
        }
        for node in nodes where waived.contains(where: { node.path == $0 || node.path.hasPrefix($0 + ".") }) {
            setAside.insert(node.path)
        }
        for index in nodes.indices where nodes[index].isLeaf {
            leafByPath[nodes[index].path] = index
            switch nodes[index].kind {
            case .credential(let id): leavesByCredential[id, default: []].append(index)
            default: creditLeaves.append(index)
            }
        }
    }

    /// The leaves that accept `item`, in index order: the same as asking ``accepts(_:_:)`` of
    /// every leaf, found through indices (its credential's leaves, the credit leaves, and the
    /// leaves an exception names).
    public func leaves(accepting item: CountableItem) -> [Int] {
        var possible = creditLeaves
        if let id = item.catalogueID { possible += leavesByCredential[id] ?? [] }
        for path in appliedByHand[item.id] ?? [] { if let index = leafByPath[path] { possible.append(index) } }
        for (asked, accepted) in substitutes where accepted.contains(item.id) { possible += leavesByCredential[asked] ?? [] }
        return Set(possible).sorted().filter { accepts(nodes[$0], item) }
    }

    public func isWaived(_ index: Int) -> Bool { waived.contains(nodes[index].path) }

    public func isSetAside(_ index: Int) -> Bool { setAside.contains(nodes[index].path) }

    /// Whether the item reaches this leaf only through an exception (a substitute or a hand application).
    public func acceptsByException(_ node: Node, _ item: CountableItem) -> Bool {
        guard !setAside.contains(node.path) else { return false }
        if appliedByHand[item.id]?.contains(node.path) == true { return true }
        if case .credential(let id) = node.kind { return item.catalogueID != id && substitutes[id]?.contains(item.id) == true }
        return false
    }

    /// The index of the node at a path, if the tree has one.
    public func index(of path: String) -> Int? { nodes.firstIndex { $0.path == path } }

    private mutating func add(_ node: RequirementNode, path: String, depth: Int, catalogue: Catalogue, expanding: Set<String>, scope inherited: CountingScope) -> Int {
        let index = nodes.count
        let kind: Kind
        var childNodes: [(RequirementNode, String)] = []
        switch node.rule {
        case .credential(let id): kind = .credential(id)
        case .allOf(let children):
            kind = .allOf
            childNodes = children.enumerated().map { ($1, "\(path).allOf[\($0)]") }
        case .anyOf(let children):
            kind = .anyOf
            childNodes = children.enumerated().map { ($1, "\(path).anyOf[\($0)]") }
        case .atLeast(let count, let children):
            kind = .atLeast(count)
            childNodes = children.enumerated().map { ($1, "\(path).of[\($0)]") }
        case .credits(let minimum, let filter): kind = .credits(minimum, filter)
        case .count(let minimum, let filter): kind = .count(minimum, filter)
        case .maxCredits(let maximum, let filter): kind = .maxCredits(maximum, filter)
        case .qualification(let id):
            kind = .qualification(id)
            if let inner = catalogue.qualification(id), !expanding.contains(id) {
                childNodes = [(inner.requires, "\(path).requires")]
            }
        }
        let scope = node.scope.map(CountingScope.named) ?? inherited
        nodes.append(Node(
            path: path, label: node.label, kind: kind, children: [], depth: depth, declaredScope: node.scope, countingScope: scope,
            distinct: node.distinct, capReach: node.capReach, meanGrade: node.meanGrade))
        var nextExpanding = expanding
        if case .qualification(let id) = kind { nextExpanding.insert(id) }
        let children = childNodes.map { add($0.0, path: $0.1, depth: depth + 1, catalogue: catalogue, expanding: nextExpanding, scope: scope) }
        nodes[index].children = children
        for child in children { nodes[child].parent = index }
        return index
    }

    public var leafIndices: [Int] { nodes.indices.filter { nodes[$0].isLeaf } }

    /// Whether an item may be applied to a leaf: the same credential, or a filter it passes
    /// with credits to give (an item without ECTS adds nothing to a credit sum).
    public func accepts(_ node: Node, _ item: CountableItem) -> Bool {
        if setAside.contains(node.path) { return false }
        if acceptsByException(node, item) { return true }
        switch node.kind {
        case .credential(let id): return item.catalogueID == id
        case .credits(_, let filter): return item.ects > 0 && filter.matches(item)
        case .count(_, let filter): return filter.matches(item)
        default: return false
        }
    }

    /// The leaves at or below a node, in index order (walked with an explicit stack).
    public func leaves(under index: Int) -> [Int] {
        var found: [Int] = [], pending = [index]
        while let next = pending.popLast() {
            if nodes[next].isLeaf { found.append(next) }
            pending.append(contentsOf: nodes[next].children)
        }
        return found.sorted()
    }

    /// The leaves a cap limits: every leaf for a cap on the qualification, else those under its parent.
    public func leavesLimited(by cap: Int) -> [Int]? {
        guard nodes[cap].capReach == .parent else { return nil }
        return leaves(under: nodes[cap].parent ?? Self.rootIndex)
    }

    /// A short human description of the node's rule.
    public func describe(_ index: Int, catalogue: Catalogue) -> String {
        let node = nodes[index]
        var rule: String
        switch node.kind {
        case .credential(let id): rule = "\(catalogue.credential(id)?.title ?? id) (\(id))"
        case .allOf: rule = "all of \(node.children.count)"
        case .anyOf: rule = "any of \(node.children.count)"
        case .atLeast(let count): rule = "at least \(count) of \(node.children.count)"
        case .credits(let minimum, let filter): rule = minimum > 0 ? "\(format(minimum)) ECTS\(describe(filter))" : "free electives\(describe(filter))"
        case .count(let minimum, let filter): rule = "at least \(minimum) credential\(minimum == 1 ? "" : "s")\(describe(filter))"
        case .maxCredits(let maximum, let filter): rule = "at most \(format(maximum)) ECTS\(describe(filter))\(node.capReach == .parent ? " within this part" : "")"
        case .qualification(let id): rule = "the requirements of \(catalogue.qualification(id)?.title ?? id) (\(id))"
        }
        if let distinct = node.distinct {
            let field = distinct.by == .isced ? "ISCED-F fields" : distinct.by == .eqf ? "EQF levels" : distinct.by.rawValue == "competency" ? "competencies" : "\(distinct.by.rawValue)s"
            if let least = distinct.atLeast { rule += ", from at least \(least) \(field)" }
            if let most = distinct.atMostEach { rule += ", at most \(most) from one \(distinct.by == .isced ? "field" : distinct.by == .eqf ? "level" : distinct.by.rawValue)" }
        }
        if let mean = node.meanGrade { rule += ", mean grade \(mean.text) or better (\(mean.scale))" }
        guard let label = node.label else { return rule }
        if case .credential(let id) = node.kind { return "\(label) (\(id))" }
        return "\(label): \(rule)"
    }

    func describe(_ filter: CredentialFilter) -> String { filter.phrase }
}

extension CredentialFilter {
    /// The filter in words, with a leading space (` in dementia, at EQF 7+`), for requirement
    /// labels; empty for a filter that accepts everything.
    public var phrase: String {
        var parts: [String] = []
        if let competencies { parts.append("in " + competencies.joined(separator: " or ")) }
        if let minEQF { parts.append("at EQF \(minEQF)+") }
        if let maxEQF { parts.append("at EQF ≤ \(maxEQF)") }
        if let kinds { parts.append("of kind " + kinds.map(\.rawValue).joined(separator: "/")) }
        if let providers { parts.append("from " + providers.joined(separator: "/")) }
        if let accredited { parts.append(accredited ? "accredited" : "not accredited") }
        if let ids { parts.append("among " + ids.joined(separator: ", ")) }
        if let codes { parts.append("coded " + codes.joined(separator: " or ")) }
        if let codeRanges {
            parts.append("coded " + codeRanges.map { "\($0.prefix.isEmpty ? "" : $0.prefix + " ")\($0.from)–\($0.to)" }.joined(separator: " or "))
        }
        if let minECTS { parts.append("of \(format(minECTS))+ ECTS each") }
        if let maxECTS { parts.append("of at most \(format(maxECTS)) ECTS each") }
        if let isced { parts.append("in ISCED-F " + isced.joined(separator: " or ")) }
        if let escoSkills { parts.append("teaching " + escoSkills.joined(separator: " or ")) }
        for part in allOf ?? [] { parts.append(part.phrase.trimmingPrefix(" ").description) }
        if let anyOf { parts.append("either " + anyOf.map { $0.phrase.isEmpty ? "any" : String($0.phrase.dropFirst()) }.joined(separator: " or ")) }
        for part in notAnyOf ?? [] { parts.append("not" + (part.phrase.isEmpty ? " anything" : part.phrase)) }
        if let minGrade { parts.append("with grade \(minGrade.text) or better (\(minGrade.scale))") }
        return parts.isEmpty ? "" : " " + parts.joined(separator: ", ")
    }
}
