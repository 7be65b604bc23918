import Foundation
import StackPlanCore

/// Why an activity, or part of it, does not count.
public enum CPDRejection: Sendable, Equatable, CustomStringConvertible {
    case outsideCycle(CPDPeriod)
    case afterAssessment(Day)
    case unknownCredential(String)
    /// The credential earns nothing under this scheme.
    case notForScheme(String)
    case approvalNotYet(Day)
    case approvalExpired(Day)
    case unknownCategory(String)
    case noCategory
    /// Neither points nor a length the scheme can convert.
    case noAmount
    case belowActivityMinimum(rule: String, minimum: Double)
    case repeatedCredential(firstIndex: Int)
    /// Every point of it lies over a cap.
    case overCap(rule: String)
    /// The scheme counts activities of its category only with verified evidence, and this one's
    /// evidence is missing (`result` nil and no reasons), unchecked, unverifiable or failed.
    case evidenceNotVerified(rule: String, evidence: EvidenceState, reasons: [String])

    /// The state of an activity's evidence, as a rule on verified evidence sees it.
    public enum EvidenceState: String, Sendable, Equatable {
        /// The activity names no credential behind it.
        case missing
        /// The evidence records no check.
        case unchecked
        case unverifiable, failed

        var phrase: String {
            switch self {
            case .missing: "no evidence is attached"
            case .unchecked: "its evidence records no verification"
            case .unverifiable: "its evidence is unverifiable"
            case .failed: "its evidence failed verification"
            }
        }
    }

    public var code: String {
        switch self {
        case .outsideCycle: "outside-cycle"
        case .afterAssessment: "after-assessment-date"
        case .unknownCredential: "unknown-credential"
        case .notForScheme: "not-for-scheme"
        case .approvalNotYet: "approval-not-yet"
        case .approvalExpired: "approval-expired"
        case .unknownCategory: "unknown-category"
        case .noCategory: "no-category"
        case .noAmount: "no-amount"
        case .belowActivityMinimum: "below-activity-minimum"
        case .repeatedCredential: "repeated-credential"
        case .overCap: "over-cap"
        case .evidenceNotVerified: "evidence-not-verified"
        }
    }

    public var description: String {
        switch self {
        case .outsideCycle(let period): "outside the cycle \(period)"
        case .afterAssessment(let day): "dated after the assessment date \(day)"
        case .unknownCredential(let id): "the catalogue has no credential \"\(id)\""
        case .notForScheme(let scheme): "the credential earns no points under \(scheme)"
        case .approvalNotYet(let day): "completed before its approval began on \(day)"
        case .approvalExpired(let day): "completed after its approval expired on \(day)"
        case .unknownCategory(let category): "unknown category \"\(category)\""
        case .noCategory: "no category given, and the scheme has no default"
        case .noAmount: "no points, and no hours or ECTS the scheme converts"
        case .belowActivityMinimum(let rule, let minimum): "below the minimum of \(formatAmount(minimum)) per activity (\(rule))"
        case .repeatedCredential(let first): "the same credential as activity \(first), counted once"
        case .overCap(let rule): "entirely over the cap \(rule)"
        case .evidenceNotVerified(let rule, let state, let reasons):
            "counts only with verified evidence (\(rule)); \(state.phrase)" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; "))
        }
    }
}

/// The verdict on one record: each requirement's total and shortfall, and where each activity counted.
public struct CPDAssessment: Sendable {
    public struct RuleOutcome: Sendable {
        public var rule: CPDRule
        /// What the rule asks of this practitioner, after adjustments; `nil` for caps and per-activity limits.
        public var required: Double?
        public var achieved: Double
        public var waived: Bool
        /// Labels of the adjustments that changed this rule.
        public var adjustedBy: [String]
        /// For caps and per-activity limits: the points they kept from counting, and the activities they rejected.
        public var trimmed: Double = 0
        public var rejectedActivities: Int = 0

