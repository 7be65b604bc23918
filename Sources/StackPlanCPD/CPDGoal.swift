import MILP
import StackPlanCore

/// A regulator's CPD cycle as one goal of a plan for several goals (`plan --target Q --target
/// cpd:NMC`): the credentials taken toward the qualifications also earn CPD points, and the
/// plan must close the practitioner's shortfall in the cycle. Encoded as the remediation model
/// (docs/cpd.md, "The remediation model") over the union's shared take columns, and checked
/// again by ``CPDChecker`` on the record with the taken credentials added.
public struct CPDGoal: ExternalGoal {
    public let remediation: CPDRemediation
    /// The practitioner's record with its dates filled in and the learner's held catalogue
    /// credentials earned in the cycle added as activities (unless the record lists them).
    public let record: PractitionerRecord
    /// The record as it stands.
    public let assessment: CPDAssessment
    /// Every credential with points under the scheme the learner could take this cycle, one per category.
    public let options: [RemediationOption]
    /// The learner's limits on courses (modes, languages, providers, accreditation).
    public let constraints: LearnerConstraints

    public var scheme: CPDScheme { remediation.checker.scheme }
    public var id: String { Self.prefix + scheme.id }

    /// Goals that name a CPD scheme start with this: `cpd:NMC`.
    public static let prefix = "cpd:"

    /// The scheme id a goal names, or `nil` when the goal is a qualification's id.
    public static func schemeID(of goal: String) -> String? {
        goal.hasPrefix(prefix) ? String(goal.dropFirst(prefix.count)) : nil
    }

    /// The goal for `record` (an empty record when the practitioner has none) on `asOf`, the
    /// record's own dates first. Credentials in `held` with an earned day in the cycle, on or
    /// before the assessment day, count as activities of that day.
    public init(
        remediation: CPDRemediation, record: PractitionerRecord = PractitionerRecord(), asOf: Day, cycleEnds: Day? = nil,
        held: [HeldCredential] = [], constraints: LearnerConstraints
    ) throws(CPDRecordError) {
        self.remediation = remediation
        self.constraints = constraints
        let scheme = remediation.checker.scheme
        var record = record
        record.asOf = record.asOf ?? asOf
        record.cycleEnds = record.cycleEnds ?? cycleEnds
        let period = try scheme.period(cycleEnds: record.cycleEnds, asOf: record.asOf!)
        record.cycleEnds = period.end
        let recorded = Set(record.activities.compactMap(\.credentialID))
        for credential in held {
            guard let id = credential.catalogueID, !recorded.contains(id), let earned = credential.earned,
                  period.contains(earned), earned <= record.asOf!,
                  remediation.catalogue.credential(id)?.cpd.contains(where: { $0.scheme == scheme.id }) == true else { continue }
            record.activities.append(.credential(id, date: earned))
        }
        self.record = record
        assessment = try remediation.checker.assess(record, asOf: record.asOf!)
        let heldIDs = Set(held.compactMap(\.catalogueID))
        options = remediation.options(for: record, period: assessment.period, asOf: assessment.asOf, constraints: constraints)
            .options.filter { !heldIDs.contains($0.credential) }
    }

    public var usableCredentials: [String] { options.map(\.credential) }

    public func encode(into model: inout Model, take: [String: Variable]) throws -> any ExternalGoalEncoding {
        let open = options.filter { take[$0.credential] != nil }
        // The learner's budget and hours hold over the union, not here.
        var unlimited = constraints
        unlimited.budget = nil
        unlimited.maxHours = nil
        let own = RemediationModel(scheme: scheme, assessment: assessment, options: open, limits: unlimited)
        let map = model.embed(own.model, prefix: "\(id)/")
        // An option counts only when its credential is taken, in one category at most.
        var byCredential: [String: [Variable]] = [:]
        for (index, option) in open.enumerated() { byCredential[option.credential, default: []].append(map[own.take[index].index]) }
        for (credential, variables) in byCredential.sorted(by: { $0.key < $1.key }) {
            guard let taken = take[credential] else { continue }
            model.add(LinearExpression.sum(variables) <= LinearExpression(taken), name: "\(id)/counts_if_taken[\(credential)]")
        }
        if own.structuralReasons != nil {
            // No course can close some requirement: the union has no plan, and the diagnosis asks the goal alone why.
            let never = model.addVariable("\(id)/unreachable", .continuous, lowerBound: 0, upperBound: 0)
            model.add(LinearExpression(never) >= 1, name: "\(id)/unreachable")
        }
        return CPDGoalEncoding(goal: self, open: open, takes: open.indices.map { map[own.take[$0].index] })
    }

    public func reasonsUnreachableAlone(within constraints: LearnerConstraints) throws -> [String]? {
        var limits = self.constraints
        limits.budget = constraints.budget
        limits.maxHours = constraints.maxHours
        switch try remediation.plan(record, asOf: record.asOf!, cycleEnds: record.cycleEnds, constraints: limits) {
        case .impossible(_, let reasons): return reasons
        case .planned, .nothingToClose, .stopped: return nil
        }
    }
}

/// What a ``CPDGoal`` keeps of its encoding: its open options and their columns in the union.
struct CPDGoalEncoding: ExternalGoalEncoding {
    let goal: CPDGoal
    let open: [RemediationOption]
    let takes: [Variable]

    /// Every taken credential with points in the cycle counts, in the category the model chose
    /// for it (else its first): more activities never unmeet a requirement, as caps only trim.
    /// The record with them added is assessed by the checker, without the model.
    func part(of solution: Solution, taken: Set<String>) throws -> ExternalGoalPart {
        var chosen: [RemediationOption] = []
        for (index, option) in open.enumerated() where solution.isSet(takes[index]) { chosen.append(option) }
        for option in open where taken.contains(option.credential) && !chosen.contains(where: { $0.credential == option.credential }) {
            chosen.append(option)
        }
        chosen.sort { $0.credential < $1.credential }
        let projected = try goal.remediation.project(goal.record, assessment: goal.assessment, taken: chosen)
        let plannedIDs = Set(chosen.map(\.credential))
        let catalogue = goal.remediation.catalogue
        let contributions = projected.activities.compactMap { activity -> ExternalGoalPart.Contribution? in
            guard activity.counted > 0, catalogue.credential(activity.label) != nil else { return nil }
            return ExternalGoalPart.Contribution(
                credential: activity.label, category: activity.category, amount: activity.counted, planned: plannedIDs.contains(activity.label))
        }
        var requirements: [ExternalGoalPart.Requirement] = []
        var violations: [String] = []
        for outcome in projected.rules where outcome.rule.isRequirement {
            let closable: Bool = if case .declared = outcome.rule.kind { false } else { true }
            requirements.append(ExternalGoalPart.Requirement(
                id: outcome.rule.id, label: outcome.rule.label, required: outcome.waived ? nil : outcome.required,
                achieved: outcome.achieved, met: outcome.isMet, closableByCredentials: closable))
            if closable && !outcome.isMet {
                violations.append("\(outcome.rule.id) reaches \(formatAmount(outcome.achieved)) of \(formatAmount(outcome.required ?? 0))")
            }
        }
        return ExternalGoalPart(
            goal: goal.id, title: goal.scheme.title, unit: goal.scheme.unit.name, from: projected.period.start, until: projected.period.end,
            contributions: contributions, requirements: requirements,
            taken: contributions.filter(\.planned).map(\.credential).sorted(), violations: violations)
    }
}
