import StackPlanCore

extension NearestEntry.Reason {
    /// Why the qualification is out of reach, in one line.
    public var text: String {
        switch self {
        case .invalidExceptions(let message): message
        case .noPlan(let diagnosis): diagnosis.brief
        case .costBound(let bound, let budget, let currency):
            "every plan costs at least \(formatMoney(bound)) \(currency) (linear bound), over your budget of \(formatMoney(budget))"
        case .hoursBound(let bound, let limit):
            "every plan needs at least \(formatNumber(bound.rounded(.up))) learning hours (linear bound), over your limit of \(formatNumber(limit))"
        case .requiredUnavailable: "some required credential cannot be had"
        case .stopped(let status): "no plan found within the time limit (\(status))"
        }
    }

    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .invalidExceptions(let message): fields["message"] = .string(message)
        case .noPlan(let diagnosis):
            fields["cause"] = .string(diagnosis.cause.rawValue)
            fields["summary"] = diagnosis.summary.json
            if let first = diagnosis.unmet.first(where: { $0.reason != .partsUnmet }) {
                fields["firstUnmet"] = .object(["path": .string(first.path), "reason": first.reason.json])
            }
        case .costBound(let bound, let budget, let currency):
            fields["leastCost"] = .number(rounded(bound))
            fields["budget"] = .number(rounded(budget))
            fields["currency"] = .string(currency)
        case .hoursBound(let bound, let limit):
            fields["leastHours"] = .number(rounded(bound))
            fields["maxHours"] = .number(rounded(limit))
        case .requiredUnavailable: break
        case .stopped(let status): fields["status"] = .string(status)
        }
        return .object(fields)
    }
}

extension NearestRanking {
    /// The ranking as `stackplan nearest --json` prints it and the API answers it.
    public var json: JSON {
        .object([
            "by": .string(measure.rawValue),
            "learnerLevel": learnerLevel.map { .number(Double($0)) } ?? .null,
            "leftOut": .array(leftOut.map(JSON.string)),
            "milpsSolved": .number(Double(solved)), "milpsAvoided": .number(Double(avoided)),
            "qualifications": .array(entries.map { entry in
                var fields: [String: JSON] = [
                    "id": .string(entry.qualification.id), "title": .string(entry.qualification.title),
                    "reachable": .bool(entry.plan != nil), "decidedBy": .string(entry.decision.rawValue),
                    "eqf": .number(Double(entry.qualification.eqf)), "belowLearnerLevel": .bool(entry.belowLearnerLevel),
                ]
                fields["value"] = entry.value.map { .number(rounded($0)) }
                fields["reason"] = entry.reason.map { .string($0.text) }
                fields["code"] = entry.reason.map { .string($0.code) }
                fields["details"] = entry.reason?.json
                if let plan = entry.plan {
                    fields["cost"] = .number(rounded(plan.totals.cost))
                    fields["ects"] = .number(rounded(plan.totals.ects))
                    fields["hours"] = .number(rounded(plan.totals.hours))
                    fields["credentials"] = .array(plan.taken.map(JSON.string))
                    fields["completes"] = plan.completes.map { .string($0.description) } ?? .null
                }
                return .object(fields)
            }),
        ])
    }
}
