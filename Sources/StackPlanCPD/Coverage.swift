import MILP
import StackPlanCore

/// How well the catalogue's offerings serve a scheme: per category and rule, what counts, from whom,
/// at what price; and whether the scheme can be met from the catalogue alone.
public struct CPDCoverage: Sendable {
    public struct CategoryLine: Sendable {
        public var category: CPDCategory
        /// Offerings with points in this category whose approval is in force on the coverage date.
        public var offerings: [RemediationOption]
        public var providers: [String]
        public var cheapest: RemediationOption?
        public var languages: [String]
        public var modes: [DeliveryMode]
        /// Points on offer, after per-activity limits.
        public var points: Double
        /// Ids of requirements that look at this category.
        public var neededBy: [String]

        public var isUncovered: Bool { offerings.isEmpty }
        public var isSingleProvider: Bool { providers.count == 1 }
    }

    public struct RuleLine: Sendable {
        public enum Verdict: String, Sendable { case coverable, short, notByCourses = "not-by-courses", notApplicable = "not-applicable" }
        public var rule: CPDRule
        public var verdict: Verdict
        /// What the catalogue alone reaches toward the rule (points or activities), all offerings taken.
        public var reachable: Double
        public var offerings: Int
        public var providers: [String]
        public var cheapest: Double?
    }

    public var scheme: CPDScheme
    public var asOf: Day
    /// Only offerings of accredited providers (or credentials marked accredited) were counted.
    public var accreditedOnly: Bool
    public var period: CPDPeriod
    public var categories: [CategoryLine]
    public var rules: [RuleLine]
    /// The cheapest set of offerings that meets every requirement a course can meet, from nothing;
    /// `nil` when none exists.
    public var cheapestPlan: RemediationPlan?
    /// Why no such set exists, when it does not.
    public var gaps: [String]
    /// Requirements only the practitioner's own declarations meet.
    public var declared: [CPDRule]
    /// Offerings with points under the scheme left out, and why (approval lapsed, category unknown).
    public var excluded: [(credential: String, reason: String)]

    public var uncovered: [CategoryLine] { categories.filter(\.isUncovered) }
    public var singleProvider: [CategoryLine] { categories.filter(\.isSingleProvider) }
    public var canBeMetFromCatalogue: Bool { cheapestPlan != nil }

    /// The coverage on `asOf`: approvals in force then, and the whole cycle around that day to take offerings in.
    /// With `accreditedOnly`, offerings that are not accredited are left out (and listed among the excluded).
    public init(checker: CPDChecker, asOf: Day, accreditedOnly: Bool = false, solveOptions: SolveOptions = SolveOptions(timeLimit: 60)) throws {
        let scheme = checker.scheme
        self.scheme = scheme
        self.asOf = asOf
        self.accreditedOnly = accreditedOnly
        var limits = LearnerConstraints()
        limits.accreditedOnly = accreditedOnly
        let cycleEnds: Day? = if case .renewal = scheme.cycle.anchor { asOf.adding(months: scheme.cycle.months).adding(days: -1) } else { nil }
        // The market is judged as if a whole cycle lay ahead: coverage is about what is offered, not about one practitioner's time left.
        let period = try scheme.period(cycleEnds: cycleEnds, asOf: asOf)
        self.period = period
        let empty = PractitionerRecord(id: "catalogue", cycleEnds: period.end, asOf: period.start)
        let remediation = CPDRemediation(checker: checker, solveOptions: solveOptions)
        // Approval is judged on the coverage date: the offering must be approved now to be on the market now.
        let (allOptions, excluded) = remediation.options(for: empty, period: period, asOf: period.start, constraints: limits)
        let catalogue = checker.catalogue
        let options = allOptions.filter { option in
            let entry = catalogue.credential(option.credential)?.cpd.first { $0.scheme == scheme.id && $0.category == option.category }
            return (entry?.approvedFrom.map { $0 <= asOf } ?? true) && (entry?.approvedUntil.map { $0 >= asOf } ?? true)
        }
        var excludedText = excluded.map { ($0.credential, $0.reason.description) }
        for option in allOptions where !options.contains(option) {
            excludedText.append((option.credential, "its approval for \(option.category) is not in force on \(asOf)"))
        }
        for credential in catalogue.credentials {
            for entry in credential.cpd where entry.scheme == scheme.id && scheme.category(entry.category) == nil {
                excludedText.append((credential.id, "unknown category \"\(entry.category)\""))
            }
        }
        self.excluded = excludedText.sorted { ($0.0, $0.1) < ($1.0, $1.1) }

        let requirements = scheme.rules.filter(\.isRequirement)
        categories = scheme.categories.map { category in
            let offerings = options.filter { $0.category == category.id }
            return CategoryLine(
                category: category, offerings: offerings, providers: Array(Set(offerings.map(\.provider))).sorted(),
                cheapest: offerings.min { ($0.cost, $0.credential) < ($1.cost, $1.credential) },
                languages: Array(Set(offerings.flatMap(\.languages))).sorted(),
                modes: DeliveryMode.allCases.filter { mode in offerings.contains { $0.mode == mode } },
                points: offerings.reduce(0) { $0 + $1.points },
                neededBy: requirements.filter { rule in
                    if case .declared = rule.kind { return false }
                    return rule.categories?.contains(category.id) == true && (rule.minimum ?? 0) > 0
                }.map(\.id))
        }
        declared = requirements.filter { if case .declared = $0.kind { true } else { false } }

        var firstPerCredential: [RemediationOption] = []
        for option in options where !firstPerCredential.contains(where: { $0.credential == option.credential }) { firstPerCredential.append(option) }
        let everything = try remediation.project(empty, assessment: try checker.assess(empty, asOf: period.start), taken: firstPerCredential)
        rules = everything.rules.map { outcome in
            let rule = outcome.rule
            let matching = options.filter { rule.covers(category: $0.category) }
            let verdict: RuleLine.Verdict
            switch rule.kind {
            case .declared: verdict = .notByCourses
            case .maximum, .perActivity, .verifiedEvidence: verdict = .notApplicable
            default: verdict = outcome.isMet ? .coverable : .short
            }
            return RuleLine(
                rule: rule, verdict: verdict, reachable: outcome.achieved, offerings: matching.count,
                providers: Array(Set(matching.map(\.provider))).sorted(), cheapest: matching.map(\.cost).min())
        }

        switch try remediation.plan(empty, asOf: period.start, cycleEnds: period.end, constraints: limits) {
        case .planned(let plan):
            cheapestPlan = plan
            gaps = []
        case .nothingToClose:
            let assessment = try checker.assess(empty, asOf: period.start)
            cheapestPlan = RemediationPlan(before: assessment, taken: [], projected: assessment, remaining: [], objective: .cost, status: .optimal, gap: 0)
            gaps = []
        case .impossible(_, let reasons):
            cheapestPlan = nil
            gaps = reasons
        case .stopped(let status):
            cheapestPlan = nil
            gaps = ["the solver stopped (\(status.rawValue)) before finding a set of offerings"]
        }
    }
}

