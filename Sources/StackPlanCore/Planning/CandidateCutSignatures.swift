/// What a store may know of a cut group's signature before reading a row, so that it can read
/// one leaf's credentials in measure order and stop once every group that leaf can hold has
/// enough sure dominators (docs/formulation.md §5.3).

extension CredentialFilter {
    /// Whether a store's columns say this filter exactly: ids, competencies, EQF bounds, kinds,
    /// providers and accreditation. The fields issue 17 added (code patterns and ranges, ECTS
    /// bounds, ISCED-F fields, ESCO skills, combinations) a store reads wider than they are, so
    /// it cannot group credentials on them. (`minGrade` asks only of held items: a credential
    /// still to take passes it.)
    public var isStoreExpressible: Bool {
        codes == nil && codeRanges == nil && minECTS == nil && maxECTS == nil && isced == nil && escoSkills == nil
            && allOf == nil && anyOf == nil && notAnyOf == nil
    }
}

extension CandidateCut {
    /// A cut group's key apart from its ECTS: the leaves accepting a credential and the caps it
    /// passes, as bit masks by position in ``leaves`` and ``caps``.
    public struct Signature: Hashable, Sendable {
        public var leaves: Int64
        public var caps: Int64

        public init(leaves: Int64, caps: Int64) {
            self.leaves = leaves
            self.caps = caps
        }

        /// Positions of the leaves in ``leaves``.
        public var leafPositions: [Int] { (0..<64).filter { self.leaves & (Int64(1) << Int64($0)) != 0 } }
    }

    /// Every signature a credential the learner may take can have when the leaf at `position`
    /// is the first leaf to accept it (the cut reads each leaf leaving out what earlier leaves
    /// accept), or `nil` when they cannot be told in advance: more than `limit` of them, a
    /// filter a store cannot say, too many values to try, or a signature holding a leaf that is
    /// never compared (its members are all read).
    ///
    /// Found by trying every credential the filters can tell apart (``FilterCase``): each EQF
    /// level, accreditation and kind, each provider and id the filters name or none of them,
    /// and each set of the competencies they name. A signature no such case has cannot occur;
    /// one that does may still be absent from the catalogue (a store reading toward it then
    /// reads the leaf to its end).
    public func possibleSignatures(firstAcceptedBy position: Int, limit: Int = 32) -> [Signature]? {
        guard leaves.indices.contains(position), leaves.count <= 62, caps.count <= 62 else { return nil }
        let first = leaves[position]
        guard first.comparable, first.needsCredits,
              leaves.allSatisfy(\.filter.isStoreExpressible), caps.allSatisfy(\.isStoreExpressible) else { return nil }
        let filters = leaves.map(\.filter) + caps
        guard let cases = FilterCase.all(telling: filters, constraints: constraints) else { return nil }
        var found: Set<Signature> = []
        for item in cases where item.passes(first.filter) && !leaves[..<position].contains(where: { item.passes($0.filter) }) {
            var signature = Signature(leaves: 0, caps: 0)
            for (index, leaf) in leaves.enumerated() where index >= position && item.passes(leaf.filter) {
                guard leaf.comparable else { return nil }
                signature.leaves |= Int64(1) << Int64(index)
            }
            for (index, cap) in caps.enumerated() where item.passes(cap) { signature.caps |= Int64(1) << Int64(index) }
            found.insert(signature)
            if found.count > limit { return nil }
        }
        return found.sorted { ($0.leaves, $0.caps) < ($1.leaves, $1.caps) }
    }
}

/// One kind of credential as store-expressible filters see it: the values of the fields they
/// read, where a provider or id the filters do not name, and competencies they do not name,
/// all look alike. Every credential with ECTS matches the filters as exactly one case does.
struct FilterCase {
    var eqf: Int
    var accredited: Bool
    var kind: CredentialKind
    /// A provider some filter names, or `nil` for any other.
    var provider: String?
    /// An id some filter names, or `nil` for any other.
    var id: String?
    /// Which of the competencies the filters name it has.
    var competencies: Set<String>

    /// Most cases tried before giving up.
    static let mostCases = 100_000

    /// Every case the filters tell apart that the learner's limits allow (accreditation,
    /// excluded providers), or `nil` when there would be more than ``mostCases``.
    static func all(telling filters: [CredentialFilter], constraints: LearnerConstraints) -> [FilterCase]? {
        var providers: Set<String> = [], ids: Set<String> = [], competencies: Set<String> = []
        for filter in filters {
            providers.formUnion(filter.providers ?? [])
            ids.formUnion(filter.ids ?? [])
            competencies.formUnion(filter.competencies ?? [])
        }
        let excluded = Set(constraints.excludeProviders)
        let providerValues: [String?] = [nil] + providers.filter { !excluded.contains($0) }.sorted()
        let idValues: [String?] = [nil] + ids.sorted()
        let accreditations = constraints.accreditedOnly ? [true] : [false, true]
        let named = competencies.sorted()
        guard named.count < 20 else { return nil }
        let size = 8 * accreditations.count * CredentialKind.allCases.count * providerValues.count * idValues.count * (1 << named.count)
        guard size <= mostCases else { return nil }
        var cases: [FilterCase] = []
        cases.reserveCapacity(size)
        for eqf in 1...8 {
            for accredited in accreditations {
                for kind in CredentialKind.allCases {
                    for provider in providerValues {
                        for id in idValues {
                            for subset in 0..<(1 << named.count) {
                                let held = Set(named.indices.filter { subset & (1 << $0) != 0 }.map { named[$0] })
                                cases.append(FilterCase(eqf: eqf, accredited: accredited, kind: kind, provider: provider, id: id, competencies: held))
                            }
                        }
                    }
                }
            }
        }
        return cases
    }

    /// Whether a credential of this case passes `filter`, a store-expressible one, as a store's
    /// condition reads it.
    func passes(_ filter: CredentialFilter) -> Bool {
        if let ids = filter.ids, !(id.map(ids.contains) ?? false) { return false }
        if let wanted = filter.competencies, !wanted.contains(where: competencies.contains) { return false }
        if let minimum = filter.minEQF, eqf < minimum { return false }
        if let maximum = filter.maxEQF, eqf > maximum { return false }
        if let kinds = filter.kinds, !kinds.contains(kind) { return false }
        if let providers = filter.providers, !(provider.map(providers.contains) ?? false) { return false }
        if let accredited = filter.accredited, self.accredited != accredited { return false }
        return true
    }
}
