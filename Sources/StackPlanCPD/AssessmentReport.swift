import StackPlanCore

/// An assessment explained: text for people, JSON for programs.
extension CPDAssessment {
    public var text: String {
        var lines: [String] = []
        let who = recordID.map { "\($0): " } ?? ""
        lines.append("\(who)\(scheme.id) (\(scheme.regulator)), cycle \(period), assessed on \(asOf)")
        let requirements = rules.filter(\.rule.isRequirement)
        let unmet = requirements.filter { !$0.isMet }
        lines.append(unmet.isEmpty
            ? "COMPLIANT: all \(requirements.count) requirements met"
            : "NOT COMPLIANT: \(unmet.count) of \(requirements.count) requirements unmet")
        lines.append("")
        var rows = [["rule", "requirement", "required", "achieved", "shortfall", ""]]
        for outcome in requirements {
            let mark = outcome.waived ? "waived" : outcome.isMet ? "met" : "UNMET"
            rows.append([
                outcome.rule.id, truncated(outcome.rule.label, 56), outcome.required.map(formatAmount) ?? "-",
                formatAmount(outcome.achieved), outcome.isMet ? "-" : formatAmount(outcome.shortfall), mark,
            ])
        }
        lines += table(rows, rightAligned: [2, 3, 4])
        for outcome in requirements where !outcome.adjustedBy.isEmpty {
            lines.append("  \(outcome.rule.id): adjusted by \(outcome.adjustedBy.joined(separator: "; "))")
        }
        let limits = rules.filter { !$0.rule.isRequirement && ($0.trimmed > 0 || $0.rejectedActivities > 0) }
        if !limits.isEmpty {
            lines.append("")
            lines.append("caps and per-activity limits")
            for outcome in limits {
                var effects: [String] = []
                if outcome.trimmed > 0 { effects.append("\(formatAmount(outcome.trimmed)) \(scheme.unit.name) not counted") }
                if outcome.rejectedActivities > 0 {
                    let what = if case .verifiedEvidence = outcome.rule.kind { "without verified evidence" } else { "below the minimum" }
                    effects.append("\(outcome.rejectedActivities) activit\(outcome.rejectedActivities == 1 ? "y" : "ies") \(what)")
                }
                lines.append("  \(outcome.rule.id): \(outcome.rule.label): \(effects.joined(separator: ", "))")
            }
        }
        lines.append("")
        if activities.isEmpty && carriedOver == 0 {
            lines.append("no activities")
        } else {
            var rows = [["#", "activity", "date", "category", "claimed", "counted", "counts toward / why not"]]
            for activity in activities {
                var why = activity.rules.joined(separator: ", ")
                if let rejection = activity.rejection { why = "rejected: \(rejection)" }
                else if !activity.trims.isEmpty {
                    why += (why.isEmpty ? "" : "; ") + activity.trims.map { "\(formatAmount($0.amount)) over \($0.rule)" }.joined(separator: ", ")
                }
                rows.append([
                    String(activity.index), truncated(activity.label, 36), activity.date.description, activity.category ?? "-",
                    formatAmount(activity.claimed), formatAmount(activity.counted), why,
                ])
            }
            if carriedOver > 0 {
                rows.append(["", "carried over from the previous cycle", "", scheme.carryOver?.category ?? "-", "", formatAmount(carriedOver), "total"])
            }
            lines += table(rows, rightAligned: [0, 4, 5])
        }
        lines.append("")
        lines.append("Amounts in \(scheme.unit.name). Sources: \(scheme.id) in the scheme file (`stackplan cpd schemes \(scheme.id)`).")
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        var root: [String: JSON] = [
            "scheme": .string(scheme.id),
            "unit": .string(scheme.unit.name),
            "cycle": .object(["start": .string(period.start.description), "end": .string(period.end.description)]),
            "asOf": .string(asOf.description),
            "compliant": .bool(isCompliant),
            "totalCounted": .number(rounded(totalCounted)),
            "rules": .array(rules.map(Self.json)),
            "activities": .array(activities.map(Self.json)),
        ]
        root["practitioner"] = recordID.map(JSON.string)
        if carriedOver > 0 { root["carriedOver"] = .number(rounded(carriedOver)) }
        return .object(root)
    }

    static func json(_ outcome: RuleOutcome) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(outcome.rule.id), "type": .string(outcome.rule.typeName), "label": .string(outcome.rule.label),
            "source": .string(outcome.rule.source),
        ]
        if outcome.rule.isRequirement {
            fields["required"] = outcome.required.map { .number(rounded($0)) }
            fields["achieved"] = .number(rounded(outcome.achieved))
            fields["shortfall"] = .number(rounded(outcome.shortfall))
            fields["met"] = .bool(outcome.isMet)
            if outcome.waived { fields["waived"] = .bool(true) }
            if !outcome.adjustedBy.isEmpty { fields["adjustedBy"] = .array(outcome.adjustedBy.map(JSON.string)) }
        } else {
            fields["notCounted"] = .number(rounded(outcome.trimmed))
            if outcome.rejectedActivities > 0 {
                let key = if case .verifiedEvidence = outcome.rule.kind { "activitiesWithoutVerifiedEvidence" } else { "activitiesBelowMinimum" }
                fields[key] = .number(Double(outcome.rejectedActivities))
            }
        }
        return .object(fields)
    }

    static func json(_ activity: ActivityOutcome) -> JSON {
        var fields: [String: JSON] = [
            "index": .number(Double(activity.index)), "activity": .string(activity.label), "date": .string(activity.date.description),
            "claimed": .number(rounded(activity.claimed)), "counted": .number(rounded(activity.counted)),
            "countsToward": .array(activity.rules.map(JSON.string)),
        ]
        fields["category"] = activity.category.map(JSON.string)
        fields["type"] = activity.type.map(JSON.string)
        if let rejection = activity.rejection {
            fields["rejected"] = .object(["reason": .string(rejection.code), "message": .string(rejection.description)])
        }
        if activity.hasEvidence { fields["evidence"] = .string(activity.evidence?.rawValue ?? "unchecked") }
        if !activity.trims.isEmpty {
            fields["notCounted"] = .array(activity.trims.map { .object(["rule": .string($0.rule), "amount": .number(rounded($0.amount))]) })
        }
        return .object(fields)
    }
}

func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

func truncated(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width - 1)) + "…"
}
