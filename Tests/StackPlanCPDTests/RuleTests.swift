import Foundation
import StackPlanCore
import Testing
@testable import StackPlanCPD

/// Each rule type on hand-made records whose verdict is worked out by hand.
@Suite struct RuleTests {
    typealias F = CPDFixture

    @Test func totalCountsHoursAcrossCategories() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(10))])
        let short = try F.assess(scheme, F.record([F.free("x", "2025-03-01", hours: 4), F.free("y", "2025-04-01", hours: 5, category: "b")]))
        #expect(!short.isCompliant)
        #expect(short.rule("total").achieved == 9)
        #expect(short.rule("total").shortfall == 1)
        #expect(short.activity(0).rules == ["total"])
        let met = try F.assess(scheme, F.record([F.free("x", "2025-03-01", hours: 4), F.free("y", "2025-04-01", hours: 6, category: "b")]))
        #expect(met.isCompliant)
        #expect(met.rule("total").shortfall == 0)
    }

    @Test func categoryMinimumLooksOnlyAtItsCategories() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(10)), F.rule("a-min", .minimum(categories: ["a"], 6))])
        let outcome = try F.assess(scheme, F.record([F.free("x", "2025-03-01", hours: 4), F.free("y", "2025-04-01", hours: 8, category: "b")]))
        #expect(outcome.rule("total").isMet)
        #expect(outcome.rule("a-min").achieved == 4)
        #expect(outcome.rule("a-min").shortfall == 2)
        #expect(outcome.unmetRules.map(\.rule.id) == ["a-min"])
        #expect(outcome.activity(0).rules == ["total", "a-min"])
        #expect(outcome.activity(1).rules == ["total"])
    }

    @Test func categoryCapTrimsTheLatestActivityAndKeepsTheTotalShort() throws {
        // 3 + 4 h in capped category b, at most 5 count: the later 4 h activity loses 2.
        let scheme = F.scheme(rules: [F.rule("total", .total(10)), F.rule("b-cap", .maximum(categories: ["b"], 5))])
        let outcome = try F.assess(scheme, F.record([
            F.free("early b", "2025-02-01", hours: 3, category: "b"), F.free("late b", "2025-06-01", hours: 4, category: "b"),
            F.free("a", "2025-03-01", hours: 4),
        ]))
        #expect(outcome.activity(0).counted == 3)
        #expect(outcome.activity(1).counted == 2)
        #expect(outcome.activity(1).trims == [CPDAssessment.Trim(rule: "b-cap", amount: 2)])
        #expect(outcome.rule("total").achieved == 9)
        #expect(!outcome.isCompliant)
        #expect(outcome.rule("b-cap").trimmed == 2)
    }

    @Test func anActivityEntirelyOverACapIsRejectedButStillARecord() throws {
        let scheme = F.scheme(rules: [F.rule("b-cap", .maximum(categories: ["b"], 2)), F.rule("count-b", .count(categories: ["b"], types: nil, 2))])
        let outcome = try F.assess(scheme, F.record([F.free("one", "2025-02-01", hours: 2, category: "b"), F.free("two", "2025-03-01", hours: 1, category: "b")]))
        #expect(outcome.activity(1).counted == 0)
        #expect(outcome.activity(1).rejection == .overCap(rule: "b-cap"))
        // Counting records is about evidence, not points: the capped activity is still one.
        #expect(outcome.rule("count-b").achieved == 2)
        #expect(outcome.isCompliant)
    }

    @Test func perActivityLimitsCapEachCourseAndRejectTooShortOnes() throws {
        // NMBI's shape: each course earns 1 to 35 CEUs.
        let scheme = F.scheme(rules: [F.rule("total", .total(40)), F.rule("per-course", .perActivity(categories: nil, min: 1, max: 35))])
        let outcome = try F.assess(scheme, F.record([
            F.free("long course", "2025-02-01", hours: 50), F.free("talk", "2025-03-01", hours: 0.5), F.free("short course", "2025-04-01", hours: 6),
        ]))
        #expect(outcome.activity(0).claimed == 50)
        #expect(outcome.activity(0).counted == 35)
        #expect(outcome.activity(0).trims == [CPDAssessment.Trim(rule: "per-course", amount: 15)])
        #expect(outcome.activity(1).rejection == .belowActivityMinimum(rule: "per-course", minimum: 1))
        #expect(outcome.rule("total").achieved == 41)
        #expect(outcome.isCompliant)
        #expect(outcome.rule("per-course").rejectedActivities == 1)
    }

    @Test func countRuleWithATypeCountsOnlyThatType() throws {
        // GPhC's shape: 4 records, at least 2 of them planned.
        let scheme = F.scheme(
            categories: ["cpd"], rules: [F.rule("records", .count(categories: ["cpd"], types: nil, 4)), F.rule("planned", .count(categories: ["cpd"], types: ["planned"], 2))],
            unit: CPDUnit(name: "records", perHour: nil, perActivity: 1))
        let activities = [
            F.free("1", "2025-01-10", category: "cpd", type: "planned"), F.free("2", "2025-02-10", category: "cpd", type: "unplanned"),
            F.free("3", "2025-03-10", category: "cpd", type: "unplanned"), F.free("4", "2025-04-10", category: "cpd"),
        ]
        let one = try F.assess(scheme, F.record(activities))
        #expect(one.rule("records").achieved == 4)
        #expect(one.rule("planned").achieved == 1)
        #expect(one.rule("planned").shortfall == 1)
        #expect(!one.isCompliant)
        var two = activities
        two[3].type = "planned"
        #expect(try F.assess(scheme, F.record(two)).isCompliant)
    }

    @Test func distinctTypesNeedsAMixture() throws {
        let scheme = F.scheme(categories: ["learning"], rules: [F.rule("mixture", .distinctTypes(categories: nil, 2))],
                              unit: CPDUnit(name: "activities", perHour: nil, perActivity: 1))
        let same = try F.assess(scheme, F.record([F.free("1", "2025-01-10", category: "learning", type: "course"), F.free("2", "2025-02-10", category: "learning", type: "course")]))
        #expect(same.rule("mixture").achieved == 1)
        #expect(!same.isCompliant)
        let mixed = try F.assess(scheme, F.record([F.free("1", "2025-01-10", category: "learning", type: "course"), F.free("2", "2025-02-10", category: "learning", type: "peer review")]))
        #expect(mixed.isCompliant)
    }

    @Test func declaredFiguresAreCheckedAsDeclared() throws {
        let scheme = F.scheme(rules: [F.rule("practice", .declared(name: "practice-hours", 450))])
        #expect(try !F.assess(scheme, F.record([], declarations: ["practice-hours": 449])).isCompliant)
        #expect(try F.assess(scheme, F.record([], declarations: ["practice-hours": 450])).isCompliant)
        let missing = try F.assess(scheme, F.record([]))
        #expect(missing.rule("practice").shortfall == 450)
    }

    @Test func activitiesOutsideTheCycleOrAfterTheAssessmentDoNotCount() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(1))])
        let outcome = try F.assess(scheme, F.record([
            F.free("before", "2024-12-31", hours: 5), F.free("after", "2026-01-01", hours: 5), F.free("future", "2025-09-01", hours: 5),
        ], asOf: "2025-06-30"))
        #expect(outcome.period == CPDPeriod(start: F.day("2025-01-01"), end: F.day("2025-12-31"), isFirst: true))
        #expect(outcome.activity(0).rejection == .outsideCycle(outcome.period))
        #expect(outcome.activity(1).rejection == .outsideCycle(outcome.period))
        #expect(outcome.activity(2).rejection == .afterAssessment(F.day("2025-06-30")))
        #expect(outcome.activity(0).claimed == 5)
        #expect(!outcome.isCompliant)
    }

    @Test func theFirstCycleMayAcceptEarlierActivities() throws {
        // Poland's nurses: forms completed before 1 January 2026 count toward the first period.
        let scheme = F.scheme(rules: [F.rule("total", .total(5))], earlier: true)
        #expect(try F.assess(scheme, F.record([F.free("early", "2024-06-01", points: 5)])).isCompliant)
        var second = F.record([F.free("early", "2025-06-01", points: 5)], asOf: "2026-06-01")
        second.cycleEnds = F.day("2026-12-31")
        let outcome = try F.assess(scheme, second)
        #expect(!outcome.period.isFirst)
        #expect(outcome.activity(0).rejection == .outsideCycle(outcome.period))
    }

    @Test func catalogueCredentialsEarnTheirStatedPointsAndCategory() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(12)), F.rule("b-min", .minimum(categories: ["b"], 5))])
        let catalogue = F.catalogue([
            F.credential("c1", category: "b", points: 8), F.credential("c2", points: nil, hours: 6),
            F.credential("other", scheme: "OTHER"),
            F.credential("old", approvedUntil: F.day("2025-03-31")), F.credential("new", approvedFrom: F.day("2025-09-01")),
        ])
        let outcome = try F.assess(scheme, F.record([
            .credential("c1", date: F.day("2025-02-01")), .credential("c2", date: F.day("2025-02-02")), .credential("other", date: F.day("2025-02-03")),
            .credential("old", date: F.day("2025-05-01")), .credential("new", date: F.day("2025-05-01")), .credential("gone", date: F.day("2025-05-01")),
            .credential("c1", date: F.day("2025-06-01")), .credential("c1", date: F.day("2025-06-02"), category: "zzz"),
        ]), catalogue: catalogue)
        #expect(outcome.activity(0).category == "b")
        #expect(outcome.activity(0).counted == 8)
        // No stated points: the credential's 6 hours at 1 per hour.
        #expect(outcome.activity(1).counted == 6)
        #expect(outcome.activity(2).rejection == .notForScheme("S"))
        #expect(outcome.activity(3).rejection == .approvalExpired(F.day("2025-03-31")))
        #expect(outcome.activity(4).rejection == .approvalNotYet(F.day("2025-09-01")))
        #expect(outcome.activity(5).rejection == .unknownCredential("gone"))
        #expect(outcome.activity(6).rejection == .repeatedCredential(firstIndex: 0))
        #expect(outcome.activity(7).rejection == .unknownCategory("zzz"))
        #expect(outcome.rule("total").achieved == 14)
        #expect(outcome.isCompliant)
    }

    @Test func freeActivitiesNeedAKnownCategoryAndAnAmount() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(1))], unit: CPDUnit(name: "points", perHour: nil))
        let outcome = try F.assess(scheme, F.record([
            F.free("no category", "2025-02-01", points: 3, category: nil), F.free("odd", "2025-02-01", points: 3, category: "zzz"),
            F.free("hours only", "2025-02-01", hours: 3), F.free("fine", "2025-02-01", points: 3),
        ]))
        #expect(outcome.activity(0).rejection == .noCategory)
        #expect(outcome.activity(1).rejection == .unknownCategory("zzz"))
        #expect(outcome.activity(2).rejection == .noAmount)
        #expect(outcome.activity(3).counted == 3)
        let withDefault = F.scheme(rules: [F.rule("total", .total(1))], defaultCategory: "b")
        #expect(try F.assess(withDefault, F.record([F.free("x", "2025-02-01", hours: 2, category: nil)])).activity(0).category == "b")
    }

    @Test func unitsConvertECTSAndRoundDownToTheIncrement() throws {
        let unit = CPDUnit(name: "credits", perHour: 1, hoursPerECTS: 25, increment: 0.25)
        #expect(unit.points(hours: 1.6, ects: nil) == 1.5)
        #expect(unit.points(hours: nil, ects: 2) == 50)
        #expect(unit.points(hours: 0.75, ects: nil) == 0.75)
        #expect(unit.points(hours: nil, ects: nil) == nil)
        #expect(CPDUnit(name: "records", perHour: nil, perActivity: 1).points(hours: 40, ects: nil) == 1)
    }

    @Test func adjustmentsReduceRaiseWaiveAndScaleRequirements() throws {
        let scheme = F.scheme(
            rules: [F.rule("total", .total(150)), F.rule("extra", .minimum(categories: ["b"], 0)), F.rule("practice", .declared(name: "practice-hours", 100))],
            adjustments: [
                CPDAdjustment(id: "prev-high", label: "previous 121-150", condition: .previousCycle(min: 121, max: 150), effect: .reduce(amount: 30, fraction: nil), rules: ["total"], source: F.source),
                CPDAdjustment(id: "dossier", label: "dossier", condition: .declared("dossier"), effect: .reduce(amount: 30, fraction: nil), rules: ["total"], source: F.source),
                CPDAdjustment(id: "university", label: "university years", condition: .declared("university-years"), effect: .reduce(amount: nil, fraction: 1.0 / 3), rules: ["total"], perDeclaredUnit: true, maxUnits: 3, source: F.source),
                CPDAdjustment(id: "endorsement", label: "endorsement", condition: .declared("endorsements"), effect: .raise(amount: 10), rules: ["total", "extra"], perDeclaredUnit: true, source: F.source),
                CPDAdjustment(id: "exempt", label: "exempt", condition: .declared("exempt"), effect: .waive, rules: ["practice"], source: F.source),
            ])
        let checker = CPDChecker(scheme: scheme, catalogue: Catalogue())
        let period = try scheme.period(cycleEnds: nil, asOf: F.day("2025-06-01"))
        func required(_ record: PractitionerRecord, _ rule: String) -> Double { checker.requirements(for: record, period: period)[rule]!.required }
        #expect(required(PractitionerRecord(previousPoints: 130), "total") == 120)
        #expect(required(PractitionerRecord(previousPoints: 100), "total") == 150)
        #expect(required(PractitionerRecord(previousPoints: 150, declarations: ["dossier": 1]), "total") == 90)
        #expect(abs(required(PractitionerRecord(declarations: ["university-years": 2]), "total") - 50) < 1e-9)
        // At most three years count, and the obligation never goes below zero.
        #expect(required(PractitionerRecord(declarations: ["university-years": 5, "dossier": 1]), "total") == 0)
        // Raises come before reductions: 150 + 20 - 150/3.
        #expect(abs(required(PractitionerRecord(declarations: ["endorsements": 2, "university-years": 1]), "total") - 120) < 1e-9)
        #expect(required(PractitionerRecord(declarations: ["endorsements": 2]), "extra") == 20)
        let waived = try checker.assess(PractitionerRecord(declarations: ["exempt": 1], activities: [.free("x", date: F.day("2025-02-01"), hours: 150, category: "a")]), asOf: F.day("2025-12-31"))
        #expect(waived.rule("practice").waived)
        #expect(waived.isCompliant)
        #expect(waived.rule("practice").adjustedBy == ["exempt"])
    }

    @Test func proRataScalesByTheDaysRegistered() throws {
        // Registered on 2 July: 183 of 365 days, so 20 hours become 10.03 (rounded up to hundredths).
        let scheme = F.scheme(
            rules: [F.rule("total", .total(20))],
            adjustments: [CPDAdjustment(id: "pro-rata", label: "pro rata", condition: .registeredDuringCycle, effect: .proRata, rules: ["total"], source: F.source)])
        var record = F.record([F.free("x", "2025-08-01", hours: 10.03)])
        record.registeredOn = F.day("2025-07-02")
        let outcome = try F.assess(scheme, record)
        #expect(outcome.rule("total").required == 10.03)
        #expect(outcome.isCompliant)
        record.registeredOn = F.day("2024-03-01")
        #expect(try F.assess(scheme, record).rule("total").required == 20)
    }

    @Test func carryOverAddsThePreviousCyclesSurplusUpToItsLimit() throws {
        let scheme = F.scheme(rules: [F.rule("total", .total(50)), F.rule("a-min", .minimum(categories: ["a"], 10))],
                              carryOver: CPDCarryOver(max: 10, source: F.source))
        var record = F.record([F.free("x", "2025-03-01", hours: 42)])
        record.previousPoints = 56
        let six = try F.assess(scheme, record)
        #expect(six.carriedOver == 6)
        #expect(six.rule("total").achieved == 48)
        #expect(!six.isCompliant)
        record.previousPoints = 90
        let capped = try F.assess(scheme, record)
        #expect(capped.carriedOver == 10)
        #expect(capped.isCompliant)
        // Carried points without a category count toward the total only.
        #expect(capped.rule("a-min").achieved == 42)
        let none = F.scheme(rules: [F.rule("total", .total(50))], carryOver: CPDCarryOver(max: 0, source: F.source))
        #expect(try F.assess(none, record).carriedOver == 0)
    }

    @Test func cyclesFollowTheirAnchorOrTheRenewalDate() throws {
        let fixed = F.scheme(rules: [], cycle: CPDCycle(months: 36, anchor: .fixed(firstStart: F.day("2023-01-01"))))
        #expect(try fixed.period(cycleEnds: nil, asOf: F.day("2027-02-01")) == CPDPeriod(start: F.day("2026-01-01"), end: F.day("2028-12-31")))
        #expect(try fixed.period(cycleEnds: F.day("2025-12-31"), asOf: F.day("2027-02-01")).start == F.day("2023-01-01"))
        #expect(throws: CPDRecordError.self) { try fixed.period(cycleEnds: F.day("2025-06-30"), asOf: F.day("2025-01-01")) }
        let annual = F.scheme(rules: [], cycle: CPDCycle(months: 12, anchor: .fixed(firstStart: F.day("2025-05-01"))))
        #expect(try annual.period(cycleEnds: nil, asOf: F.day("2026-04-30")) == CPDPeriod(start: F.day("2025-05-01"), end: F.day("2026-04-30"), isFirst: true))
        #expect(try annual.period(cycleEnds: nil, asOf: F.day("2026-05-01")).start == F.day("2026-05-01"))
        let rolling = F.scheme(rules: [], cycle: CPDCycle(months: 36, anchor: .renewal))
        #expect(try rolling.period(cycleEnds: F.day("2027-03-31"), asOf: F.day("2026-01-01")) == CPDPeriod(start: F.day("2024-04-01"), end: F.day("2027-03-31")))
        #expect(throws: CPDRecordError.self) { try rolling.period(cycleEnds: nil, asOf: F.day("2026-01-01")) }
        var bounded = fixed
        bounded.until = F.day("2025-12-31")
        #expect(throws: CPDRecordError.self) { try bounded.period(cycleEnds: nil, asOf: F.day("2026-06-01")) }
        // The fixture's rules took effect on 2025-01-01: an earlier renewal is not theirs to judge.
        #expect(throws: CPDRecordError.self) { try rolling.period(cycleEnds: F.day("2024-12-31"), asOf: F.day("2024-12-31")) }
    }
}
