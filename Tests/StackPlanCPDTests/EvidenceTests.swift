import Foundation
import StackPlanCore
import Testing
@testable import StackPlanCPD

/// Activities evidenced by wallet credentials, and schemes that count only verified evidence.
@Suite struct EvidenceTests {
    typealias F = CPDFixture

    static func evidence(_ result: CPDEvidence.Result?, why: [String] = []) -> CPDEvidence {
        var verification: [String: JSON] = [:]
        if let result { verification["result"] = .string(result.rawValue) }
        if !why.isEmpty { verification["why"] = .array(why.map(JSON.string)) }
        let document: JSON = result == nil ? .object(["format": .string("eu-professional-training")])
            : .object(["format": .string("eu-professional-training"), "verification": .object(verification)])
        return CPDEvidence(result: result, reasons: why, document: document)
    }

    static func activity(_ title: String, category: String = "a", hours: Double = 10, evidence: CPDEvidence?) -> CPDActivity {
        var activity = F.free(title, "2025-06-01", hours: hours, category: category)
        activity.evidence = evidence
        return activity
    }

    /// Category a counts only with verified evidence; b counts anything.
    static let scheme = F.scheme(rules: [F.rule("total", .total(30)), F.rule("a-min", .minimum(categories: ["a"], 20)),
                                         F.rule("evidence", .verifiedEvidence(categories: ["a"]))])

