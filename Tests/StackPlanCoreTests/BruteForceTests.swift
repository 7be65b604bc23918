import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// The planner against exhaustive enumeration on random small catalogues: every subset of
/// credentials, and for each every way of counting the items toward the leaves.
@Suite struct BruteForceTests {
    @Test(arguments: 0..<6)
    func plannerMatchesEnumeration(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(1000 + batch))
        for _ in 0..<25 {
            let instance = RandomInstance(using: &generator)
            let outcome = try Planner(catalogue: instance.catalogue).plan(instance.request)
            let best = instance.bruteForceOptimum()
            switch outcome {
            case .planned(let plan):
                let violations = PlanChecker(catalogue: instance.catalogue, request: instance.request).violations(of: plan)
                #expect(violations.isEmpty, "\(violations)")
                #expect(best != nil, "planner found a plan where enumeration found none: \(plan.taken)\n\(instance)")
                if let best { #expect(abs(plan.objectiveValues[0] - best) < 1e-6, "planner \(plan.objectiveValues[0]) vs enumeration \(best): \(plan.taken)\n\(instance)") }
                let takings = plan.taken + plan.repeats.flatMap { id, times in (2...times).map { Plan.takingID(id, $0) } }
                #expect(instance.isFeasible(Set(takings)), "enumeration rejects the plan \(plan.taken) \(plan.repeats)\n\(instance)")
            case .infeasible:
                #expect(best == nil, "planner says infeasible, enumeration found \(String(describing: best))\n\(instance)")
            case .stopped(let status):
                Issue.record("solver stopped: \(status)")
            }
        }
    }
}

struct RandomInstance: CustomStringConvertible {
    var catalogue: Catalogue
    var request: PlanRequest