        public var isMet: Bool { waived || required.map { achieved >= $0 - tolerance } ?? true }
        public var shortfall: Double { isMet ? 0 : max(0, (required ?? 0) - achieved) }
    }

    public struct Trim: Sendable, Equatable {
        public var rule: String
        public var amount: Double
    }

    public struct ActivityOutcome: Sendable {
        /// Position in the record's `activities`.
        public var index: Int
        public var label: String
        public var date: Day
        public var category: String?
        public var type: String?
        /// Points the activity is worth before caps.
        public var claimed: Double
        public var counted: Double
        public var rejection: CPDRejection?
        public var trims: [Trim]
        /// Ids of the requirements it counted toward.
        public var rules: [String]
        /// What checking its evidence found, when the activity carries evidence.
        public var evidence: CPDEvidence.Result?
        public var hasEvidence = false
        /// Accepted: dated in the cycle, known, categorised, above any per-activity minimum. Count rules count these.
        public var isAccepted: Bool {
            switch rejection {
            case nil, .overCap?: true
            default: false
            }
        }
    }

    public var recordID: String?
    public var scheme: CPDScheme
    public var period: CPDPeriod
    public var asOf: Day
    public var rules: [RuleOutcome]
    public var activities: [ActivityOutcome]
    public var carriedOver: Double
    /// Counted points per category, after caps, carried points included.
    public var countedByCategory: [String: Double]

    public var isCompliant: Bool { rules.allSatisfy(\.isMet) }
    public var unmetRules: [RuleOutcome] { rules.filter { !$0.isMet } }
    public var totalCounted: Double { activities.reduce(carriedOver) { $0 + $1.counted } }
}

let tolerance = 1e-9

/// Assesses practitioner records against one scheme, with a catalogue for the credentials they name.
public struct CPDChecker: Sendable {
    public let scheme: CPDScheme
    public let catalogue: Catalogue
    /// Caps, narrowest first: with caps that nest, trimming the inner one first never trims more than needed.
    let caps: [(rule: CPDRule, categories: Set<String>, max: Double)]
    let activityLimits: [CPDRule]
    /// Rules that count an activity only with verified evidence.
    let evidenceRules: [CPDRule]

    public init(scheme: CPDScheme, catalogue: Catalogue) {
        self.scheme = scheme
        self.catalogue = catalogue
        caps = scheme.rules.compactMap { rule in
            if case .maximum(let categories, let maximum) = rule.kind { return (rule, Set(categories), maximum) }
            return nil
        }.sorted { $0.categories.count < $1.categories.count }
        activityLimits = scheme.rules.filter { if case .perActivity = $0.kind { true } else { false } }
        evidenceRules = scheme.rules.filter { if case .verifiedEvidence = $0.kind { true } else { false } }
    }

