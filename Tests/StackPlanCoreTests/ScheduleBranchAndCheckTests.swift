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
