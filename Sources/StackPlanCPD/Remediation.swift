import MILP
import StackPlanCore

/// What a remediation plan minimises first.
public enum RemediationObjective: String, Sendable, CaseIterable {
    /// Fees in the catalogue's base currency.
    case cost
    /// Learning hours.
    case workload
    /// The latest completion: the plan that lets the practitioner comply soonest.
    case fastest
}

/// A catalogue credential a practitioner could still take this cycle, with what it would count for.
public struct RemediationOption: Sendable, Equatable {
    public var credential: String
    public var title: String
    public var provider: String
    public var category: String
    /// Points after the per-activity limits.
    public var points: Double
    /// Fee in the catalogue's base currency.
    public var cost: Double
    public var hours: Double
    /// As the catalogue states it, or estimated from the hours when it states none.
    public var weeks: Int
    public var weeksEstimated: Bool
    public var finish: Day
    public var mode: DeliveryMode
    public var languages: [String]
}

/// Why a credential with points under the scheme is not an option for this practitioner.
public enum RemediationExclusion: Sendable, Equatable, CustomStringConvertible {
    case alreadyInRecord
    case finishesAfterCycle(Day)
    case approvalNotInForce
    case belowActivityMinimum
    case noPoints
    case mode(DeliveryMode)
    case language
    case provider
    case notAccredited
    case noExchangeRate(String)

    public var description: String {
        switch self {
        case .alreadyInRecord: "already in the record"
        case .finishesAfterCycle(let day): "would finish on \(day), after the cycle ends"
        case .approvalNotInForce: "its approval for the scheme is not in force when it would finish"
        case .belowActivityMinimum: "earns less than the scheme's minimum per activity"
        case .noPoints: "earns no points the scheme can count"
        case .mode(let mode): "delivered \(mode.rawValue), which the practitioner cannot attend"
        case .language: "not taught in the practitioner's languages"
        case .provider: "from an excluded provider"
        case .notAccredited: "not accredited"
        case .noExchangeRate(let currency): "its currency \(currency) has no exchange rate"
        }
    }
}

public struct RemediationPlan: Sendable {
    /// The record as it stood.
    public var before: CPDAssessment
    public var taken: [RemediationOption]
    /// The record with the plan's credentials added, assessed again without the model.
    public var projected: CPDAssessment
    /// Requirements no course can meet (declared figures): the practitioner's own work.
    public var remaining: [CPDAssessment.RuleOutcome]
    public var objective: RemediationObjective
    public var status: SolveStatus
    public var gap: Double?
    /// The pace durations were estimated at.
    public var hoursPerWeek: Double = 10
    public var cost: Double { taken.reduce(0) { $0 + $1.cost } }
    public var hours: Double { taken.reduce(0) { $0 + $1.hours } }
    public var finish: Day? { taken.map(\.finish).max() }
}

public enum RemediationOutcome: Sendable {
    /// Nothing to close: every requirement a course could meet is met already.
    case nothingToClose(CPDAssessment)
    case planned(RemediationPlan)
    /// No set of options closes the shortfall; the reasons, one per line.
    case impossible(CPDAssessment, reasons: [String])
    case stopped(SolveStatus)
}

/// A plan that fails the checker's own assessment: a defect of StackPlan, never of the input.
public enum RemediationError: ClassifiedError {
    case inconsistentPlan([String])

    public var kind: ErrorKind { .internalFault }

    public var description: String {
        switch self {
        case .inconsistentPlan(let unmet): "the plan failed its own check (unmet: \(unmet.joined(separator: ", "))); please report this"
        }
    }
}

/// Finds the cheapest (or lightest, or quickest) set of catalogue credentials that closes a
/// practitioner's shortfall before the cycle ends: a small MILP over binary take variables.
public struct CPDRemediation: Sendable {
    public let checker: CPDChecker
    public var solveOptions: SolveOptions
    /// The pace assumed for a credential whose duration the catalogue does not state.
    public var hoursPerWeek: Double

