import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// Branch and check (ScheduleBranchAndCheck.swift) against the plain time-indexed model, and
/// the pieces it is made of.
@Suite struct ScheduleBranchAndCheckTests {
    typealias F = Fixture
    static let start = ScheduleTests.start

    func request(hoursPerWeek: Double, objectives: [Objective], deadline: String? = nil) -> PlanRequest {
        var request = F.request(constraints: LearnerConstraints(deadline: deadline.flatMap(Day.init)), objectives: objectives)
        request.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: hoursPerWeek)
        return request
    }

    func plans(_ catalogue: Catalogue, _ request: PlanRequest) throws -> (checked: PlanOutcome, timeIndexed: PlanOutcome) {
        // Both models are compared at their proven optima: beside the whole suite on two cores
        // a minute's deadline can run out, and a plan stopped early proves nothing either way.
        var request = request
        request.solverOptions = SolveOptions(timeLimit: 900)
        var plain = request
        plain.timeIndexedSchedule = true
        return (try Planner(catalogue: catalogue).plan(request), try Planner(catalogue: catalogue).plan(plain))
    }

    /// The master's cheapest set cannot be scheduled (its two dated courses clash in every
    /// week): the check sends it back with a cut, and the next set is the plan.
    @Test func aSetWhoseCoursesClashIsCutOff() throws {
        var a = F.credential("a", ects: 4, cost: 100)
        a.offerings = [Offering(id: "a1", start: Self.start, weeks: 4)]
        var b = F.credential("b", ects: 4, cost: 100)
        b.offerings = [Offering(id: "b1", start: Self.start, weeks: 4)]
        let c = F.credential("c", ects: 4, cost: 300)
        let catalogue = F.catalogue([a, b, c], [F.qualification(.atLeast(2, [.credential("a"), .credential("b"), .credential("c")]))])
        // 100 hours over 4 weeks is 25 a week: with 30 a week, a and b cannot run together.
        let request = request(hoursPerWeek: 30, objectives: [.cost], deadline: "2027-03-31")
        let formulation = try Planner(catalogue: catalogue).formulation(request, qualification: catalogue.qualifications[0])
        #expect(formulation.calendar?.form == .bounds)
        let outcome = try Planner(catalogue: catalogue).plan(request)
        let plan = try #require(outcome.plan)
        #expect(plan.taken == ["a", "c"])
        #expect(plan.status == .optimal)
        #expect(plan.totals.cost == 400)
    }

    /// Heavy credentials (more than half the week each) run one after another: the bound
    /// `heavy_weeks` alone proves the completion, with no cut.
    @Test func heavyCredentialsAddUpTheirWeeks() throws {
        let credentials = ["a", "b", "c"].map { F.credential($0, ects: 4, cost: 100) }  // 100 h: 5 weeks at 20 h
        let catalogue = F.catalogue(credentials, [F.qualification(.allOf(credentials.map { .credential($0.id) }))])
        let request = request(hoursPerWeek: 20, objectives: [.duration])
        let formulation = try Planner(catalogue: catalogue).formulation(request, qualification: catalogue.qualifications[0])
        #expect(formulation.model.rows.contains { $0.name == "heavy_weeks" })
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.objectiveValues == [105])
        #expect(plan.status == .optimal)
    }

    /// A dated offering's own fee makes a plan's cost depend on its runs: the time-indexed model decides.
    @Test func ownOfferingFeesKeepTheTimeIndexedModel() throws {
        var m = F.credential("m", ects: 4, cost: 500)
        m.offerings = [Offering(id: "spring", start: Self.start, weeks: 6, cost: 900)]
        let catalogue = F.catalogue([m], [F.qualification(.credential("m"))])
        let formulation = try Planner(catalogue: catalogue).formulation(request(hoursPerWeek: 20, objectives: [.cost]), qualification: catalogue.qualifications[0])
        #expect(formulation.calendar?.form == .timeIndexed)
    }

    /// A calendar that stops inside a week (a deadline, a placement's end, a stage's optimum)
    /// still gives that week the whole weekly hours: no run reaches past the end, and the rule
    /// is per whole week. Two one-week courses from Thursday to Thursday (20 h and 10 h) fit
    /// 20 h weeks (17.1 h in the first, 12.9 h in the second), though the last three days hold
    /// more than three sevenths of 20 h.
    @Test func aWeekTheCalendarCutsShortHoldsTheWholeWeeklyHours() throws {
        let thursday = Self.start.adding(days: 3)
        var a = F.credential("a", ects: 1, cost: 100, hours: 20)
        a.offerings = [Offering(id: "a1", start: thursday, weeks: 1)]
        var b = F.credential("b", ects: 1, cost: 100, hours: 10)
        b.offerings = [Offering(id: "b1", start: thursday, weeks: 1)]
        let catalogue = F.catalogue([a, b], [F.qualification(.allOf([.credential("a"), .credential("b")]))])
        // The check on its own, its calendar ending with the courses (day 10, a Thursday).
        let settings = ScheduleSettings(start: Self.start, hoursPerWeek: 20)
        let request = request(hoursPerWeek: 20, objectives: [.cost], deadline: thursday.adding(days: 6).description)
        let check = ScheduleCheck(settings: settings) { id, end in
            Formulation.calendarRuns(of: catalogue.credential(id)!, catalogue: catalogue, request: request, settings: settings, until: end)
        }
        let result = try check.earliest(["a", "b"], order: [], lowerBound: 0, limit: 10, options: SolveOptions(timeLimit: 60))
        let scheduled = try #require(result.scheduled, "expected a schedule ending on day 10, got \(result)")
        #expect(scheduled.completion == 10 && scheduled.proven)
        // Planned with the deadline on the courses' last day, by both models.
        let (checked, plain) = try plans(catalogue, request)
        for outcome in [checked, plain] {
            let plan = try #require(outcome.plan, "\(outcome)")
            #expect(plan.completes == thursday.adding(days: 6))
            #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        }
    }

    /// Self-paced credentials that no other run can share a week with (at 20 h a week, each
    /// over 10 h a week) are interchangeable whatever their hours: one that runs no more weeks
    /// at no more cost dominates. x3 (8 weeks) is dominated by x1 (7) and x2 (6); x1 and x2
    /// neither dominates the other. With the runs compared exactly (hours 125, 110, 140) none
    /// would be left out.
    @Test func selfPacedCredentialsAloneInTheirWeeksDominateByLength() throws {
        func course(_ id: String, hours: Double, weeks: Int) -> Credential {
            var credential = F.credential(id, ects: 5, cost: 100, hours: hours, competencies: ["a"])
            credential.weeks = weeks
            return credential
        }
        let catalogue = F.catalogue(
            [course("x1", hours: 125, weeks: 7), course("x2", hours: 110, weeks: 6), course("x3", hours: 140, weeks: 8)],
            [F.qualification(.allOf([.credits(5, CredentialFilter(competencies: ["a"]))]))])
        let alone = request(hoursPerWeek: 20, objectives: [.duration, .cost])
        let formulation = Formulation(catalogue: catalogue, request: alone, qualification: catalogue.qualifications[0])
        #expect(formulation.candidates.map(\.id) == ["x1", "x2"])
        #expect(try PruningTests.expectSameOptimum(catalogue, alone))
        // At 40 h a week two of them fit one week: only the very same runs are interchangeable.
        let shared = request(hoursPerWeek: 40, objectives: [.duration, .cost])
        #expect(Formulation(catalogue: catalogue, request: shared, qualification: catalogue.qualifications[0]).candidates.count == 3)
    }

    /// Pruning self-paced credentials alone in their weeks never changes an optimum: random
    /// self-paced courses of varied hours and lengths, a few light ones and a dated one that
    /// can share weeks, prerequisites, budgets and hours limits, every stage compared.
    @Test(arguments: 0..<3)
    func pruningCredentialsAloneInTheirWeeksKeepsTheOptimum(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(9300 + batch))
        var prunedSomething = 0
        for _ in 0..<8 {
            var credentials: [Credential] = []
            for index in 0..<Int.random(in: 10...16, using: &generator) {
                let ects = [2.0, 3, 5].randomElement(using: &generator)!
                var credential = F.credential(
                    "c\(index < 10 ? "0" : "")\(index)", ects: ects, cost: Double(Int.random(in: 1...4, using: &generator) * 100),
                    hours: Bool.random(using: &generator) ? (ects * Double.random(in: 20...30, using: &generator)).rounded() : nil,
                    competencies: [["a", "b"].randomElement(using: &generator)!])
                credential.weeks = max(1, Int((ects * Double.random(in: 0.6...1.6, using: &generator)).rounded()))
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: credential.weeks = Int(ects) * 4  // light: can share a week
                case 1: credential.offerings = [Offering(start: Self.start.adding(days: 7 * Int.random(in: 0...6, using: &generator) + 2), weeks: Int(ects) * 2)]
                case 2 where index > 0: credential.prerequisites = .credential(credentials[Int.random(in: 0..<index, using: &generator)].id)
                default: break
                }
                credentials.append(credential)
            }
            let qualification = F.qualification(.allOf([
                .credits(Double(Int.random(in: 4...10, using: &generator)), CredentialFilter(competencies: ["a"])),
                .credits(Double(Int.random(in: 2...6, using: &generator)), CredentialFilter(competencies: ["b"])),
            ]))
            let catalogue = F.catalogue(credentials, [qualification])
            let constraints = LearnerConstraints(
                budget: Int.random(in: 0..<3, using: &generator) == 0 ? Double(Int.random(in: 6...12, using: &generator) * 100) : nil,
                maxHours: Int.random(in: 0..<4, using: &generator) == 0 ? Double(Int.random(in: 8...14, using: &generator) * 25) : nil)
            var request = F.request(
                constraints: constraints,
                objectives: [[.duration, .cost], [.cost], [.cost, .duration], [.workload], [.duration]].randomElement(using: &generator)!)
            request.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: [16.0, 20, 25].randomElement(using: &generator)!)
            request.solverOptions = SolveOptions(timeLimit: 900)
            if try PruningTests.expectSameOptimum(catalogue, request) { prunedSomething += 1 }
        }
        #expect(prunedSomething >= 4)
    }

    /// Random calendars larger than enumeration allows: branch and check and the plain
    /// time-indexed model must agree on every objective, the completion and the fee.
    @Test(arguments: 0..<4)
    func branchAndCheckMatchesTheTimeIndexedModel(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(9100 + batch))
        for _ in 0..<6 {
            let instance = LargerRandomSchedule(using: &generator)
            let (checked, plain) = try plans(instance.catalogue, instance.request)
            switch (checked, plain) {
            case (.planned(let ours), .planned(let theirs)):
                #expect(ours.status == .optimal && theirs.status == .optimal, "\(instance)")
                #expect(zip(ours.objectiveValues, theirs.objectiveValues).allSatisfy { abs($0 - $1) < 1e-6 },
                        "branch and check \(ours.objectiveValues) \(ours.schedule ?? []) vs time-indexed \(theirs.objectiveValues) \(theirs.schedule ?? [])\n\(instance)")
                #expect(ours.completes == theirs.completes, "\(String(describing: ours.completes)) vs \(String(describing: theirs.completes))\n\(instance)")
                #expect(abs(ours.totals.cost - theirs.totals.cost) < 1e-6 && ours.taken.count == theirs.taken.count, "\(ours.taken) vs \(theirs.taken)\n\(instance)")
            case (.infeasible, .infeasible):
                break
            default:
                Issue.record("branch and check \(checked) vs time-indexed \(plain)\n\(instance)")
            }
        }
    }
}

