/// The directed graph "credential → credentials it requires", for cycle detection and closures.
public struct PrerequisiteGraph {
    /// Sorted for deterministic reports: what each credential needs finished first.
    let edges: [String: [String]]
    /// What each credential needs held or planned at all: its prerequisites and corequisites.
    let needs: [String: [String]]

    public init(catalogue: Catalogue, fallback: Catalogue? = nil) {
        var edges: [String: [String]] = [:], needs: [String: [String]] = [:]
        for credential in fallback?.credentials ?? [] where catalogue.credential(credential.id) == nil {
            edges[credential.id] = Array(Set(credential.prerequisites?.precedingIDs ?? [])).sorted()
            needs[credential.id] = Array(Set(credential.prerequisites?.credentialIDs ?? [])).sorted()
        }
        for credential in catalogue.credentials where edges[credential.id] == nil || catalogue.credential(credential.id) == credential {
            edges[credential.id] = Array(Set(credential.prerequisites?.precedingIDs ?? [])).sorted()
            needs[credential.id] = Array(Set(credential.prerequisites?.credentialIDs ?? [])).sorted()
        }
        self.edges = edges
        self.needs = needs
    }

    /// One cycle per strongly connected group of mutually dependent credentials, each starting
    /// at its smallest id. Corequisites may name each other: they are taken together, not in turn.
    public func cycles() -> [[String]] { DirectedGraph(successors: edges).cycles() }

    /// The credentials a set needs, directly or through their own prerequisites, the set included.
    public func closure<S: Sequence>(of start: S) -> Set<String> where S.Element == String {
        var seen = Set(start)
        var pending = Array(seen)
        while let node = pending.popLast() {
            for next in needs[node] ?? [] where seen.insert(next).inserted { pending.append(next) }
        }
        return seen
    }
}

/// A directed graph over ids whose cycles are found by a depth-first search with an explicit
/// stack: chains as long as the input is (a prerequisite chain of ten thousand credentials)
/// need memory on the heap only, never call stack.
struct DirectedGraph {
    /// Each node's successors; edges to ids that are not keys are ignored.
    let successors: [String: [String]]

    init(successors: [String: [String]]) { self.successors = successors }

    init(nodes: [String], successors: (String) -> [String]) {
        var table: [String: [String]] = [:]
        for node in nodes where table[node] == nil { table[node] = successors(node) }
        self.successors = table
    }

    /// Cycles found in a search that visits nodes in id order, each rotated to start at its
    /// smallest id; a cycle that shares a node with one already found is not reported again.
    func cycles() -> [[String]] {
        enum Mark { case onPath, finished }
        var marks: [String: Mark] = [:]
        var found: [[String]] = []
        var reported: Set<String> = []
        for root in successors.keys.sorted() where marks[root] == nil {
            // The current path: each node, where it stands in `path`, and how many of its edges are done.
            var path: [String] = [root]
            var positions: [String: Int] = [root: 0]
            var nextEdge: [Int] = [0]
            marks[root] = .onPath
            while let node = path.last {
                let edges = successors[node] ?? []
                let edge = nextEdge[nextEdge.count - 1]
                guard edge < edges.count else {
                    marks[node] = .finished
                    positions[node] = nil
                    path.removeLast()
                    nextEdge.removeLast()
                    continue
                }
                nextEdge[nextEdge.count - 1] = edge + 1
                let next = edges[edge]
                guard successors[next] != nil else { continue }
                switch marks[next] {
                case .onPath?:
                    var cycle = Array(path[positions[next, default: 0]...])
                    if let smallest = cycle.indices.min(by: { cycle[$0] < cycle[$1] }) {
                        cycle = Array(cycle[smallest...] + cycle[..<smallest])
                    }
                    if !cycle.contains(where: reported.contains) {
                        reported.formUnion(cycle)
                        found.append(cycle)
                    }
                case .finished?: continue
                case nil:
                    marks[next] = .onPath
                    positions[next] = path.count
                    path.append(next)
                    nextEdge.append(0)
                }
            }
        }
        return found
    }
}
