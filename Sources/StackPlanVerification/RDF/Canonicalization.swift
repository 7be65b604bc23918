import Crypto

/// RDF Dataset Canonicalization (W3C RDFC-1.0, formerly URDNA2015) with SHA-256: blank nodes
/// get labels `c14n0`, `c14n1`, … that depend only on the dataset's shape, so that the sorted
/// canonical N-Quads of equal datasets are byte-equal and can be signed.
struct RDFCanonicalizer {
    /// The work a hostile dataset (a "poison graph") may cause is bounded: past this many
    /// N-degree hashing steps, or this recursion depth, canonicalization gives up.
    static let maximumSteps = 20_000
    static let maximumDepth = 32

    struct TooComplex: Error {}

    /// Issues identifiers with a prefix in order, remembering the order (RDFC-1.0 4.5).
    struct IdentifierIssuer {
        let prefix: String
        var counter = 0
        var issued: [String: String] = [:]
        var order: [String] = []

        init(prefix: String) { self.prefix = prefix }

        @discardableResult
        mutating func issue(_ existing: String) -> String {
            if let id = issued[existing] { return id }
            let id = "\(prefix)\(counter)"
            counter += 1
            issued[existing] = id
            order.append(existing)
            return id
        }
    }

    let quads: [Quad]
    private var quadsByBlank: [String: [Int]] = [:]
    private var canonical = IdentifierIssuer(prefix: "c14n")
    private var steps = 0

    init(_ quads: [Quad]) {
        // A dataset is a set: duplicate quads count once.
        var seen = Set<Quad>()
        self.quads = quads.filter { seen.insert($0).inserted }
        for (index, quad) in self.quads.enumerated() {
            for term in [quad.subject, quad.object, quad.graph].compactMap({ $0 }) {
                if let label = term.blankLabel, quadsByBlank[label]?.last != index { quadsByBlank[label, default: []].append(index) }
            }
        }
    }

    /// The canonical N-Quads document: each quad on its own line, sorted by code point.
    static func canonicalNQuads(_ quads: [Quad]) throws -> String {
        var canonicalizer = RDFCanonicalizer(quads)
        return try canonicalizer.run().joined()
    }