    public init(checker: CPDChecker, solveOptions: SolveOptions = SolveOptions(timeLimit: 60), hoursPerWeek: Double = 10) {
        self.checker = checker
        self.solveOptions = solveOptions
        self.hoursPerWeek = hoursPerWeek
    }

    var scheme: CPDScheme { checker.scheme }
    var catalogue: Catalogue { checker.catalogue }

    /// Every credential with points under the scheme, as an option or with the reason it is not one.
    public func options(
        for record: PractitionerRecord, period: CPDPeriod, asOf: Day, constraints: LearnerConstraints
    ) -> (options: [RemediationOption], excluded: [(credential: String, reason: RemediationExclusion)]) {
        let inRecord = Set(record.activities.compactMap(\.credentialID))
        var options: [RemediationOption] = []
        var excluded: [(String, RemediationExclusion)] = []
        for credential in catalogue.credentials.sorted(by: { $0.id < $1.id }) {
            let entries = credential.cpd.filter { $0.scheme == scheme.id && scheme.category($0.category) != nil }
            guard !entries.isEmpty else { continue }
            if let reason = limitReason(credential, inRecord: inRecord, constraints: constraints) {
                excluded.append((credential.id, reason))
                continue
            }
            let start = max(asOf, period.start)
            let hours = credential.learningHours(hoursPerECTS: scheme.unit.hoursPerECTS)
            // Capped so that no figure can overflow: 100,000 weeks lie far beyond any cycle (at most 10 years).
            let estimated = (hours / hoursPerWeek).rounded(.up)
            let weeks = min(credential.weeks ?? (estimated.isNaN ? 1 : Int(min(max(1, estimated), 100_000))), 100_000)
            let finish = start.adding(days: 7 * weeks)
            if finish > period.end {
                excluded.append((credential.id, .finishesAfterCycle(finish)))
                continue
            }
            var reason: RemediationExclusion = .approvalNotInForce
            for entry in entries {
                if let from = entry.approvedFrom, finish < from { continue }
                if let until = entry.approvedUntil, finish > until { continue }
                guard let points = checker.awarded(entry, credential: credential), points > 0 else { reason = .noPoints; continue }
                guard let counted = limited(points, category: entry.category) else { reason = .belowActivityMinimum; continue }
                options.append(RemediationOption(
                    credential: credential.id, title: credential.title, provider: credential.provider, category: entry.category,
                    points: counted, cost: catalogue.costInBaseCurrency(credential)!, hours: hours,
                    weeks: weeks, weeksEstimated: credential.weeks == nil, finish: finish, mode: credential.mode, languages: credential.languages))
            }
            if !options.contains(where: { $0.credential == credential.id }) { excluded.append((credential.id, reason)) }
        }
        return (options, excluded)
    }

    func limitReason(_ credential: Credential, inRecord: Set<String>, constraints: LearnerConstraints) -> RemediationExclusion? {
        if inRecord.contains(credential.id) { return .alreadyInRecord }
        if let modes = constraints.modes, !modes.contains(credential.mode) { return .mode(credential.mode) }
        if let languages = constraints.languages, !credential.languages.contains(where: languages.contains) { return .language }
        if constraints.excludeProviders.contains(credential.provider) { return .provider }
        if constraints.accreditedOnly && !catalogue.isAccredited(credential) { return .notAccredited }
        if catalogue.costInBaseCurrency(credential) == nil { return .noExchangeRate(credential.currency ?? catalogue.baseCurrency) }
        return nil
    }

    /// Points after the scheme's per-activity limits, `nil` below a minimum.
    func limited(_ points: Double, category: String) -> Double? {
        var counted = points
        for rule in checker.activityLimits where rule.covers(category: category) {
            guard case .perActivity(_, let minimum, let maximum) = rule.kind else { continue }
            if let minimum, counted < minimum - tolerance { return nil }
            if let maximum { counted = min(counted, maximum) }
        }
        return counted
    }

