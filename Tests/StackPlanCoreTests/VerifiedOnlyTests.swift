import Foundation
import Testing
@testable import StackPlanCore

@Suite struct VerifiedOnlyTests {
    typealias F = Fixture

    static func held(_ id: String, result: String?) -> HeldCredential {
        var held = HeldCredential.catalogue(id, earned: Day("2025-01-01"))
        if let result { held.extra["verification"] = .object(["result": .string(result)]) }
        return held
    }

    @Test func onlyVerifiedHeldCredentialsCountWhenAsked() throws {
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 100), F.credential("b", ects: 5, cost: 100), F.credential("c", ects: 5, cost: 50)],
            [F.qualification(ects: 10, .credits(10))])
        let held = [Self.held("a", result: "verified"), Self.held("b", result: "unverifiable")]

        let trusting = try #require(try Planner(catalogue: catalogue).plan(F.request(held: held)).plan)
        #expect(trusting.taken.isEmpty)

        var constraints = LearnerConstraints()
        constraints.verifiedOnly = true
        let request = F.request(held: held, constraints: constraints)
        let strict = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(strict.heldApplied == ["a"])
        #expect(strict.taken == ["c"])
        let reasons = Dictionary(uniqueKeysWithValues: strict.unusedHeld.map { ($0.id, $0.reason) })
        #expect(reasons["b"] == .notVerified)
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: strict).isEmpty)
        // The trusting plan counts b, which the strict rules do not allow.
        #expect(!PlanChecker(catalogue: catalogue, request: request).violations(of: trusting).isEmpty)
    }

    @Test func aHeldCredentialWhoseVerificationFailedNeverCounts() throws {
        let catalogue = F.catalogue(
            [F.credential("a", ects: 5, cost: 100), F.credential("b", ects: 5, cost: 100), F.credential("c", ects: 5, cost: 50)],
            [F.qualification(ects: 10, .credits(10))])
        // Without verifiedOnly an unverifiable credential still counts, a failed one does not.
        let held = [Self.held("a", result: "unverifiable"), Self.held("b", result: "failed")]
        let request = F.request(held: held)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.heldApplied == ["a"])
        #expect(plan.taken == ["c"])
        let reasons = Dictionary(uniqueKeysWithValues: plan.unusedHeld.map { ($0.id, $0.reason) })
        #expect(reasons["b"] == .verificationFailed)
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
    }

    @Test func anUnverifiedHeldCredentialCanBeTakenAgain() throws {
        let catalogue = F.catalogue([F.credential("a", cost: 100), F.credential("b", cost: 100)],
                                    [F.qualification(.allOf([.credential("a"), .credential("b")]))])
        let held = [Self.held("a", result: "verified"), Self.held("b", result: "failed")]
        var constraints = LearnerConstraints()
        constraints.verifiedOnly = true
        let request = F.request(held: held, constraints: constraints)
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["b"])
        #expect(plan.heldApplied == ["a"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
    }

    @Test func theProfileOptionReadsAndWritesBack() throws {
        let profile = try LearnerDocument.read(Data(#"{"held": [], "verifiedOnly": true}"#.utf8))
        #expect(profile.constraints.verifiedOnly)
        #expect(LearnerDocument.json(profile).objectFields["verifiedOnly"] == .bool(true))
        #expect(try LearnerDocument.read(Data(#"{"held": []}"#.utf8)).constraints.verifiedOnly == false)
        #expect(Self.held("a", result: "verified").isVerified)
        #expect(!Self.held("a", result: "failed").isVerified && !Self.held("a", result: nil).isVerified)
    }
}
