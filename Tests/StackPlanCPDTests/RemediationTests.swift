import Foundation
import MILP
import StackPlanCore
import Testing
@testable import StackPlanCPD

@Suite struct RemediationTests {
    typealias F = CPDFixture

    /// NMC's shape in small: 35 hours in three years to renewal, 20 of them participatory.
    static let scheme = F.scheme(
        categories: ["participatory", "individual"],
        rules: [F.rule("total", .total(35)), F.rule("participatory", .minimum(categories: ["participatory"], 20)), F.rule("feedback", .declared(name: "feedback", 5))],
        cycle: CPDCycle(months: 36, anchor: .renewal))

    static let catalogue = F.catalogue([
        F.credential("big", category: "participatory", points: 10, cost: 500, weeks: 2),
        F.credential("half-1", category: "participatory", points: 5, cost: 200, weeks: 8),
        F.credential("half-2", category: "participatory", points: 5, cost: 250, weeks: 8),
        F.credential("free-reading", category: "individual", points: 100, cost: 0, weeks: 1),
        F.credential("too-long", category: "participatory", points: 50, cost: 10, weeks: 60),
        F.credential("lapsed", category: "participatory", points: 50, cost: 10, weeks: 1, approvedUntil: F.day("2026-01-31")),
    ])

    static let record = PractitionerRecord(
        id: "nurse", cycleEnds: F.day("2026-12-31"), asOf: F.day("2026-06-01"), declarations: ["feedback": 3],
        activities: [F.free("workshop", "2025-02-01", hours: 11.5, category: "participatory"), F.free("reading", "2025-03-01", hours: 10, category: "individual")])

    func plan(_ objective: RemediationObjective = .cost, record: PractitionerRecord = record, limits: LearnerConstraints? = nil) throws -> RemediationOutcome {
        try CPDRemediation(checker: CPDChecker(scheme: Self.scheme, catalogue: Self.catalogue)).plan(record, asOf: F.day("2026-06-01"), objective: objective, constraints: limits)
    }

    @Test func theCheapestPlanClosesEveryShortfallACourseCanClose() throws {
        guard case .planned(let plan) = try plan() else { Issue.record("no plan"); return }
        // 8.5 participatory hours short: two halves (450) beat the big course (500). The total is 13.5 short and
        // the halves bring only 10, so the free reading comes too.
        #expect(plan.taken.map(\.credential) == ["free-reading", "half-1", "half-2"])
        #expect(plan.cost == 450)
        #expect(plan.status == .optimal)
        #expect(plan.projected.rule("participatory").achieved == 21.5)
        #expect(plan.projected.rule("total").achieved == 131.5)
        #expect(plan.remaining.map(\.rule.id) == ["feedback"])
        #expect(plan.finish == F.day("2026-07-27"))
    }

    @Test func otherObjectivesPickOtherPlans() throws {
        guard case .planned(let fastest) = try plan(.fastest) else { Issue.record("no plan"); return }
        #expect(fastest.taken.map(\.credential).contains("big"))
        #expect(fastest.finish == F.day("2026-06-15"))
        guard case .planned(let lightest) = try plan(.workload) else { Issue.record("no plan"); return }
        // Each credential of the fixture is 1 ECTS, 25 hours: the fewest credentials are the lightest.
        #expect(lightest.taken.count == 2)
        #expect(lightest.hours == 50)
    }

    @Test func limitsAndTimeExplainWhyThereIsNoPlan() throws {
        guard case .impossible(_, let reasons) = try plan(limits: LearnerConstraints(budget: 300)) else { Issue.record("expected no plan"); return }
        #expect(reasons == ["not within a budget of 300 EUR: the cheapest plan without them costs 450 EUR and takes 75 hours"])
        var late = Self.record
        late.asOf = F.day("2026-12-20")
        guard case .impossible(_, let lateReasons) = try plan(record: late) else { Issue.record("expected no plan"); return }
        #expect(lateReasons.count == 1)
        #expect(lateReasons[0].hasPrefix("participatory"))
        var done = Self.record
        done.activities.append(F.free("conference", "2026-05-01", hours: 20, category: "participatory"))
        guard case .nothingToClose(let assessment) = try plan(record: done) else { Issue.record("expected nothing to close"); return }
        #expect(assessment.unmetRules.map(\.rule.id) == ["feedback"])
    }

