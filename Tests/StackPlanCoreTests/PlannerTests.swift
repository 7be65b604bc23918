import Foundation
import MILP
import Testing
@testable import StackPlanCore

@Suite struct PlannerTests {
    typealias F = Fixture

    func plan(_ catalogue: Catalogue, _ request: PlanRequest) throws -> Plan {
        let outcome = try Planner(catalogue: catalogue).plan(request)
        let plan = try #require(outcome.plan, "expected a plan, got \(outcome)")
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        return plan
    }

    @Test func anyOfTakesTheCheaperBranch() throws {
        let catalogue = F.catalogue(
            [F.credential("a", cost: 500), F.credential("b", cost: 300), F.credential("c", cost: 250)],
            [F.qualification(.anyOf([.credential("a"), RequirementNode(.allOf([.credential("b"), .credential("c")]))]))])
        let result = try plan(catalogue, F.request())
        #expect(result.taken == ["a"])
        #expect(result.objectiveValues == [500])
        #expect(result.status == .optimal && result.gap == 0)
    }

    @Test func creditsLeafTakesTheCheapestMatchingMix() throws {
        // 10 ECTS in research-methods: 5 + 5 (300) beats 10 (400); the off-topic course never counts.
        let catalogue = F.catalogue(
            [F.credential("r10", ects: 10, cost: 400, competencies: ["research-methods"]),
             F.credential("r5a", ects: 5, cost: 150, competencies: ["research-methods"]),
             F.credential("r5b", ects: 5, cost: 150, competencies: ["research-methods", "ethics"]),
             F.credential("off", ects: 10, cost: 1, competencies: ["wound-care"])],
            [F.qualification(ects: 10, .credits(10, CredentialFilter(competencies: ["research-methods"])))])
        let result = try plan(catalogue, F.request())
        #expect(result.taken == ["r5a", "r5b"])
        #expect(result.applications["r5a"] == ["requires"])
    }

    @Test func heldCredentialsCountOnlyWhenRecentAndWithinTheCap() throws {
        let catalogue = F.catalogue(
            [F.credential("old", ects: 5), F.credential("new1", ects: 5), F.credential("new2", ects: 5),
             F.credential("buy", ects: 5, cost: 100), F.credential("buy2", ects: 5, cost: 120)],
            [F.qualification(ects: 15, rules: QualificationRules(maxPriorECTS: 5, priorWithinYears: 5), .credits(15))])
        let held: [HeldCredential] = [
            .catalogue("old", earned: Day("2019-01-01")), .catalogue("new1", earned: Day("2024-01-01")),
            .catalogue("new2", earned: Day("2025-01-01")),
        ]
        let result = try plan(catalogue, F.request(held: held))
        // Only 5 ECTS of prior learning may count, so two courses must be bought.
        #expect(result.taken == ["buy", "buy2"])
        #expect(result.heldApplied.count == 1)
        let reasons = Dictionary(uniqueKeysWithValues: result.unusedHeld.map { ($0.id, $0.reason) })
        #expect(reasons["old"]?.code == "tooOld")
        #expect(result.unusedHeld.contains { $0.reason.code == "priorCapReached" })
    }

    @Test func externalHeldCredentialCountsThroughAFilter() throws {
        let catalogue = F.catalogue(
            [F.credential("ipc", ects: 5, cost: 400, competencies: ["infection-prevention"])],
            [F.qualification(ects: 5, .credits(5, CredentialFilter(competencies: ["infection-prevention"], minEQF: 6)))])
        let external = ExternalCredential(title: "Link nurse course", ects: 5, eqf: 6, competencies: ["infection-prevention"])
        let result = try plan(catalogue, F.request(held: [HeldCredential(.external(external), earned: Day("2025-10-02"))]))
        #expect(result.taken.isEmpty)
        #expect(result.heldApplied == ["held[0]"])
        #expect(result.objectiveValues == [0])
    }

    @Test func prerequisitesArePlannedToo() throws {
        let catalogue = F.catalogue(
            [F.credential("found", cost: 100, competencies: ["basics"]),
             F.credential("alt-found", cost: 300),
             F.credential("adv", cost: 200, prerequisites: .anyOf([.credential("found"), .credential("alt-found")]))],
            [F.qualification(.credential("adv"))])
        let result = try plan(catalogue, F.request())
        #expect(result.taken == ["adv", "found"])
        #expect(result.prerequisiteOf["found"] == ["adv"])
        #expect(result.applications["found"] == nil)
        // A held prerequisite, however old, is enough.
        let withHeld = try plan(catalogue, F.request(held: [.catalogue("alt-found", earned: Day("2001-01-01"))]))
        #expect(withHeld.taken == ["adv"])
    }

