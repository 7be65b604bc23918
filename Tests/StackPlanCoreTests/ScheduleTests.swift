import Foundation
import MILP
import Testing
@testable import StackPlanCore

@Suite struct ScheduleTests {
    typealias F = Fixture
    static let start = Day("2027-01-04")!  // a Monday

    func offering(_ id: String, _ start: String, weeks: Int, cost: Double? = nil, seats: Int? = nil) -> Offering {
        Offering(id: id, start: Day(start)!, weeks: weeks, cost: cost, seats: seats)
    }

    func request(hoursPerWeek: Double, objectives: [Objective], deadline: String? = nil, budget: Double? = nil) -> PlanRequest {
        var request = F.request(constraints: LearnerConstraints(budget: budget, deadline: deadline.flatMap(Day.init)), objectives: objectives)
        request.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: hoursPerWeek)
        return request
    }

    func plan(_ catalogue: Catalogue, _ request: PlanRequest) throws -> Plan {
        let outcome = try Planner(catalogue: catalogue).plan(request)
        let plan = try #require(outcome.plan, "expected a plan, got \(outcome)")
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        return plan
    }

    func runs(_ plan: Plan) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (plan.schedule ?? []).map { ($0.credential, $0.start.description) })
    }

    @Test func prerequisiteChainRunsInOrder() throws {
        var a = F.credential("a", ects: 4, cost: 100)
        a.offerings = [offering("a1", "2027-01-04", weeks: 4), offering("a2", "2027-02-01", weeks: 4)]
        var b = F.credential("b", ects: 4, cost: 100, prerequisites: .credential("a"))
        b.offerings = [offering("b1", "2027-01-18", weeks: 4), offering("b2", "2027-02-01", weeks: 4), offering("b3", "2027-03-01", weeks: 4)]
        var c = F.credential("c", ects: 4, cost: 100, prerequisites: .credential("b"))
        c.offerings = [offering("c1", "2027-02-15", weeks: 4), offering("c2", "2027-03-01", weeks: 4), offering("c3", "2027-04-05", weeks: 4)]
        let catalogue = F.catalogue([a, b, c], [F.qualification(.credential("c"))])
        let result = try plan(catalogue, request(hoursPerWeek: 40, objectives: [.duration]))
        // a must end (2027-02-01) before b starts: b2 on 2027-02-01, ending 2027-03-01, then c2.
        #expect(runs(result) == ["a": "2027-01-04", "b": "2027-02-01", "c": "2027-03-01"])
        #expect(result.completes == Day("2027-03-28"))
        #expect(result.objectiveValues == [84])
    }

    @Test func capacityClashForcesALaterOffering() throws {
        // Each needs 100 h over 4 weeks (25 h a week); with 30 h a week they cannot overlap.
        var x = F.credential("x", ects: 4, cost: 100)
        x.offerings = [offering("x1", "2027-01-04", weeks: 4)]
        var y = F.credential("y", ects: 4, cost: 100)
        y.offerings = [offering("y1", "2027-01-04", weeks: 4), offering("y2", "2027-02-01", weeks: 4)]
        let catalogue = F.catalogue([x, y], [F.qualification(.allOf([.credential("x"), .credential("y")]))])
        let tight = try plan(catalogue, request(hoursPerWeek: 30, objectives: [.duration]))
        #expect(runs(tight) == ["x": "2027-01-04", "y": "2027-02-01"])
        let roomy = try plan(catalogue, request(hoursPerWeek: 50, objectives: [.duration]))
        #expect(runs(roomy) == ["x": "2027-01-04", "y": "2027-01-04"])
    }

    @Test func deadlineForcesADearerOffering() throws {
        var m = F.credential("m", ects: 4, cost: 500)
        m.offerings = [offering("spring", "2027-01-11", weeks: 6, cost: 900), offering("autumn", "2027-09-06", weeks: 6)]
        let catalogue = F.catalogue([m], [F.qualification(.credential("m"))])
        let cheap = try plan(catalogue, request(hoursPerWeek: 20, objectives: [.cost]))
        #expect(runs(cheap) == ["m": "2027-09-06"] && cheap.totals.cost == 500)
        let hurried = try plan(catalogue, request(hoursPerWeek: 20, objectives: [.cost], deadline: "2027-06-30"))
        #expect(runs(hurried) == ["m": "2027-01-11"] && hurried.totals.cost == 900)
    }

    @Test func impossibleDeadlineNamesTheEarliestCompletion() throws {
        var m = F.credential("m", ects: 4, cost: 500)
        m.offerings = [offering("spring", "2027-03-01", weeks: 6)]
        let catalogue = F.catalogue([m], [F.qualification(.credential("m"))])
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(request(hoursPerWeek: 20, objectives: [.duration], deadline: "2027-03-15")).diagnosis)
        #expect(diagnosis.earliestCompletion == Day("2027-04-11"))
        #expect(diagnosis.summary == .limits([.deadline(earliest: Day("2027-04-11")!, deadline: Day("2027-03-15")!)]))
    }

    @Test func selfPacedCredentialsStretchToTheWeek() throws {
        // 100 hours at 10 a week: 10 weeks, whatever the stated 4.
        var s = F.credential("s", ects: 4, cost: 50)
        s.weeks = 4
        let catalogue = F.catalogue([s], [F.qualification(.credential("s"))])
        let result = try plan(catalogue, request(hoursPerWeek: 10, objectives: [.duration]))
        #expect(result.schedule?.first?.weeks == 10)
        #expect(result.schedule?.first?.start == Self.start)
    }

    @Test func frontierListsTheThreeNonDominatedPlans() throws {
        // One module, three runs: early and dear, middle, late and cheap; and a dominated run
        // (later and dearer than the middle one) that must not appear.
        var m = F.credential("m", ects: 4, cost: 0)
        m.offerings = [
            offering("jan", "2027-01-04", weeks: 4, cost: 900), offering("mar", "2027-03-01", weeks: 4, cost: 600),
            offering("apr", "2027-04-05", weeks: 4, cost: 700), offering("sep", "2027-09-06", weeks: 4, cost: 300),
        ]
        let catalogue = F.catalogue([m], [F.qualification(.credential("m"))])
        let planner = Planner(catalogue: catalogue)
        let frontier = try planner.frontier(request(hoursPerWeek: 30, objectives: [.duration]))
        #expect(frontier.plans.map { runs($0)["m"] } == ["2027-01-04", "2027-03-01", "2027-09-06"])
        #expect(frontier.plans.map(\.totals.cost) == [900, 600, 300])
        #expect(frontier.end == .complete)

        // Fewer plans than the frontier holds: the list says it may go on.
        let first = try planner.frontier(request(hoursPerWeek: 30, objectives: [.duration]), limit: 2)
        #expect(first.plans.map(\.totals.cost) == [900, 600])
        #expect(first.end == .limit)

        // No time to find a point: no plan, and the list says the time ran out, not that none exists.
        var hurried = request(hoursPerWeek: 30, objectives: [.duration])
        hurried.solverOptions.timeLimit = 1e-9
        let stopped = try planner.frontier(hurried)
        #expect(stopped.plans.isEmpty)
        #expect(stopped.end == .timeLimit)
    }

    @Test func durationNeedsWeeklyHours() {
        let catalogue = F.catalogue([F.credential("a")], [F.qualification(.credential("a"))])
        #expect(throws: PlanningError.self) { try Planner(catalogue: catalogue).plan(F.request(objectives: [.duration])) }
        #expect(throws: PlanningError.self) {
            try ScheduleSettings.needed(by: LearnerProfile(), objectives: [.duration], deadline: nil, today: Self.start)
        }
    }

    // MARK: Against enumeration

    @Test(arguments: 0..<4)
    func schedulesMatchEnumeration(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(7000 + batch))
        for _ in 0..<12 {
            let instance = RandomSchedule(using: &generator)
            let outcome = try Planner(catalogue: instance.catalogue).plan(instance.request)
            let best = instance.enumerate()
            if case .planned(let plan) = outcome {
                #expect(best != nil, "planner found \(runs(plan)) where enumeration found nothing\n\(instance)")
                if let best { #expect(abs(plan.objectiveValues[0] - best) < 1e-6, "planner \(plan.objectiveValues) vs enumeration \(best)\n\(instance)") }
            } else {
                #expect(best == nil, "planner found no plan, enumeration found \(String(describing: best))\n\(instance)")
            }
        }
    }
}

