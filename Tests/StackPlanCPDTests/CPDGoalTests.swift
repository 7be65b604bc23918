import Foundation
import MILP
import StackPlanCore
import Testing
@testable import StackPlanCPD

/// One plan for a qualification and a CPD cycle (`plan --target q --target cpd:S`).
@Suite struct CPDGoalTests {
    typealias F = CPDFixture

    /// 20 hours in the calendar year, 10 of them in category a.
    static let scheme = F.scheme(rules: [F.rule("total", .total(20)), F.rule("a-min", .minimum(categories: ["a"], 10))])
    static let today = Day("2025-03-01")!

    /// A credential of `ects` ECTS teaching `competencies`, earning `points` in `category` under S (none when `nil`).
    static func credential(_ id: String, ects: Double = 10, cost: Double, competencies: [String] = [], points: Double?, category: String = "a", weeks: Int = 4) -> Credential {
        var credential = F.credential(id, category: category, points: points ?? 0, cost: cost, ects: ects, weeks: weeks)
        credential.competencies = competencies
        if points == nil { credential.cpd = [] }
        return credential
    }

    static func catalogue(_ credentials: [Credential], needing ects: Double = 10) -> Catalogue {
        Catalogue(
            providers: [F.provider], credentials: credentials,
            qualifications: [Qualification(
                id: "q", title: "Award q", provider: "p", eqf: 7, ects: 0,
                requires: RequirementNode(.allOf([RequirementNode(.credits(ects, CredentialFilter(competencies: ["x"])))])))])
    }

    static func request(held: [HeldCredential] = [], constraints: LearnerConstraints = LearnerConstraints()) -> PlanRequest {
        PlanRequest(target: "q", learner: LearnerProfile(held: held, today: today), constraints: constraints, today: today)
    }

    static func goal(_ catalogue: Catalogue, scheme: CPDScheme = scheme, request: PlanRequest = request(), record: PractitionerRecord = PractitionerRecord()) throws -> CPDGoal {
        try CPDGoal(
            remediation: CPDRemediation(checker: CPDChecker(scheme: scheme, catalogue: catalogue)), record: record, asOf: today,
            held: request.learner.held, constraints: request.constraints)
    }

    static func together(_ catalogue: Catalogue, request: PlanRequest = request(), scheme: CPDScheme = scheme) throws -> MultiGoalOutcome {
        try Planner(catalogue: catalogue).plan(goals: ["q"], external: [try goal(catalogue, scheme: scheme, request: request)], request)
    }

    /// The cheapest plan for the qualification alone plus the cheapest remediation for the cycle alone.
    static func apart(_ catalogue: Catalogue, request: PlanRequest = request(), scheme: CPDScheme = scheme) throws -> (qualification: Double, cpd: Double)? {
        guard let plan = try Planner(catalogue: catalogue).plan(request).plan else { return nil }
        let remediation = CPDRemediation(checker: CPDChecker(scheme: scheme, catalogue: catalogue))
        switch try remediation.plan(PractitionerRecord(), asOf: today, constraints: request.constraints) {
        case .planned(let cpd): return (plan.totals.cost, cpd.cost)
        case .nothingToClose: return (plan.totals.cost, 0)
        default: return nil
        }
    }

    @Test func aCredentialServingBothGoalsBeatsTheSeparatePlans() throws {
        let catalogue = Self.catalogue([
            Self.credential("a1", cost: 200, competencies: ["x"], points: nil),
            Self.credential("both", cost: 300, competencies: ["x"], points: 20),
            Self.credential("c1", cost: 200, points: 20),
        ])
        let plan = try #require(try Self.together(catalogue).plan)
        #expect(plan.taken == ["both"])
        #expect(plan.totals.cost == 300)
        #expect(plan.countsToward["both"] == ["q", "cpd:S"])
        let part = try #require(plan.external.first)
        #expect(part.goal == "cpd:S")
        #expect(part.contributions == [ExternalGoalPart.Contribution(credential: "both", category: "a", amount: 20, planned: true)])
        #expect(part.requirements.allSatisfy { $0.met })
        #expect(part.from == Day("2025-01-01") && part.until == Day("2025-12-31"))
        let separate = try #require(try Self.apart(catalogue))
        #expect(separate.qualification + separate.cpd == 400)
    }

