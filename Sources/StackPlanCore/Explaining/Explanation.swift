import Foundation

/// A plan explained requirement by requirement: what meets each node and with how much to
/// spare, why each credential is in the plan, why each held credential counts or not, the
/// exceptions in force, and whether the plan still passes every rule.
public struct PlanExplanation: Sendable {
    /// How a requirement is met, and by how much: the figures behind "12 of 10 ECTS: 2 over the minimum".
    public enum Margin: Sendable, Equatable, Codable {
        /// Waived by an exception given at `origin` (a flag or a JSON path), with the advisor's note.
        case waived(origin: String?, note: String?)
        /// Below a waived requirement.
        case setAside
        /// A credential leaf with nothing applied.
        case nothingApplied
        /// A credential leaf and the items applied to it.
        case metBy([AppliedItem])
        /// A credits leaf: ECTS counted against the minimum, and each part.
        case credits(counted: Double, minimum: Double, parts: [CreditPart])
        /// A count leaf: credentials applied against the minimum, and their ids.
        case count(counted: Int, minimum: Int, items: [String])
        /// A cap: ECTS counted against the maximum.
        case cap(counted: Double, maximum: Double)
        /// An `anyOf`: alternatives met of all, one needed.
        case alternatives(met: Int, of: Int)
        /// An `atLeast`: parts met of all, `needed` needed.
        case atLeast(met: Int, of: Int, needed: Int)
        /// A referenced qualification: whether its requirements are met.
        case qualification(met: Bool)
        /// An `allOf`: parts met of all.
        case parts(met: Int, of: Int)
        /// The qualification's total ECTS: counted against needed.
        case total(counted: Double, needed: Double)

        public var code: String {
            switch self {
            case .waived: "waived"
            case .setAside: "setAside"
            case .nothingApplied: "nothingApplied"
            case .metBy: "metBy"
            case .credits: "credits"
            case .count: "count"
            case .cap: "cap"
            case .alternatives: "alternatives"
            case .atLeast: "atLeast"
            case .qualification: "qualification"
            case .parts: "parts"
            case .total: "total"
            }
        }
    }

    /// An item applied to a credential leaf.
    public struct AppliedItem: Sendable, Equatable, Codable {
        public enum Exception: String, Sendable, Codable {
            /// A held item applied to the leaf by hand.
            case appliedByHand
            /// A substitute accepted in the asked credential's place.
            case acceptedInPlace
        }
        public var id: String
        public var toTake: Bool
        public var held: Bool
        public var exception: Exception?
    }

    /// One item's ECTS in a credits leaf.
    public struct CreditPart: Sendable, Equatable, Codable {
        public var id: String
        public var ects: Double
    }

    public struct Requirement: Sendable, Equatable {
        public enum Status: String, Sendable, Codable { case met, unmet, waived, setAside }
        public var path: String
        public var depth: Int
        public var requirement: String
        public var status: Status
        public var applied: [String]
        /// The margin: credits over the minimum, room under a cap, alternatives met beyond those needed.
        public var margin: Margin
        /// The margin as a number where it is one: ECTS over the minimum or under the cap, extra alternatives.
        public var surplus: Double?
        /// The counting scope the node names, if any (a credential counts once inside it).
        public var scope: String? = nil
        /// For leaves with a distinct rule: the values their applied credentials show.
        public var spread: PlanReport.Spread? = nil
    }

    public let report: PlanReport
    public let requirements: [Requirement]
    /// What ``PlanChecker`` finds wrong with the plan: empty for a valid plan.
    public let violations: [String]

    public init(plan: Plan, catalogue: Catalogue, request: PlanRequest) {
        report = PlanReport(plan: plan, catalogue: catalogue, request: request)
        violations = PlanChecker(catalogue: catalogue, request: request).violations(of: plan)
        let tree = RequirementTree(plan.qualification, in: catalogue, exceptions: request.exceptions)
        let items = PlanReport.items(of: plan, catalogue: catalogue, request: request)
        let lines = report.requirements
        let waivers = Dictionary(request.exceptions.compactMap { exception -> (String, AdvisorException)? in
            if case .waive(let path) = exception.rule { return (path, exception) }
            return nil
        }, uniquingKeysWith: { first, _ in first })
        let taken = Set(plan.taken)
        var requirements: [Requirement] = []
        for index in tree.nodes.indices {
            let node = tree.nodes[index], line = lines[index]
            let status: Requirement.Status = line.waived ? .waived : line.setAside ? .setAside : line.met ? .met : .unmet
            let margin: Margin
            var surplus: Double?
            let children = node.children.map { lines[$0] }
            let childrenMet = children.count(where: { $0.met })
            switch (status, node.kind) {
            case (.waived, _): margin = .waived(origin: waivers[node.path]?.origin, note: waivers[node.path]?.note)
            case (.setAside, _): margin = .setAside
            case (_, .credential):
                margin = line.applied.isEmpty ? .nothingApplied : .metBy(line.applied.map { id in
                    let item = items[id]
                    var exception: AppliedItem.Exception?
                    if let item, tree.acceptsByException(node, item) {
                        exception = tree.appliedByHand[id]?.contains(node.path) == true ? .appliedByHand : .acceptedInPlace
                    }
                    return AppliedItem(id: id, toTake: taken.contains(id), held: item?.isHeld == true, exception: exception)
                })
            case (_, .credits(let minimum, _)):
                let credits = line.credits ?? 0
                surplus = credits - minimum
                margin = .credits(counted: credits, minimum: minimum, parts: line.applied.map { CreditPart(id: $0, ects: items[$0]?.ects ?? 0) })
            case (_, .count(let minimum, _)):
                let counted = line.count ?? 0
                surplus = Double(counted - minimum)
                margin = .count(counted: counted, minimum: minimum, items: line.applied)
            case (_, .maxCredits(let maximum, _)):
                let credits = line.credits ?? 0
                surplus = maximum - credits
                margin = .cap(counted: credits, maximum: maximum)
            case (_, .anyOf):
                surplus = Double(childrenMet - 1)
                margin = .alternatives(met: childrenMet, of: children.count)
            case (_, .atLeast(let count)):
                surplus = Double(childrenMet - count)
                margin = .atLeast(met: childrenMet, of: children.count, needed: count)
            case (_, .qualification):
                margin = .qualification(met: childrenMet == children.count)
            case (_, .allOf):
                margin = .parts(met: childrenMet, of: children.count)
            }
            requirements.append(Requirement(
                path: node.path, depth: node.depth, requirement: line.requirement, status: status, applied: line.applied, margin: margin, surplus: surplus,
                scope: node.declaredScope, spread: line.spread))
        }
        let counted = plan.totals.countedECTS, needed = plan.qualification.ects
        requirements.append(Requirement(
            path: "ects", depth: 0, requirement: "\(format(needed)) ECTS in all", status: counted >= needed - 1e-9 ? .met : .unmet,
            applied: plan.applications.keys.sorted(),
            margin: .total(counted: counted, needed: needed),
            surplus: counted - needed))
        self.requirements = requirements
    }

    /// Why each credential to take is in the plan.
    public var roles: [(id: String, role: CredentialRole)] {
        let plan = report.plan
        return plan.taken.compactMap { id in CredentialRole(of: id, in: plan).map { (id, $0) } }
    }
}