    @Test func optionsSayWhyACredentialIsLeftOut() throws {
        let remediation = CPDRemediation(checker: CPDChecker(scheme: Self.scheme, catalogue: Self.catalogue))
        var record = Self.record
        record.activities.append(.credential("big", date: F.day("2025-01-01")))
        let period = try Self.scheme.period(cycleEnds: record.cycleEnds, asOf: F.day("2026-06-01"))
        let (options, excluded) = remediation.options(for: record, period: period, asOf: F.day("2026-06-01"), constraints: LearnerConstraints(modes: [.online]))
        #expect(options.map(\.credential) == ["free-reading", "half-1", "half-2"])
        let reasons = Dictionary(uniqueKeysWithValues: excluded.map { ($0.credential, $0.reason) })
        #expect(reasons["big"] == .alreadyInRecord)
        #expect(reasons["too-long"] == .finishesAfterCycle(F.day("2027-07-26")))
        #expect(reasons["lapsed"] == .approvalNotInForce)
    }

    /// The MILP's optimum against every subset of options, judged by the checker alone.
    @Test(arguments: 0..<4)
    func remediationMatchesEnumeration(batch: Int) throws {
        var generator = SplitMix64(seed: UInt64(500 + batch))
        var planned = 0
        for _ in 0..<20 {
            let instance = RemediationInstance(using: &generator)
            for objective in RemediationObjective.allCases {
                let remediation = CPDRemediation(checker: CPDChecker(scheme: instance.scheme, catalogue: instance.catalogue))
                let outcome = try remediation.plan(instance.record, asOf: instance.asOf, objective: objective)
                let best = try instance.bruteForce(objective)
                switch outcome {
                case .planned(let plan):
                    planned += 1
                    let value = instance.value(plan.taken, objective)
                    #expect(best != nil, "MILP planned \(plan.taken.map(\.credential)), enumeration found nothing\n\(instance)")
                    if let best { #expect(abs(value - best) < 1e-6, "\(objective): MILP \(value) vs enumeration \(best)\n\(instance)") }
                case .nothingToClose:
                    #expect(best == 0, "\(instance)")
                case .impossible:
                    #expect(best == nil, "MILP says impossible, enumeration found \(String(describing: best))\n\(instance)")
                case .stopped(let status):
                    Issue.record("solver stopped: \(status)")
                }
            }
        }
        // The instances must exercise real plans, not only verdicts of impossibility.
        #expect(planned >= 15, "only \(planned) of 60 solves found a plan")
    }
}

/// A random small scheme, catalogue and record, with every rule type that plans can close.
struct RemediationInstance: CustomStringConvertible {
    var scheme: CPDScheme
    var catalogue: Catalogue
    var record: PractitionerRecord
    var asOf = Day("2025-06-01")!
    var budget: Double?

