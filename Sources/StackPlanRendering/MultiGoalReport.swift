import Foundation
import StackPlanCore

/// A plan for several goals, for people and as JSON: the credentials once, which goal each
/// counts toward, the totals over the union, and each goal's requirements as met.
public struct MultiGoalReport: Sendable {
    public let plan: MultiGoalPlan
    public let catalogue: Catalogue
    /// Each goal's report, in goal order, under the goal's own rules.
    public let goals: [PlanReport]

    /// The report on `plan`, planned with `request` (whose target is ignored).
    public init(plan: MultiGoalPlan, catalogue: Catalogue, request: PlanRequest) {
        self.plan = plan
        self.catalogue = catalogue
        goals = plan.goals.map { part in
            var goalRequest = request
            goalRequest.target = part.qualification.id
            return PlanReport(plan: part, catalogue: catalogue, request: goalRequest)
        }
    }

    private func describe(_ value: Double, of objective: Objective) -> String {
        switch objective {
        case .cost: "\(formatMoney(value)) \(catalogue.baseCurrency)"
        case .workload: "\(formatNumber(value)) h"
        case .ects: "\(formatNumber(value)) ECTS"
        case .count, .duration: formatNumber(value)
        }
    }

    /// What a taken credential does: the goals it counts toward, or whose credentials need it first.
    private func role(of id: String) -> String {
        if let goals = plan.countsToward[id] { return goals.joined(separator: ", ") }
        let dependants = plan.goals.flatMap { $0.prerequisiteOf[id] ?? [] }
        if !dependants.isEmpty { return "prerequisite of " + Array(Set(dependants)).sorted().joined(separator: ", ") }
        let alongside = plan.goals.flatMap { $0.corequisiteOf[id] ?? [] }
        if !alongside.isEmpty { return "corequisite of " + Array(Set(alongside)).sorted().joined(separator: ", ") }
        // Taken for an external goal's prerequisite chain.
        return plan.taken.contains(where: { catalogue.credential($0)?.prerequisites?.credentialIDs.contains(id) == true }) ? "prerequisite" : ""
    }

    public var text: String {
        let currency = catalogue.baseCurrency
        let names = plan.goals.map { "\($0.qualification.title) (\($0.qualification.id))" } + plan.external.map { "\($0.title) (\($0.goal))" }
        var lines = ["Plan for \(plural(names.count, "goal")): " + names.joined(separator: ", ")]
        let objectives = zip(plan.objectives, plan.objectiveValues).map { "\($0.rawValue) \(describe($1, of: $0))" }
        lines.append("Minimising \(objectives.joined(separator: ", then ")) over the union: \(plan.status == .optimal ? "proven optimal" : "best found").")
        lines.append("")
        if plan.taken.isEmpty {
            lines.append("Nothing to take: what you hold already meets every goal.")
        } else {
            lines.append("Credentials to take")
            var rows = [["id", "title", "ECTS", "cost \(currency)", "hours", "counts toward"]]
            for id in plan.taken {
                guard let credential = catalogue.credential(id) else { continue }
                // A repeated credential: one row, its takings' fees and hours summed, and the
                // goals each further taking counts toward after the first's.
                let times = plan.repeats[id] ?? 1
                var role = role(of: id)
                if times > 1 {
                    if role.isEmpty { role = "-" }
                    role += "; " + (2...times).map { time in "\(time): " + (plan.countsToward[Plan.takingID(id, time)]?.joined(separator: ", ") ?? "-") }
                        .joined(separator: "; ")
                }
                rows.append([
                    times > 1 ? "\(id) ×\(times)" : id, truncate(credential.title, 44), formatNumber(credential.credits),
                    formatMoney(Double(times) * (catalogue.costInBaseCurrency(credential) ?? 0)),
                    formatNumber(Double(times) * credential.learningHours(hoursPerECTS: goals.first?.request.hoursPerECTS ?? 25)), role,
                ])
            }
            lines += table(rows, rightAligned: [2, 3, 4])
        }
        let held = Set(plan.goals.flatMap(\.heldApplied) + plan.external.flatMap { $0.contributions.filter { !$0.planned }.map(\.credential) }).sorted()
        if !held.isEmpty {
            lines.append("")
            lines.append("Held credentials that count")
            for id in held { lines.append("  \(id): \(plan.countsToward[id]?.joined(separator: ", ") ?? "")") }
        }
        lines.append("")
        let totals = plan.totals
        lines.append("Totals: \(plural(plan.taken.count, "credential")) to take\(plan.repeats.isEmpty ? "" : " (\(plan.takingCount) takings)"), \(formatMoney(totals.cost)) \(currency), "
            + "\(formatNumber(totals.hours)) learning hours, \(formatNumber(totals.ects)) ECTS taken.")
        for report in goals {
            let qualification = report.plan.qualification
            lines.append("")
            lines.append("Toward \(qualification.title) (\(qualification.id)): \(formatNumber(report.plan.totals.countedECTS)) ECTS count")
            lines += report.requirementLines
        }
        for part in plan.external { lines += externalLines(part) }
        return lines.joined(separator: "\n")
    }