    /// Plans for the record as it stands on `asOf`. The record's own limits (budget, modes…) apply
    /// unless `constraints` replaces them.
    public func plan(
        _ record: PractitionerRecord, asOf defaultAsOf: Day, cycleEnds: Day? = nil,
        objective: RemediationObjective = .cost, constraints: LearnerConstraints? = nil
    ) throws -> RemediationOutcome {
        let assessment = try checker.assess(record, asOf: defaultAsOf, cycleEnds: cycleEnds)
        let limits = constraints ?? record.constraints
        let requirements = assessment.rules.filter { $0.rule.isRequirement && !$0.waived }
        let closable = requirements.filter { if case .declared = $0.rule.kind { false } else { true } }
        if closable.allSatisfy(\.isMet) { return .nothingToClose(assessment) }
        guard assessment.asOf <= assessment.period.end else {
            return .impossible(assessment, reasons: ["the cycle ended on \(assessment.period.end), before the assessment date \(assessment.asOf)"])
        }
        let (options, _) = self.options(for: record, period: assessment.period, asOf: assessment.asOf, constraints: limits)
        var formulation = RemediationModel(scheme: scheme, assessment: assessment, options: options, limits: limits)
        if let reasons = formulation.structuralReasons { return .impossible(assessment, reasons: reasons) }
        let stages = formulation.objectives(objective)
        let result = try formulation.model.minimizeLexicographically(stages, options: solveOptions)
        switch result.status {
        case .infeasible:
            return .impossible(assessment, reasons: try diagnose(record, assessment: assessment, options: options, limits: limits, objective: objective))
        case .timeLimit, .unbounded:
            return .stopped(result.status)
        case .optimal, .feasible:
            break
        }
        let taken = options.indices.filter { result.final.isSet(formulation.take[$0]) }.map { options[$0] }
        let projected = try project(record, assessment: assessment, taken: taken)
        let unmet = projected.rules.filter { rule in
            if case .declared = rule.rule.kind { return false }
            return rule.rule.isRequirement && !rule.isMet
        }
        guard unmet.isEmpty else { throw RemediationError.inconsistentPlan(unmet.map { $0.rule.id }) }
        return .planned(RemediationPlan(
            before: assessment, taken: taken, projected: projected,
            remaining: projected.rules.filter { if case .declared = $0.rule.kind { !$0.isMet } else { false } },
            objective: objective, status: result.status, gap: result.gap, hoursPerWeek: hoursPerWeek))
    }

    /// The record with the options added as completed on their finish dates, assessed by the checker:
    /// an independent check of the model's answer.
    public func project(_ record: PractitionerRecord, assessment: CPDAssessment, taken: [RemediationOption]) throws -> CPDAssessment {
        var augmented = record
        // Activities the assessment left for later stay out: moving the date forward must not let them in.
        augmented.activities = zip(record.activities, assessment.activities).compactMap { activity, outcome in
            if case .afterAssessment? = outcome.rejection { return nil }
            return activity
        }
        augmented.activities += taken.map {
            var planned = CPDActivity.credential($0.credential, date: $0.finish, category: $0.category, type: scheme.plannedType)
            planned.isPlanned = true
            return planned
        }
        augmented.asOf = max(assessment.asOf, taken.map(\.finish).max() ?? assessment.asOf)
        augmented.cycleEnds = assessment.period.end
        return try checker.assess(augmented, asOf: augmented.asOf!)
    }

