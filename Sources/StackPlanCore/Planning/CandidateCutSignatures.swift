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

    /// Whether every credential this filter passes, the other passes too. Only proven from the
    /// fields both state; `false` means "not shown", not "no".
    func provablyImplies(_ other: CredentialFilter) -> Bool {
        guard isStoreExpressible, other.isStoreExpressible else { return false }
        func narrower<T: Hashable>(_ mine: [T]?, _ theirs: [T]?) -> Bool {
            guard let theirs else { return true }
            guard let mine else { return false }
            return Set(mine).isSubset(of: Set(theirs))
        }
        if let minimum = other.minEQF, (minEQF ?? Int.min) < minimum { return false }
        if let maximum = other.maxEQF, (maxEQF ?? Int.max) > maximum { return false }
        if let accredited = other.accredited, self.accredited != accredited { return false }
        return narrower(ids, other.ids) && narrower(competencies, other.competencies)
            && narrower(kinds, other.kinds) && narrower(providers, other.providers)
    }

    /// Whether no credential passes both filters. Only proven from fields that hold one value
    /// per credential (a credential has several competencies, so lists of them prove nothing).
    func provablyExcludes(_ other: CredentialFilter) -> Bool {
        guard isStoreExpressible, other.isStoreExpressible else { return false }
        func apart<T: Hashable>(_ mine: [T]?, _ theirs: [T]?) -> Bool {
            guard let mine, let theirs else { return false }
            return Set(mine).isDisjoint(with: Set(theirs))
        }
        if let mine = accredited, let theirs = other.accredited, mine != theirs { return true }
        let lowest = max(minEQF ?? Int.min, other.minEQF ?? Int.min)
        let highest = min(maxEQF ?? Int.max, other.maxEQF ?? Int.max)
        if lowest > highest { return true }
        return apart(ids, other.ids) || apart(kinds, other.kinds) || apart(providers, other.providers)
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

    /// Every signature a credential can have when the leaf at `position` is the first leaf to
    /// accept it (the cut reads each leaf leaving out what earlier leaves accept), or `nil` when
    /// they cannot be told in advance: more than `limit` of them, a filter a store cannot say,
    /// or a signature holding a leaf that is never compared (its members are all read).
    ///
    /// A later leaf or cap that the first leaf's filter provably implies is in every signature;
    /// one it provably excludes, or one whose filter implies an earlier leaf's (which the
    /// credential fails), is in none; the rest may go either way.
    public func possibleSignatures(firstAcceptedBy position: Int, limit: Int = 32) -> [Signature]? {
        guard leaves.indices.contains(position), leaves.count <= 62, caps.count <= 62 else { return nil }
        let first = leaves[position]
        guard first.comparable, first.needsCredits, first.filter.isStoreExpressible,
              caps.allSatisfy(\.isStoreExpressible) else { return nil }
        let earlier = leaves[..<position].map(\.filter)
        func known(_ filter: CredentialFilter) -> Bool? {
            if first.filter.provablyImplies(filter) { return true }
            if first.filter.provablyExcludes(filter) || earlier.contains(where: { filter.provablyImplies($0) }) { return false }
            return nil
        }
        var signatures = [Signature(leaves: Int64(1) << Int64(position), caps: 0)]
        func widen(_ bit: Int64, _ value: Bool?, leaf: Bool) -> Bool {
            switch value {
            case true?:
                for index in signatures.indices {
                    if leaf { signatures[index].leaves |= bit } else { signatures[index].caps |= bit }
                }
            case false?: break
            case nil:
                signatures += signatures.map { signature in
                    var widened = signature
                    if leaf { widened.leaves |= bit } else { widened.caps |= bit }
                    return widened
                }
            }
            return signatures.count <= limit
        }
        for later in leaves.indices where later > position {
            // A later leaf that accepts credits needs ECTS as the first does; a `count` leaf takes any.
            let value = known(leaves[later].filter)
            if value != false, !leaves[later].comparable { return nil }
            guard widen(Int64(1) << Int64(later), value, leaf: true) else { return nil }
        }
        for (cap, filter) in caps.enumerated() {
            guard widen(Int64(1) << Int64(cap), known(filter), leaf: false) else { return nil }
        }
        return signatures
    }
}
