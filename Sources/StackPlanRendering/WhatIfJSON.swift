import StackPlanCore

extension WhatIfResult {
    /// The what-if as `--json` prints it and the API answers it: each side's plan report (or
    /// diagnosis), and the difference with its figures and in words.
    public func json(baselineRequest: PlanRequest, catalogue: Catalogue) -> JSON {
        func outcome(_ outcome: PlanOutcome, _ catalogue: Catalogue, _ request: PlanRequest) -> JSON {
            switch outcome {
            case .planned(let plan): PlanReport(plan: plan, catalogue: catalogue, request: request).json
            case .infeasible(let diagnosis): diagnosis.json
            case .stopped(let status): .object(["status": .string(status.rawValue)])
            }
        }
        var fields: [String: JSON] = [
            "baseline": outcome(baseline, catalogue, baselineRequest),
            "scenario": outcome(scenario, scenarioCatalogue, scenarioRequest),
        ]
        fields["difference"] = difference.map { $0.json(currency: catalogue.baseCurrency) } ?? .null
        return .object(fields)
    }
}

extension PlanDifference {
    /// The difference's figures, the credentials it adds and removes, and its words.
    public func json(currency: String) -> JSON {
        .object([
            "cost": .number(rounded(cost)), "hours": .number(rounded(hours)),
            "ects": .number(rounded(ects)), "countedEcts": .number(rounded(countedECTS)),
            "completionDays": completionDays.map { .number(Double($0)) } ?? .null,
            "added": .array(added.map(JSON.string)), "removed": .array(removed.map(JSON.string)),
            "heldNowCounting": .array(heldNowCounting.map(JSON.string)),
            "heldNoLongerCounting": .array(heldNoLongerCounting.map(JSON.string)),
            "text": .string(text(currency: currency)),
        ])
    }
}