extension CPDCoverage {
    public func text(baseCurrency: String) -> String {
        var lines = ["\(scheme.id) (\(scheme.regulator)): catalogue coverage on \(asOf), for a cycle \(period)"
            + (accreditedOnly ? ", accredited offerings only" : ""), ""]
        var rows = [["category", "offerings", "providers", "cheapest", "points on offer", "languages", "modes"]]
        for line in categories {
            rows.append([
                line.category.id, String(line.offerings.count),
                line.providers.isEmpty ? "-" : truncated(line.providers.joined(separator: ", "), 36),
                line.cheapest.map { "\(formatAmount(rounded($0.cost))) \(baseCurrency) (\($0.credential))" } ?? "-",
                formatAmount(rounded(line.points)), line.languages.isEmpty ? "-" : line.languages.joined(separator: ", "),
                line.modes.isEmpty ? "-" : line.modes.map(\.rawValue).joined(separator: ", "),
            ])
        }
        lines += table(rows, rightAligned: [1, 4])
        lines.append("")
        var ruleRows = [["rule", "requirement", "verdict", "reach", "offerings", "providers"]]
        for line in rules where line.rule.isRequirement {
            let verdict = switch line.verdict {
            case .coverable: "coverable"
            case .short: "SHORT"
            case .notByCourses: "not by courses"
            case .notApplicable: "-"
            }
            ruleRows.append([
                line.rule.id, truncated(line.rule.label, 48), verdict,
                line.verdict == .notByCourses ? "-" : "\(formatAmount(rounded(line.reachable)))/\(formatAmount(line.rule.minimum ?? 0))",
                line.verdict == .notByCourses ? "-" : String(line.offerings), line.verdict == .notByCourses ? "-" : String(line.providers.count),
            ])
        }
        lines += table(ruleRows, rightAligned: [3, 4, 5])
        lines.append("")
        let uncovered = self.uncovered
        if uncovered.isEmpty {
            lines.append("every category has at least one offering")
        } else {
            lines.append("uncovered categories: " + uncovered.map { $0.category.id + ($0.neededBy.isEmpty ? "" : " (needed by \($0.neededBy.joined(separator: ", ")))") }.joined(separator: "; "))
        }
        let single = singleProvider
        if !single.isEmpty {
            lines.append("served by a single provider: " + single.map { "\($0.category.id) (\($0.providers[0]))" }.joined(separator: "; "))
        }
        if let plan = cheapestPlan, plan.taken.isEmpty {
            lines.append("the scheme's point and count requirements ask for nothing: an empty record already meets them")
        } else if let plan = cheapestPlan {
            lines.append("the scheme's point and count requirements can be met from the catalogue alone: cheapest \(formatAmount(rounded(plan.cost))) \(baseCurrency), \(hoursText(plan.hours)), \(plan.taken.count) offering\(plan.taken.count == 1 ? "" : "s") (\(plan.taken.map(\.credential).joined(separator: ", ")))")
        } else {
            lines.append("the scheme cannot be met from the catalogue alone:")
            lines += gaps.map { "  \($0)" }
        }
        if !declared.isEmpty {
            lines.append("declared by the practitioner, not by courses: \(declared.map(\.id).joined(separator: ", "))")
        }
        if !excluded.isEmpty {
            lines.append("\(excluded.count) offering\(excluded.count == 1 ? "" : "s") with points under \(scheme.id) left out: "
                + excluded.prefix(5).map { "\($0.credential) (\($0.reason))" }.joined(separator: "; ") + (excluded.count > 5 ? "; …" : ""))
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        .object([
            "scheme": .string(scheme.id),
            "asOf": .string(asOf.description),
            "accreditedOnly": .bool(accreditedOnly),
            "cycle": .object(["start": .string(period.start.description), "end": .string(period.end.description)]),
            "categories": .array(categories.map { line in
                var fields: [String: JSON] = [
                    "id": .string(line.category.id), "name": .string(line.category.name),
                    "offerings": .array(line.offerings.map { .object(["credential": .string($0.credential), "provider": .string($0.provider), "points": .number(rounded($0.points)), "cost": .number(rounded($0.cost))]) }),
                    "providers": .array(line.providers.map(JSON.string)),
                    "languages": .array(line.languages.map(JSON.string)), "modes": .array(line.modes.map { .string($0.rawValue) }),
                    "pointsOnOffer": .number(rounded(line.points)), "neededBy": .array(line.neededBy.map(JSON.string)),
                    "uncovered": .bool(line.isUncovered), "singleProvider": .bool(line.isSingleProvider),
                ]
                fields["cheapest"] = line.cheapest.map { .object(["credential": .string($0.credential), "cost": .number(rounded($0.cost))]) }
                return .object(fields)
            }),
            "rules": .array(rules.filter(\.rule.isRequirement).map { line in
                .object([
                    "id": .string(line.rule.id), "verdict": .string(line.verdict.rawValue), "reachable": .number(rounded(line.reachable)),
                    "required": .number(line.rule.minimum ?? 0), "offerings": .number(Double(line.offerings)),
                    "providers": .array(line.providers.map(JSON.string)),
                ])
            }),
            "canBeMetFromCatalogue": .bool(canBeMetFromCatalogue),
            "cheapestPlan": cheapestPlan.map { plan in
                .object(["cost": .number(rounded(plan.cost)), "hours": .number(rounded(plan.hours)), "credentials": .array(plan.taken.map { .string($0.credential) })])
            } ?? .null,
            "gaps": .array(gaps.map(JSON.string)),
            "declared": .array(declared.map { .string($0.id) }),
            "excluded": .array(excluded.map { .object(["credential": .string($0.credential), "reason": .string($0.reason)]) }),
        ])
    }
}

extension CPDScheme {
    /// The day coverage is judged on when none is given: `today` while the scheme is in force,
    /// else its last day (a scheme whose rules ended) or its first (one not yet in force), so that
    /// every scheme of a scheme file can be judged without a date.
    public func coverageDay(near today: Day) -> Day {
        if let until, today > until { return until }
        if let effective, today < effective { return effective }
        return today
    }
}

/// Coverage of several schemes side by side: for each scheme and each of its categories, what
/// the catalogue offers; and for each scheme whether the catalogue alone meets it.
public struct CPDCoverageMatrix: Sendable {
    public var coverages: [CPDCoverage]