    static func hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func codePointLess(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// The canonical quads as sorted N-Quads lines; also the issued labels, for map tests.
    mutating func run() throws -> [String] {
        var hashToBlanks: [String: [String]] = [:]
        for label in quadsByBlank.keys.sorted() {
            hashToBlanks[firstDegreeHash(label), default: []].append(label)
        }
        var nonUnique: [(String, [String])] = []
        for hash in hashToBlanks.keys.sorted(by: Self.codePointLess) {
            let labels = hashToBlanks[hash]!
            if labels.count == 1 { canonical.issue(labels[0]) } else { nonUnique.append((hash, labels)) }
        }
        for (_, labels) in nonUnique {
            var results: [(hash: String, issuer: IdentifierIssuer)] = []
            for label in labels where canonical.issued[label] == nil {
                var temporary = IdentifierIssuer(prefix: "b")
                temporary.issue(label)
                results.append(try nDegreeHash(label, issuer: temporary, depth: 0))
            }
            for result in results.sorted(by: { Self.codePointLess($0.hash, $1.hash) }) {
                for existing in result.issuer.order { canonical.issue(existing) }
            }
        }
        let lines = quads.map { $0.relabelled { canonical.issued[$0] ?? $0 }.nquads }
        return lines.sorted(by: Self.codePointLess)
    }

    var issuedLabels: [String: String] { canonical.issued }

    /// Hash First Degree Quads (4.6): the quads mentioning the node, with it as `_:a` and
    /// every other blank node as `_:z`.
    func firstDegreeHash(_ label: String) -> String {
        let lines = (quadsByBlank[label] ?? []).map { quads[$0].relabelled { $0 == label ? "a" : "z" }.nquads }
        return Self.hex(lines.sorted(by: Self.codePointLess).joined())
    }

    /// Hash Related Blank Node (4.7).
    func relatedHash(_ related: String, quad: Quad, issuer: IdentifierIssuer, position: String) -> String {
        var input = position
        if position != "g" { input += quad.predicate.nquads }
        if let id = canonical.issued[related] {
            input += "_:" + id
        } else if let id = issuer.issued[related] {
            input += "_:" + id
        } else {
            input += firstDegreeHash(related)
        }
        return Self.hex(input)
    }

    /// Hash N-Degree Quads (4.8).
    mutating func nDegreeHash(_ label: String, issuer startIssuer: IdentifierIssuer, depth: Int) throws -> (hash: String, issuer: IdentifierIssuer) {
        steps += 1
        guard steps <= Self.maximumSteps, depth <= Self.maximumDepth else { throw TooComplex() }
        var issuer = startIssuer
        var hashToRelated: [String: [String]] = [:]
        for index in quadsByBlank[label] ?? [] {
            let quad = quads[index]
            for (term, position) in [(quad.subject, "s"), (quad.object, "o"), (quad.graph, "g")] {
                guard let related = term?.blankLabel, related != label else { continue }
                hashToRelated[relatedHash(related, quad: quad, issuer: issuer, position: position), default: []].append(related)
            }
        }
        var data = ""
        for relatedHash in hashToRelated.keys.sorted(by: Self.codePointLess) {
            data += relatedHash
            var chosenPath = ""
            var chosenIssuer: IdentifierIssuer?
            var permutations = Permutations(hashToRelated[relatedHash]!)
            while let permutation = permutations.next() {
                steps += 1
                guard steps <= Self.maximumSteps else { throw TooComplex() }
                var issuerCopy = issuer
                var path = ""
                var recursion: [String] = []
                var pruned = false
                for related in permutation {
                    if let id = canonical.issued[related] {
                        path += "_:" + id
                    } else {
                        if issuerCopy.issued[related] == nil { recursion.append(related) }
                        path += "_:" + issuerCopy.issue(related)
                    }
                    if !chosenPath.isEmpty && path.utf8.count >= chosenPath.utf8.count && Self.codePointLess(chosenPath, path) {
                        pruned = true
                        break
                    }
                }
                if pruned { continue }
                for related in recursion {
                    let result = try nDegreeHash(related, issuer: issuerCopy, depth: depth + 1)
                    path += "_:" + issuerCopy.issue(related)
                    path += "<\(result.hash)>"
                    issuerCopy = result.issuer
                    if !chosenPath.isEmpty && path.utf8.count >= chosenPath.utf8.count && Self.codePointLess(chosenPath, path) {
                        pruned = true
                        break
                    }
                }
                if pruned { continue }
                if chosenPath.isEmpty || Self.codePointLess(path, chosenPath) {
                    chosenPath = path
                    chosenIssuer = issuerCopy
                }
            }
            data += chosenPath
            if let chosenIssuer { issuer = chosenIssuer }
        }
        return (Self.hex(data), issuer)
    }
}

/// Every ordering of a list, in lexicographic order of positions (Heap's order would also do:
/// the algorithm keeps the least path whatever the order of trial).
struct Permutations {
    let items: [String]
    var indices: [Int]
    var finished = false

    init(_ items: [String]) {
        self.items = items
        indices = Array(items.indices)
    }

    mutating func next() -> [String]? {
        guard !finished else { return nil }
        let current = indices.map { items[$0] }
        // Next lexicographic permutation of the index array.
        var pivot = indices.count - 2
        while pivot >= 0 && indices[pivot] >= indices[pivot + 1] { pivot -= 1 }
        if pivot < 0 {
            finished = true
        } else {
            var successor = indices.count - 1
            while indices[successor] <= indices[pivot] { successor -= 1 }
            indices.swapAt(pivot, successor)
            indices[(pivot + 1)...].reverse()
        }
        return current
    }
}
