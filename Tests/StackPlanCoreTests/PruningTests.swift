import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// Pruning dominated candidates must never change what is optimal: on random instances with
/// many interchangeable credentials, the pruned and the unpruned model give the same value for
/// every objective and for the tie-break.
@Suite struct PruningTests {
    /// Many credentials over few competencies, so that groups of interchangeable ones are large.
    static func instance(using generator: inout SeededGenerator) -> (Catalogue, PlanRequest) {
        let competencies = ["a", "b"]
        let count = Int.random(in: 20...45, using: &generator)
        var credentials: [Credential] = []
        for index in 0..<count {
            let ects = [1, 2, 3, 5, 5, 10].randomElement(using: &generator)!
            var credential = Fixture.credential(
                "c\(index < 10 ? "0" : "")\(index)", ects: Double(ects),
                cost: Double(Int.random(in: 0...8, using: &generator) * 50), eqf: Int.random(in: 6...7, using: &generator),
                hours: Bool.random(using: &generator) ? Double(ects * Int.random(in: 20...30, using: &generator)) : nil,
                competencies: [competencies.randomElement(using: &generator)!],
                mode: Int.random(in: 0..<5, using: &generator) == 0 ? .inPerson : .online,
                accredited: Int.random(in: 0..<4, using: &generator) > 0)
            if index > 0 && Int.random(in: 0..<8, using: &generator) == 0 {
                credential.prerequisites = .credential(credentials[Int.random(in: 0..<index, using: &generator)].id)
            }
            if index > 0 && Int.random(in: 0..<10, using: &generator) == 0 {
                credential.excludes = [credentials[Int.random(in: 0..<index, using: &generator)].id]
            }
            credentials.append(credential)
        }
        var children: [RequirementNode] = [.credits(Double(Int.random(in: 3...12, using: &generator)), CredentialFilter(competencies: ["a"]))]
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: children.append(.credits(Double(Int.random(in: 2...8, using: &generator)), CredentialFilter(competencies: ["b"], minEQF: 7)))
        case 1: children.append(RequirementNode(.anyOf([
            .credits(Double(Int.random(in: 2...6, using: &generator)), CredentialFilter(competencies: ["b"])),
            .credential(credentials.randomElement(using: &generator)!.id),
        ])))
        case 2: children.append(RequirementNode(.atLeast(1, [
            .credits(4, CredentialFilter(competencies: ["b"])), .credits(6, CredentialFilter(minEQF: 7)),
        ])))
        default: children.append(.credits(Double(Int.random(in: 2...8, using: &generator)), CredentialFilter()))
        }
        if Bool.random(using: &generator) {
            children.append(RequirementNode(.maxCredits(Double(Int.random(in: 2...6, using: &generator)), CredentialFilter(accredited: false))))
        }
        if Int.random(in: 0..<3, using: &generator) == 0 { children.append(.credential(credentials.randomElement(using: &generator)!.id)) }
        let rules = QualificationRules(
            maxPriorECTS: Bool.random(using: &generator) ? 5 : nil, sharedCounting: Int.random(in: 0..<5, using: &generator) == 0)
        let qualification = Fixture.qualification(ects: Double(Int.random(in: 0...25, using: &generator)), rules: rules, .allOf(children))
        let catalogue = Fixture.catalogue(credentials, [qualification])