    /// Why no plan exists: requirements out of reach even with every option, else the limits that bind.
    func diagnose(
        _ record: PractitionerRecord, assessment: CPDAssessment, options: [RemediationOption], limits: LearnerConstraints,
        objective: RemediationObjective
    ) throws -> [String] {
        var firstPerCredential: [RemediationOption] = []
        for option in options where !firstPerCredential.contains(where: { $0.credential == option.credential }) { firstPerCredential.append(option) }
        var reasons: [String] = []
        // Each category's best: a credential with several categories counts in one; try each category's options on their own too.
        let everything = try project(record, assessment: assessment, taken: firstPerCredential)
        for rule in everything.rules where rule.rule.isRequirement && !rule.isMet {
            if case .declared = rule.rule.kind { continue }
            let best = bestCase(rule, record: record, assessment: assessment, options: options)
            if best + tolerance < (rule.required ?? 0) {
                reasons.append("\(rule.rule.id) (\(rule.rule.label)): needs \(formatAmount(rule.required ?? 0)); what is recorded and every credential still open this cycle reach at most \(formatAmount(rounded(best)))")
            }
        }
        if !reasons.isEmpty || limits.budget == nil && limits.maxHours == nil { return reasons.isEmpty ? ["the requirements cannot all be met together by the credentials open this cycle"] : reasons }
        var unlimited = limits
        unlimited.budget = nil
        unlimited.maxHours = nil
        var formulation = RemediationModel(scheme: scheme, assessment: assessment, options: options, limits: unlimited)
        let result = try formulation.model.minimizeLexicographically(formulation.objectives(.cost), options: solveOptions)
        guard result.status.hasSolution else { return ["the requirements cannot all be met together by the credentials open this cycle"] }
        let taken = options.indices.filter { result.final.isSet(formulation.take[$0]) }.map { options[$0] }
        let cost = taken.reduce(0) { $0 + $1.cost }
        let hours = taken.reduce(0) { $0 + $1.hours }
        var limitsText: [String] = []
        if let budget = limits.budget { limitsText.append("a budget of \(formatAmount(budget)) \(catalogue.baseCurrency)") }
        if let maxHours = limits.maxHours { limitsText.append("at most \(formatAmount(maxHours)) hours") }
        return ["not within \(limitsText.joined(separator: " and ")): the cheapest plan without them costs \(formatAmount(rounded(cost))) \(catalogue.baseCurrency) and takes \(hoursText(hours))"]
    }

    func bestCase(_ rule: CPDAssessment.RuleOutcome, record: PractitionerRecord, assessment: CPDAssessment, options: [RemediationOption]) -> Double {
        let relevant = options.filter { rule.rule.covers(category: $0.category) }
        var chosen: [RemediationOption] = []
        for option in relevant.sorted(by: { $0.points > $1.points }) where !chosen.contains(where: { $0.credential == option.credential }) { chosen.append(option) }
        guard let projected = try? project(record, assessment: assessment, taken: chosen) else { return rule.achieved }
        return projected.rules.first { $0.rule.id == rule.rule.id }?.achieved ?? rule.achieved
    }
}

/// The remediation MILP (docs/cpd.md, "The remediation model").
struct RemediationModel {
    var model = Model(name: "cpd_remediation")
    var take: [Variable] = []
    var latest: Variable?
    let options: [RemediationOption]
    /// Requirements that no option can ever close, found before the solver is asked.
    var structuralReasons: [String]?