    init(using generator: inout SplitMix64) {
        typealias F = CPDFixture
        var rules = [F.rule("total", .total(Double(Int.random(in: 10...40, using: &generator))))]
        if Bool.random(using: &generator) { rules.append(F.rule("a-min", .minimum(categories: ["a"], Double(Int.random(in: 3...15, using: &generator))))) }
        if Bool.random(using: &generator) { rules.append(F.rule("ab-min", .minimum(categories: ["a", "b"], Double(Int.random(in: 5...20, using: &generator))))) }
        if Bool.random(using: &generator) { rules.append(F.rule("b-cap", .maximum(categories: ["b"], Double(Int.random(in: 2...10, using: &generator))))) }
        if Bool.random(using: &generator) { rules.append(F.rule("c-cap", .maximum(categories: ["c"], Double(Int.random(in: 2...10, using: &generator))))) }
        if Bool.random(using: &generator) { rules.append(F.rule("planned-b", .count(categories: ["b", "c"], types: ["planned"], Int.random(in: 1...2, using: &generator)))) }
        if Bool.random(using: &generator) { rules.append(F.rule("per-course", .perActivity(categories: nil, min: 2, max: Double(Int.random(in: 6...12, using: &generator))))) }
        scheme = F.scheme(categories: ["a", "b", "c"], rules: rules, plannedType: "planned")
        let count = Int.random(in: 4...9, using: &generator)
        var credentials: [Credential] = []
        for index in 0..<count {
            let category = ["a", "b", "c"].randomElement(using: &generator)!
            credentials.append(F.credential(
                "k\(index)", category: category, points: Double(Int.random(in: 1...14, using: &generator)),
                cost: Double(Int.random(in: 0...30, using: &generator) * 10), weeks: Int.random(in: 1...40, using: &generator),
                approvedUntil: Int.random(in: 0..<6, using: &generator) == 0 ? Day("2025-09-01") : nil))
        }
        catalogue = F.catalogue(credentials)
        var activities: [CPDActivity] = []
        for index in 0..<Int.random(in: 0...3, using: &generator) {
            activities.append(F.free("done \(index)", "2025-0\(Int.random(in: 1...5, using: &generator))-10", hours: Double(Int.random(in: 1...8, using: &generator)),
                                     category: ["a", "b", "c"].randomElement(using: &generator)!, type: Bool.random(using: &generator) ? "planned" : nil))
        }
        if Bool.random(using: &generator) { activities.append(.credential("k0", date: Day("2025-02-01")!)) }
        budget = Bool.random(using: &generator) ? Double(Int.random(in: 10...60, using: &generator) * 10) : nil
        record = PractitionerRecord(id: "r", asOf: asOf, activities: activities, constraints: LearnerConstraints(budget: budget))
    }

    func value(_ taken: [RemediationOption], _ objective: RemediationObjective) -> Double {
        switch objective {
        case .cost: taken.reduce(0) { $0 + $1.cost }
        case .workload: taken.reduce(0) { $0 + $1.hours }
        case .fastest: Double(taken.map { $0.finish.ordinal - asOf.ordinal }.max() ?? 0)
        }
    }

    /// The least objective value over every subset of options that the checker finds closes every requirement.
    func bruteForce(_ objective: RemediationObjective) throws -> Double? {
        let checker = CPDChecker(scheme: scheme, catalogue: catalogue)
        let remediation = CPDRemediation(checker: checker)
        let assessment = try checker.assess(record, asOf: asOf)
        let options = remediation.options(for: record, period: assessment.period, asOf: asOf, constraints: record.constraints).options
        var best: Double?
        for mask in 0..<(1 << options.count) {
            let taken = options.indices.filter { mask & (1 << $0) != 0 }.map { options[$0] }
            if let budget, taken.reduce(0, { $0 + $1.cost }) > budget + 1e-9 { continue }
            let projected = try remediation.project(record, assessment: assessment, taken: taken)
            guard projected.rules.allSatisfy({ $0.isMet || !$0.rule.isRequirement }) else { continue }
            let value = value(taken, objective)
            if best == nil || value < best! { best = value }
        }
        return best
    }

    var description: String {
        "rules: \(scheme.rules.map { "\($0.id) \($0.kind)" })\ncredentials: \(catalogue.credentials.map { "\($0.id) \($0.cpd[0].category) \($0.cpd[0].points ?? 0)p \($0.cost)€ \($0.weeks ?? 0)w" })\nrecord: \(record.activities.map { "\($0.label) \($0.category ?? "") \($0.hours ?? 0)h \($0.type ?? "")" }) budget \(String(describing: budget))"
    }
}