    /// An external goal (a CPD cycle): what each credential brings, then each requirement.
    private func externalLines(_ part: ExternalGoalPart) -> [String] {
        let period = part.from.flatMap { from in part.until.map { ", cycle \(from) – \($0)" } } ?? ""
        let total = part.contributions.reduce(0) { $0 + $1.amount }
        var lines = ["", "Toward \(part.title) (\(part.goal))\(period): \(formatNumber(total)) \(part.unit) from credentials"]
        for contribution in part.contributions {
            let category = contribution.category.map { " in \($0)" } ?? ""
            lines.append("  \(contribution.credential)  \(formatNumber(contribution.amount)) \(part.unit)\(category)\(contribution.planned ? "" : " (held)")")
        }
        for requirement in part.requirements {
            let figures = requirement.required.map { " — \(formatNumber(requirement.achieved)) of \(formatNumber($0))" } ?? " — waived"
            let own = requirement.closableByCredentials ? "" : " (declared by the practitioner, not met by courses)"
            lines.append("  \(requirement.met ? "✓" : "✗") \(requirement.id)  \(requirement.label)\(figures)\(own)")
        }
        return lines
    }

    public var json: JSON {
        var objectives: [String: JSON] = [:]
        for (objective, value) in zip(plan.objectives, plan.objectiveValues) { objectives[objective.rawValue] = .number(rounded(value)) }
        return .object([
            "targets": .array(plan.goals.map { .string($0.qualification.id) } + plan.external.map { .string($0.goal) }),
            "status": .string(plan.status.rawValue),
            "objectives": .object(objectives),
            "credentials": .array(plan.taken.map(JSON.string)),
            "repeats": .object(plan.repeats.mapValues { .number(Double($0)) }),
            "countsToward": .object(plan.countsToward.mapValues { .array($0.map(JSON.string)) }),
            "totals": .object([
                "cost": .number(rounded(plan.totals.cost)), "hours": .number(rounded(plan.totals.hours)),
                "ects": .number(rounded(plan.totals.ects)), "currency": .string(catalogue.baseCurrency),
            ]),
            "goals": .array(goals.map(\.json)),
            "external": .array(plan.external.map(Self.json)),
        ])
    }

    static func json(_ part: ExternalGoalPart) -> JSON {
        var fields: [String: JSON] = [
            "goal": .string(part.goal), "title": .string(part.title), "unit": .string(part.unit),
            "contributions": .array(part.contributions.map { contribution in
                .object([
                    "credential": .string(contribution.credential), "category": contribution.category.map(JSON.string) ?? .null,
                    "amount": .number(rounded(contribution.amount)), "planned": .bool(contribution.planned),
                ])
            }),
            "requirements": .array(part.requirements.map { requirement in
                .object([
                    "id": .string(requirement.id), "label": .string(requirement.label),
                    "required": requirement.required.map { .number(rounded($0)) } ?? .null,
                    "achieved": .number(rounded(requirement.achieved)), "met": .bool(requirement.met),
                    "closableByCredentials": .bool(requirement.closableByCredentials),
                ])
            }),
        ]
        if let from = part.from { fields["from"] = .string(from.description) }
        if let until = part.until { fields["until"] = .string(until.description) }
        return .object(fields)
    }
}
