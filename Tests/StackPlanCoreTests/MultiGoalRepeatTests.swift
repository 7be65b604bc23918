import Foundation
import MILP
import StackPlanRendering
import Testing
@testable import StackPlanCore

/// Repeatable credentials in a plan for several goals: each further taking (`c[2]`) is an item
/// of its own in every goal's model, shared across goals like any take column.
@Suite struct MultiGoalRepeatTests {
    typealias F = Fixture

    /// Goal q needs 10 ECTS from "topics" (5 ECTS, 100, repeatable twice) or "bigq" (10 ECTS,
    /// 150); goal r 10 ECTS from "topics" or "bigr" (10 ECTS, 150). Apart, each takes its big
    /// one (300 together); together, "topics" taken twice meets both for 200.
    static let catalogue = catalogue(times: 2)

    static func catalogue(times: Int?) -> Catalogue {
        var topics = F.credential("topics", ects: 5, cost: 100)
        topics.repeatable = times
        return F.catalogue(
            [F.credential("bigq", ects: 10, cost: 150), F.credential("bigr", ects: 10, cost: 150), topics],
            [
                F.qualification(id: "q", .allOf([.credits(10, CredentialFilter(ids: ["topics", "bigq"]))])),
                F.qualification(id: "r", .allOf([.credits(10, CredentialFilter(ids: ["topics", "bigr"]))])),
            ])
    }

    @Test func repeatingACredentialMakesTheJointPlanCheapest() throws {
        let planner = Planner(catalogue: Self.catalogue)
        let together = try #require(try planner.plan(goals: ["q", "r"], F.request()).plan)
        #expect(together.taken == ["topics"])
        #expect(together.repeats == ["topics": 2])
        #expect(together.takingCount == 2)
        #expect(together.totals.cost == 200 && together.totals.hours == 250 && together.totals.ects == 10)
        #expect(together.objectiveValues == [200])
        // Both takings count toward both goals, each goal's part takes the credential twice.
        #expect(together.countsToward["topics"] == ["q", "r"] && together.countsToward["topics[2]"] == ["q", "r"])
        for part in together.goals {
            #expect(part.repeats == ["topics": 2])
            #expect(Set(part.applications.keys) == ["topics", "topics[2]"])
        }
        let apart = try ["q", "r"].map { try #require(try planner.plan(F.request($0)).plan) }
        #expect(apart.map(\.taken) == [["bigq"], ["bigr"]])
        #expect(together.totals.cost < apart.reduce(0) { $0 + $1.totals.cost })

        let report = MultiGoalReport(plan: together, catalogue: Self.catalogue, request: F.request())
        #expect(report.text.contains("topics ×2"), "\(report.text)")
        #expect(report.text.contains("q, r; 2: q, r"), "\(report.text)")
        #expect(report.text.contains("1 credential to take (2 takings), 200 EUR"), "\(report.text)")
        #expect(report.json.objectFields["repeats"] == .object(["topics": .number(2)]))
    }

    /// Without its repeat the joint plan costs more: the same catalogue with "topics" taken once at most.
    @Test func withoutTheRepeatTheJointPlanCostsMore() throws {
        let catalogue = Self.catalogue(times: nil)
        let together = try #require(try Planner(catalogue: catalogue).plan(goals: ["q", "r"], F.request()).plan)
        #expect(together.repeats.isEmpty)
        #expect(together.totals.cost == 300)
    }

    /// Each goal counts takings under its own rules: q asks for "topics" in two leaves (two
    /// takings), r for it once; one taking may count toward both goals.
    @Test func eachGoalCountsTheTakingsItsRulesAllow() throws {
        var topics = F.credential("topics", ects: 5, cost: 100)
        topics.repeatable = 3
        let catalogue = F.catalogue(
            [topics],
            [
                F.qualification(id: "q", .allOf([.credential("topics"), .credential("topics")])),
                F.qualification(id: "r", .allOf([.credential("topics")])),
            ])
        let plan = try #require(try Planner(catalogue: catalogue).plan(goals: ["q", "r"], F.request()).plan)
        #expect(plan.repeats == ["topics": 2])
        #expect(plan.totals.cost == 200)
        #expect(plan.goals[0].applications["topics"]?.count == 1 && plan.goals[0].applications["topics[2]"]?.count == 1)
        #expect(plan.goals[1].applications.count == 1)
    }

    /// Against enumeration of every set of takings, on random pairs of goals whose catalogues
    /// have repeatable credentials (two of them in each).
    @Test(arguments: 0..<3)
    func matchesEnumerationWithRepeats(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(7700 + batch))
        var compared = 0, repeated = 0
        while compared < 8 {
            let first = RandomInstance(using: &generator)
            let second = RandomInstance(using: &generator)
            guard first.catalogue.credentials.count <= 8, second.catalogue.credentials.count <= first.catalogue.credentials.count else { continue }
            compared += 1
            var credentials = first.catalogue.credentials
            // Cheap and repeatable: taking them again is often the cheapest way to more credit.
            for index in [0, 1] {
                credentials[index].repeatable = 2 + index
                credentials[index].cost = 10
            }
            var other = second.qualification
            other.id = "r"
            var forFirst = first
            forFirst.request.objectives = [.cost]
            forFirst.catalogue = F.catalogue(credentials, [first.qualification, other])
            var forSecond = forFirst
            forSecond.catalogue = F.catalogue(credentials, [other, first.qualification])
            var secondRequest = forFirst.request
            secondRequest.target = "r"
            forSecond.request = secondRequest

            let planner = Planner(catalogue: forFirst.catalogue)
            let outcome = try planner.plan(goals: ["q", "r"], forFirst.request)
            let best = MultiGoalTests.bruteForceOptimum(forFirst, forSecond)
            switch outcome {
            case .planned(let plan):
                if !plan.repeats.isEmpty { repeated += 1 }
                let value = try #require(plan.objectiveValues.first)
                #expect(best.map { abs($0 - value) < 1e-6 } == true, "planner \(value) vs enumeration \(String(describing: best))\n\(forFirst)")
                let takings = Set(Plan.takings(plan.taken, repeats: plan.repeats))
                #expect(forFirst.isFeasible(takings) && forSecond.isFeasible(takings), "enumeration rejects \(takings)\n\(forFirst)")
                let apart = try [forFirst.request, secondRequest].map { try planner.plan($0).plan }
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
        // Each batch meets joint plans that take a credential again (1 to 3 of its 8).
        #expect(repeated > 0)
    }
}