    /// The assessment on `asOf` (the record's own date first, then this one).
    public func assess(_ record: PractitionerRecord, asOf defaultAsOf: Day, cycleEnds defaultCycleEnds: Day? = nil) throws(CPDRecordError) -> CPDAssessment {
        let asOf = record.asOf ?? defaultAsOf
        let period = try scheme.period(cycleEnds: record.cycleEnds ?? defaultCycleEnds, asOf: asOf)
        var outcomes: [CPDAssessment.ActivityOutcome] = []
        outcomes.reserveCapacity(record.activities.count)
        var firstUse: [String: Int] = [:]
        for (index, activity) in record.activities.enumerated() {
            outcomes.append(evaluate(activity, index: index, period: period, asOf: asOf, firstUse: &firstUse))
        }
        applyCaps(&outcomes)

        var carried = 0.0
        if let carry = scheme.carryOver, carry.max > 0, let previous = record.previousPoints {
            carried = min(carry.max, max(0, previous - (record.previousRequired ?? scheme.baseTotal)))
        }
        var byCategory: [String: Double] = [:]
        for outcome in outcomes where outcome.counted > 0 { byCategory[outcome.category!, default: 0] += outcome.counted }
        if carried > 0, let category = scheme.carryOver?.category { byCategory[category, default: 0] += carried }

        let requirements = self.requirements(for: record, period: period)
        var ruleOutcomes: [CPDAssessment.RuleOutcome] = []
        for rule in scheme.rules {
            let achieved = achievement(of: rule, outcomes: outcomes, byCategory: byCategory, carried: carried, record: record)
            let requirement = requirements[rule.id]
            var outcome = CPDAssessment.RuleOutcome(
                rule: rule, required: requirement?.required, achieved: achieved,
                waived: requirement?.waived ?? false, adjustedBy: requirement?.adjustedBy ?? [])
            if !rule.isRequirement {
                outcome.trimmed = outcomes.reduce(0) { sum, activity in sum + activity.trims.filter { $0.rule == rule.id }.reduce(0) { $0 + $1.amount } }
                outcome.rejectedActivities = outcomes.count {
                    switch $0.rejection {
                    case .belowActivityMinimum(let id, _)?, .evidenceNotVerified(let id, _, _)?: id == rule.id
                    default: false
                    }
                }
            }
            ruleOutcomes.append(outcome)
        }
        for index in outcomes.indices {
            outcomes[index].rules = ruleOutcomes.filter { counts(outcomes[index], toward: $0.rule) }.map(\.rule.id)
        }
        return CPDAssessment(
            recordID: record.id, scheme: scheme, period: period, asOf: asOf, rules: ruleOutcomes, activities: outcomes,
            carriedOver: carried, countedByCategory: byCategory)
    }

    /// One activity on its own: where it belongs and what it is worth, before caps across activities.
    func evaluate(
        _ activity: CPDActivity, index: Int, period: CPDPeriod, asOf: Day, firstUse: inout [String: Int]
    ) -> CPDAssessment.ActivityOutcome {
        var outcome = CPDAssessment.ActivityOutcome(
            index: index, label: activity.label, date: activity.date, category: activity.category, type: activity.type,
            claimed: 0, counted: 0, rejection: nil, trims: [], rules: [], evidence: activity.evidence?.result,
            hasEvidence: activity.evidence != nil)
        // Work out what the activity would be worth first, so that a rejected one still shows its claim.
        var points: Double?
        var credentialProblem: CPDRejection?
        var approvalProblem: CPDRejection?
        switch activity.source {
        case .credential(let id):
            if let credential = catalogue.credential(id) {
                let entries = credential.cpd.filter { $0.scheme == scheme.id }
                if let entry = activity.category.map({ category in entries.first { $0.category == category } }) ?? entries.first {
                    outcome.category = entry.category
                    points = awarded(entry, credential: credential)
                    if let from = entry.approvedFrom, activity.date < from { approvalProblem = .approvalNotYet(from) }
                    if let until = entry.approvedUntil, activity.date > until { approvalProblem = .approvalExpired(until) }
                    if approvalProblem == nil, let first = firstUse[id] { approvalProblem = .repeatedCredential(firstIndex: first) }
                } else if let category = activity.category, !entries.isEmpty {
                    credentialProblem = .unknownCategory(category)
                } else {
                    credentialProblem = .notForScheme(scheme.id)
                }
            } else {
                credentialProblem = .unknownCredential(id)
            }
        case .free:
            outcome.category = activity.category ?? scheme.defaultCategory
            points = activity.points.map(scheme.unit.rounded) ?? scheme.unit.points(hours: activity.hours, ects: activity.ects)
        }
        outcome.claimed = points ?? 0
        let inCycle = period.contains(activity.date) || (period.isFirst && scheme.earlierCountInFirstCycle && activity.date < period.start)
        let rejection: CPDRejection? =
            if let credentialProblem { credentialProblem }
            else if !inCycle { .outsideCycle(period) }
            else if activity.date > asOf { .afterAssessment(asOf) }
            else if outcome.category == nil { .noCategory }
            else if scheme.category(outcome.category!) == nil { .unknownCategory(outcome.category!) }
            else if let approvalProblem { approvalProblem }
            else if points == nil { .noAmount }
            else { nil }
        if let rejection {
            outcome.rejection = rejection
            return outcome
        }
        // A rule on verified evidence: a planned credential's evidence does not exist yet and is taken on trust.
        if !activity.isPlanned, activity.evidence?.isVerified != true,
           let rule = evidenceRules.first(where: { $0.covers(category: outcome.category) }) {
            let state: CPDRejection.EvidenceState = switch activity.evidence?.result {
            case nil: activity.evidence == nil ? .missing : .unchecked
            case .unverifiable?: .unverifiable
            case .failed?, .verified?: .failed
            }
            outcome.rejection = .evidenceNotVerified(rule: rule.id, evidence: state, reasons: activity.evidence?.reasons ?? [])
            return outcome
        }
        var counted = points!
        for rule in activityLimits where rule.covers(category: outcome.category) {
            guard case .perActivity(_, let minimum, let maximum) = rule.kind else { continue }
            if let minimum, counted < minimum - tolerance {
                outcome.rejection = .belowActivityMinimum(rule: rule.id, minimum: minimum)
                return outcome
            }
            if let maximum, counted > maximum + tolerance {
                outcome.trims.append(CPDAssessment.Trim(rule: rule.id, amount: counted - maximum))
                counted = maximum
            }
        }
        if let id = activity.credentialID { firstUse[id] = index }
        outcome.counted = counted
        return outcome
    }