    @Test func goalsSharingNothingCostTheSumOfTheirPlans() throws {
        let catalogue = Self.catalogue([
            Self.credential("a1", cost: 200, competencies: ["x"], points: nil),
            Self.credential("a2", cost: 150, competencies: ["x"], points: nil),
            Self.credential("c1", cost: 120, points: 20),
            Self.credential("c2", cost: 90, points: 10),
            Self.credential("c3", cost: 80, points: 10, category: "b"),
        ])
        let plan = try #require(try Self.together(catalogue).plan)
        let separate = try #require(try Self.apart(catalogue))
        #expect(plan.totals.cost == separate.qualification + separate.cpd)
        #expect(plan.taken == ["a2", "c1"])
        #expect(plan.countsToward == ["a2": ["q"], "c1": ["cpd:S"]])
    }

    /// A taken credential with points counts toward the cycle even when the cycle needs it not:
    /// the report says where each credential counts.
    @Test func everyTakenCredentialWithPointsIsShownCounting() throws {
        let catalogue = Self.catalogue([
            Self.credential("x-course", cost: 100, competencies: ["x"], points: 5, category: "b"),
            Self.credential("c1", cost: 50, points: 20),
        ])
        let plan = try #require(try Self.together(catalogue).plan)
        #expect(plan.taken == ["c1", "x-course"])
        #expect(plan.countsToward["x-course"] == ["q", "cpd:S"])
        #expect(plan.external[0].contributions.map(\.credential) == ["c1", "x-course"])
    }

    @Test func aHeldCredentialEarnedInTheCycleCountsAndIsNotTakenAgain() throws {
        let catalogue = Self.catalogue([
            Self.credential("held-course", cost: 500, competencies: ["x"], points: 20),
            Self.credential("c1", cost: 100, points: 20),
        ])
        let request = Self.request(held: [.catalogue("held-course", earned: Day("2025-02-01"))])
        let plan = try #require(try Self.together(catalogue, request: request).plan)
        #expect(plan.taken.isEmpty)
        #expect(plan.countsToward["held-course"] == ["q", "cpd:S"])
        #expect(plan.external[0].contributions == [ExternalGoalPart.Contribution(credential: "held-course", category: "a", amount: 20, planned: false)])
    }

    /// The cycle alone would take c1 without its prerequisite (remediation plans ignore them);
    /// in one plan with a qualification the prerequisite is taken too, or a dearer course instead.
    @Test func prerequisitesOfCreditsForTheCycleAreTaken() throws {
        var needsFirst = Self.credential("c1", cost: 50, points: 20)
        needsFirst.prerequisites = .credential("p0")
        let catalogue = Self.catalogue([
            Self.credential("a1", cost: 100, competencies: ["x"], points: nil),
            needsFirst,
            Self.credential("p0", cost: 60, points: nil),
            Self.credential("c2", cost: 200, points: 20),
        ])
        let plan = try #require(try Self.together(catalogue).plan)
        #expect(plan.taken == ["a1", "c1", "p0"])
        #expect(plan.totals.cost == 210)
        #expect(plan.countsToward["p0"] == nil)
    }

    @Test func aCycleNoCourseCanCloseIsNamedWithItsReasons() throws {
        let catalogue = Self.catalogue([Self.credential("a1", cost: 100, competencies: ["x"], points: nil), Self.credential("c1", cost: 50, points: 5)])
        guard case .unreachable(let goal, let reasons) = try Self.together(catalogue) else { Issue.record("expected the cycle to be unreachable"); return }
        #expect(goal == "cpd:S")
        #expect(!reasons.isEmpty)
    }

    @Test func theBudgetHoldsOverBothGoals() throws {
        let catalogue = Self.catalogue([Self.credential("a1", cost: 100, competencies: ["x"], points: nil), Self.credential("c1", cost: 100, points: 20)])
        let request = Self.request(constraints: LearnerConstraints(budget: 150))
        guard case .infeasible(let goal, _) = try Self.together(catalogue, request: request) else { Issue.record("expected no plan within 150"); return }
        #expect(goal == nil)
        #expect(try Self.together(catalogue, request: Self.request(constraints: LearnerConstraints(budget: 200))).plan?.taken == ["a1", "c1"])
    }