    /// `extended` draws issue 17's constructs too (free-elective pools, counting scopes, the newer
    /// filters, count leaves, distinct rules, caps on one part, corequisites, repeatable credentials); without it the instances are
    /// exactly those drawn before them, which the tests of alternatives keep to.
    init(using generator: inout SeededGenerator, extended: Bool = true) {
        let competencies = ["a", "b", "c"]
        let count = Int.random(in: 5...10, using: &generator)
        var credentials: [Credential] = []
        for index in 0..<count {
            var credential = Fixture.credential(
                "c\(index)", ects: [1, 2, 3, 5, 10].randomElement(using: &generator)!,
                cost: Double(Int.random(in: 0...50, using: &generator) * 10), eqf: Int.random(in: 5...8, using: &generator),
                hours: Bool.random(using: &generator) ? Double(Int.random(in: 10...200, using: &generator)) : nil,
                competencies: Array(competencies.shuffled(using: &generator).prefix(Int.random(in: 1...2, using: &generator))),
                mode: Int.random(in: 0..<4, using: &generator) == 0 ? .inPerson : .online,
                accredited: Bool.random(using: &generator))
            // Codes and ISCED-F fields for the code-range, pattern and field filters.
            if extended {
                credential.code = "BIOL \(Int.random(in: 1...4, using: &generator) * 1000 + index)"
                credential.isced = [["0913", "0912", "0511"].randomElement(using: &generator)!]
            }
            if index > 0 && Int.random(in: 0..<4, using: &generator) == 0 {
                let first = "c\(Int.random(in: 0..<index, using: &generator))"
                let second = "c\(Int.random(in: 0..<index, using: &generator))"
                credential.prerequisites = Bool.random(using: &generator) ? .credential(first) : .anyOf([.credential(first), .credential(second)])
            }
            // A credential that may be taken twice or three times for credit.
            if extended && Int.random(in: 0..<8, using: &generator) == 0 { credential.repeatable = Int.random(in: 2...3, using: &generator) }
            // A corequisite, on any other credential (two may name each other).
            if extended && Int.random(in: 0..<6, using: &generator) == 0 {
                let other = Int.random(in: 0..<count, using: &generator)
                if other != index { credential.prerequisites = .corequisite("c\(other)") }
            }
            if Int.random(in: 0..<7, using: &generator) == 0 {
                let other = "c\(Int.random(in: 0..<count, using: &generator))"
                if other != credential.id { credential.excludes = [other] }
            }
            credentials.append(credential)
        }
        func randomFilter() -> CredentialFilter {
            let draw = Int.random(in: 0..<(extended ? 9 : 4), using: &generator)
            return switch extended || draw < 3 ? draw : 99 {
            case 0: CredentialFilter(competencies: [competencies.randomElement(using: &generator)!])
            case 1: CredentialFilter(minEQF: Int.random(in: 6...7, using: &generator))
            case 2: CredentialFilter(competencies: [competencies.randomElement(using: &generator)!], accredited: true)
            case 3: CredentialFilter(codeRanges: [CodeRange(prefix: "BIOL", from: 2000, to: 3999)])
            case 4: CredentialFilter(minECTS: 3, isced: ["091"])
            case 5: CredentialFilter(anyOf: [CredentialFilter(codes: ["BIOL 1*"]), CredentialFilter(competencies: [competencies.randomElement(using: &generator)!])])
            case 6: CredentialFilter(notAnyOf: [CredentialFilter(competencies: [competencies.randomElement(using: &generator)!])])
            case 7: CredentialFilter(minGrade: Grade("B-", on: "us-letter"))
            default: CredentialFilter()
            }
        }
        var leaves = 0
        func randomLeaf() -> RequirementNode {
            leaves += 1
            if Bool.random(using: &generator) { return .credential("c\(Int.random(in: 0..<count, using: &generator))") }
            guard extended else { return .credits(Double(Int.random(in: 1...6, using: &generator)), randomFilter()) }
            var leaf: RequirementNode = Int.random(in: 0..<4, using: &generator) == 0
                ? RequirementNode(.count(Int.random(in: 1...3, using: &generator), randomFilter()))
                // 0 draws a free-elective pool, which asks for nothing but lets what it accepts count.
                : .credits(Double(Int.random(in: 0...6, using: &generator)), randomFilter())
            if Int.random(in: 0..<5, using: &generator) == 0 { leaf.meanGrade = Grade(["B", "B+"].randomElement(using: &generator)!, on: "us-letter") }
            if Int.random(in: 0..<3, using: &generator) == 0 {
                leaf.distinct = DistinctRule(
                    by: [.competency, .isced, .subject, .eqf].randomElement(using: &generator)!,
                    atLeast: Bool.random(using: &generator) ? Int.random(in: 1...3, using: &generator) : nil,
                    atMostEach: Bool.random(using: &generator) ? Int.random(in: 1...2, using: &generator) : 1)
            }
            return leaf
        }
        var children: [RequirementNode] = []
        for _ in 0..<Int.random(in: 1...3, using: &generator) where leaves < 4 {
            let draw = Int.random(in: 0..<5, using: &generator)
            switch extended || draw != 3 ? draw : 4 {
            case 0: children.append(RequirementNode(.anyOf([randomLeaf(), randomLeaf()])))
            case 1: children.append(RequirementNode(.atLeast(Int.random(in: 1...2, using: &generator), [randomLeaf(), randomLeaf()])))
            case 2: children.append(RequirementNode(.maxCredits(Double(Int.random(in: 2...8, using: &generator)), randomFilter())))
            case 3:
                // A part with a cap on what is applied inside it.
                var cap = RequirementNode(.maxCredits(Double(Int.random(in: 2...8, using: &generator)), randomFilter()))
                cap.capReach = .parent
                children.append(RequirementNode(.allOf([randomLeaf(), cap])))
            default: children.append(randomLeaf())
            }
            // Some parts are counting scopes of their own, two of them sometimes sharing a name.
            if extended && Int.random(in: 0..<3, using: &generator) == 0 { children[children.count - 1].scope = ["s1", "s2"].randomElement(using: &generator)! }
        }
        var rules = QualificationRules(
            maxPriorECTS: Bool.random(using: &generator) ? Double(Int.random(in: 2...8, using: &generator)) : nil,
            priorWithinYears: Bool.random(using: &generator) ? 5 : nil,
            sharedCounting: Int.random(in: 0..<5, using: &generator) == 0)
        if extended && Int.random(in: 0..<5, using: &generator) == 0 { rules.meanGrade = Grade("B", on: "us-letter") }
        let qualification = Fixture.qualification(ects: Double(Int.random(in: 0...10, using: &generator)), rules: rules, .allOf(children))
        catalogue = Fixture.catalogue(credentials, [qualification])

        var held: [HeldCredential] = []
        for position in 0..<Int.random(in: 0...2, using: &generator) {
            let earned = Fixture.today.adding(days: -Int.random(in: 0...(8 * 365), using: &generator))
            // Grades on the US letter scale for two held items in three (extended only).
            let grade = extended && Int.random(in: 0..<3, using: &generator) > 0
                ? Grade(["A", "B+", "B", "B-", "C", "D"].randomElement(using: &generator)!, on: "us-letter") : nil
            if Bool.random(using: &generator) {
                let id = "c\(Int.random(in: 0..<count, using: &generator))"
                if !held.contains(where: { $0.catalogueID == id }) {
                    var item = HeldCredential.catalogue(id, earned: earned)
                    item.grade = grade
                    held.append(item)
                }
            } else {
                let external = ExternalCredential(
                    title: "External \(position)", ects: [2, 3, 5].randomElement(using: &generator)!, eqf: Int.random(in: 5...8, using: &generator),
                    competencies: [competencies.randomElement(using: &generator)!])
                var item = HeldCredential(.external(external), earned: earned)
                item.grade = grade
                held.append(item)
            }
        }
        let constraints = LearnerConstraints(
            budget: Int.random(in: 0..<3, using: &generator) == 0 ? Double(Int.random(in: 30...150, using: &generator) * 10) : nil,
            modes: Int.random(in: 0..<3, using: &generator) == 0 ? [.online] : nil,
            accreditedOnly: Int.random(in: 0..<6, using: &generator) == 0)
        let objective = [Objective.cost, .workload, .ects, .count].randomElement(using: &generator)!
        request = Fixture.request(held: held, constraints: constraints, objectives: [objective])
    }

