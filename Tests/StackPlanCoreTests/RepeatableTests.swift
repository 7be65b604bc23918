import Foundation
import MILP
import StackPlanRendering
import Testing
@testable import StackPlanCore

/// Repeatable credentials (issue 17, item 5): `"repeatable": N` lets a credential be taken up
/// to N times in all, each taking counting anew (`c`, `c[2]`, `c[3]`).
@Suite struct RepeatableTests {
    typealias F = Fixture

    /// 15 ECTS from "topics" (5 ECTS, 100) or "block" (15 ECTS, 500).
    static func catalogue(times: Int?) -> Catalogue {
        var topics = F.credential("topics", ects: 5, cost: 100)
        topics.repeatable = times
        return F.catalogue([topics, F.credential("block", ects: 15, cost: 500)],
                           [F.qualification(.allOf([.credits(15, CredentialFilter(ids: ["topics", "block"]))]))])
    }

    @Test func isReadWrittenAndValidatedByPath() throws {
        func document(_ value: String) -> String {
            """
            {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
             "credentials": [{"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"], "repeatable": \(value)}]}
            """
        }
        let catalogue = try CatalogueDocument.read(Data(document("3").utf8))
        #expect(catalogue.credential("a")?.repeatable == 3)
        #expect(try CatalogueDocument.read(CatalogueDocument.data(catalogue)).credential("a")?.repeatable == 3)
        for (value, fragment) in [("0", "must lie in 1–20, found 0"), ("21", "must lie in 1–20, found 21"), ("2.5", "must be a whole number"), ("\"twice\"", "must be a number")] {
            let issues = CatalogueDocument.problems(in: Data(document(value).utf8)).filter { $0.severity == .error }
            #expect(issues.contains { $0.path == "$.credentials[0].repeatable" && $0.message.contains(fragment) }, "\(value): \(issues)")
        }
        var built = Self.catalogue(times: 40)
        #expect(CatalogueValidator(built).run().contains { $0.path == "$.credentials[0].repeatable" })
        built = Self.catalogue(times: 2)
        #expect(CatalogueValidator(built).run().filter { $0.severity == .error }.isEmpty)
    }

    /// A diagnosis counts a repeatable credential's credits once for each taking: "topics"
    /// (5 ECTS, three takings) and "block" (15 ECTS, in German) offer 30 ECTS that fit a
    /// 20-ECTS requirement; within an English-only learner's limits, 15.
    @Test func aDiagnosisCountsEveryTakingOfARepeatableCredential() throws {
        var topics = F.credential("topics", ects: 5, cost: 100)
        topics.repeatable = 3
        let catalogue = F.catalogue([topics, F.credential("block", ects: 15, cost: 500, languages: ["de"])],
                                    [F.qualification(ects: 20, .allOf([.credits(20, CredentialFilter(ids: ["topics", "block"]))]))])
        let outcome = try Planner(catalogue: catalogue).plan(F.request(constraints: LearnerConstraints(languages: ["en"])))
        let diagnosis = try #require(outcome.diagnosis)
        let leaf = try #require(diagnosis.shortfalls.first { $0.path == "requires.allOf[0]" })
        #expect(leaf.catalogueECTS == 30)
        #expect(leaf.allowedECTS == 15)
        #expect(leaf.amount == 5)
    }

    @Test func aRepeatableCredentialIsTakenAgainForCredit() throws {
        let catalogue = Self.catalogue(times: 3)
        let request = F.request()
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["topics"])
        #expect(plan.repeats == ["topics": 3])
        #expect(plan.totals.cost == 300)
        #expect(plan.totals.countedECTS == 15)
        #expect(Set(plan.applications.keys) == ["topics", "topics[2]", "topics[3]"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        let report = PlanReport(plan: plan, catalogue: catalogue, request: request)
        #expect(report.text.contains("topics ×3"))
        #expect(report.json.objectFields["repeats"] == .object(["topics": .number(3)]))
        // Read back from its JSON, the plan keeps its repeats.
        let saved = try PlanDocument.read(report.json.serialized(), catalogue: catalogue, request: request)
        #expect(saved.repeats == ["topics": 3])
    }

    @Test func notMoreThanItsMaximum() throws {
        let catalogue = Self.catalogue(times: 2)
        let plan = try #require(try Planner(catalogue: catalogue).plan(F.request()).plan)
        #expect(plan.taken == ["block"])
        let once = try #require(try Planner(catalogue: Self.catalogue(times: nil)).plan(F.request()).plan)
        #expect(once.taken == ["block"])
        // The checker refuses a plan that takes it more often than allowed.
        var forged = try #require(try Planner(catalogue: Self.catalogue(times: 3)).plan(F.request()).plan)
        forged.repeats = ["topics": 4]
        #expect(PlanChecker(catalogue: Self.catalogue(times: 3), request: F.request()).violations(of: forged).contains("topics is taken 4 times, more than its 3"))
    }

    /// Two leaves asking for the same credential are met by taking it twice.
    @Test func eachTakingMeetsACredentialLeaf() throws {
        var topics = F.credential("topics", ects: 5, cost: 100)
        topics.repeatable = 2
        let catalogue = F.catalogue([topics], [F.qualification(.allOf([.credential("topics"), .credential("topics")]))])
        let plan = try #require(try Planner(catalogue: catalogue).plan(F.request()).plan)
        #expect(plan.repeats == ["topics": 2])
        #expect(plan.applications["topics"]?.count == 1 && plan.applications["topics[2]"]?.count == 1)
    }

    /// A schedule runs each taking once, one after another (ScheduledRepeatsAndCorequisitesTests).
    @Test func aScheduleRunsEachTaking() throws {
        var request = F.request()
        request.schedule = ScheduleSettings(start: F.today, hoursPerWeek: 40)
        let plan = try #require(try Planner(catalogue: Self.catalogue(times: 3)).plan(request).plan)
        #expect(plan.taken == ["topics"])
        #expect(plan.repeats == ["topics": 3])
        #expect(plan.schedule?.count == 3)
        #expect(plan.totals.cost == 300)
        // The timeline names each taking's run.
        let timeline = PlanReport(plan: plan, catalogue: Self.catalogue(times: 3), request: request).text.split(separator: "\n").map(String.init)
        #expect(timeline.contains { $0.hasPrefix("  topics[2] ") } && timeline.contains { $0.hasPrefix("  topics[3] ") }, "\(timeline)")
    }

    @Test func takingIDsAreNoCatalogueIDs() {
        #expect(Plan.takingID("topics", 2) == "topics[2]")
        #expect(Plan.taking("topics[2]")?.id == "topics" && Plan.taking("topics[2]")?.time == 2)
        #expect(Plan.taking("held[0]")?.id == nil)
        #expect(Plan.taking("topics") == nil && Plan.taking("[3]") == nil && Plan.taking("x[1]") == nil)
        #expect(!InputLimits.isIdentifier("topics[2]"))
    }
}
