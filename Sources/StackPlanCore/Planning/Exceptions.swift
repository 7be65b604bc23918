/// Checks advisors' exceptions against the target's requirement tree and the learner's held
/// credentials before any model is built, so that a mistyped path is an error naming that path,
/// not a silently ignored exception.
extension Planner {
    func checkExceptions(_ request: PlanRequest, qualification: Qualification) throws {
        let exceptions = request.exceptions
        guard !exceptions.isEmpty else { return }
        let tree = RequirementTree(qualification, in: catalogue, exceptions: exceptions.filter {
            if case .waive = $0.rule { return true }
            return false
        })
        var issues: [ValidationIssue] = []
        func problem(_ exception: AdvisorException, _ message: String) {
            issues.append(ValidationIssue(path: exception.origin, message: message))
        }
        let pathHint = "(`stackplan show \(qualification.id)` lists its paths)"
        let heldItemIDs = request.learner.held.indices.map { request.itemID("held[\($0)]") }
        var handApplied: [String: [String]] = [:]
        for exception in exceptions {
            switch exception.rule {
            case .waive(let path):
                if tree.index(of: path) == nil { problem(exception, "\(qualification.id) has no requirement at \(path) \(pathHint)") }
            case .substitute(let old, let new):
                let asking = tree.nodes.indices.filter { index in
                    if case .credential(old) = tree.nodes[index].kind { return !tree.isSetAside(index) }
                    return false
                }
                if asking.isEmpty { problem(exception, "no requirement of \(qualification.id) asks for \(old)\(tree.nodes.contains { $0.kind == .credential(old) } ? " outside a waived requirement" : "")") }
                if new == old { problem(exception, "substitutes \(old) for itself") }
                if catalogue.credential(new) == nil && !heldItemIDs.contains(new) {
                    problem(exception, "\(new) is neither a catalogue credential nor one of the learner's held items (held[0] to held[\(request.learner.held.count - 1)])")
                }
            case .apply(let item, let path):
                if !heldItemIDs.contains(item) {
                    problem(exception, request.learner.held.isEmpty
                        ? "\(item) is not held: the learner holds nothing to apply"
                        : "\(item) is not one of the learner's held items: name it held[N] (0 to \(request.learner.held.count - 1)) or by the id of a held catalogue credential")
                }
                guard let index = tree.index(of: path) else {
                    problem(exception, "\(qualification.id) has no requirement at \(path) \(pathHint)")
                    continue
                }
                if !tree.nodes[index].isLeaf {
                    problem(exception, "\(path) is not a credential or credits requirement: apply an item to one of the leaves below it")
                } else if tree.isSetAside(index) {
                    problem(exception, "\(path) is waived: nothing can be applied to it")
                }
                handApplied[item, default: []].append(path)
            }
        }
        // A credential counts at most once in each counting scope, by hand too.
        for (item, paths) in handApplied.sorted(by: { $0.key < $1.key }) {
            var byScope: [RequirementTree.CountingScope: Set<String>] = [:]
            for path in paths { if let index = tree.index(of: path) { byScope[tree.nodes[index].countingScope, default: []].insert(path) } }
            for (_, clashing) in byScope.sorted(by: { $0.key < $1.key }) where clashing.count > 1 {
                issues.append(ValidationIssue(
                    path: "exceptions",
                    message: "\(item) is applied by hand to \(clashing.sorted().joined(separator: " and ")), but in \(qualification.id) a credential counts toward one requirement only\(tree.nodes.contains { $0.declaredScope != nil } ? " within one counting scope" : "")"))
            }
        }
        guard issues.isEmpty else { throw PlanningError.invalidLearner(InvalidDocument(issues: issues)) }
    }
}

extension PlanRequest {
    /// Whether each exception shaped the plan: waivers and hand applications always do; a
    /// substitute only when the substitute is applied where the original was asked for.
    public func exceptionUse(in plan: Plan, catalogue: Catalogue) -> [(exception: AdvisorException, used: Bool)] {
        let tree = RequirementTree(plan.qualification, in: catalogue, exceptions: exceptions)
        return exceptions.map { exception in
            switch exception.rule {
            case .waive, .apply: return (exception, true)
            case .substitute(let old, let new):
                let used = (plan.applications[new] ?? []).contains { path in
                    tree.index(of: path).map { tree.nodes[$0].kind == .credential(old) } ?? false
                }
                return (exception, used)
            }
        }
    }
}
