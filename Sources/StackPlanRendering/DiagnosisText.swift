import StackPlanCore

extension Diagnosis.Summary {
    /// One sentence without a final stop: `ucp-msc-ipc cannot be reached with the modes, ...`.
    public var text: String {
        switch self {
        case .beyondCatalogue(let qualification):
            "\(qualification) cannot be reached even with every credential in the catalogue (held credentials count only while recent, and are never planned again)"
        case .beyondLimits(let qualification):
            "\(qualification) cannot be reached with the modes, languages, accreditation, providers and weekly hours you allow"
        case .limits(let breaches): breaches.map(\.text).joined(separator: "; ")
        case .noScheduleFits(let hours, let start, let weeks):
            "no schedule fits: within \(formatNumber(hours)) learning hours a week from \(start), the offerings on the calendar cannot run every credential needed, in prerequisite order, within \(weeks) weeks (or the requirements conflict)"
        case .requirementsConflict:
            "each requirement can be met on its own, but not all together: overlapping credentials exclude each other, a credential counts toward one requirement only, or a cap on credits binds"
        }
    }

    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .beyondCatalogue(let qualification), .beyondLimits(let qualification): fields["qualification"] = .string(qualification)
        case .limits(let breaches): fields["limits"] = .array(breaches.map(\.json))
        case .noScheduleFits(let hours, let start, let weeks):
            fields["hoursPerWeek"] = .number(rounded(hours))
            fields["start"] = .string(start.description)
            fields["maxWeeks"] = .number(Double(weeks))
        case .requirementsConflict: break
        }
        return .object(fields)
    }
}

extension Shortfall {
    /// The whole finding in words, without the path.
    public var text: String {
        let figure = formatNumber((amount * 100).rounded() / 100)
        switch kind {
        case .credits:
            let offered = catalogueECTS ?? 0, allowed = allowedECTS ?? offered, held = heldECTS ?? 0, minimum = needed ?? 0
            var text = "\(figure) ECTS\(filter.map(describe) ?? "") are missing (\(formatNumber(minimum)) needed)"
            text += ": the catalogue offers \(formatNumber(offered)) ECTS that fit" + (held > 0 ? " (\(formatNumber(held)) of them held)" : "")
            if allowed < offered - 1e-9 {
                let words = limits.map(\.text).joined(separator: "; ")
                text += ", \(formatNumber(allowed)) of them within your limits\(words.isEmpty ? "" : " (\(words))")"
            }
            if allowed >= minimum - 1e-9 {
                text += "; enough fit your limits, but not together with the rest of the plan (budget, hours, deadline, overlaps or single counting)"
            }
            return text
        case .credential:
            return "\(requirement) cannot be had: \(reason?.shortfallText ?? UnmetReason.notTogether.shortfallText)"
        case .cap: return "\(figure) ECTS over the cap (\(requirement))"
        case .total: return "\(figure) of the \(formatNumber(needed ?? 0)) ECTS in all are missing"
        case .priorCap: return "\(figure) ECTS of prior learning over the cap of \(formatNumber(needed ?? 0)) (applied by hand)"
        }
    }
}

extension Relaxation {
    /// The smallest change, in words: `raise the budget from 120 to 400 EUR (+280)`.
    public var change: String { changes.map(\.text).joined(separator: ", and ") }
}

extension Diagnosis {
    public var text: String {
        var lines = ["No plan: \(summary.text)."]
        if !unmet.isEmpty {
            lines.append("")
            lines.append("Requirements that cannot be met")
            for item in unmet {
                lines.append(String(repeating: "  ", count: item.depth + 1) + "✗ \(item.path)  \(item.requirement): \(item.reason.text)")
            }
        }
        if !shortfalls.isEmpty {
            lines.append("")
            lines.append(shortfallIsSmallest
                ? "Smallest shortfall within your limits"
                : "Shortfall within your limits (the smallest found before \(shortfallLimitReached ? "the work limit was reached" : "the time limit passed"); a smaller one may exist)")
            for shortfall in shortfalls { lines.append("  ✗ \(shortfall.path)  \(shortfall.text)") }
        } else if shortfallLimitReached {
            lines.append("")
            lines.append("No shortfall within your limits was found before the work limit was reached")
        }
        if !relaxations.isEmpty {
            lines.append("")
            lines.append("What would make it reachable: your own limits relaxed, the others kept")
            for relaxation in relaxations {
                lines.append("  \(relaxation.cheapest ? "★" : "•") \(relaxation.limits.joined(separator: " + ")): \(relaxation.change); "
                    + "the plan then costs \(formatMoney(relaxation.planCost)) \(relaxation.currency)\(relaxation.cheapest ? " (the cheapest relaxation)" : "")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A diagnosis in one line: the summary, then the first unmet requirement that is a cause rather than a consequence.
    public var brief: String {
        let causes = unmet.filter { $0.reason != .partsUnmet }
        let more = causes.count - 1
        return summary.text + (causes.first.map { ": \($0.path) \($0.reason.text)" + (more > 0 ? " (and \(more) more)" : "") } ?? "")
    }

    /// As `plan --json` prints it: the words of the text, and beside them `code`s with their figures.
    public var json: JSON {
        var fields: [String: JSON] = [
            "status": .string("infeasible"),
            "cause": .string(cause.rawValue),
            "summary": .string(summary.text),
            "summaryCode": summary.json,
            "unmet": .array(unmet.map {
                .object(["path": .string($0.path), "requirement": .string($0.requirement), "reason": .string($0.reason.text),
                         "code": .string($0.reason.code), "details": $0.reason.json])
            }),
        ]
        fields["cheapestCost"] = cheapestCost.map { .number(rounded($0)) }
        fields["leastHours"] = leastHours.map { .number(rounded($0)) }
        fields["earliestCompletion"] = earliestCompletion.map { .string($0.description) }
        fields["shortfallIsSmallest"] = .bool(shortfallIsSmallest)
        fields["shortfallLimitReached"] = .bool(shortfallLimitReached)
        fields["shortfalls"] = .array(shortfalls.map { shortfall in
            var entry: [String: JSON] = [
                "kind": .string(shortfall.kind.rawValue), "path": .string(shortfall.path), "requirement": .string(shortfall.requirement),
                "amount": .number(rounded(shortfall.amount)), "text": .string(shortfall.text), "code": .string(shortfall.kind.rawValue),
            ]
            entry["catalogueEcts"] = shortfall.catalogueECTS.map { .number(rounded($0)) }
            entry["allowedEcts"] = shortfall.allowedECTS.map { .number(rounded($0)) }
            entry["heldEcts"] = shortfall.heldECTS.map { .number(rounded($0)) }
            entry["neededEcts"] = shortfall.needed.map { .number(rounded($0)) }
            if !shortfall.limits.isEmpty { entry["limits"] = .array(shortfall.limits.map(\.json)) }
            entry["reason"] = shortfall.reason?.json
            return .object(entry)
        })
        fields["relaxations"] = .array(relaxations.map { relaxation in
            var entry: [String: JSON] = [
                "limits": .array(relaxation.limits.map(JSON.string)), "change": .string(relaxation.change),
                "changes": .array(relaxation.changes.map(\.json)),
                "admitted": .array(relaxation.admitted.map(JSON.string)), "planCost": .number(rounded(relaxation.planCost)),
                "cheapest": .bool(relaxation.cheapest),
            ]
            entry["value"] = relaxation.value.map { .number(rounded($0)) }
            entry["completion"] = relaxation.completion.map { .string($0.description) }
            return .object(entry)
        })
        return .object(fields)
    }
}