    @Test func overlappingCredentialsNeverBothCount() throws {
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 100, excludes: ["b"]), F.credential("b", ects: 5, cost: 100),
             F.credential("c", ects: 5, cost: 300)],
            [F.qualification(ects: 10, .credits(10))])
        let result = try plan(catalogue, F.request())
        #expect(result.objectiveValues == [400])
        #expect(result.taken.contains("c"))
    }

    @Test func eachCredentialCountsOnceUnlessSharedCountingAllows() throws {
        let credentials = [F.credential("both", ects: 5, cost: 100, competencies: ["x", "y"]),
                           F.credential("x", ects: 5, cost: 150, competencies: ["x"]),
                           F.credential("y", ects: 5, cost: 150, competencies: ["y"])]
        let tree: RequirementNode.Rule = .allOf([.credits(5, CredentialFilter(competencies: ["x"])), .credits(5, CredentialFilter(competencies: ["y"]))])
        let single = try plan(F.catalogue(credentials, [F.qualification(tree)]), F.request())
        #expect(single.objectiveValues == [250])
        let shared = try plan(F.catalogue(credentials, [F.qualification(rules: QualificationRules(sharedCounting: true), tree)]), F.request())
        #expect(shared.taken == ["both"])
        #expect(shared.applications["both"]?.count == 2)
    }

    @Test func capOnNonAccreditedCredits() throws {
        let catalogue = F.catalogue(
            [F.credential("cheap1", ects: 5, cost: 10, accredited: false), F.credential("cheap2", ects: 5, cost: 10, accredited: false),
             F.credential("dear", ects: 5, cost: 500, accredited: true)],
            [F.qualification(ects: 10, .allOf([.credits(10), RequirementNode(.maxCredits(5, CredentialFilter(accredited: false)))]))])
        let result = try plan(catalogue, F.request())
        #expect(result.objectiveValues == [510])
    }

    @Test func atLeastUnderAnyOfNeedsWholeBranches() throws {
        // Half of each at-least branch must not add up to one met branch.
        let catalogue = F.catalogue(
            [F.credential("a1", cost: 10), F.credential("a2", cost: 1000), F.credential("b1", cost: 10), F.credential("b2", cost: 1000),
             F.credential("z", cost: 600)],
            [F.qualification(.anyOf([
                RequirementNode(.atLeast(2, [.credential("a1"), .credential("a2")])),
                RequirementNode(.atLeast(2, [.credential("b1"), .credential("b2")])),
                .credential("z"),
            ]))])
        #expect(try plan(catalogue, F.request()).taken == ["z"])
    }

    @Test func ladderContainsItsCertificate() throws {
        let catalogue = F.catalogue(
            [F.credential("m1", ects: 10), F.credential("m2", ects: 10), F.credential("m3", ects: 10, cost: 50)],
            [F.qualification(id: "cert", ects: 20, .allOf([.credential("m1"), .credential("m2")])),
             F.qualification(id: "dip", ects: 30, .allOf([RequirementNode(.qualification("cert")), .credits(10)]))])
        let result = try plan(catalogue, F.request("dip", held: [.catalogue("m1", earned: Day("2025-01-01"))]))
        #expect(result.taken == ["m2", "m3"])
        #expect(result.applications["m1"] == ["requires.allOf[0].requires.allOf[0]"])
    }

    @Test func secondObjectiveBreaksTies() throws {
        let catalogue = F.catalogue(
            [F.credential("light", cost: 200, hours: 100), F.credential("heavy", cost: 200, hours: 300)],
            [F.qualification(.anyOf([.credential("light"), .credential("heavy")]))])
        let result = try plan(catalogue, F.request(objectives: [.cost, .workload]))
        #expect(result.taken == ["light"])
        #expect(result.objectiveValues == [200, 100])
    }

    @Test func samePlanWhateverTheCatalogueOrder() throws {
        let credentials = (0..<8).map { F.credential("c\($0)", ects: 5, cost: 100) }
        let qualification = F.qualification(ects: 15, .credits(15))
        let forward = try plan(F.catalogue(credentials, [qualification]), F.request())
        let backward = try plan(F.catalogue(credentials.reversed(), [qualification]), F.request())
        #expect(forward.taken == backward.taken)
        #expect(forward.taken == ["c0", "c1", "c2"])
    }

    @Test func learnerLimitsOverrideAndFilter() throws {
        let catalogue = F.catalogue(
            [F.credential("campus", cost: 100, mode: .inPerson), F.credential("web", cost: 300),
             F.credential("german", cost: 50, languages: ["de"])],
            [F.qualification(.anyOf([.credential("campus"), .credential("web"), .credential("german")]))])
        let limited = try plan(catalogue, F.request(constraints: LearnerConstraints(modes: [.online], languages: ["en"])))
        #expect(limited.taken == ["web"])
    }

    // MARK: No plan

    @Test func budgetTooSmallNamesTheCheapestCost() throws {
        let catalogue = F.catalogue([F.credential("a", cost: 900)], [F.qualification(.credential("a"))])
        let outcome = try Planner(catalogue: catalogue).plan(F.request(constraints: LearnerConstraints(budget: 500)))
        let diagnosis = try #require(outcome.diagnosis)
        #expect(diagnosis.cause == .budgetOrHours)
        #expect(diagnosis.cheapestCost == 900)
        #expect(diagnosis.summary == .limits([.budget(cheapest: 900, budget: 500, currency: "EUR")]))
    }

    @Test func requirementNoCatalogueCanMeetIsNamed() throws {
        let catalogue = F.catalogue(
            [F.credential("r", ects: 5, competencies: ["research-methods"])],
            [F.qualification(ects: 10, .allOf([.credits(10, CredentialFilter(competencies: ["research-methods"]))]))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(F.request()).diagnosis)
        #expect(diagnosis.cause == .catalogue)
        let unmet = try #require(diagnosis.unmet.first { $0.path == "requires.allOf[0]" })
        #expect(unmet.reason == .creditsOutOfReach(available: 5, needed: 10, matching: 1))
    }

    @Test func learnerLimitsThatShutOutARequirementAreNamed() throws {
        let catalogue = F.catalogue([F.credential("campus", mode: .inPerson)], [F.qualification(.credential("campus"))])
        let outcome = try Planner(catalogue: catalogue).plan(F.request(constraints: LearnerConstraints(modes: [.online])))
        let diagnosis = try #require(outcome.diagnosis)
        #expect(diagnosis.cause == .learnerLimits)
        #expect(diagnosis.unmet.first?.reason == .notOffered(credential: "campus", .mode(.inPerson, allowed: [.online])))
    }

    @Test func conflictingRequirementsAreReportedAsSuch() throws {
        let catalogue = F.catalogue(
            [F.credential("a", excludes: ["b"]), F.credential("b")],
            [F.qualification(.allOf([.credential("a"), .credential("b")]))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(F.request()).diagnosis)
        #expect(diagnosis.cause == .conflict)
    }

    @Test func unknownTargetAndHeldCredentialAreErrors() throws {
        let catalogue = F.catalogue([F.credential("a")], [F.qualification(.credential("a"))])
        #expect(throws: PlanningError.self) { try Planner(catalogue: catalogue).plan(F.request("nope")) }
        #expect {
            try Planner(catalogue: catalogue).plan(F.request(held: [.catalogue("ghost")]))
        } throws: { error in
            guard case PlanningError.invalidLearner(let document) = error else { return false }
            return document.issues.first?.path == "$.held[0].credential"
        }
    }

    @Test func bundledLearnersReachTheirTargets() throws {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        for (learner, target) in [("aoife", "tcd-pgcert-dementia"), ("marek", "ucc-profcert-ams"), ("sofia", "ucp-pgdip-ipc")] {
            let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner(learner)))
            let request = PlanRequest(target: target, learner: profile)
            let result = try plan(catalogue, request)
            #expect(result.status == .optimal, "\(learner)")
            #expect(result.totals.cost <= profile.constraints.budget ?? .infinity)
        }
    }

    @Test func writtenModelIsLPFormat() throws {
        let catalogue = F.catalogue([F.credential("a")], [F.qualification(.credential("a"))])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID()).lp").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Planner(catalogue: catalogue).model(for: F.request()).writeLP(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("take(a)"))
    }
}