    @Test func aCycleAloneIsRefused() throws {
        let catalogue = Self.catalogue([Self.credential("c1", cost: 100, points: 20)])
        #expect(throws: PlanningError.self) { try Planner(catalogue: catalogue).plan(goals: [], external: [try Self.goal(catalogue)], Self.request()) }
    }

    /// Small random instances against enumeration of every subset of the catalogue: the plan for
    /// both goals is the cheapest set meeting both, never dearer than the two separate plans
    /// together, never cheaper than either alone, and equal to their sum when no credential
    /// serves both goals.
    @Test(arguments: 0..<4)
    func matchesEnumeration(batch: Int) throws {
        var generator = SplitMix64(seed: UInt64(7100 + batch))
        for _ in 0..<12 {
            var credentials: [Credential] = []
            for index in 0..<(5 + generator.below(3)) {
                let teaches = generator.below(2) == 0
                let earns = generator.below(3) > 0
                credentials.append(Self.credential(
                    "c\(index)", ects: [5, 10][generator.below(2)], cost: Double(10 * (1 + generator.below(30))),
                    competencies: teaches ? ["x"] : [], points: earns ? Double(5 * generator.below(4)) : nil,
                    category: generator.below(2) == 0 ? "a" : "b"))
            }
            let needed = Double(5 * (1 + generator.below(3)))
            let scheme = F.scheme(rules: [
                F.rule("total", .total(Double(5 * (1 + generator.below(5))))),
                F.rule("a-min", .minimum(categories: ["a"], Double(5 * generator.below(3)))),
            ])
            let catalogue = Self.catalogue(credentials, needing: needed)
            let description = "needs \(needed) ECTS of x; scheme \(scheme.rules.map(\.kind)); credentials \(credentials.map { ($0.id, $0.credits, $0.cost, $0.competencies, $0.cpd.map(\.points)) })"
            let goal = try Self.goal(catalogue, scheme: scheme)
            // Enumeration: the qualification by its ECTS of x, the cycle by the checker on the record with the subset added.
            var best: Double?
            for mask in 0..<(1 << credentials.count) {
                let subset = credentials.indices.filter { mask >> $0 & 1 == 1 }.map { credentials[$0] }
                let cost = subset.reduce(0) { $0 + $1.cost }
                if let best, cost >= best { continue }
                guard subset.filter({ $0.competencies.contains("x") }).reduce(0, { $0 + $1.credits }) >= needed else { continue }
                let ids = Set(subset.map(\.id))
                let projected = try goal.remediation.project(goal.record, assessment: goal.assessment, taken: goal.options.filter { ids.contains($0.credential) })
                guard projected.rules.allSatisfy(\.isMet) else { continue }
                best = cost
            }
            let outcome = try Planner(catalogue: catalogue).plan(goals: ["q"], external: [goal], Self.request())
            let separate = try Self.apart(catalogue, scheme: scheme)
            guard let best else {
                #expect(outcome.plan == nil, "a plan where enumeration found none: \(description)")
                continue
            }
            let plan = try #require(outcome.plan, "no plan, enumeration found one at \(best): \(description)")
            #expect(abs(plan.totals.cost - best) < 1e-6, "planner \(plan.totals.cost) vs enumeration \(best): \(plan.taken) \(description)")
            let apart = try #require(separate, "each goal alone has a plan when both together have one")
            #expect(plan.totals.cost <= apart.qualification + apart.cpd + 1e-6)
            #expect(plan.totals.cost >= max(apart.qualification, apart.cpd) - 1e-6)
            let shared = credentials.contains { $0.competencies.contains("x") && ($0.cpd.first?.points ?? 0) > 0 }
            if !shared { #expect(abs(plan.totals.cost - apart.qualification - apart.cpd) < 1e-6, "goals share nothing: \(description)") }
        }
    }
}
