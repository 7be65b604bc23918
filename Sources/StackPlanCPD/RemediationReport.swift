import StackPlanCore

/// A remediation outcome explained: text for people, JSON for programs.
public struct RemediationReport {
    public let outcome: RemediationOutcome
    public let baseCurrency: String

    public init(outcome: RemediationOutcome, baseCurrency: String) {
        self.outcome = outcome
        self.baseCurrency = baseCurrency
    }

    func heading(_ assessment: CPDAssessment) -> String {
        "\(assessment.recordID.map { "\($0): " } ?? "")\(assessment.scheme.id), cycle \(assessment.period), planning on \(assessment.asOf)"
    }

    func shortfalls(_ assessment: CPDAssessment) -> String {
        assessment.unmetRules.map { "\($0.rule.id) \(formatAmount(rounded($0.shortfall))) short" }.joined(separator: ", ")
    }

    public var text: String {
        switch outcome {
        case .nothingToClose(let assessment):
            var lines = [heading(assessment), "Nothing for courses to close: every point and count requirement is met."]
            let declared = assessment.unmetRules
            if !declared.isEmpty { lines.append("Still needed from the practitioner: " + declared.map { "\($0.rule.id) (\(formatAmount($0.shortfall)) more)" }.joined(separator: ", ")) }
            return lines.joined(separator: "\n")
        case .impossible(let assessment, let reasons):
            return ([heading(assessment), "Unmet now: \(shortfalls(assessment))", "No set of catalogue credentials closes the shortfall before \(assessment.period.end):"]
                + reasons.map { "  \($0)" }).joined(separator: "\n")
        case .stopped(let status):
            return "No plan found within the time limit (status: \(status.rawValue))."
        case .planned(let plan):
            var lines = [heading(plan.before), "Unmet now: \(shortfalls(plan.before))"]
            let objective = switch plan.objective {
            case .cost: "Cheapest plan"
            case .workload: "Lightest plan"
            case .fastest: "Quickest plan"
            }
            let proof = plan.status == .optimal ? "proven optimal" : "best found, gap \(formatAmount(rounded((plan.gap ?? 0) * 100)))%"
            lines.append("\(objective): \(plan.taken.count) credential\(plan.taken.count == 1 ? "" : "s"), \(formatAmount(rounded(plan.cost))) \(baseCurrency), \(hoursText(plan.hours))\(plan.finish.map { ", done by \($0)" } ?? "") (\(proof))")
            var rows = [["credential", "provider", "category", "CPD \(plan.before.scheme.unit.name)", "cost", "hours", "weeks", "finish"]]
            for option in plan.taken {
                rows.append([option.credential, option.provider, option.category, formatAmount(option.points),
                             formatAmount(rounded(option.cost)), formatAmount(rounded(option.hours)), "\(option.weeks)\(option.weeksEstimated ? "*" : "")", option.finish.description])
            }
            lines += table(rows, rightAligned: [3, 4, 5, 6])
            if plan.taken.contains(where: \.weeksEstimated) { lines.append("  (*: the catalogue states no duration; estimated at \(formatAmount(plan.hoursPerWeek)) learning hours a week)") }
            lines.append("")
            lines.append("With the plan:")
            var ruleRows = [["requirement", "required", "achieved", ""]]
            for rule in plan.projected.rules where rule.rule.isRequirement {
                ruleRows.append([rule.rule.id, rule.required.map(formatAmount) ?? "-", formatAmount(rounded(rule.achieved)), rule.waived ? "waived" : rule.isMet ? "met" : "UNMET"])
            }
            lines += table(ruleRows, rightAligned: [1, 2])
            if !plan.remaining.isEmpty {
                lines.append("Still needed from the practitioner (no course provides it): "
                    + plan.remaining.map { "\($0.rule.id) (\(formatAmount($0.shortfall)) more)" }.joined(separator: ", "))
            }
            return lines.joined(separator: "\n")
        }
    }

    public var json: JSON {
        switch outcome {
        case .nothingToClose(let assessment):
            return .object(["status": .string("nothing-to-close"), "assessment": assessment.json])
        case .impossible(let assessment, let reasons):
            return .object(["status": .string("impossible"), "reasons": .array(reasons.map(JSON.string)), "assessment": assessment.json])
        case .stopped(let status):
            return .object(["status": .string("stopped"), "solverStatus": .string(status.rawValue)])
        case .planned(let plan):
            var fields: [String: JSON] = [
                "status": .string("planned"), "objective": .string(plan.objective.rawValue), "optimal": .bool(plan.status == .optimal),
                "cost": .number(rounded(plan.cost)), "hours": .number(rounded(plan.hours)), "currency": .string(baseCurrency),
                "credentials": .array(plan.taken.map { option in
                    var entry: [String: JSON] = [
                        "credential": .string(option.credential), "title": .string(option.title), "provider": .string(option.provider),
                        "category": .string(option.category), "points": .number(option.points), "cost": .number(rounded(option.cost)),
                        "hours": .number(rounded(option.hours)), "finish": .string(option.finish.description),
                    ]
                    entry["weeks"] = .number(Double(option.weeks))
                    if option.weeksEstimated { entry["weeksEstimated"] = .bool(true) }
                    return .object(entry)
                }),
                "projected": plan.projected.json,
                "remaining": .array(plan.remaining.map { .object(["rule": .string($0.rule.id), "shortfall": .number(rounded($0.shortfall))]) }),
            ]
            fields["finish"] = plan.finish.map { .string($0.description) }
            fields["gap"] = plan.gap.map(JSON.number)
            return .object(fields)
        }
    }
}

func hoursText(_ hours: Double) -> String {
    let value = rounded(hours)
    return "\(formatAmount(value)) hour\(value == 1 ? "" : "s")"
}