    /// The points a credential earns under this scheme: as the catalogue states, else its learning hours converted.
    public func awarded(_ entry: CPDPoints, credential: Credential) -> Double? {
        if let points = entry.points { return scheme.unit.rounded(points) }
        return scheme.unit.points(hours: credential.hours, ects: credential.ects)
    }

    /// Points over a cap do not count; the latest activities give them up first, as the points
    /// a practitioner earned last are the ones that went over.
    func applyCaps(_ outcomes: inout [CPDAssessment.ActivityOutcome]) {
        for cap in caps {
            let members = outcomes.indices.filter { outcomes[$0].counted > 0 && cap.categories.contains(outcomes[$0].category!) }
            var excess = members.reduce(0) { $0 + outcomes[$1].counted } - cap.max
            guard excess > tolerance else { continue }
            let latestFirst = members.sorted { (outcomes[$0].date, $0) > (outcomes[$1].date, $1) }
            for index in latestFirst where excess > tolerance {
                let cut = min(excess, outcomes[index].counted)
                outcomes[index].counted -= cut
                outcomes[index].trims.append(CPDAssessment.Trim(rule: cap.rule.id, amount: cut))
                if outcomes[index].counted <= tolerance {
                    outcomes[index].counted = 0
                    outcomes[index].rejection = .overCap(rule: cap.rule.id)
                }
                excess -= cut
            }
        }
    }

    func achievement(
        of rule: CPDRule, outcomes: [CPDAssessment.ActivityOutcome], byCategory: [String: Double], carried: Double, record: PractitionerRecord
    ) -> Double {
        switch rule.kind {
        case .total:
            return byCategory.values.reduce(0, +) + (scheme.carryOver?.category == nil ? carried : 0)
        case .minimum(let categories, _), .maximum(let categories, _):
            return categories.reduce(0) { $0 + (byCategory[$1] ?? 0) }
        case .perActivity, .verifiedEvidence:
            return 0
        case .count:
            return Double(outcomes.count { $0.isAccepted && rule.counts(category: $0.category, type: $0.type) })
        case .distinctTypes:
            return Double(Set(outcomes.filter { $0.isAccepted && rule.covers(category: $0.category) }.compactMap(\.type)).count)
        case .declared(let name, _):
            return record.declarations[name] ?? 0
        }
    }