    @Test func onlyVerifiedEvidenceCountsInTheRulesCategories() throws {
        let record = F.record([
            Self.activity("verified", evidence: Self.evidence(.verified)),
            Self.activity("unverifiable", evidence: Self.evidence(.unverifiable, why: ["issuer key not available offline (did:ebsi:x#keys-1)"])),
            Self.activity("failed", evidence: Self.evidence(.failed, why: ["expired on 2025-12-31 (expirationDate)"])),
            Self.activity("unchecked", evidence: Self.evidence(nil)),
            Self.activity("none", evidence: nil),
            Self.activity("other category", category: "b", evidence: nil),
        ])
        let assessment = try F.assess(Self.scheme, record)
        #expect(assessment.activity(0).counted == 10)
        #expect(assessment.activity(0).rejection == nil)
        #expect(assessment.activity(1).rejection == .evidenceNotVerified(rule: "evidence", evidence: .unverifiable,
                                                                         reasons: ["issuer key not available offline (did:ebsi:x#keys-1)"]))
        #expect(assessment.activity(1).rejection?.code == "evidence-not-verified")
        #expect(assessment.activity(1).rejection?.description
            == "counts only with verified evidence (evidence); its evidence is unverifiable: issuer key not available offline (did:ebsi:x#keys-1)")
        #expect(assessment.activity(2).rejection?.description
            == "counts only with verified evidence (evidence); its evidence failed verification: expired on 2025-12-31 (expirationDate)")
        #expect(assessment.activity(3).rejection == .evidenceNotVerified(rule: "evidence", evidence: .unchecked, reasons: []))
        #expect(assessment.activity(4).rejection?.description == "counts only with verified evidence (evidence); no evidence is attached")
        #expect(assessment.activity(5).counted == 10)
        #expect(assessment.rule("a-min").achieved == 10)
        #expect(assessment.rule("total").achieved == 20)
        #expect(assessment.rule("evidence").rejectedActivities == 4)
        #expect(!assessment.isCompliant)

        // The reports say why, as text and as typed JSON.
        #expect(assessment.text.contains("evidence: rule evidence: 4 activities without verified evidence"))
        #expect(assessment.text.contains("rejected: counts only with verified evidence (evidence); no evidence is attached"))
        let activities = try #require(assessment.json.objectFields["activities"])
        guard case .array(let rows) = activities else { Issue.record("expected rows"); return }
        #expect(rows[1].objectFields["evidence"] == .string("unverifiable"))
        #expect(rows[1].objectFields["rejected"]?.objectFields["reason"] == .string("evidence-not-verified"))
        #expect(rows[4].objectFields["evidence"] == nil)
        #expect(rows[3].objectFields["evidence"] == .string("unchecked"))
    }

    @Test func withoutTheRuleEvidenceIsRecordedButChangesNothing() throws {
        let lax = F.scheme(rules: [F.rule("total", .total(30))])
        let record = F.record([Self.activity("failed", evidence: Self.evidence(.failed)), Self.activity("none", evidence: nil)])
        let assessment = try F.assess(lax, record)
        #expect(assessment.activities.allSatisfy { $0.rejection == nil && $0.counted == 10 })
    }

    @Test func aRuleWithoutCategoriesCoversEveryActivity() throws {
        let strict = F.scheme(rules: [F.rule("total", .total(10)), F.rule("evidence", .verifiedEvidence(categories: nil))])
        let assessment = try F.assess(strict, F.record([Self.activity("b", category: "b", evidence: nil)]))
        #expect(assessment.activity(0).rejection == .evidenceNotVerified(rule: "evidence", evidence: .missing, reasons: []))
    }

    @Test func aRemediationPlanTakesItsCoursesOnTrust() throws {
        // Planned credentials have no evidence yet; the rule must not make every plan impossible.
        let catalogue = F.catalogue([F.credential("course", category: "a", points: 20, cost: 100, weeks: 2)])
        let record = PractitionerRecord(id: "r", asOf: F.day("2025-07-01"), activities: [
            Self.activity("verified", category: "b", evidence: Self.evidence(.verified)),
            Self.activity("unverified", evidence: Self.evidence(.unverifiable)),
        ])
        let outcome = try CPDRemediation(checker: CPDChecker(scheme: Self.scheme, catalogue: catalogue))
            .plan(record, asOf: F.day("2025-07-01"), objective: .cost, constraints: nil)
        guard case .planned(let plan) = outcome else { Issue.record("no plan: \(outcome)"); return }
        #expect(plan.taken.map(\.credential) == ["course"])
        #expect(plan.projected.rule("a-min").achieved == 20)
        // The unverified activity still does not count in the projection.
        #expect(plan.projected.activity(1).rejection?.code == "evidence-not-verified")
    }

    @Test func theRecordFormatReadsAndWritesEvidence() throws {
        let text = """
            {"id": "dr", "scheme": "IMC-2025", "activities": [
              {"title": "BQM", "date": "2025-10-09", "hours": 10, "category": "accredited-ce",
               "evidence": {"format": "eu-professional-training", "credential": "https://ffomc.example/credentials/trainingCert/4101",
                            "credits": [{"value": 10, "unit": "UEMS-EACCME"}],
                            "verification": {"result": "unverifiable", "why": ["issuer key not available offline"]}}},
              {"title": "Plain", "date": "2025-10-10", "hours": 2}
            ]}
            """
        let record = try PractitionerRecordDocument.read(Data(text.utf8), file: "dr.json")
        #expect(record.activities[0].evidence?.result == .unverifiable)
        #expect(record.activities[0].evidence?.reasons == ["issuer key not available offline"])
        #expect(record.activities[1].evidence == nil)
        let again = try PractitionerRecordDocument.read(PractitionerRecordDocument.json(record))
        #expect(again == record)
        #expect(again.activities[0].evidence?.document.objectFields["credits"] != nil)
    }

    @Test func malformedEvidenceIsRefusedWithItsPath() throws {
        let text = """
            {"activities": [
              {"title": "A", "date": "2025-10-09", "hours": 1, "evidence": "a certificate"},
              {"title": "B", "date": "2025-10-09", "hours": 1, "evidence": {"verification": {"result": "valid"}}},
              {"title": "C", "date": "2025-10-09", "hours": 1, "evidence": {"verification": {"result": "failed", "why": "altered"}}},
              {"title": "D", "date": "2025-10-09", "hours": 1, "evidence": {"verification": ["verified"]}}
            ]}
            """
        let error = try #require(throws: InvalidDocument.self) { try PractitionerRecordDocument.read(Data(text.utf8), file: "bad.json") }
        let messages = error.issues.map { "\($0.path): \($0.message)" }
        #expect(messages.contains("$.activities[0].evidence: must be an object describing the credential behind the activity, found a string"))
        #expect(messages.contains("$.activities[1].evidence.verification.result: must be one of verified, unverifiable, failed, found \"valid\""))
        #expect(messages.contains("$.activities[2].evidence.verification.why: must be a list of reasons, found a string"))
        #expect(messages.contains("$.activities[3].evidence.verification: must be an object with \"result\", found an array"))
        #expect(error.description.contains("bad.json"))
    }

    @Test func theSchemeFileReadsTheRuleAndChecksItsCategories() throws {
        func file(_ rule: String) -> String {
            """
            {"format": "stackplan-cpd/1", "schemes": [
              {"id": "X", "regulator": "R", "status": "s", "sources": ["https://x.org"],
               "cycle": {"months": 12, "firstStart": "2025-01-01"}, "unit": {"name": "credits"},
               "categories": [{"id": "accredited-ce", "name": "Accredited CE"}],
               "rules": [{"id": "t", "label": "t", "type": "total", "min": 10, "source": "https://x.org"}, \(rule)]}]}
            """
        }
        let book = try CPDSchemeBook.read(Data(file(#"{"id": "ev", "label": "Accredited CE needs verified certificates", "type": "verifiedEvidence", "categories": "accredited-ce", "source": "https://x.org", "assumed": true}"#).utf8))
        let rule = try #require(book.scheme("X")?.rule("ev"))
        #expect(rule.kind == .verifiedEvidence(categories: ["accredited-ce"]))
        #expect(!rule.isRequirement)
        #expect(CPDSchemeDocument.describe(rule, unit: "credits") == "activities of accredited-ce count only with verified evidence")
        #expect(try CPDSchemeBook.read(CPDSchemeDocument.json(book).serialized()) == book)

        let unknown = try #require(throws: InvalidDocument.self) {
            try CPDSchemeBook.read(Data(file(#"{"id": "ev", "label": "l", "type": "verifiedEvidence", "categories": ["lectures"], "source": "https://x.org"}"#).utf8), file: "s.json")
        }
        #expect(unknown.issues.contains { $0.path == "$.schemes[0].rules[1].categories[0]" && $0.message.contains("lectures") })
        let extra = try #require(throws: InvalidDocument.self) {
            try CPDSchemeBook.read(Data(file(#"{"id": "ev", "label": "l", "type": "verifiedEvidence", "min": 3, "source": "https://x.org"}"#).utf8), file: "s.json")
        }
        #expect(extra.issues.contains { $0.path == "$.schemes[0].rules[1].min" })
    }
}