    public init(_ coverages: [CPDCoverage]) { self.coverages = coverages }

    public func text(baseCurrency: String) -> String {
        let accredited = coverages.first?.accreditedOnly == true ? ", accredited offerings only" : ""
        var lines = ["catalogue coverage of \(coverages.count) scheme\(coverages.count == 1 ? "" : "s")\(accredited)", ""]
        var rows = [["scheme", "category", "offerings", "providers", "cheapest", "points on offer"]]
        for coverage in coverages {
            for line in coverage.categories {
                rows.append([
                    coverage.scheme.id, line.category.id, String(line.offerings.count), String(line.providers.count),
                    line.cheapest.map { "\(formatAmount(rounded($0.cost))) \(baseCurrency) (\($0.credential))" } ?? "-",
                    formatAmount(rounded(line.points)),
                ])
            }
        }
        lines += table(rows, rightAligned: [2, 3, 5])
        lines.append("")
        var verdicts = [["scheme", "on", "cycle", "met from the catalogue alone"]]
        for coverage in coverages {
            let verdict: String
            if let plan = coverage.cheapestPlan {
                verdict = plan.taken.isEmpty
                    ? "yes, nothing asked"
                    : "yes, from \(formatAmount(rounded(plan.cost))) \(baseCurrency) (\(plan.taken.count) offering\(plan.taken.count == 1 ? "" : "s"))"
            } else {
                let short = coverage.rules.filter { $0.verdict == .short }.map(\.rule.id)
                verdict = "no" + (short.isEmpty ? "" : " (short: \(short.joined(separator: ", ")))")
            }
            verdicts.append([coverage.scheme.id, coverage.asOf.description, coverage.period.description, verdict])
        }
        lines += table(verdicts, rightAligned: [])
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        .object(["schemes": .array(coverages.map(\.json))])
    }
}