/// Random calendars of 7 to 10 credentials, self-paced and dated (offerings without fees of
/// their own), with prerequisites (one credential or either of two), a credit requirement and
/// light and heavy weekly loads: too many for enumeration, small for the time-indexed model.
struct LargerRandomSchedule: CustomStringConvertible {
    var catalogue: Catalogue
    var request: PlanRequest

    init(using generator: inout SeededGenerator) {
        let start = ScheduleTests.start
        let count = Int.random(in: 7...10, using: &generator)
        var credentials: [Credential] = []
        for index in 0..<count {
            var credential = Fixture.credential(
                "c\(index)", ects: [2, 3, 4, 5].randomElement(using: &generator)!,
                cost: Double(Int.random(in: 1...9, using: &generator) * 100))
            if Int.random(in: 0..<3, using: &generator) == 0 {
                credential.offerings = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                    Offering(start: start.adding(days: 7 * Int.random(in: 0...12, using: &generator) + Int.random(in: 0...3, using: &generator)),
                             weeks: Int.random(in: 3...8, using: &generator))
                }
            } else {
                credential.weeks = Int.random(in: 2...10, using: &generator)
            }
            if index > 1 {
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: credential.prerequisites = .credential("c\(Int.random(in: 0..<index, using: &generator))")
                case 1:
                    let first = Int.random(in: 0..<index, using: &generator)
                    let second = (first + 1 + Int.random(in: 0..<(index - 1), using: &generator)) % index
                    credential.prerequisites = .anyOf([.credential("c\(first)"), .credential("c\(second)")])
                default: break
                }
            }
            credentials.append(credential)
        }
        let total = credentials.reduce(0) { $0 + $1.credits }
        let minimum = (total * Double.random(in: 0.35...0.6, using: &generator)).rounded()
        let rule: RequirementNode.Rule = Bool.random(using: &generator)
            ? .credits(minimum, CredentialFilter())
            : .allOf([.credential("c\(Int.random(in: 0..<count, using: &generator))"), .credits(minimum, CredentialFilter())])
        catalogue = Fixture.catalogue(credentials, [Fixture.qualification(rule)])
        let objectives = [[Objective.duration, .cost], [.cost], [.duration], [.cost, .duration], [.workload, .duration]].randomElement(using: &generator)!
        let deadline: Day? = Bool.random(using: &generator) ? start.adding(days: 7 * Int.random(in: 14...40, using: &generator) - 1) : nil
        request = Fixture.request(constraints: LearnerConstraints(deadline: deadline), objectives: objectives)
        // Weekly starts throughout, so that the time-indexed model's calendar is the full one too.
        request.schedule = ScheduleSettings(
            start: start, hoursPerWeek: [12.0, 15, 20, 30, 45].randomElement(using: &generator)!, weeklySelfPacedStarts: 1000)
    }

    var description: String {
        String(decoding: CatalogueDocument.data(catalogue), as: UTF8.self)
            + "\n\(request.schedule!.hoursPerWeek) h/week, deadline \(String(describing: request.constraints.deadline)), \(request.objectives)"
    }
}

extension ScheduleCheck.Result {
    /// The completion of a schedule found, and whether it is proven the earliest.
    var scheduled: (completion: Int, proven: Bool)? {
        if case .scheduled(_, let completion, let proven) = self { return (completion, proven) }
        return nil
    }
}
