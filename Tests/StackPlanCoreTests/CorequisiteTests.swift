import Foundation
import MILP
import StackPlanRendering
import Testing
@testable import StackPlanCore

/// Corequisites (issue 17, item 5): `{"credential": ID, "corequisite": true}` inside a
/// credential's prerequisites: held, or taken in the same plan, not necessarily first.
@Suite struct CorequisiteTests {
    typealias F = Fixture

    /// "lecture" counts toward q and names "lab" (which counts for nothing) as a corequisite.
    static func catalogue(labNamesLecture: Bool = false) -> Catalogue {
        var lecture = F.credential("lecture", ects: 10, cost: 100)
        lecture.prerequisites = .corequisite("lab")
        var lab = F.credential("lab", ects: 5, cost: 50, hours: 40, competencies: ["other"])
        if labNamesLecture { lab.prerequisites = .corequisite("lecture") }
        return F.catalogue([lecture, lab, F.credential("dear", ects: 10, cost: 400)], [F.qualification(.allOf([.credits(10, CredentialFilter(ids: ["lecture", "dear"]))]))])
    }

    @Test func isReadWrittenAndValidatedByPath() throws {
        let text = """
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [
           {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
            "prerequisites": {"allOf": [{"credential": "b", "corequisite": true}, {"credential": "c"}]}},
           {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
            "prerequisites": {"credential": "a", "corequisite": true}},
           {"id": "c", "title": "C", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}
         ]}
        """
        let catalogue = try CatalogueDocument.read(Data(text.utf8))
        #expect(catalogue.credential("a")?.prerequisites == .allOf([.corequisite("b"), .credential("c")]))
        // Two credentials naming each other as corequisites are no cycle.
        #expect(CatalogueValidator(catalogue).run().filter { $0.severity == .error }.isEmpty)
        let written = CatalogueDocument.json(try #require(catalogue.credential("b")?.prerequisites))
        #expect(written == .object(["credential": .string("a"), "corequisite": .bool(true)]))
        let reread = try CatalogueDocument.read(CatalogueDocument.data(catalogue))
        #expect(reread.credentials.map(\.prerequisites) == catalogue.credentials.map(\.prerequisites))

        let bad = text.replacingOccurrences(of: #"{"credential": "a", "corequisite": true}"#, with: #"{"credential": "b", "corequisite": "yes"}"#)
        let issues = CatalogueDocument.problems(in: Data(bad.utf8)).filter { $0.severity == .error }
        #expect(issues.contains { $0.path == "$.credentials[1].prerequisites.corequisite" && $0.message.contains("true or false") }, "\(issues)")
        let selfNamed = text.replacingOccurrences(of: #"{"credential": "a", "corequisite": true}"#, with: #"{"credential": "b", "corequisite": true}"#)
        let selfIssues = CatalogueDocument.problems(in: Data(selfNamed.utf8)).filter { $0.severity == .error }
        #expect(selfIssues.contains { $0.path == "$.credentials[1].prerequisites.credential" && $0.message.contains("cannot require itself") }, "\(selfIssues)")
    }

    @Test func aCorequisiteIsTakenInTheSamePlanAndSaysWhy() throws {
        let request = F.request()
        let plan = try #require(try Planner(catalogue: Self.catalogue()).plan(request).plan)
        #expect(plan.taken == ["lab", "lecture"])
        #expect(plan.totals.cost == 150)
        #expect(plan.corequisiteOf == ["lab": ["lecture"]])
        #expect(plan.prerequisiteOf.isEmpty)
        #expect(CredentialRole(of: "lab", in: plan) == .corequisiteOf(["lecture"]))
        #expect(CredentialRole(of: "lab", in: plan)?.text == "corequisite of lecture")
        #expect(PlanChecker(catalogue: Self.catalogue(), request: request).violations(of: plan).isEmpty)
        // Without it the plan is refused by the checker.
        var without = plan
        without.taken = ["lecture"]
        #expect(PlanChecker(catalogue: Self.catalogue(), request: request).violations(of: without).contains("lecture is taken without its prerequisites"))
    }

    @Test func aHeldCorequisiteIsEnough() throws {
        let plan = try #require(try Planner(catalogue: Self.catalogue()).plan(F.request(held: [.catalogue("lab", earned: F.today)])).plan)
        #expect(plan.taken == ["lecture"])
    }

    @Test func aCorequisiteTheLearnerCannotTakeRulesItsCredentialOut() throws {
        var catalogue = Self.catalogue()
        var lab = try #require(catalogue.credential("lab"))
        lab.mode = .inPerson
        catalogue.upsert(lab)
        let plan = try #require(try Planner(catalogue: catalogue).plan(F.request(constraints: LearnerConstraints(modes: [.online]))).plan)
        #expect(plan.taken == ["dear"])
    }

    /// Mutual corequisites are taken together; in a schedule neither need finish first: here
    /// the lab's only run starts after the lecture's has begun, which a prerequisite would forbid.
    @Test func mutualCorequisitesAreScheduledTogether() throws {
        var catalogue = Self.catalogue(labNamesLecture: true)
        var lecture = try #require(catalogue.credential("lecture")), lab = try #require(catalogue.credential("lab"))
        lecture.offerings = [Offering(id: "spring", start: Day("2027-01-04")!, weeks: 10)]
        lab.offerings = [Offering(id: "feb", start: Day("2027-02-01")!, weeks: 4)]
        catalogue.upsert(lecture)
        catalogue.upsert(lab)
        #expect(CatalogueValidator(catalogue).run().filter { $0.severity == .error }.isEmpty)
        var request = F.request(objectives: [.cost])
        request.schedule = ScheduleSettings(start: F.today, hoursPerWeek: 40)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["lab", "lecture"])
        let runs = try #require(plan.schedule)
        #expect(runs.first { $0.credential == "lab" }?.start == Day("2027-02-01"))
        #expect(runs.first { $0.credential == "lecture" }?.start == Day("2027-01-04"))
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        // As a prerequisite, the lab could not be finished before the lecture starts: the dear course instead.
        var ordered = catalogue
        lecture.prerequisites = .credential("lab")
        lab.prerequisites = nil
        ordered.upsert(lecture)
        ordered.upsert(lab)
        #expect(try Planner(catalogue: ordered).plan(request).plan?.taken == ["dear"])
        // A mutual prerequisite pair is a cycle.
        var cyclic = catalogue
        var lab2 = try #require(catalogue.credential("lab"))
        lab2.prerequisites = .credential("lecture")
        var lecture2 = try #require(catalogue.credential("lecture"))
        lecture2.prerequisites = .credential("lab")
        cyclic.upsert(lab2)
        cyclic.upsert(lecture2)
        #expect(CatalogueValidator(cyclic).run().contains { $0.message.contains("prerequisite cycle") })
    }

    @Test func takeableKeepsOnlyCorequisitesWithinReach() {
        var a = F.credential("a"), b = F.credential("b"), c = F.credential("c")
        a.prerequisites = .corequisite("b")
        b.prerequisites = .corequisite("a")
        c.prerequisites = .corequisite("ghost")
        let reachable = Formulation.takeable([a, b, c], held: []).map(\.id)
        #expect(Set(reachable) == ["a", "b"])
    }
}
