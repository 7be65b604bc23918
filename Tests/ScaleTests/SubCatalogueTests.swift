import Foundation
import MILP
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator
import StackPlanRendering
@testable import StackPlanStore

/// Planning on the candidate sub-catalogue the store loads by indexed queries must give what
/// planning on the whole stored catalogue gives: the same plan, or the same diagnosis.
@Suite struct SubCatalogueTests {
    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-sub-\(UUID()).sqlite").path
    static let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 3000, qualifications: 24), seed: 11)
    static let store: CatalogueStore = {
        let store = try! CatalogueStore(path: path)
        try! store.importCatalogue(generated.catalogue)
        return store
    }()

    /// Learners with random held credentials and limits, toward random targets.
    static func requests(count: Int, seed: UInt64) -> [PlanRequest] {
        var random = SplitMix64(seed: seed)
        let catalogue = generated.catalogue
        let today = CatalogueGenerator.today
        return (0..<count).map { index in
            let target = random.pick(catalogue.qualifications).id
            var held: [HeldCredential] = []
            for _ in 0..<random.int(in: 0...4) {
                held.append(.catalogue(random.pick(catalogue.credentials).id, earned: today.adding(days: -random.int(in: 0...2500))))
            }
            if random.chance(0.3) {
                held.append(HeldCredential(.external(ExternalCredential(
                    title: "Abroad", ects: 5, eqf: 7, competencies: [random.pick(catalogue.credentials).competencies[0]], accredited: true)),
                    earned: today.adding(days: -300)))
            }
            if random.chance(0.1) { held.append(.catalogue(random.pick(catalogue.qualifications).id)) }
            let constraints = LearnerConstraints(
                budget: random.chance(0.3) ? Double(random.int(in: 1...12) * 1000) : nil,
                maxHours: random.chance(0.2) ? Double(random.int(in: 4...30) * 100) : nil,
                modes: random.chance(0.3) ? [.online, .blended] : nil,
                languages: random.chance(0.4) ? ["en", random.pick(["de", "fr", "nl", "pl"])] : nil,
                accreditedOnly: random.chance(0.2))
            let objectives: [Objective] = random.pick([[.cost], [.workload], [.cost, .workload], [.ects], [.count, .cost]])
            var request = PlanRequest(
                target: target, learner: LearnerProfile(held: held, today: today), constraints: constraints,
                objectives: objectives, today: today, solverOptions: SolveOptions(timeLimit: 60))
            request.pruneDominated = index % 2 == 0
            return request
        }
    }

    func compare(_ request: PlanRequest, whole: Catalogue) throws {
        let sub = try Self.store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
        #expect(sub.credentials.count < whole.credentials.count)
        let expected: Result<PlanOutcome, PlanningError>
        do { expected = .success(try Planner(catalogue: whole).plan(request)) } catch let error as PlanningError { expected = .failure(error) }
        let actual: Result<PlanOutcome, PlanningError>
        do { actual = .success(try Planner(catalogue: sub).plan(request)) } catch let error as PlanningError { actual = .failure(error) }
        switch (expected, actual) {
        case (.success(.planned(let a)), .success(.planned(let b))):
            #expect(a.taken == b.taken, "\(request.target)")
            #expect(zip(a.objectiveValues, b.objectiveValues).allSatisfy { abs($0 - $1) < 1e-6 })
            #expect(a.applications == b.applications)
            #expect(a.unusedHeld == b.unusedHeld)
            #expect(a.modelSize == b.modelSize)
            #expect(PlanReport(plan: a, catalogue: whole, request: request).text == PlanReport(plan: b, catalogue: sub, request: request).text)
        case (.success(.infeasible(let a)), .success(.infeasible(let b))):
            // The elastic shortfall runs under a time limit, so only the proven parts are compared.
            #expect(a.cause == b.cause && a.summary == b.summary && a.unmet == b.unmet, "\(request.target)")
        case (.failure(let a), .failure(let b)):
            #expect(a.description == b.description)
        default:
            Issue.record("whole catalogue: \(expected), sub-catalogue: \(actual) for \(request.target)")
        }
    }

    @Test(arguments: 0..<4)
    func subCatalogueGivesTheSamePlans(batch: Int) throws {
        let whole = try Self.store.catalogue()
        for request in Self.requests(count: 10, seed: UInt64(100 + batch)) { try compare(request, whole: whole) }
    }

    @Test func generatedLearnersGetTheSamePlans() throws {
        let whole = try Self.store.catalogue()
        for learner in Self.generated.learners {
            let goal = try #require(Self.goal(of: learner), "a generated learner names its goal")
            for objectives in [[Objective.cost], [.workload]] {
                try compare(PlanRequest(target: goal, learner: learner, objectives: objectives), whole: whole)
            }
        }
    }

    @Test func unknownTargetStaysUnknown() throws {
        let sub = try Self.store.candidateCatalogue(target: "no-such-qualification", held: [])
        #expect(sub.qualifications.isEmpty && sub.credentials.isEmpty)
        #expect(throws: PlanningError.self) { try Planner(catalogue: sub).plan(PlanRequest(target: "no-such-qualification", learner: LearnerProfile())) }
    }

    /// The target a generated learner aims for, or nil when it names none.
    static func goal(of learner: LearnerProfile) -> String? {
        if case .string(let goal)? = learner.extra["goal"] { goal } else { nil }
    }
}