    func counts(_ outcome: CPDAssessment.ActivityOutcome, toward rule: CPDRule) -> Bool {
        guard outcome.isAccepted, rule.isRequirement else { return false }
        switch rule.kind {
        case .total, .minimum: return outcome.counted > 0 && rule.covers(category: outcome.category)
        case .count:
            return rule.counts(category: outcome.category, type: outcome.type)
        case .distinctTypes: return rule.covers(category: outcome.category) && outcome.type != nil
        default: return false
        }
    }

    public struct Requirement: Sendable, Equatable {
        public var required: Double
        public var waived: Bool
        public var adjustedBy: [String]
    }

    /// What each requirement asks of this practitioner: the base minimum, raised, reduced,
    /// scaled pro rata, or waived by the scheme's adjustments whose condition the record meets.
    public func requirements(for record: PractitionerRecord, period: CPDPeriod) -> [String: Requirement] {
        var result: [String: Requirement] = [:]
        for rule in scheme.rules where rule.isRequirement {
            result[rule.id] = Requirement(required: rule.minimum ?? 0, waived: false, adjustedBy: [])
        }
        let applying = scheme.adjustments.compactMap { adjustment -> (CPDAdjustment, Double)? in
            let units = self.units(of: adjustment, record: record, period: period)
            return units > 0 ? (adjustment, units) : nil
        }
        // Raises before reductions, so that a fraction never cuts into what a raise added.
        for phase in 0..<4 {
            for (adjustment, units) in applying {
                for id in adjustment.rules {
                    guard var requirement = result[id], let base = scheme.rule(id)?.minimum else { continue }
                    switch (phase, adjustment.effect) {
                    case (0, .raise(let amount)): requirement.required += amount * units
                    case (1, .reduce(let amount, let fraction)): requirement.required -= (amount ?? (fraction ?? 0) * base) * units
                    case (2, .proRata):
                        let registered = max(period.start.ordinal, record.registeredOn?.ordinal ?? period.start.ordinal)
                        let share = Double(max(0, period.end.ordinal - registered + 1)) / Double(period.days)
                        // Hundredths, rounded up: a share never lets a practitioner off a fraction of a point by rounding.
                        requirement.required = (requirement.required * share * 100 - 1e-7).rounded(.up) / 100
                    case (3, .waive): requirement.waived = true
                    default: continue
                    }
                    requirement.required = max(0, requirement.required)
                    requirement.adjustedBy.append(adjustment.label)
                    result[id] = requirement
                }
            }
        }
        for rule in scheme.rules {
            switch rule.kind {
            case .count, .distinctTypes:
                result[rule.id]!.required = (result[rule.id]!.required - 1e-9).rounded(.up)
            default: break
            }
        }
        return result
    }

    /// How many times an adjustment applies to the record: 0 when its condition fails.
    func units(of adjustment: CPDAdjustment, record: PractitionerRecord, period: CPDPeriod) -> Double {
        switch adjustment.condition {
        case .declared(let name):
            let value = record.declarations[name] ?? 0
            guard value > 0 else { return 0 }
            return adjustment.perDeclaredUnit ? min(value, adjustment.maxUnits ?? value) : 1
        case .previousCycle(let low, let high):
            guard let points = record.previousPoints else { return 0 }
            return (low.map { points >= $0 } ?? true) && (high.map { points <= $0 } ?? true) ? 1 : 0
        case .registeredDuringCycle:
            guard let registered = record.registeredOn else { return 0 }
            return registered > period.start ? 1 : 0
        }
    }
}

func formatAmount(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) }
    // Hundredths by integer arithmetic: String(format:) costs more than the rest of a batch row.
    guard abs(value) < 1e13 else { return String(value) }
    let hundredths = Int((abs(value) * 100).rounded())
    var text = (value < 0 ? "-" : "") + String(hundredths / 100)
    let fraction = hundredths % 100
    if fraction != 0 { text += fraction % 10 == 0 ? ".\(fraction / 10)" : (fraction < 10 ? ".0\(fraction)" : ".\(fraction)") }
    return text
}
