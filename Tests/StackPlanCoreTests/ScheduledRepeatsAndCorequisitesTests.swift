import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// A calendar with repeatable credentials (each taking a run of its own, after the one before
/// ends) and corequisites (one that serves starts before the credential naming it ends), in
/// both exact forms: branch and check, and the plain time-indexed model.
@Suite struct ScheduledRepeatsAndCorequisitesTests {
    typealias F = Fixture
    static let start = ScheduleTests.start

    func request(hoursPerWeek: Double, objectives: [Objective], deadline: Day? = nil) -> PlanRequest {
        var request = F.request(constraints: LearnerConstraints(deadline: deadline), objectives: objectives)
        request.schedule = ScheduleSettings(start: Self.start, hoursPerWeek: hoursPerWeek)
        return request
    }

    /// The plan by branch and check and by the time-indexed model, each checked.
    func plans(_ catalogue: Catalogue, _ request: PlanRequest) throws -> [Plan] {
        var plain = request
        plain.timeIndexedSchedule = true
        return try [request, plain].map { request in
            let outcome = try Planner(catalogue: catalogue).plan(request)
            let plan = try #require(outcome.plan, "expected a plan, got \(outcome)")
            #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
            return plan
        }
    }

    /// "topics" (1 ECTS, 100, three times) against "block" (3 ECTS, 500): the three takings
    /// run one after another, though the week would hold them side by side.
    @Test func eachTakingRunsAfterTheOneBefore() throws {
        var topics = F.credential("topics", ects: 1, cost: 100)
        topics.repeatable = 3
        let catalogue = F.catalogue([topics, F.credential("block", ects: 3, cost: 500)],
                                    [F.qualification(.allOf([.credits(3, CredentialFilter(ids: ["topics", "block"]))]))])
        for plan in try plans(catalogue, request(hoursPerWeek: 100, objectives: [.cost])) {
            #expect(plan.taken == ["topics"] && plan.repeats == ["topics": 3])
            #expect(plan.totals.cost == 300)
            let runs = try #require(plan.schedule).filter { $0.credential == "topics" }.sorted { $0.start < $1.start }
            #expect(runs.map(\.start) == [0, 7, 14].map { Self.start.adding(days: $0) })
            #expect(plan.completes == Self.start.adding(days: 20))
        }
        // The checker refuses takings that overlap.
        let plan = try #require(try plans(catalogue, request(hoursPerWeek: 100, objectives: [.cost])).first)
        var forged = plan
        forged.schedule = forged.schedule?.map { run in
            var run = run
            run.start = Self.start
            run.end = Self.start.adding(days: 7)
            return run
        }
        forged.completes = Self.start.adding(days: 6)
        #expect(PlanChecker(catalogue: catalogue, request: request(hoursPerWeek: 100, objectives: [.cost])).violations(of: forged)
            .contains { $0.hasPrefix("topics is taken again from") })
    }

    /// "c" runs in weeks 0–3 and names "d" as a corequisite; "d" runs from week 2 (300) or
    /// from week 5 (100). Only the first starts before "c" ends.
    @Test func aCorequisiteStartsBeforeItsOwnerEnds() throws {
        var c = F.credential("c", ects: 2, cost: 100, prerequisites: .corequisite("d"))
        c.offerings = [Offering(start: Self.start, weeks: 4)]
        var d = F.credential("d", ects: 2, cost: 100)
        d.offerings = [Offering(start: Self.start.adding(days: 14), weeks: 4, cost: 300), Offering(start: Self.start.adding(days: 35), weeks: 4, cost: 100)]
        let catalogue = F.catalogue([c, d], [F.qualification(.allOf([.credential("c")]))])
        let request = request(hoursPerWeek: 40, objectives: [.cost])
        for plan in try plans(catalogue, request) {
            #expect(plan.taken == ["c", "d"])
            #expect(plan.totals.cost == 400)
            #expect(plan.schedule?.first { $0.credential == "d" }?.start == Self.start.adding(days: 14))
            #expect(plan.corequisiteOf["d"] == ["c"])
        }
        // The checker refuses the cheaper run of "d", which starts after "c" has ended.
        var forged = try #require(try plans(catalogue, request).first)
        forged.schedule = forged.schedule?.map { run in
            guard run.credential == "d" else { return run }
            var later = run
            later.offering = 1
            later.start = Self.start.adding(days: 35)
            later.end = Self.start.adding(days: 63)
            later.cost = 100
            return later
        }
        forged.totals.cost = 200
        forged.completes = Self.start.adding(days: 62)
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: forged).contains { $0.contains("lacks a corequisite that starts before it ends") })
        // A corequisite finished before its owner starts serves too.
        var early = d
        early.offerings = [Offering(start: Self.start, weeks: 2, cost: 150)]
        var late = c
        late.offerings = [Offering(start: Self.start.adding(days: 21), weeks: 4)]
        for plan in try plans(F.catalogue([late, early], [F.qualification(.allOf([.credential("c")]))]), request) {
            #expect(plan.taken == ["c", "d"] && plan.totals.cost == 250)
        }
    }

    // MARK: Against enumeration

    @Test(arguments: 0..<4)
    func matchesEnumeration(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(9100 + batch))
        for _ in 0..<20 {
            let instance = RandomCalendarInstance(using: &generator)
            let best = instance.enumerate()
            var plain = instance.request
            plain.timeIndexedSchedule = true
            for request in [instance.request, plain] {
                let outcome = try Planner(catalogue: instance.catalogue).plan(request)
                if case .planned(let plan) = outcome {
                    #expect(PlanChecker(catalogue: instance.catalogue, request: request).violations(of: plan).isEmpty)
                    #expect(best != nil, "planner found \(plan.taken) \(plan.repeats) where enumeration found nothing\n\(instance)")
                    if let best { #expect(abs(plan.objectiveValues[0] - best) < 1e-6, "planner \(plan.objectiveValues) vs enumeration \(best)\n\(instance)") }
                } else {
                    #expect(best == nil, "planner found no plan (\(outcome)), enumeration found \(String(describing: best))\n\(instance)")
                }
            }
        }
    }
}

