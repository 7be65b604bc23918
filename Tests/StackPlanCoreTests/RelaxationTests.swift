import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// Weekly hours and the deadline among the relaxations, each checked by planning again at the
/// figure returned and just short of it; and what-if flags that change only the scenario.
@Suite struct RelaxationTests {
    typealias F = Fixture
    static let start = Day("2027-01-04")!

    func request(hoursPerWeek: Double, deadline: Day? = nil, budget: Double? = nil) -> PlanRequest {
        var request = F.request(constraints: LearnerConstraints(budget: budget, deadline: deadline), objectives: [.cost])
        request.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: hoursPerWeek)
        return request
    }

    /// Two modules offered once, at the same time: 100 h over 4 weeks each, so together 50 h a
    /// week; and a self-paced one of 60 h that fits anywhere.
    var clashing: Catalogue {
        var x = F.credential("x", ects: 4, cost: 100, hours: 100)
        x.offerings = [Offering(id: "x1", start: Day("2027-02-01")!, weeks: 4)]
        var y = F.credential("y", ects: 4, cost: 100, hours: 100)
        y.offerings = [Offering(id: "y1", start: Day("2027-02-01")!, weeks: 4)]
        let z = F.credential("z", ects: 4, cost: 100, hours: 60)
        return F.catalogue([x, y, z], [F.qualification(.allOf([.credential("x"), .credential("y"), .credential("z")]))])
    }

    func hasPlan(_ catalogue: Catalogue, _ request: PlanRequest) throws -> Bool {
        try Planner(catalogue: catalogue).plan(request).plan != nil
    }

    @Test func theFewestWeeklyHoursThatWorkAndTheFinishDate() throws {
        let catalogue = clashing
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(request(hoursPerWeek: 10)).diagnosis)
        let weekly = try #require(diagnosis.relaxations.first { $0.limits == ["hoursPerWeek"] })
        let hours = try #require(weekly.value)
        #expect(hours == 50)
        #expect(try hasPlan(catalogue, request(hoursPerWeek: hours)))
        #expect(try !hasPlan(catalogue, request(hoursPerWeek: hours - 1)))
        // The plan at those hours, and its finish date, are what the relaxation reports.
        let plan = try #require(try Planner(catalogue: catalogue).plan(request(hoursPerWeek: hours)).plan)
        #expect(weekly.completion == plan.completes)
        #expect(weekly.planCost == plan.totals.cost)
    }

    @Test func weeklyHoursAreRelaxedWithTheOtherLimitsKept() throws {
        // A deadline two weeks after x and y end: the hours found must keep it.
        let catalogue = clashing
        let deadline = Day("2027-03-14")!
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(request(hoursPerWeek: 10, deadline: deadline)).diagnosis)
        let weekly = try #require(diagnosis.relaxations.first { $0.limits == ["hoursPerWeek"] })
        let hours = try #require(weekly.value)
        #expect(try hasPlan(catalogue, request(hoursPerWeek: hours, deadline: deadline)))
        #expect(try !hasPlan(catalogue, request(hoursPerWeek: hours - 1, deadline: deadline)))
        #expect(try #require(weekly.completion) <= deadline)
    }

    @Test func noWeeklyHoursRelaxationWhenHoursCannotHelp() throws {
        // A budget below any plan: more hours a week change nothing.
        let diagnosis = try #require(try Planner(catalogue: clashing).plan(request(hoursPerWeek: 10, budget: 50)).diagnosis)
        #expect(!diagnosis.relaxations.contains { $0.limits == ["hoursPerWeek"] })
    }

    @Test func theEarliestDeadlineThatWorks() throws {
        let catalogue = clashing
        let tooEarly = Day("2027-02-14")!
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(request(hoursPerWeek: 60, deadline: tooEarly)).diagnosis)
        let moved = try #require(diagnosis.relaxations.first { $0.limits == ["deadline"] })
        let earliest = try #require(moved.completion)
        #expect(try hasPlan(catalogue, request(hoursPerWeek: 60, deadline: earliest)))
        #expect(try !hasPlan(catalogue, request(hoursPerWeek: 60, deadline: earliest.adding(days: -1))))
    }

    // MARK: What-if

    func profile(hoursPerWeek: Double?) -> LearnerProfile {
        var profile = LearnerProfile(today: F.today)
        profile.hoursPerWeek = hoursPerWeek
        profile.start = Self.start
        return profile
    }

    @Test func whatIfWeeklyHoursChangeOnlyTheScenario() throws {
        // As the command line builds it: the flag's 60 h a week in the request, the profile's 10.
        var flagged = PlanRequest(target: "q", learner: profile(hoursPerWeek: 10), today: F.today)
        flagged.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: 60)
        let baseline = try flagged.asTheProfileGivesIt()
        #expect(baseline.schedule?.hoursPerWeek == 10)
        let result = try Planner(catalogue: clashing).whatIf(baseline, WhatIfScenario(schedule: flagged.schedule))
        #expect(result.scenarioRequest.schedule?.hoursPerWeek == 60)
        #expect(result.baseline.plan == nil)
        #expect(result.scenario.plan != nil)
    }

    @Test func whatIfKeepsTheScenarioCalendarWhenTheProfileHasNone() throws {
        var flagged = PlanRequest(target: "q", learner: profile(hoursPerWeek: nil), objectives: [.duration], today: F.today)
        flagged.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: 60)
        #expect(try flagged.asTheProfileGivesIt().schedule?.hoursPerWeek == 60)
        // Without a need for a calendar, the baseline plans without one.
        var plain = flagged
        plain.objectives = [.cost]
        #expect(try plain.asTheProfileGivesIt().schedule == nil)
    }

    @Test func whatIfLimitFlagsLeaveTheBaselineLimits() throws {
        var learner = profile(hoursPerWeek: 60)
        learner.constraints.budget = 1000
        var flagged = PlanRequest(target: "q", learner: learner, constraints: LearnerConstraints(budget: 10), today: F.today)
        flagged.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: 60)
        #expect(try flagged.asTheProfileGivesIt().constraints.budget == 1000)
    }
}
