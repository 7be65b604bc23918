import Foundation
import StackPlanCore
import Testing
@testable import StackPlanCPD

@Suite struct SchemeFileTests {
    typealias F = CPDFixture

    @Test func theBundledFileHoldsRealRegulatorsWithSourcesForEveryRule() throws {
        let book = try F.schemeBook()
        #expect(book.schemes.count >= 6)
        #expect(Set(book.schemes.map(\.regulator)).count >= 6)
        for id in ["NMC", "IMC-2025", "GPhC", "NMBA", "MBA", "ECM-2023", "NIPiP", "AMA-PRA"] { #expect(book.scheme(id) != nil, "\(id)") }
        for scheme in book.schemes {
            #expect(!scheme.sources.isEmpty)
            for rule in scheme.rules { #expect(rule.source.hasPrefix("http"), "\(scheme.id).\(rule.id)") }
            for adjustment in scheme.adjustments { #expect(adjustment.source.hasPrefix("http"), "\(scheme.id).\(adjustment.id)") }
        }
        // Every rule type the model has is used by some real scheme, but verifiedEvidence: no
        // regulator's published rules ask for cryptographically verified evidence yet (EvidenceTests).
        let types = Set(book.schemes.flatMap(\.rules).map(\.typeName))
        #expect(types == ["total", "minimum", "maximum", "perActivity", "count", "distinctTypes", "declared"])
    }

    @Test func writingAndReadingBackGivesTheSameSchemes() throws {
        let book = try F.schemeBook()
        let again = try CPDSchemeBook.read(CPDSchemeDocument.json(book).serialized())
        #expect(again == book)
    }

    @Test func aBadSchemeFileListsEveryProblemWithItsPath() throws {
        let text = """
            {"format": "stackplan-cpd/1", "schemes": [
              {"id": "X", "regulator": "R", "status": "s", "sources": ["https://x.org"],
               "cycle": {"months": 12}, "unit": {"name": "hours", "perHour": -1},
               "categories": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}],
               "rules": [
                 {"id": "t", "label": "t", "type": "total", "min": 10, "source": "a book"},
                 {"id": "m", "label": "m", "type": "minimum", "categories": ["zzz"], "min": 1, "source": "https://x.org"},
                 {"id": "cap1", "label": "c", "type": "maximum", "categories": ["a", "b"], "max": 5, "source": "https://x.org"},
                 {"id": "cap2", "label": "c", "type": "maximum", "categories": ["b", "c"], "max": 5, "source": "https://x.org"},
                 {"id": "q", "label": "q", "type": "sometimes", "source": "https://x.org"}
               ],
               "adjustments": [{"id": "j", "label": "j", "when": {"declared": "x"}, "effect": "reduce", "rules": ["nope"], "source": "https://x.org"}]
              }]}
            """
        let error = try #require(throws: InvalidDocument.self) { try CPDSchemeBook.read(Data(text.utf8), file: "bad.json") }
        let paths = Set(error.errors.map(\.path))
        #expect(paths.contains("$.schemes[0].cycle"))
        #expect(paths.contains("$.schemes[0].rules[4].type"))
        #expect(paths.contains("$.schemes[0].adjustments[0]"))
        // The structural errors stop the reading of that scheme; fix them and the meaning is checked.
        let fixed = text.replacingOccurrences(of: "\"months\": 12}", with: "\"months\": 12, \"endsAt\": \"renewal\"}")
            .replacingOccurrences(of: "{\"id\": \"q\", \"label\": \"q\", \"type\": \"sometimes\", \"source\": \"https://x.org\"}", with: "{\"id\": \"q\", \"label\": \"q\", \"type\": \"count\", \"min\": 1, \"source\": \"https://x.org\"}")
            .replacingOccurrences(of: "\"effect\": \"reduce\"", with: "\"effect\": \"reduce\", \"amount\": 5")
        let semantic = try #require(throws: InvalidDocument.self) { try CPDSchemeBook.read(Data(fixed.utf8), file: "bad.json") }
        let messages = semantic.errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("$.schemes[0].unit.perHour") })
        #expect(messages.contains { $0.hasPrefix("$.schemes[0].rules[0].source") })
        #expect(messages.contains { $0.hasPrefix("$.schemes[0].rules[1].categories[0]") && $0.contains("zzz") })
        #expect(messages.contains { $0.hasPrefix("$.schemes[0].rules[3].categories") && $0.contains("cap1") })
        #expect(messages.contains { $0.hasPrefix("$.schemes[0].adjustments[0].rules[0]") })
    }

    @Test func aCapThatCutsAcrossAMinimumIsRejected() throws {
        // Capping a+b while a alone has a minimum would make the verdict depend on which activity loses points.
        let scheme = F.scheme(rules: [F.rule("cap", .maximum(categories: ["a", "b"], 5)), F.rule("min-a", .minimum(categories: ["a"], 3))])
        let log = IssueLog()
        SchemeChecker(scheme: scheme, path: "$.schemes[0]", log: log).run()
        #expect(log.issues.contains { $0.path == "$.schemes[0].rules[1].categories" })
        let nested = F.scheme(rules: [F.rule("cap", .maximum(categories: ["a"], 5)), F.rule("min-ab", .minimum(categories: ["a", "b"], 3))])
        let quiet = IssueLog()
        SchemeChecker(scheme: nested, path: "$", log: quiet).run()
        #expect(quiet.issues.isEmpty)
    }

    @Test func catalogueEntriesAreCheckedAgainstTheSchemes() throws {
        let book = try F.schemeBook()
        #expect(book.issues(in: try F.catalogue()).isEmpty)
        var credential = F.credential("c", scheme: "NMC", category: "participatory")
        credential.cpd.append(CPDPoints(scheme: "NMC", category: "lectures", points: 3))
        credential.cpd.append(CPDPoints(scheme: "ZZ", category: "x", points: 3))
        let catalogue = F.catalogue([credential])
        let issues = book.issues(in: catalogue)
        #expect(issues.first { $0.path == "$.credentials[0].cpd[1].category" }?.severity == .error)
        #expect(issues.first { $0.path == "$.credentials[0].cpd[2].scheme" }?.severity == .warning)
        #expect(book.issues(in: catalogue, strict: true).first { $0.path == "$.credentials[0].cpd[2].scheme" }?.severity == .error)
    }
}

/// The catalogue's `cpd` field: read, written back, validated.
@Suite struct CatalogueCPDFieldTests {
    typealias F = CPDFixture

