import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// One plan for several goals: one set of credentials meeting every goal, each under its own rules.
@Suite struct MultiGoalTests {
    /// Goal q needs 10 ECTS of competency "a", goal r 10 ECTS of "b"; "ab" (10 ECTS, 300) has
    /// both, "a1" and "b1" (10 ECTS, 200 each) one each. Apart, each goal takes its cheap one
    /// (400 together); together, "ab" meets both for 300.
    static let shared = Fixture.catalogue(
        [
            Fixture.credential("a1", ects: 10, cost: 200, competencies: ["a"]),
            Fixture.credential("ab", ects: 10, cost: 300, competencies: ["a", "b"]),
            Fixture.credential("b1", ects: 10, cost: 200, competencies: ["b"]),
        ],
        [
            Fixture.qualification(id: "q", .allOf([.credits(10, CredentialFilter(competencies: ["a"]))])),
            Fixture.qualification(id: "r", .allOf([.credits(10, CredentialFilter(competencies: ["b"]))])),
        ])

    @Test func aCredentialServingBothGoalsIsPaidOnceAndBeatsTheSeparatePlans() throws {
        let planner = Planner(catalogue: Self.shared)
        let together = try #require(try planner.plan(goals: ["q", "r"], Fixture.request()).plan)
        #expect(together.taken == ["ab"])
        #expect(together.totals.cost == 300)
        #expect(together.countsToward["ab"] == ["q", "r"])
        #expect(together.goals.map(\.qualification.id) == ["q", "r"])
        #expect(together.goals.allSatisfy { $0.applications["ab"] != nil })
        let apart = try ["q", "r"].map { try #require(try planner.plan(Fixture.request($0)).plan) }
        #expect(apart.reduce(0) { $0 + $1.totals.cost } == 400)
        #expect(together.totals.cost < apart.reduce(0) { $0 + $1.totals.cost })
    }

    @Test func goalsSharingNothingCostTheSumOfTheirPlans() throws {
        let catalogue = Fixture.catalogue(
            [
                Fixture.credential("a1", ects: 5, cost: 120, competencies: ["a"]),
                Fixture.credential("a2", ects: 5, cost: 90, competencies: ["a"]),
                Fixture.credential("b1", ects: 5, cost: 70, competencies: ["b"]),
                Fixture.credential("b2", ects: 5, cost: 80, competencies: ["b"]),
            ],
            [
                Fixture.qualification(id: "q", .allOf([.credits(10, CredentialFilter(competencies: ["a"]))])),
                Fixture.qualification(id: "r", .allOf([.credits(5, CredentialFilter(competencies: ["b"]))])),
            ])
        let planner = Planner(catalogue: catalogue)
        let together = try #require(try planner.plan(goals: ["q", "r"], Fixture.request()).plan)
        let apart = try ["q", "r"].map { try #require(try planner.plan(Fixture.request($0)).plan) }
        #expect(together.totals.cost == apart.reduce(0) { $0 + $1.totals.cost })
        #expect(together.taken == ["a1", "a2", "b1"])
        #expect(together.countsToward == ["a1": ["q"], "a2": ["q"], "b1": ["r"]])
    }

    /// Inside one goal its own counting rules hold: a credential counts in each goal, but in a
    /// goal without shared counting it still fills one leaf only.
    @Test func eachGoalKeepsItsOwnCountingRules() throws {
        let catalogue = Fixture.catalogue(
            [Fixture.credential("ab", ects: 5, cost: 100, competencies: ["a", "b"]), Fixture.credential("b1", ects: 5, cost: 50, competencies: ["b"])],
            [
                Fixture.qualification(id: "q", .allOf([.credits(5, CredentialFilter(competencies: ["a"])), .credits(5, CredentialFilter(competencies: ["b"]))])),
                Fixture.qualification(id: "r", .allOf([.credits(5, CredentialFilter(competencies: ["a"]))])),
            ])
        let plan = try #require(try Planner(catalogue: catalogue).plan(goals: ["q", "r"], Fixture.request()).plan)
        #expect(plan.taken == ["ab", "b1"])
        #expect(plan.countsToward["ab"] == ["q", "r"])
        #expect(plan.goals[0].applications["ab"]?.count == 1)
    }

    @Test func theBudgetHoldsOverTheUnion() throws {
        let request = Fixture.request(constraints: LearnerConstraints(budget: 250))
        let outcome = try Planner(catalogue: Self.shared).plan(goals: ["q", "r"], request)
        guard case .infeasible(let goal, _) = outcome else { Issue.record("expected no plan, got \(outcome)"); return }
        // Each goal alone fits the budget (200); together they need 300.
        #expect(goal == nil)
        let enough = try #require(try Planner(catalogue: Self.shared).plan(goals: ["q", "r"], Fixture.request(constraints: LearnerConstraints(budget: 300))).plan)
        #expect(enough.taken == ["ab"])
    }

    @Test func aGoalWithoutAPlanOfItsOwnIsNamed() throws {
        let catalogue = Fixture.catalogue(
            Self.shared.credentials,
            Self.shared.qualifications + [Fixture.qualification(id: "z", .allOf([.credits(10, CredentialFilter(competencies: ["zz"]))]))])
        let outcome = try Planner(catalogue: catalogue).plan(goals: ["q", "z"], Fixture.request())
        guard case .infeasible(let goal, _) = outcome else { Issue.record("expected no plan, got \(outcome)"); return }
        #expect(goal == "z")
    }

    @Test func badGoalListsAreRefused() throws {
        let planner = Planner(catalogue: Self.shared)
        #expect(throws: PlanningError.self) { try planner.plan(goals: ["q"], Fixture.request()) }
        #expect(throws: PlanningError.self) { try planner.plan(goals: ["q", "q"], Fixture.request()) }
        #expect(throws: PlanningError.self) { try planner.plan(goals: ["q", "nope"], Fixture.request()) }
    }

    /// Against enumeration: two random qualifications over one random catalogue; the union plan
    /// is the cheapest set meeting both, never worse than the separate plans together, and
    /// each goal's part passes the checker (inside the planner) and enumeration's test.
    @Test(arguments: 0..<4)
    func matchesEnumeration(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(7000 + batch))
        var compared = 0
        while compared < 10 {
            let first = RandomInstance(using: &generator)
            let second = RandomInstance(using: &generator)
            guard second.catalogue.credentials.count <= first.catalogue.credentials.count else { continue }
            compared += 1
            var other = second.qualification
            other.id = "r"
            var forFirst = first
            forFirst.catalogue = Fixture.catalogue(first.catalogue.credentials, [first.qualification, other])
            var forSecond = forFirst
            forSecond.catalogue = Fixture.catalogue(first.catalogue.credentials, [other, first.qualification])
            var secondRequest = first.request
            secondRequest.target = "r"
            forSecond.request = secondRequest

            let planner = Planner(catalogue: forFirst.catalogue)
            let outcome = try planner.plan(goals: ["q", "r"], first.request)
            let best = Self.bruteForceOptimum(forFirst, forSecond)
            switch outcome {
            case .planned(let plan):
                let value = try #require(plan.objectiveValues.first)
                #expect(best.map { abs($0 - value) < 1e-6 } == true, "planner \(value) vs enumeration \(String(describing: best))\n\(forFirst)")
                let takings = Set(Plan.takings(plan.taken, repeats: plan.repeats))
                #expect(forFirst.isFeasible(takings) && forSecond.isFeasible(takings), "enumeration rejects \(takings)\n\(forFirst)")
                // Never worse than the separate plans put together (a valid union when within the limits).
                let apart = try [first.request, secondRequest].map { try planner.plan($0).plan }
                if let q = apart[0], let r = apart[1] {
                    let union = Set(q.takings).union(r.takings)
                    if forFirst.isFeasible(union) && forSecond.isFeasible(union) {
                        let unionValue = union.map(Plan.credentialID(ofTaking:)).compactMap(forFirst.catalogue.credential).reduce(0) { $0 + forFirst.value($1) }
                        #expect(value <= unionValue + 1e-6)
                    }
                }
            case .infeasible:
                #expect(best == nil, "planner says infeasible, enumeration found \(String(describing: best))\n\(forFirst)")
            case .stopped(let status):
                Issue.record("solver stopped: \(status)")
            case .unreachable(let goal, _):
                Issue.record("no external goal was given, yet \(goal) is unreachable")
            }
        }
    }

    /// The least objective value over the sets of takings (a repeatable credential's further
    /// takings among them) that meet both instances' goals.
    static func bruteForceOptimum(_ first: RandomInstance, _ second: RandomInstance) -> Double? {
        first.takingSets().first { first.isFeasible($0.members) && second.isFeasible($0.members) }?.value
    }
}

/// The profile's `goals`: read, written back, and a repeated goal refused with its JSON path.
@Suite struct ProfileGoalsTests {
    @Test func goalsAreReadAndWritten() throws {
        let profile = try LearnerDocument.read(Data(#"{"held": [], "goals": ["q", "r"]}"#.utf8))
        #expect(profile.goals == ["q", "r"])
        let again = try LearnerDocument.read(LearnerDocument.json(profile).serialized())
        #expect(again.goals == ["q", "r"])
    }

    @Test func aRepeatedGoalIsRefused() throws {
        let error = try #require(throws: InvalidDocument.self) { try LearnerDocument.read(Data(#"{"held": [], "goals": ["q", "q"]}"#.utf8)) }
        #expect(error.description.contains("$.goals[1]"))
    }
}
