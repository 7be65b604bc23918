import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanRendering

@Suite struct ReasonRenderingTests {
    let day = Day("2026-11-23")!

    func diagnosis() -> Diagnosis {
        var diagnosis = Diagnosis(
            cause: .learnerLimits, summary: .beyondLimits(qualification: "q"),
            unmet: [
                .init(path: "requires", requirement: "all of 2", reason: .partsUnmet, depth: 0),
                .init(path: "requires.allOf[0]", requirement: "Course z (z)", reason: .notOffered(credential: "z", .mode(.inPerson, allowed: [.online])), depth: 1),
            ])
        diagnosis.shortfalls = [Shortfall(
            kind: .credits, path: "requires.allOf[1]", requirement: "20 ECTS in research", amount: 5, catalogueECTS: 25, allowedECTS: 15,
            needed: 20, filter: CredentialFilter(competencies: ["research"], minEQF: 7), heldECTS: 0, limits: [.languages(["en"])])]
        diagnosis.relaxations = [Relaxation(
            limits: ["modes", "budget"], changes: [.addModes(["in-person"]), .budget(from: 120, to: 400, currency: "EUR")], value: nil,
            admitted: ["in-person"], completion: nil, planCost: 400, currency: "EUR", cheapest: true)]
        return diagnosis
    }

    @Test func diagnosisInWords() {
        let text = diagnosis().text
        #expect(text.hasPrefix("No plan: q cannot be reached with the modes, languages, accreditation, providers and weekly hours you allow.\n"))
        #expect(text.contains("    ✗ requires.allOf[0]  Course z (z): z is taught in-person, not in your modes (online)"))
        #expect(text.contains("  ✗ requires.allOf[1]  5 ECTS in research, at EQF 7+ are missing (20 needed): the catalogue offers 25 ECTS that fit, 15 of them within your limits (languages en)"))
        #expect(text.contains("  ★ modes + budget: add the mode in-person, and raise the budget from 120 to 400 EUR (+280); the plan then costs 400 EUR (the cheapest relaxation)"))
        // The brief form skips the parent whose parts fail.
        #expect(diagnosis().brief == "q cannot be reached with the modes, languages, accreditation, providers and weekly hours you allow: requires.allOf[0] z is taught in-person, not in your modes (online)")
    }

    @Test func diagnosisJSONCarriesCodesAndFigures() {
        let json = diagnosis().json.objectFields
        #expect(json["summaryCode"] == .object(["code": .string("beyondLimits"), "qualification": .string("q")]))
        guard case .array(let unmet)? = json["unmet"] else { Issue.record("no unmet"); return }
        let second = unmet[1].objectFields
        #expect(second["code"] == .string("notOffered"))
        #expect(second["details"] == .object([
            "code": .string("notOffered"), "credential": .string("z"),
            "notOffered": .object(["code": .string("modeNotAllowed"), "mode": .string("in-person"), "allowed": .array([.string("online")])]),
        ]))
        guard case .array(let relaxations)? = json["relaxations"] else { Issue.record("no relaxations"); return }
        #expect(relaxations[0].objectFields["changes"] == .array([
            .object(["code": .string("addModes"), "admitted": .array([.string("in-person")])]),
            .object(["code": .string("raiseBudget"), "from": .number(120), "to": .number(400), "currency": .string("EUR")]),
        ]))
        guard case .array(let shortfalls)? = json["shortfalls"] else { Issue.record("no shortfalls"); return }
        #expect(shortfalls[0].objectFields["neededEcts"] == .number(20))
        #expect(shortfalls[0].objectFields["limits"] == .array([.object(["code": .string("languages"), "languages": .array([.string("en")])])]))
    }

    @Test func everyHeldReasonInWords() {
        let cases: [(HeldUnusedReason, String)] = [
            (.undated(qualification: "q", withinYears: 5), "no date earned, and q counts prior learning of the last 5 years only"),
            (.tooOld(earned: Day("2019-06-14")!, withinYears: 5, today: day), "earned 2019-06-14, more than 5 years before 2026-11-23"),
            (.earnedAfterToday(earned: Day("2027-01-01")!, today: day), "earned 2027-01-01, after 2026-11-23"),
            (.carriesNoECTS, "carries no ECTS, so it adds nothing to the credit requirements it fits"),
            (.priorCapReached(cap: 10, counted: 8), "the prior-learning cap of 10 ECTS is reached (8 ECTS of prior learning count)"),
            (.overlaps("x"), "overlaps x, which counts instead"),
            (.notNeeded, "not needed: the requirements it fits are met without it"),
            (.matchesNoRequirement(qualification: "q"), "matches no requirement of q"),
            (.recorded("as saved"), "as saved"),
        ]
        for (reason, words) in cases { #expect(reason.text == words) }
        #expect(Set(cases.map(\.0.code)).count == cases.count)
    }

    @Test func relaxationOfTheWeeklyHoursInWords() {
        let change = RelaxationChange.hoursPerWeek(from: 10, to: 16, completes: Day("2028-03-05"))
        #expect(change.text == "give 16 h a week instead of 10; the plan then finishes 2028-03-05")
        #expect(change.json == .object(["code": .string("raiseHoursPerWeek"), "from": .number(10), "to": .number(16), "completes": .string("2028-03-05")]))
    }

    @Test func typedResultsEncodeAsCodable() throws {
        let encoded = try JSONEncoder().encode(diagnosis())
        #expect(try JSONDecoder().decode(Diagnosis.self, from: encoded) == diagnosis())
    }
}
