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