    @Test func theFieldRoundTripsThroughTheCatalogueDocument() throws {
        let catalogue = try F.catalogue()
        let annotated = catalogue.credentials.filter { !$0.cpd.isEmpty }
        #expect(annotated.count * 3 >= catalogue.credentials.count)
        let again = try CatalogueDocument.read(CatalogueDocument.data(catalogue))
        #expect(again == catalogue)
        let entry = try #require(catalogue.credential("hseland-brief-intervention")?.cpd.first)
        #expect(entry == CPDPoints(scheme: "NMBI-CEU", category: "approved-education", points: 6, approvedFrom: Day("2024-01-01"), approvedUntil: Day("2025-06-30"), assumed: true))
    }

    @Test func badEntriesAreReportedWithTheirPaths() throws {
        let text = """
            {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
             "credentials": [{"id": "c", "title": "C", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
               "cpd": [{"scheme": "NMC", "category": "individual", "points": -3},
                       {"scheme": "NMC", "category": "individual", "points": 3},
                       {"scheme": "NMC", "category": "x", "approvedFrom": "2026-01-01", "approvedUntil": "2025-01-01"},
                       {"category": "x"},
                       "thirty points"]}]}
            """
        let issues = CatalogueDocument.problems(in: Data(text.utf8))
        let described = issues.map(\.description)
        #expect(described.contains { $0.hasPrefix("$.credentials[0].cpd[0].points") })
        #expect(described.contains { $0.hasPrefix("$.credentials[0].cpd[1]") && $0.contains("repeats") })
        #expect(described.contains { $0.hasPrefix("$.credentials[0].cpd[2]") && $0.contains("after approvedUntil") })
        #expect(described.contains { $0.hasPrefix("$.credentials[0].cpd[3].scheme") && $0.contains("required") })
        #expect(described.contains { $0.hasPrefix("$.credentials[0].cpd[4]") && $0.contains("object") })
    }
}

/// The bundled schemes on records whose verdicts follow from the regulators' published rules.
@Suite struct RealSchemeTests {
    typealias F = CPDFixture