    var description: String {
        String(decoding: CatalogueDocument.data(catalogue), as: UTF8.self) + "\n"
            + String(decoding: LearnerDocument.json(request.learner).serialized(), as: UTF8.self)
            + "\nlimits: \(request.constraints), objective: \(request.objectives)"
    }

    var qualification: Qualification { catalogue.qualifications[0] }

    func value(_ credential: Credential) -> Double {
        switch request.objectives[0] {
        case .cost: credential.cost
        case .workload: credential.hours ?? credential.credits * request.hoursPerECTS
        case .ects: credential.credits
        case .count: 1
        case .duration: 0  // not drawn: these instances have no schedule
        }
    }

    /// The least objective value over every feasible set of credentials to take, or `nil`.
    func bruteForceOptimum() -> Double? {
        takingSets().first { isFeasible($0.members) }?.value
    }

    /// Every set of takings the learner could take (within modes and accreditation, not held),
    /// a repeatable credential's further takings only after the one before, cheapest first.
    func takingSets() -> [(value: Double, members: Set<String>)] {
        let heldIDs = Set(request.learner.held.compactMap(\.catalogueID))
        let limits = request.constraints
        let options = catalogue.credentials.filter { credential in
            !heldIDs.contains(credential.id)
                && (limits.modes?.contains(credential.mode) ?? true)
                && (!limits.accreditedOnly || catalogue.isAccredited(credential))
        }
        // Each taking: a repeatable credential's further ones (`c[2]`) only after the one before.
        var takings: [(id: String, credential: Credential, after: Int?)] = []
        for credential in options {
            takings.append((credential.id, credential, nil))
            for time in 1..<max(1, credential.repeatable ?? 1) { takings.append((Plan.takingID(credential.id, time + 1), credential, takings.count - 1)) }
        }
        var subsets: [(value: Double, members: Set<String>)] = []
        for mask in 0..<(1 << takings.count) {
            let chosen = takings.indices.filter { mask >> $0 & 1 == 1 }
            if chosen.contains(where: { index in takings[index].after.map { mask >> $0 & 1 == 0 } ?? false }) { continue }
            subsets.append((chosen.reduce(0) { $0 + value(takings[$1].credential) }, Set(chosen.map { takings[$0].id })))
        }
        subsets.sort { $0.value < $1.value }
        return subsets
    }