/// Small random schedules: a few credentials with offerings or self-paced, a prerequisite or two,
/// a deadline that bounds the horizon, and a weekly limit that makes runs clash.
struct RandomSchedule: CustomStringConvertible {
    var catalogue: Catalogue
    var request: PlanRequest
    let start = ScheduleTests.start
    let deadline: Day
    let hoursPerWeek: Double

    init(using generator: inout SeededGenerator) {
        let start = ScheduleTests.start
        let count = Int.random(in: 2...4, using: &generator)
        deadline = start.adding(days: 7 * Int.random(in: 8...14, using: &generator) - 1)
        hoursPerWeek = [15.0, 20, 30].randomElement(using: &generator)!
        var credentials: [Credential] = []
        for index in 0..<count {
            var credential = Fixture.credential("c\(index)", ects: [2, 3, 4].randomElement(using: &generator)!,
                                                cost: Double(Int.random(in: 1...9, using: &generator) * 100))
            if Int.random(in: 0..<3, using: &generator) == 0 {
                credential.weeks = Int.random(in: 3...6, using: &generator)
            } else {
                credential.offerings = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                    Offering(start: start.adding(days: 7 * Int.random(in: 0...8, using: &generator)),
                             weeks: Int.random(in: 3...6, using: &generator),
                             cost: Bool.random(using: &generator) ? Double(Int.random(in: 1...9, using: &generator) * 100) : nil)
                }
            }
            if index > 0 && Int.random(in: 0..<3, using: &generator) == 0 {
                credential.prerequisites = .credential("c\(Int.random(in: 0..<index, using: &generator))")
            }
            credentials.append(credential)
        }
        let leaves: [RequirementNode] = (0..<count).map { .credential("c\($0)") }
        let rule: RequirementNode.Rule = Bool.random(using: &generator)
            ? .allOf(Array(leaves.shuffled(using: &generator).prefix(2)))
            : .atLeast(2, leaves)
        catalogue = Fixture.catalogue(credentials, [Fixture.qualification(rule)])
        let objective: Objective = Bool.random(using: &generator) ? .duration : .cost
        request = Fixture.request(constraints: LearnerConstraints(deadline: deadline), objectives: [objective])
        request.schedule = ScheduleSettings(start: start, hoursPerWeek: hoursPerWeek)
    }

    var description: String {
        String(decoding: CatalogueDocument.data(catalogue), as: UTF8.self) + "\ndeadline \(deadline), \(hoursPerWeek) h/week, \(request.objectives)"
    }

    /// Every way to run the credentials: self-paced starts each week, offerings as dated.
    func runs(of credential: Credential) -> [(start: Int, end: Int, cost: Double)] {
        let hours = credential.credits * 25
        let limit = deadline.ordinal - start.ordinal + 1
        if credential.offerings.isEmpty {
            let weeks = max(credential.weeks ?? 1, Int((hours / hoursPerWeek).rounded(.up)))
            return (0...).lazy.map { 7 * $0 }.prefix { $0 + 7 * weeks <= limit }.map { ($0, $0 + 7 * weeks, credential.cost) }
        }
        return credential.offerings.compactMap { offering in
            let weeks = offering.weeks!
            let begin = offering.start.ordinal - start.ordinal
            guard begin >= 0, begin + 7 * weeks <= limit, hours / Double(weeks) <= hoursPerWeek + 1e-9 else { return nil }
            return (begin, begin + 7 * weeks, offering.cost ?? credential.cost)
        }
    }

    func enumerate() -> Double? {
        let credentials = catalogue.credentials
        let qualification = catalogue.qualifications[0]
        var best: Double?
        for mask in 1..<(1 << credentials.count) {
            let chosen = credentials.indices.filter { mask >> $0 & 1 == 1 }.map { credentials[$0] }
            let ids = Set(chosen.map(\.id))
            let met: Bool = switch qualification.requires.rule {
            case .allOf(let children): children.allSatisfy { if case .credential(let id) = $0.rule { ids.contains(id) } else { false } }
            case .atLeast(let n, let children): children.count { if case .credential(let id) = $0.rule { ids.contains(id) } else { false } } >= n
            default: false
            }
            guard met else { continue }
            let choices = chosen.map(runs)
            var pick = [Int](repeating: 0, count: chosen.count)
            func search(_ index: Int) {
                if index == chosen.count {
                    let runs = chosen.indices.map { choices[$0][pick[$0]] }
                    let byID = Dictionary(uniqueKeysWithValues: zip(chosen.map(\.id), runs))
                    for (credential, run) in zip(chosen, runs) {
                        if case .credential(let before)? = credential.prerequisites {
                            guard let earlier = byID[before], earlier.end <= run.start else { return }
                        }
                    }
                    let last = runs.map(\.end).max() ?? 0
                    var week = 0
                    while week * 7 < last {
                        let load = zip(chosen, runs).reduce(0.0) { total, pair in
                            let (credential, run) = pair
                            let overlap = min(run.end, week * 7 + 7) - max(run.start, week * 7)
                            return total + (overlap > 0 ? credential.credits * 25 * Double(overlap) / Double(run.end - run.start) : 0)
                        }
                        if load > hoursPerWeek + 1e-9 { return }
                        week += 1
                    }
                    let value = request.objectives[0] == .duration ? Double(last) : runs.reduce(0) { $0 + $1.cost }
                    best = min(best ?? value, value)
                    return
                }
                for choice in choices[index].indices {
                    pick[index] = choice
                    search(index + 1)
                }
            }
            search(0)
        }
        return best
    }
}

