extension Diagnosis {
    public var text: String {
        var lines = ["No plan: \(summary)."]
        if !unmet.isEmpty {
            lines.append("")
            lines.append("Requirements that cannot be met")
            for item in unmet {
                lines.append(String(repeating: "  ", count: item.depth + 1) + "✗ \(item.path)  \(item.requirement): \(item.reason)")
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
                    + "the plan then costs \(format(money: relaxation.planCost)) \(relaxation.currency)\(relaxation.cheapest ? " (the cheapest relaxation)" : "")")
            }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        var fields: [String: JSON] = [
            "status": .string("infeasible"),
            "cause": .string(cause.rawValue),
            "summary": .string(summary),
            "unmet": .array(unmet.map { .object(["path": .string($0.path), "requirement": .string($0.requirement), "reason": .string($0.reason)]) }),
        ]
        fields["cheapestCost"] = cheapestCost.map { .number(rounded($0)) }
        fields["leastHours"] = leastHours.map { .number(rounded($0)) }
        fields["earliestCompletion"] = earliestCompletion.map { .string($0.description) }
        fields["shortfallIsSmallest"] = .bool(shortfallIsSmallest)
        fields["shortfallLimitReached"] = .bool(shortfallLimitReached)
        fields["shortfalls"] = .array(shortfalls.map { shortfall in
            var entry: [String: JSON] = [
                "kind": .string(shortfall.kind.rawValue), "path": .string(shortfall.path), "requirement": .string(shortfall.requirement),
                "amount": .number(rounded(shortfall.amount)), "text": .string(shortfall.text),
            ]
            entry["catalogueEcts"] = shortfall.catalogueECTS.map { .number(rounded($0)) }
            entry["allowedEcts"] = shortfall.allowedECTS.map { .number(rounded($0)) }
            return .object(entry)
        })
        fields["relaxations"] = .array(relaxations.map { relaxation in
            var entry: [String: JSON] = [
                "limits": .array(relaxation.limits.map(JSON.string)), "change": .string(relaxation.change),
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
