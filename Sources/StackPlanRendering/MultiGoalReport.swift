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
        return dependants.isEmpty ? "" : "prerequisite of " + Array(Set(dependants)).sorted().joined(separator: ", ")
    }

    public var text: String {
        let currency = catalogue.baseCurrency
        var lines = ["Plan for \(plural(plan.goals.count, "goal")): " + plan.goals.map { "\($0.qualification.title) (\($0.qualification.id))" }.joined(separator: ", ")]
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
                rows.append([
                    id, truncate(credential.title, 44), formatNumber(credential.credits),
                    formatMoney(catalogue.costInBaseCurrency(credential) ?? 0),
                    formatNumber(credential.learningHours(hoursPerECTS: goals.first?.request.hoursPerECTS ?? 25)), role(of: id),
                ])
            }
            lines += table(rows, rightAligned: [2, 3, 4])
        }
        let held = Set(plan.goals.flatMap(\.heldApplied)).sorted()
        if !held.isEmpty {
            lines.append("")
            lines.append("Held credentials that count")
            for id in held { lines.append("  \(id): \(plan.countsToward[id]?.joined(separator: ", ") ?? "")") }
        }
        lines.append("")
        let totals = plan.totals
        lines.append("Totals: \(plural(plan.taken.count, "credential")) to take, \(formatMoney(totals.cost)) \(currency), "
            + "\(formatNumber(totals.hours)) learning hours, \(formatNumber(totals.ects)) ECTS taken.")
        for report in goals {
            let qualification = report.plan.qualification
            lines.append("")
            lines.append("Toward \(qualification.title) (\(qualification.id)): \(formatNumber(report.plan.totals.countedECTS)) ECTS count")
            lines += report.requirementLines
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        var objectives: [String: JSON] = [:]
        for (objective, value) in zip(plan.objectives, plan.objectiveValues) { objectives[objective.rawValue] = .number(rounded(value)) }
        return .object([
            "targets": .array(plan.goals.map { .string($0.qualification.id) }),
            "status": .string(plan.status.rawValue),
            "objectives": .object(objectives),
            "credentials": .array(plan.taken.map(JSON.string)),
            "countsToward": .object(plan.countsToward.mapValues { .array($0.map(JSON.string)) }),
            "totals": .object([
                "cost": .number(rounded(plan.totals.cost)), "hours": .number(rounded(plan.totals.hours)),
                "ects": .number(rounded(plan.totals.ects)), "currency": .string(catalogue.baseCurrency),
            ]),
            "goals": .array(goals.map(\.json)),
        ])
    }
}