/// The greedy placement that gives the solver its first schedule.
@Suite struct ScheduleHeuristicTests {
    let start = ScheduleTests.start
    var heuristic: ScheduleHeuristic { ScheduleHeuristic(settings: ScheduleSettings(start: start, hoursPerWeek: 20), horizonEnd: start.adding(days: 7 * 30)) }

    func selfPaced(_ id: String, weeks: Int, hours: Double) -> [ScheduleOption] {
        (0..<(30 - weeks + 1)).map { week in
            ScheduleOption(credential: id, offering: nil, start: start.adding(days: 7 * week), end: start.adding(days: 7 * (week + weeks)),
                           weeks: weeks, cost: 100, hours: hours)
        }
    }

    @Test func prerequisitesEndBeforeTheirDependantsStart() throws {
        let runs = ["a": selfPaced("a", weeks: 2, hours: 10), "b": selfPaced("b", weeks: 3, hours: 10), "c": selfPaced("c", weeks: 1, hours: 5)]
        let before = ["b": ["a"], "c": ["b"]]
        let placement = try #require(heuristic.place(["c", "b", "a"], runs: runs) { before[$0] ?? [] })
        // Light enough to run side by side, but the chain forces a, then b, then c.
        #expect(placement.runs == ["a": 0, "b": 2, "c": 5])
        #expect(placement.end == start.adding(days: 7 * 6))
    }

    @Test func theWeeklyHoursPushARunLater() throws {
        // 15 h a week each under a 20 h limit: the lighter one cannot overlap the heavier.
        let runs = ["big": selfPaced("big", weeks: 4, hours: 60), "small": selfPaced("small", weeks: 2, hours: 30)]
        let placement = try #require(heuristic.place(["small", "big"], runs: runs) { _ in [] })
        #expect(placement.runs == ["big": 0, "small": 4])
        #expect(placement.end == start.adding(days: 7 * 6))
    }

    @Test func aCredentialWithNoRunThatFitsGivesNoPlacement() {
        let runs = ["a": selfPaced("a", weeks: 28, hours: 28 * 20), "b": selfPaced("b", weeks: 4, hours: 40)]
        #expect(heuristic.place(["a", "b"], runs: runs) { _ in [] } == nil)
        #expect(heuristic.place(["a", "missing"], runs: runs) { _ in [] } == nil)
        // A cycle inside the set cannot be ordered.
        #expect(heuristic.place(["a", "b"], runs: runs) { $0 == "a" ? ["b"] : ["a"] } == nil)
    }
}
