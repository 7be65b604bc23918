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
        return .object(fields)
    }
}