/// Tiny calendars with repeatable credentials and corequisites: two or three credentials,
/// self-paced or with dated offerings, credential leaves that may ask for one credential twice.
struct RandomCalendarInstance: CustomStringConvertible {
    var catalogue: Catalogue
    var request: PlanRequest
    let start = ScheduleTests.start
    let deadline: Day
    let hoursPerWeek: Double

    init(using generator: inout SeededGenerator) {
        let start = ScheduleTests.start
        let count = Int.random(in: 2...3, using: &generator)
        deadline = start.adding(days: 7 * Int.random(in: 5...7, using: &generator) - 1)
        hoursPerWeek = [20.0, 30, 50].randomElement(using: &generator)!
        var credentials: [Credential] = []
        for index in 0..<count {
            var credential = Fixture.credential("c\(index)", ects: [1, 2].randomElement(using: &generator)!,
                                                cost: Double(Int.random(in: 1...9, using: &generator) * 100))
            if Bool.random(using: &generator) {
                credential.weeks = Int.random(in: 1...2, using: &generator)
            } else {
                credential.offerings = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                    Offering(start: start.adding(days: 7 * Int.random(in: 0...4, using: &generator)), weeks: Int.random(in: 1...3, using: &generator),
                             cost: Bool.random(using: &generator) ? Double(Int.random(in: 1...9, using: &generator) * 100) : nil)
                }
            }
            if Bool.random(using: &generator) { credential.repeatable = 2 }
            let other = "c\(Int.random(in: 0..<count, using: &generator))"
            let draw = Int.random(in: 0..<5, using: &generator)
            if draw == 0 && index > 0 {
                credential.prerequisites = .credential("c\(Int.random(in: 0..<index, using: &generator))")
            } else if draw <= 2 && other != credential.id {
                credential.prerequisites = .corequisite(other)
            }
            credentials.append(credential)
        }
        var leaves: [RequirementNode] = (0..<Int.random(in: 1...2, using: &generator)).map { _ in .credential("c\(Int.random(in: 0..<count, using: &generator))") }
        // Often one credential asked for twice: met by taking it twice, if it may be.
        if Bool.random(using: &generator) { leaves.append(leaves[0]) } else { leaves.append(.credential("c\(Int.random(in: 0..<count, using: &generator))")) }
        let rule: RequirementNode.Rule = Bool.random(using: &generator) ? .allOf(leaves) : .atLeast(2, leaves)
        catalogue = Fixture.catalogue(credentials, [Fixture.qualification(rule)])
        let objective: Objective = Bool.random(using: &generator) ? .duration : .cost
        request = Fixture.request(constraints: LearnerConstraints(deadline: deadline), objectives: [objective])
        request.schedule = ScheduleSettings(start: start, hoursPerWeek: hoursPerWeek)
    }

    var description: String {
        String(decoding: CatalogueDocument.data(catalogue), as: UTF8.self) + "\ndeadline \(deadline), \(hoursPerWeek) h/week, \(request.objectives)"
    }

    typealias Run = (start: Int, end: Int, cost: Double)

    /// Every run of a credential by the deadline: self-paced starts each week, offerings as dated.
    func runs(of credential: Credential) -> [Run] {
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

    /// Whether taking each credential `times[i]` times meets the qualification: each taking
    /// fills at most one leaf asking for its credential.
    func meets(_ times: [String: Int]) -> Bool {
        func filled(_ leaves: [RequirementNode]) -> Int {
            var asked: [String: Int] = [:]
            for leaf in leaves { if case .credential(let id) = leaf.rule { asked[id, default: 0] += 1 } }
            return asked.reduce(0) { $0 + min($1.value, times[$1.key] ?? 0) }
        }
        switch catalogue.qualifications[0].requires.rule {
        case .allOf(let leaves): return filled(leaves) == leaves.count
        case .atLeast(let n, let leaves): return filled(leaves) >= n
        default: return false
        }
    }

    /// The least objective value over every number of takings and every run of each.
    func enumerate() -> Double? {
        let credentials = catalogue.credentials
        var best: Double?
        var times = [Int](repeating: 0, count: credentials.count)
        func chooseTimes(_ index: Int) {
            if index == credentials.count { return schedule(times) }
            for count in 0...(credentials[index].repeatable ?? 1) {
                times[index] = count
                chooseTimes(index + 1)
            }
        }
        func schedule(_ times: [Int]) {
            let byID = Dictionary(uniqueKeysWithValues: zip(credentials.map(\.id), times))
            guard times.contains(where: { $0 > 0 }), meets(byID) else { return }
            // The takings in order: each credential's first, then its second.
            let takings = credentials.indices.flatMap { index in (0..<times[index]).map { (credential: index, time: $0) } }
            let choices = takings.map { runs(of: credentials[$0.credential]) }
            var picked: [Run] = []
            func first(_ id: String) -> Run? {
                takings.firstIndex { credentials[$0.credential].id == id && $0.time == 0 }.flatMap { $0 < picked.count ? picked[$0] : nil }
            }
            func judge() {
                // Prerequisites and corequisites of first takings.
                for (position, taking) in takings.enumerated() where taking.time == 0 {
                    let run = picked[position]
                    switch credentials[taking.credential].prerequisites {
                    case .credential(let id)?: guard let before = first(id), before.end <= run.start else { return }
                    case .corequisite(let id)?: guard let alongside = first(id), alongside.start < run.end else { return }
                    default: break
                    }
                }
                let last = picked.map(\.end).max() ?? 0
                for week in stride(from: 0, to: last, by: 7) {
                    let load = zip(takings, picked).reduce(0.0) { total, pair in
                        let overlap = min(pair.1.end, week + 7) - max(pair.1.start, week)
                        return total + (overlap > 0 ? credentials[pair.0.credential].credits * 25 * Double(overlap) / Double(pair.1.end - pair.1.start) : 0)
                    }
                    if load > hoursPerWeek + 1e-9 { return }
                }
                let value = request.objectives[0] == .duration ? Double(last) : picked.reduce(0) { $0 + $1.cost }
                best = min(best ?? value, value)
            }
            func search(_ index: Int) {
                if index == takings.count { return judge() }
                for run in choices[index] {
                    // A second taking starts once the first has ended.
                    if takings[index].time == 1, run.start < picked[index - 1].end { continue }
                    picked.append(run)
                    search(index + 1)
                    picked.removeLast()
                }
            }
            search(0)
        }
        chooseTimes(0)
        return best
    }
}