        var held: [HeldCredential] = []
        if Bool.random(using: &generator) { held.append(.catalogue(credentials.randomElement(using: &generator)!.id, earned: Fixture.today)) }
        let constraints = LearnerConstraints(
            budget: Int.random(in: 0..<3, using: &generator) == 0 ? Double(Int.random(in: 4...20, using: &generator) * 100) : nil,
            maxHours: Int.random(in: 0..<4, using: &generator) == 0 ? Double(Int.random(in: 4...20, using: &generator) * 50) : nil,
            modes: Int.random(in: 0..<4, using: &generator) == 0 ? [.online] : nil)
        let objectives: [Objective] = [[.cost], [.workload], [.cost, .workload], [.workload, .cost], [.ects], [.count], [.ects, .cost]]
            .randomElement(using: &generator)!
        return (catalogue, Fixture.request(held: held, constraints: constraints, objectives: objectives))
    }

    /// Every stage's value at the plan: the objectives, then the tie-break over the unpruned ranks.
    static func stageValues(_ plan: Plan, catalogue: Catalogue, request: PlanRequest) -> [Double] {
        var unpruned = request
        unpruned.pruneDominated = false
        let formulation = Formulation(catalogue: catalogue, request: unpruned, qualification: catalogue.qualifications[0])
        let ranks = Dictionary(uniqueKeysWithValues: formulation.candidates.enumerated().map { ($1.id, $0) })
        let rankSum = plan.taken.reduce(0) { $0 + (ranks[$1] ?? -1_000_000) }
        return plan.objectiveValues + [Double(plan.taken.count), Double(rankSum)]
    }

    /// Plans the request with and without pruning and expects both proven optimal with the
    /// same value at every stage (with a schedule, the same completion date too), or the same
    /// cause of failure. Returns whether pruning left a candidate out.
    static func expectSameOptimum(_ catalogue: Catalogue, _ request: PlanRequest) throws -> Bool {
        var unprunedRequest = request
        unprunedRequest.pruneDominated = false
        let planner = Planner(catalogue: catalogue)
        let pruned = try planner.plan(request)
        let unpruned = try planner.plan(unprunedRequest)
        switch (pruned, unpruned) {
        case (.planned(let a), .planned(let b)):
            func values(_ plan: Plan) -> [Double] {
                stageValues(plan, catalogue: catalogue, request: request) + (plan.completes.map { [Double($0.ordinal)] } ?? [])
            }
            #expect(a.status == .optimal && b.status == .optimal)
            #expect(zip(values(a), values(b)).allSatisfy { abs($0 - $1) < 1e-6 }, "pruned \(values(a)) \(a.taken) vs unpruned \(values(b)) \(b.taken)")
        case (.infeasible(let a), .infeasible(let b)):
            #expect(a.cause == b.cause)
        default:
            Issue.record("pruned \(pruned) vs unpruned \(unpruned)")
        }
        let statistics = try planner.modelStatistics(for: request)
        return statistics.candidates < statistics.unprunedCandidates
    }

    @Test(arguments: 0..<6)
    func pruningNeverChangesTheOptimum(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(5000 + batch))
        var prunedSomething = 0
        for _ in 0..<25 {
            let (catalogue, request) = Self.instance(using: &generator)
            if try Self.expectSameOptimum(catalogue, request) { prunedSomething += 1 }
        }
        // The instances are built for pruning to have work: a test where it never acts proves nothing.
        #expect(prunedSomething >= 5)
    }

    /// With a calendar, credentials are interchangeable only when their runs are the same:
    /// self-paced courses of few sizes and lengths, some with a dated offering, every stage
    /// compared, the completion included.
    @Test(arguments: 0..<3)
    func pruningNeverChangesAScheduledOptimum(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(5100 + batch))
        var prunedSomething = 0
        for _ in 0..<8 {
            let credentials = (0..<Int.random(in: 8...14, using: &generator)).map { index in
                var credential = Fixture.credential(
                    "c\(index < 10 ? "0" : "")\(index)", ects: [2.0, 5].randomElement(using: &generator)!,
                    cost: Double(Int.random(in: 1...4, using: &generator) * 100), competencies: ["a"])
                credential.weeks = [2, 3].randomElement(using: &generator)!
                if Int.random(in: 0..<4, using: &generator) == 0 {
                    credential.offerings = [Offering(start: ScheduleTests.start.adding(days: 7 * Int.random(in: 0...2, using: &generator)), weeks: 5)]
                }
                return credential
            }
            let qualification = Fixture.qualification(.allOf([.credits(Double(Int.random(in: 4...12, using: &generator)), CredentialFilter(competencies: ["a"]))]))
            let catalogue = Fixture.catalogue(credentials, [qualification])
            var request = Fixture.request(
                constraints: LearnerConstraints(deadline: ScheduleTests.start.adding(days: 7 * 14 - 1)),
                objectives: [[.duration, .cost], [.cost], [.cost, .duration], [.workload]].randomElement(using: &generator)!)
            request.schedule = ScheduleSettings(start: ScheduleTests.start, hoursPerWeek: [30.0, 60].randomElement(using: &generator)!)
            if try Self.expectSameOptimum(catalogue, request) { prunedSomething += 1 }
        }
        #expect(prunedSomething >= 4)
    }

    /// Self-paced credentials of many lengths and weekly loads, at weekly hours that let
    /// several run side by side: a dominator must run no longer and, unless the credential it
    /// replaces is alone in its weeks, no heavier. Deadlines are tight, so a heavier stand-in
    /// would make plans late or impossible.
    @Test(arguments: 0..<4)
    func pruningComparesSelfPacedRunsByLengthAndLoad(batch: Int) throws {
        var generator = SeededGenerator(seed: UInt64(5200 + batch))
        var prunedSomething = 0
        for _ in 0..<10 {
            let credentials = (0..<Int.random(in: 10...18, using: &generator)).map { index in
                let ects = [2.0, 5].randomElement(using: &generator)!
                var credential = Fixture.credential(
                    "c\(index < 10 ? "0" : "")\(index)", ects: ects,
                    cost: Double(Int.random(in: 1...3, using: &generator) * 100),
                    hours: ects * Double(Int.random(in: 10...40, using: &generator)), competencies: ["a"])
                credential.weeks = Int.random(in: 1...6, using: &generator)
                return credential
            }
            let qualification = Fixture.qualification(.allOf([.credits(Double(Int.random(in: 4...12, using: &generator)), CredentialFilter(competencies: ["a"]))]))
            let catalogue = Fixture.catalogue(credentials, [qualification])
            var request = Fixture.request(
                constraints: LearnerConstraints(deadline: ScheduleTests.start.adding(days: 7 * Int.random(in: 4...12, using: &generator) - 1)),
                objectives: [[.duration, .cost], [.cost], [.cost, .duration], [.workload], [.duration]].randomElement(using: &generator)!)
            request.schedule = ScheduleSettings(start: ScheduleTests.start, hoursPerWeek: [20.0, 35, 50].randomElement(using: &generator)!)
            if try Self.expectSameOptimum(catalogue, request) { prunedSomething += 1 }
        }
        #expect(prunedSomething >= 5)
    }

    @Test func dominatedCredentialIsLeftOutAndRankKept() throws {
        // Three interchangeable 5-ECTS courses for one 5-ECTS leaf: the dearest is dominated twice
        // over (it needs ⌈5/5⌉ = 1 dominator), the cheapest never.
        let catalogue = Fixture.catalogue([
            Fixture.credential("x1", cost: 300, competencies: ["a"]),
            Fixture.credential("x2", cost: 100, competencies: ["a"]),
            Fixture.credential("x3", cost: 200, competencies: ["a"]),
        ], [Fixture.qualification(.allOf([.credits(5, CredentialFilter(competencies: ["a"]))]))])
        let formulation = Formulation(catalogue: catalogue, request: Fixture.request(), qualification: catalogue.qualifications[0])
        #expect(formulation.candidates.map(\.id) == ["x2"])
        #expect(formulation.tieBreakRank["x2"] == 1 && formulation.tieBreaks[1].sortedTerms.map(\.coefficient) == [2])
        // A prerequisite is never pruned, and neither a credential with prerequisites to take
        // nor one in an overlap can stand in for another: x2 keeps its place.
        var needed = catalogue
        needed.upsert(Fixture.credential("later", cost: 0, competencies: ["a"], prerequisites: .credential("x1")))
        needed.upsert(Fixture.credential("x4", cost: 50, competencies: ["a"], excludes: ["x3"]))
        let kept = Formulation(catalogue: needed, request: Fixture.request(), qualification: catalogue.qualifications[0])
        #expect(Set(kept.candidates.map(\.id)) == ["later", "x1", "x2", "x4"])
    }
}