    func checker(_ id: String) throws -> CPDChecker {
        CPDChecker(scheme: try #require(try F.schemeBook().scheme(id)), catalogue: try F.catalogue())
    }

    @Test func nmcNeeds35HoursWith20ParticipatoryAndThePracticeDeclarations() throws {
        let checker = try checker("NMC")
        let declarations: [String: Double] = ["practice-hours": 450, "reflective-accounts": 5, "practice-feedback": 5, "reflective-discussion": 1, "confirmation": 1]
        var record = PractitionerRecord(cycleEnds: F.day("2026-06-30"), declarations: declarations, activities: [
            F.free("workshop", "2024-01-10", hours: 20, category: "participatory"), F.free("reading", "2025-01-10", hours: 15, category: "individual"),
        ])
        #expect(try checker.assess(record, asOf: F.day("2026-06-30")).isCompliant)
        record.activities[0].hours = 19
        let short = try checker.assess(record, asOf: F.day("2026-06-30"))
        #expect(short.unmetRules.map(\.rule.id) == ["total", "participatory"])
        record.activities[0].hours = 20
        record.declarations["nurse-and-midwife"] = 1
        // Nurse and midwife: 900 practice hours.
        #expect(try checker.assess(record, asOf: F.day("2026-06-30")).unmetRules.map(\.rule.id) == ["practice-hours"])
        // A renewal date three years and a day after the workshop leaves it out of the cycle.
        record.cycleEnds = F.day("2027-01-10")
        #expect(try checker.assess(record, asOf: F.day("2027-01-10")).activity(0).rejection != nil)
    }

    @Test func irishDoctorsCategoriesAndThePlanningCap() throws {
        let checker = try checker("IMC-2025")
        let record = PractitionerRecord(asOf: F.day("2026-04-30"), activities: [
            F.free("development plan", "2025-05-20", hours: 8, category: "planning"), F.free("audit", "2025-09-01", hours: 10, category: "practice-review"),
            F.free("ward learning", "2025-10-01", hours: 15, category: "work-based"), .credential("rcsi-ipc-intro", date: F.day("2026-01-15")),
        ])
        let outcome = try checker.assess(record, asOf: F.day("2026-04-30"))
        #expect(outcome.period == CPDPeriod(start: F.day("2025-05-01"), end: F.day("2026-04-30"), isFirst: true))
        // 8 planning hours, 5 count; the catalogue's IPC module brings 125 accredited credits.
        #expect(outcome.activity(0).counted == 5)
        #expect(outcome.rule("accredited-ce").achieved == 125)
        #expect(outcome.isCompliant)
        var notPractising = record
        notPractising.declarations["not-in-practice"] = 1
        notPractising.activities.remove(at: 2)
        let waived = try checker.assess(notPractising, asOf: F.day("2026-04-30"))
        #expect(waived.rule("work-based").waived)
        #expect(waived.rule("review-or-work-based").required == 25)
        #expect(waived.unmetRules.map(\.rule.id) == ["review-or-work-based"])
    }

    @Test func gphcFirstRenewalNeedsOnlyTheFourRecords() throws {
        let checker = try checker("GPhC")
        let records = (1...4).map { F.free("record \($0)", "2025-0\($0)-10", category: "cpd", type: $0 <= 2 ? "planned" : "unplanned") }
        var record = PractitionerRecord(cycleEnds: F.day("2025-12-31"), activities: records)
        #expect(try checker.assess(record, asOf: F.day("2025-12-31")).unmetRules.map(\.rule.id) == ["peer-discussion", "reflective-account"])
        record.declarations["first-renewal"] = 1
        #expect(try checker.assess(record, asOf: F.day("2025-12-31")).isCompliant)
    }

    @Test func ecmBonusesLowerTheTriennialObligation() throws {
        let checker = try checker("ECM-2023")
        var record = PractitionerRecord(previousPoints: 130, declarations: ["individual-dossier": 1], activities: [F.free("courses", "2024-05-01", points: 90, category: nil)])
        let outcome = try checker.assess(record, asOf: F.day("2025-12-31"))
        #expect(outcome.rule("total").required == 90)
        #expect(outcome.isCompliant)
        record.previousPoints = 100
        #expect(try checker.assess(record, asOf: F.day("2025-12-31")).rule("total").shortfall == 15)
        // The 2023-2025 rules say nothing about the next triennium.
        #expect(throws: CPDRecordError.self) { try checker.assess(record, asOf: F.day("2026-06-01")) }
    }

    @Test func nmbiCapsEachCourseAt35CEUsAndHonoursApprovalDates() throws {
        let checker = try checker("NMBI-CEU")
        let outcome = try checker.assess(PractitionerRecord(activities: [
            F.free("long course", "2025-03-01", hours: 50, category: nil), .credential("hseland-brief-intervention", date: F.day("2025-09-01")),
            .credential("hseland-sepsis", date: F.day("2025-09-01")),
        ]), asOf: F.day("2025-12-31"))
        #expect(outcome.activity(0).counted == 35)
        #expect(outcome.activity(1).rejection == .approvalExpired(F.day("2025-06-30")))
        #expect(outcome.activity(2).counted == 4)
        #expect(outcome.isCompliant)
    }

    @Test func amaCreditsAreClaimedInQuarterHours() throws {
        let checker = try checker("AMA-PRA")
        let outcome = try checker.assess(PractitionerRecord(cycleEnds: F.day("2026-12-31"), activities: [
            F.free("grand rounds", "2025-03-01", hours: 1.4, category: "category-1"), F.free("reading", "2025-04-01", hours: 100, category: "category-2"),
        ]), asOf: F.day("2026-12-31"))
        #expect(outcome.activity(0).counted == 1.25)
        #expect(outcome.activity(1).counted == 90)
        #expect(outcome.rule("category-1").shortfall == 58.75)
    }

    @Test func nmbaScalesForAPartYearAndAddsTenHoursPerEndorsement() throws {
        let checker = try checker("NMBA")
        var record = PractitionerRecord(registeredOn: F.day("2025-12-01"), activities: [F.free("course", "2026-01-10", hours: 10, category: nil)])
        let partYear = try checker.assess(record, asOf: F.day("2026-05-31"))
        #expect(partYear.period.start == F.day("2025-06-01"))
        // 182 of 365 days: 20 hours scaled to 9.98.
        #expect(partYear.rule("total").required == 9.98)
        #expect(partYear.isCompliant)
        record.registeredOn = nil
        record.declarations["endorsements"] = 1
        let endorsed = try checker.assess(record, asOf: F.day("2026-05-31"))
        #expect(endorsed.rule("total").required == 30)
        #expect(endorsed.rule("endorsement").required == 10)
    }
}
