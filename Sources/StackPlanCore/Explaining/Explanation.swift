import Foundation

/// A plan explained requirement by requirement: what meets each node and with how much to
/// spare, why each credential is in the plan, why each held credential counts or not, the
/// exceptions in force, and whether the plan still passes every rule.
public struct PlanExplanation {
    public struct Requirement: Sendable, Equatable {
        public enum Status: String, Sendable { case met, unmet, waived, setAside }
        public var path: String
        public var depth: Int
        public var requirement: String
        public var status: Status
        public var applied: [String]
        /// The margin in words: credits over the minimum, room under a cap, alternatives met beyond those needed.
        public var margin: String
        /// The margin as a number where it is one: ECTS over the minimum or under the cap, extra alternatives.
        public var surplus: Double?
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
        let notes = Dictionary(request.exceptions.compactMap { exception -> (String, String)? in
            if case .waive(let path) = exception.rule { return (path, exception.note.map { " (\(exception.origin): \($0))" } ?? " (\(exception.origin))") }
            return nil
        }, uniquingKeysWith: { first, _ in first })
        let taken = Set(plan.taken)
        var requirements: [Requirement] = []
        for index in tree.nodes.indices {
            let node = tree.nodes[index], line = lines[index]
            let status: Requirement.Status = line.waived ? .waived : line.setAside ? .setAside : line.met ? .met : .unmet
            var margin = ""
            var surplus: Double?
            let children = node.children.map { lines[$0] }
            let childrenMet = children.count(where: { $0.met })
            switch (status, node.kind) {
            case (.waived, _): margin = "waived by exception" + (notes[node.path] ?? "")
            case (.setAside, _): margin = "set aside: a requirement above it is waived"
            case (_, .credential):
                margin = line.applied.isEmpty ? "nothing applied" : "met by " + line.applied.map { id in
                    let item = items[id]
                    var text = id + (taken.contains(id) ? " (to take)" : item?.isHeld == true ? " (held)" : "")
                    if let item, tree.acceptsByException(node, item) {
                        text += tree.appliedByHand[id]?.contains(node.path) == true ? ", applied by hand" : ", accepted in its place by exception"
                    }
                    return text
                }.joined(separator: ", ")
            case (_, .credits(let minimum, _)):
                let credits = line.credits ?? 0
                let parts = line.applied.map { "\($0) \(format(items[$0]?.ects ?? 0))" }.joined(separator: " + ")
                surplus = credits - minimum
                margin = "\(format(credits)) of \(format(minimum)) ECTS" + (parts.isEmpty ? "" : " (\(parts))") + ": "
                    + (abs(credits - minimum) < 1e-9 ? "exactly the minimum" : credits > minimum ? "\(format(credits - minimum)) over the minimum" : "\(format(minimum - credits)) short")
            case (_, .maxCredits(let maximum, _)):
                let credits = line.credits ?? 0
                surplus = maximum - credits
                margin = "\(format(credits)) of at most \(format(maximum)) ECTS: "
                    + (abs(maximum - credits) < 1e-9 ? "at the cap" : credits < maximum ? "\(format(maximum - credits)) to spare" : "\(format(credits - maximum)) over")
            case (_, .anyOf):
                surplus = Double(childrenMet - 1)
                margin = "\(childrenMet) of \(children.count) alternatives met, 1 needed" + (childrenMet > 1 ? ": \(childrenMet - 1) more than needed" : "")
            case (_, .atLeast(let count)):
                surplus = Double(childrenMet - count)
                margin = "\(childrenMet) of \(children.count) met, \(count) needed" + (childrenMet > count ? ": \(childrenMet - count) more than needed" : "")
            case (_, .qualification):
                margin = childrenMet == children.count ? "its requirements are met" : "its requirements are not met"
            case (_, .allOf):
                margin = childrenMet == children.count ? "all \(children.count) part\(children.count == 1 ? "" : "s") met" : "\(childrenMet) of \(children.count) parts met"
            }
            requirements.append(Requirement(
                path: node.path, depth: node.depth, requirement: line.requirement, status: status, applied: line.applied, margin: margin, surplus: surplus))
        }
        let counted = plan.totals.countedECTS, needed = plan.qualification.ects
        requirements.append(Requirement(
            path: "ects", depth: 0, requirement: "\(format(needed)) ECTS in all", status: counted >= needed - 1e-9 ? .met : .unmet,
            applied: plan.applications.keys.sorted(),
            margin: "\(format(counted)) count: " + (abs(counted - needed) < 1e-9 ? "exactly the minimum" : counted > needed ? "\(format(counted - needed)) over the minimum" : "\(format(needed - counted)) short"),
            surplus: counted - needed))
        self.requirements = requirements
    }