    /// Whether taking exactly `taken` can satisfy every rule, trying every way of counting.
    func isFeasible(_ taken: Set<String>) -> Bool {
        let limits = request.constraints
        let heldIDs = Set(request.learner.held.compactMap(\.catalogueID))
        let takenCredentials = catalogue.credentials.filter { taken.contains($0.id) }
        // Further takings of repeatable credentials, each an item of its own.
        let repeated: [(id: String, credential: Credential)] = taken.sorted().compactMap { id in
            guard let (base, time) = Plan.taking(id), let credential = catalogue.credential(base), taken.contains(base), time <= credential.repeatable ?? 1 else { return nil }
            return (id, credential)
        }
        if taken.count != takenCredentials.count + repeated.count { return false }
        if let budget = limits.budget, (takenCredentials + repeated.map(\.credential)).reduce(0, { $0 + $1.cost }) > budget + 1e-9 { return false }
        for credential in takenCredentials {
            if heldIDs.contains(credential.id) { return false }
            if let modes = limits.modes, !modes.contains(credential.mode) { return false }
            if limits.accreditedOnly && !catalogue.isAccredited(credential) { return false }
            if let prerequisites = credential.prerequisites, !prerequisites.isMet(by: { taken.contains($0) || heldIDs.contains($0) }) { return false }
        }

        // Items that may count, and the leaves (by path) each could be applied to.
        var items: [CountableItem] = takenCredentials.map { CountableItem(credential: $0, in: catalogue, hoursPerECTS: 25) }
        for (id, credential) in repeated {
            var item = CountableItem(credential: credential, in: catalogue, hoursPerECTS: 25)
            item.id = id
            items.append(item)
        }
        let oldest = qualification.rules.priorWithinYears.map { request.today.adding(months: -Int($0 * 12)) }
        for (position, held) in request.learner.held.enumerated() {
            if let oldest, (held.earned.map { $0 < oldest } ?? true) { continue }
            var item = switch held.source {
            case .catalogue(let id): CountableItem(credential: catalogue.credential(id)!, in: catalogue, hoursPerECTS: 25, held: true)
            case .external(let external): CountableItem(external: external, position: position, hoursPerECTS: 25, earned: held.earned)
            }
            item.grade = held.grade
            items.append(item)
        }
        var leafRules: [(path: String, rule: RequirementNode.Rule, scope: String)] = []
        var leafNodes: [String: RequirementNode] = [:]
        let shared = qualification.rules.sharedCounting
        func collect(_ node: RequirementNode, _ path: String, _ inherited: String) {
            let scope = node.scope ?? inherited
            switch node.rule {
            case .credential, .credits, .count:
                leafRules.append((path, node.rule, shared ? path : scope))
                leafNodes[path] = node
            case .allOf(let children): for (i, child) in children.enumerated() { collect(child, "\(path).allOf[\(i)]", scope) }
            case .anyOf(let children): for (i, child) in children.enumerated() { collect(child, "\(path).anyOf[\(i)]", scope) }
            case .atLeast(_, let children): for (i, child) in children.enumerated() { collect(child, "\(path).of[\(i)]", scope) }
            default: break
            }
        }
        collect(qualification.requires, "requires", "")
        func accepts(_ rule: RequirementNode.Rule, _ item: CountableItem) -> Bool {
            switch rule {
            case .credential(let id): item.catalogueID == id
            case .credits(_, let filter): item.ects > 0 && filter.matches(item)
            case .count(_, let filter): filter.matches(item)
            default: false
            }
        }
        func spreads(_ node: RequirementNode, _ applied: [CountableItem]) -> Bool {
            guard let rule = node.distinct else { return true }
            var perValue: [String: Int] = [:]
            for item in applied { for value in rule.values(of: item) { perValue[value, default: 0] += 1 } }
            return perValue.count >= (rule.atLeast ?? 0) && (perValue.values.max() ?? 0) <= (rule.atMostEach ?? .max)
        }
        // Choices per item: in each counting scope, no leaf or one of the leaves it fits there
        // (under shared counting every leaf is a scope of its own).
        let choices: [[[Int]]] = items.map { item in
            let fitting = leafRules.indices.filter { accepts(leafRules[$0].rule, item) }
            let byScope = Dictionary(grouping: fitting) { leafRules[$0].scope }
            return byScope.keys.sorted().reduce([[Int]]([[]])) { partial, scope in
                partial.flatMap { chosen in [chosen] + byScope[scope]!.map { chosen + [$0] } }
            }
        }
        var chosen = [[Int]](repeating: [], count: items.count)
        func judge() -> Bool {
            var applied: [String: [CountableItem]] = [:]
            var counted: [CountableItem] = []
            for (index, leaves) in chosen.enumerated() where !leaves.isEmpty {
                counted.append(items[index])
                for leaf in leaves { applied[leafRules[leaf].path, default: []].append(items[index]) }
            }
            if counted.reduce(0, { $0 + $1.ects }) < qualification.ects - 1e-9 { return false }
            if let cap = qualification.rules.maxPriorECTS, counted.filter(\.isHeld).reduce(0, { $0 + $1.ects }) > cap + 1e-9 { return false }
            let ids = counted.compactMap(\.catalogueID)
            for id in ids {
                for other in catalogue.credential(id)!.excludes where ids.contains(other) { return false }
            }
            // Mean grades: over held items graded on the scale, credit-weighted; hard, met or not.
            func meanHolds(_ applied: [CountableItem], _ least: Grade?) -> Bool {
                guard let least else { return true }
                let graded = applied.filter { $0.isHeld && $0.grade?.scale == least.scale }
                return graded.reduce(0) { $0 + $1.ects * ($1.grade!.points - least.points) } >= -1e-9
            }
            if !meanHolds(counted, qualification.rules.meanGrade) { return false }
            for (path, _, _) in leafRules where !meanHolds(applied[path] ?? [], leafNodes[path]?.meanGrade) { return false }
            // "At most m sharing one value" binds what is applied, met or not.
            for (path, rule, _) in leafRules where !spreadsAtMost(path, rule) { return false }
            // A leaf asking for one credential takes one item (two takings of it fill two such leaves).
            for (path, rule, _) in leafRules {
                if case .credential = rule, (applied[path]?.count ?? 0) > 1 { return false }
            }
            func met(_ node: RequirementNode, _ path: String, _ parent: String) -> Bool {
                switch node.rule {
                case .credential: return !(applied[path] ?? []).isEmpty
                case .credits(let minimum, _): return (applied[path] ?? []).reduce(0) { $0 + $1.ects } >= minimum - 1e-9 && spreads(node, applied[path] ?? [])
                case .count(let minimum, _): return (applied[path] ?? []).count >= minimum && spreads(node, applied[path] ?? [])
                case .maxCredits(let maximum, let filter):
                    var limited = counted
                    if node.capReach == .parent {
                        var seen: Set<String> = []
                        limited = applied.filter { $0.key.hasPrefix(parent + ".") }.flatMap(\.value).filter { seen.insert($0.id).inserted }
                    }
                    return limited.filter { filter.matches($0) }.reduce(0) { $0 + $1.ects } <= maximum + 1e-9
                case .allOf(let children): return children.enumerated().allSatisfy { met($1, "\(path).allOf[\($0)]", path) }
                case .anyOf(let children): return children.enumerated().contains { met($1, "\(path).anyOf[\($0)]", path) }
                case .atLeast(let n, let children): return children.enumerated().count { met($1, "\(path).of[\($0)]", path) } >= n
                case .qualification: return false
                }
            }
            func spreadsAtMost(_ path: String, _ rule: RequirementNode.Rule) -> Bool {
                guard let node = leafNodes[path], let most = node.distinct?.atMostEach else { return true }
                var perValue: [String: Int] = [:]
                for item in applied[path] ?? [] { for value in node.distinct!.values(of: item) { perValue[value, default: 0] += 1 } }
                return (perValue.values.max() ?? 0) <= most
            }
            return met(qualification.requires, "requires", "requires")
        }
        func search(_ index: Int) -> Bool {
            if index == items.count { return judge() }
            for choice in choices[index] {
                chosen[index] = choice
                if search(index + 1) { return true }
            }
            return false
        }
        return search(0)
    }
}
