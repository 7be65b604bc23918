/// The directed graph "credential → credentials it requires", for cycle detection and closures.
public struct PrerequisiteGraph {
    /// Sorted for deterministic reports.
    let edges: [String: [String]]

    public init(catalogue: Catalogue, fallback: Catalogue? = nil) {
        var edges: [String: [String]] = [:]
        for credential in fallback?.credentials ?? [] where catalogue.credential(credential.id) == nil {
            edges[credential.id] = Array(Set(credential.prerequisites?.credentialIDs ?? [])).sorted()
        }
        for credential in catalogue.credentials where edges[credential.id] == nil || catalogue.credential(credential.id) == credential {
            edges[credential.id] = Array(Set(credential.prerequisites?.credentialIDs ?? [])).sorted()
        }
        self.edges = edges
    }

    /// One cycle per strongly connected group of mutually dependent credentials, each starting at its smallest id.
    public func cycles() -> [[String]] {
        var state: [String: Int] = [:]  // 1 on the current path, 2 finished
        var stack: [String] = []
        var found: [[String]] = []
        var reported: Set<String> = []
        func visit(_ node: String) {
            state[node] = 1
            stack.append(node)
            for next in edges[node] ?? [] where edges[next] != nil {
                if state[next] == 1 {
                    var cycle = Array(stack[stack.lastIndex(of: next)!...])
                    let smallest = cycle.indices.min { cycle[$0] < cycle[$1] }!
                    cycle = Array(cycle[smallest...] + cycle[..<smallest])
                    if !cycle.contains(where: reported.contains) {
                        reported.formUnion(cycle)
                        found.append(cycle)
                    }
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[node] = 2
        }
        for node in edges.keys.sorted() where state[node] == nil { visit(node) }
        return found
    }

    /// The credentials a set needs, directly or through their own prerequisites, the set included.
    public func closure<S: Sequence>(of start: S) -> Set<String> where S.Element == String {
        var seen = Set(start)
        var pending = Array(seen)
        while let node = pending.popLast() {
            for next in edges[node] ?? [] where seen.insert(next).inserted { pending.append(next) }
        }
        return seen
    }
}