    /// Why each credential to take is in the plan.
    public var roles: [(id: String, role: String)] {
        let plan = report.plan
        return plan.taken.map { id in
            if let paths = plan.applications[id] { return (id, "counts toward " + paths.joined(separator: ", ")) }
            return (id, "prerequisite of " + (plan.prerequisiteOf[id]?.joined(separator: ", ") ?? "a planned credential"))
        }
    }

    public var text: String {
        let plan = report.plan
        let catalogue = report.catalogue
        let reportLines = report.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines = ["Explanation: " + reportLines[0], reportLines[1], ""]
        lines.append("Requirements: what meets each, and the margin")
        for requirement in requirements {
            let mark = switch requirement.status {
            case .met, .waived: "✓"
            case .unmet: "✗"
            case .setAside: "–"
            }
            lines.append(String(repeating: "  ", count: requirement.depth + 1) + "\(mark) \(requirement.path)  \(requirement.requirement)")
            lines.append(String(repeating: "  ", count: requirement.depth + 3) + requirement.margin)
        }
        lines.append("")
        if plan.taken.isEmpty {
            lines.append("Nothing to take: what you hold already meets every requirement.")
        } else {
            lines.append("Why each credential is in the plan")
            var rows = [["id", "ECTS", "EQF", "cost \(catalogue.baseCurrency)", "hours", "why"]]
            for (id, role) in roles {
                guard let credential = catalogue.credential(id) else { continue }
                rows.append([id, format(credential.credits), String(credential.eqf), format(money: catalogue.costInBaseCurrency(credential) ?? 0),
                             format(credential.learningHours(hoursPerECTS: report.request.hoursPerECTS)), role])
            }
            lines += table(rows, rightAligned: [1, 2, 3, 4])
        }
        if !report.request.learner.held.isEmpty {
            lines.append("")
            lines.append("Held credentials")
            for id in plan.heldApplied { lines.append("  ✓ \(id) counts toward \(plan.applications[id]?.joined(separator: ", ") ?? "")") }
            for unused in plan.unusedHeld { lines.append("  – \(unused.id) does not count: \(unused.reason)") }
        }
        let exceptions = report.request.exceptionUse(in: plan, catalogue: catalogue)
        if !exceptions.isEmpty {
            lines.append("")
            lines.append("Exceptions")
            for (exception, used) in exceptions {
                lines.append("  \(used ? "✓" : "–") \(exception.summary) (\(exception.origin))\(used ? "" : ": not used")\(exception.note.map { ": \($0)" } ?? "")")
            }
        }
        if let timeline = report.timeline {
            lines.append("")
            lines += timeline
        }
        lines.append("")
        if violations.isEmpty {
            lines.append("Check: the plan passes every rule (cost \(format(money: plan.totals.cost)) \(catalogue.baseCurrency), \(format(plan.totals.hours)) learning hours, \(format(plan.totals.countedECTS)) ECTS counted).")
        } else {
            lines.append("Check: the plan breaks \(violations.count) rule\(violations.count == 1 ? "" : "s"):")
            lines += violations.map { "  ✗ \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        let plan = report.plan
        return .object([
            "plan": report.json,
            "requirements": .array(requirements.map { requirement in
                var fields: [String: JSON] = [
                    "path": .string(requirement.path), "requirement": .string(requirement.requirement),
                    "status": .string(requirement.status.rawValue), "applied": .array(requirement.applied.map(JSON.string)),
                    "margin": .string(requirement.margin),
                ]
                fields["surplus"] = requirement.surplus.map { .number(rounded($0)) }
                return .object(fields)
            }),
            "credentials": .array(roles.map { .object(["id": .string($0.id), "why": .string($0.role)]) }),
            "heldCounted": .array(plan.heldApplied.map { .object(["id": .string($0), "countsToward": .array((plan.applications[$0] ?? []).map(JSON.string))]) }),
            "heldUnused": .array(plan.unusedHeld.map { .object(["id": .string($0.id), "title": .string($0.title), "reason": .string($0.reason)]) }),
            "valid": .bool(violations.isEmpty),
            "violations": .array(violations.map(JSON.string)),
        ])
    }
}
