import Foundation
import MILP
import StackPlanRendering
import Testing
@testable import StackPlanCore

/// Grades (issue 17, item 4): a held credential's grade on a scale, filters that count a held
/// credential only with a grade at least so good, and credit-weighted mean-grade rules.
@Suite struct GradeTests {
    typealias F = Fixture

    static func held(_ id: String, _ grade: String) -> HeldCredential {
        var item = HeldCredential.catalogue(id, earned: F.today)
        item.grade = Grade(grade, on: "us-letter")
        return item
    }

    @Test func scalesKnowTheirGrades() throws {
        #expect(Grade("b-", on: "us-letter")?.points == 2.7)
        #expect(Grade("FX", on: "ects")?.points == 0)
        #expect(Grade("62.5", on: "percent")?.points == 62.5)
        #expect(Grade("101", on: "percent") == nil)
        #expect(Grade("E", on: "us-letter") == nil)
        #expect(Grade("A", on: "gpa") == nil)
    }

    @Test func gradesAreReadWrittenAndValidatedByPath() throws {
        let profile = try LearnerDocument.read(Data(#"{"held": [{"credential": "a", "earned": "2025-01-01", "grade": "B+", "gradeScale": "us-letter"}, {"title": "X", "ects": 5, "eqf": 6, "grade": 71, "gradeScale": "percent"}]}"#.utf8))
        #expect(profile.held[0].grade == Grade("B+", on: "us-letter"))
        #expect(profile.held[1].grade?.points == 71)
        let written = try LearnerDocument.read(LearnerDocument.json(profile).serialized())
        #expect(written.held.map(\.grade) == profile.held.map(\.grade))
        for (held, path, fragment) in [
            (#"{"credential": "a", "grade": "B+"}"#, "$.held[0].gradeScale", "is required"),
            (#"{"credential": "a", "grade": "Q", "gradeScale": "us-letter"}"#, "$.held[0].grade", "is not a grade on scale us-letter"),
            (#"{"credential": "a", "grade": "A", "gradeScale": "gpa"}"#, "$.held[0].gradeScale", "is not a grading scale StackPlan knows"),
        ] {
            do {
                _ = try LearnerDocument.read(Data(#"{"held": [\#(held)]}"#.utf8))
                Issue.record("accepted \(held)")
            } catch let error as InvalidDocument {
                #expect(error.issues.contains { $0.path == path && $0.message.contains(fragment) }, "\(held): \(error.issues)")
            }
        }
        let catalogue = """
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [{"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 0, "rules": {"meanGrade": {"scale": "ects", "grade": "C"}},
           "requires": {"allOf": [{"credits": 5, "where": {"minGrade": {"scale": "us-letter", "grade": "B-"}}, "meanGrade": {"scale": "us-letter", "grade": "B"}}]}}]}
        """
        let read = try CatalogueDocument.read(Data(catalogue.utf8))
        let qualification = try #require(read.qualification("q"))
        #expect(qualification.rules.meanGrade == Grade("C", on: "ects"))
        #expect(qualification.requires.children[0].meanGrade == Grade("B", on: "us-letter"))
        #expect(qualification.requires.children[0].rule == .credits(5, CredentialFilter(minGrade: Grade("B-", on: "us-letter"))))
        let again = try CatalogueDocument.read(CatalogueDocument.data(read))
        #expect(again.qualification("q") == qualification)
        let bad = catalogue.replacingOccurrences(of: #""minGrade": {"scale": "us-letter", "grade": "B-"}"#, with: #""minGrade": {"scale": "us-letter", "grade": "Z"}"#)
            .replacingOccurrences(of: #"{"allOf": ["#, with: #"{"meanGrade": {"scale": "ects", "grade": "A"}, "allOf": ["#)
        let issues = CatalogueDocument.problems(in: Data(bad.utf8)).filter { $0.severity == .error }
        #expect(issues.contains { $0.path == "$.qualifications[0].requires.allOf[0].where.minGrade.grade" && $0.message.contains("not a grade on scale us-letter") }, "\(issues)")
        #expect(issues.contains { $0.path == "$.qualifications[0].requires.meanGrade" && $0.message.contains("credits and count leaves only") }, "\(issues)")
    }

    /// "Counts only with grade B- or better": a held C does not count, a held B does, and a
    /// credential still to take is planned on the assumption that the learner reaches the grade.
    @Test func minimumGradeFilters() throws {
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 0), F.credential("b", ects: 5, cost: 300)],
            [F.qualification(.allOf([.credits(5, CredentialFilter(minGrade: Grade("B-", on: "us-letter")))]))])
        let withC = F.request(held: [Self.held("a", "C")])
        let planC = try #require(try Planner(catalogue: catalogue).plan(withC).plan)
        #expect(planC.taken == ["b"])
        #expect(planC.heldApplied.isEmpty)
        let withB = F.request(held: [Self.held("a", "B")])
        let planB = try #require(try Planner(catalogue: catalogue).plan(withB).plan)
        #expect(planB.taken.isEmpty && planB.heldApplied == ["a"])
        // Ungraded, it does not count either; and the checker refuses a plan that counts the C.
        let ungraded = try #require(try Planner(catalogue: catalogue).plan(F.request(held: [.catalogue("a", earned: F.today)])).plan)
        #expect(ungraded.taken == ["b"])
        #expect(PlanChecker(catalogue: catalogue, request: withC).violations(of: planB).contains { $0.contains("does not match its filter") })
        #expect(CredentialFilter(minGrade: Grade("B-", on: "us-letter")).phrase == " with grade B- or better (us-letter)")
    }

    /// A mean of B+ over a leaf: held A (4.0) and C (2.0), 5 ECTS each, average 3.0, so only
    /// the A is applied and the rest is taken (left out of the mean).
    @Test func meanGradeOverALeaf() throws {
        var leaf = RequirementNode(.credits(10, CredentialFilter()))
        leaf.meanGrade = Grade("B+", on: "us-letter")
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 0), F.credential("c", ects: 5, cost: 0), F.credential("new", ects: 5, cost: 200)],
            [F.qualification(.allOf([leaf]))])
        let request = F.request(held: [Self.held("a", "A"), Self.held("c", "C")])
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["new"])
        #expect(plan.heldApplied == ["a"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        var forged = plan
        forged.taken = []
        forged.heldApplied = ["a", "c"]
        forged.applications = ["a": ["requires.allOf[0]"], "c": ["requires.allOf[0]"]]
        forged.totals.cost = 0
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: forged).contains { $0.contains("mean grade of 3.0, below B+") })
        // At B the two average enough.
        leaf.meanGrade = Grade("B", on: "us-letter")
        let easier = F.catalogue(catalogue.credentials, [F.qualification(.allOf([leaf]))])
        #expect(try Planner(catalogue: easier).plan(request).plan?.taken == [])
        #expect(RequirementTree(easier.qualifications[0], in: easier).describe(1, catalogue: easier).contains("mean grade B or better (us-letter)"))
    }

    @Test func meanGradeOverTheQualification() throws {
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 0), F.credential("c", ects: 10, cost: 0), F.credential("new", ects: 10, cost: 200)],
            [F.qualification(ects: 15, rules: QualificationRules(meanGrade: Grade("B", on: "us-letter")), .allOf([.credits(0)]))])
        let request = F.request(held: [Self.held("a", "A"), Self.held("c", "C")])
        // A (4.0 × 5) and C (2.0 × 10) average 2.67: the C cannot count; the new credential is taken instead.
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["new"] && plan.heldApplied == ["a"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
    }
}