    init(scheme: CPDScheme, assessment: CPDAssessment, options: [RemediationOption], limits: LearnerConstraints) {
        self.options = options
        take = options.map { model.addBinary("take[\($0.credential)@\($0.category)]") }
        // A credential counts once, in one of its categories.
        var byCredential: [String: [Variable]] = [:]
        for (index, option) in options.enumerated() { byCredential[option.credential, default: []].append(take[index]) }
        for (credential, variables) in byCredential.sorted(by: { $0.key < $1.key }) where variables.count > 1 {
            model.add(LinearExpression.sum(variables) <= 1, name: "once[\(credential)]")
        }
        // counted[c]: the new points that count in category c, at most what the taken options bring.
        var counted: [String: Variable] = [:]
        for category in scheme.categories {
            let supply = options.indices.filter { options[$0].category == category.id }
            guard !supply.isEmpty else { continue }
            let variable = model.addVariable("counted[\(category.id)]", .continuous, lowerBound: 0)
            counted[category.id] = variable
            model.add(LinearExpression(variable) <= LinearExpression(terms: supply.map { (options[$0].points, take[$0]) }), name: "supply[\(category.id)]")
        }
        func countedSum(_ categories: [String]?) -> LinearExpression {
            LinearExpression.sum((categories ?? scheme.categories.map(\.id)).compactMap { counted[$0] })
        }
        func current(_ categories: [String]?) -> Double {
            (categories ?? scheme.categories.map(\.id)).reduce(0) { $0 + (assessment.countedByCategory[$1] ?? 0) }
        }
        var reasons: [String] = []
        let uncategorisedCarry = scheme.carryOver?.category == nil ? assessment.carriedOver : 0
        for outcome in assessment.rules {
            let rule = outcome.rule
            switch rule.kind {
            case .maximum(let categories, let maximum):
                model.add(countedSum(categories) <= max(0, maximum - current(categories)), name: "cap[\(rule.id)]")
            case .total:
                guard !outcome.waived, let required = outcome.required else { continue }
                let missing = required - current(nil) - uncategorisedCarry
                if missing > tolerance { model.add(countedSum(nil) >= missing, name: "total[\(rule.id)]") }
            case .minimum(let categories, _):
                guard !outcome.waived, let required = outcome.required else { continue }
                let missing = required - current(categories)
                if missing > tolerance { model.add(countedSum(categories) >= missing, name: "minimum[\(rule.id)]") }
            case .count:
                guard !outcome.waived, let required = outcome.required, outcome.achieved < required else { continue }
                let matching = options.indices.filter { rule.counts(category: options[$0].category, type: scheme.plannedType) }
                model.add(LinearExpression.sum(matching.map { take[$0] }) >= required - outcome.achieved, name: "count[\(rule.id)]")
            case .distinctTypes:
                guard !outcome.waived, let required = outcome.required, outcome.achieved < required else { continue }
                let present = Set(assessment.activities.filter { $0.isAccepted && rule.covers(category: $0.category) }.compactMap(\.type))
                let matching = options.indices.filter { rule.covers(category: options[$0].category) }
                if let type = scheme.plannedType, !present.contains(type), !matching.isEmpty, outcome.achieved + 1 >= required {
                    // One new type is all the catalogue can add; any matching option adds it.
                    model.add(LinearExpression.sum(matching.map { take[$0] }) >= 1, name: "mixture[\(rule.id)]")
                } else {
                    reasons.append("\(rule.id) (\(rule.label)): needs \(formatAmount(required)) types of activity, the record has \(formatAmount(outcome.achieved)), and catalogue credentials add at most \(scheme.plannedType.map { present.contains($0) ? 0 : 1 } ?? 0)")
                }
            case .perActivity, .declared, .verifiedEvidence:
                continue
            }
        }
        structuralReasons = reasons.isEmpty ? nil : reasons
        if let budget = limits.budget {
            model.add(LinearExpression(terms: options.indices.map { (options[$0].cost, take[$0]) }) <= budget, name: "budget")
        }
        if let maxHours = limits.maxHours {
            model.add(LinearExpression(terms: options.indices.map { (options[$0].hours, take[$0]) }) <= maxHours, name: "hours")
        }
    }

    var cost: LinearExpression { LinearExpression(terms: options.indices.map { (options[$0].cost, take[$0]) }) }
    var workload: LinearExpression { LinearExpression(terms: options.indices.map { (options[$0].hours, take[$0]) }) }

    /// Fewest credentials, then the earliest ids (``TieBreak``): the same input always gives the same plan.
    var tieBreaks: [LinearExpression] { TieBreak.stages(ranked: options.indices.map { (rank: $0, take: take[$0]) }) }

    mutating func objectives(_ objective: RemediationObjective) -> [LinearExpression] {
        switch objective {
        case .cost: return [cost, workload] + tieBreaks
        case .workload: return [workload, cost] + tieBreaks
        case .fastest:
            // latest ≥ each taken option's days from the start; the first stage minimises it.
            let variable = latest ?? model.addVariable("latest_finish_days", .continuous, lowerBound: 0)
            if latest == nil {
                latest = variable
                let start = options.map(\.finish.ordinal).min() ?? 0
                for index in options.indices {
                    let days = Double(options[index].finish.ordinal - start)
                    if days > 0 { model.add(LinearExpression(variable) >= days * take[index], name: "finish[\(index)]") }
                }
            }
            return [LinearExpression(variable), cost] + tieBreaks
        }
    }
}
