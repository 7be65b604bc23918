import Foundation
import MILP
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator
@testable import StackPlanStore

/// Planning on the candidates a cut leaves (CandidateCut, `candidateCatalogue(for:)`) must give
/// the plan of every candidate: the same credentials and the same values; a request the cut does
/// not cover is planned again on every candidate, as the command line does.
@Suite struct CandidateCutTests {
    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-cut-\(UUID()).sqlite").path
    static let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 4000, qualifications: 32), seed: 17)
    static let store: CatalogueStore = {
        let store = try! CatalogueStore(path: path)
        try! store.importCatalogue(generated.catalogue)
        return store
    }()

    /// The plan on the cut candidates, planning again uncut when the planner says the cut does not cover the request.
    static func planCut(_ request: PlanRequest) throws -> (outcome: PlanOutcome, load: CandidateLoad, replanned: Bool) {
        let load = try store.candidateCatalogue(for: request)
        var planner = Planner(catalogue: load.catalogue)
        planner.cut = load.cut
        do {
            return (try planner.plan(request), load, false)
        } catch is CandidateCut.Uncovered {
            let uncut = try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
            return (try Planner(catalogue: uncut).plan(request), load, true)
        }
    }

    static func planUncut(_ request: PlanRequest) throws -> PlanOutcome {
        let uncut = try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
        return try Planner(catalogue: uncut).plan(request)
    }

    /// Compares the outcomes; the figures of the cut.
    @discardableResult
    static func compare(_ request: PlanRequest) throws -> CandidateLoad {
        let (cut, load, _) = try planCut(request)
        let uncut = try planUncut(request)
        switch (uncut, cut) {
        case (.planned(let a), .planned(let b)):
            #expect(a.taken == b.taken, "\(request.target) \(request.objectives)")
            #expect(zip(a.objectiveValues, b.objectiveValues).allSatisfy { abs($0 - $1) < 1e-6 }, "\(request.target)")
            #expect(a.applications == b.applications)
        case (.infeasible(let a), .infeasible(let b)):
            #expect(a.cause == b.cause && a.summary == b.summary && a.unmet == b.unmet, "\(request.target)")
        default:
            Issue.record("uncut: \(uncut), cut: \(cut) for \(request.target)")
        }
        return load
    }

    @Test func generatedLearnersGetTheSamePlans() throws {
        var read = 0, candidates = 0
        for learner in Self.generated.learners {
            let goal = try #require(SubCatalogueTests.goal(of: learner))
            for objectives in [[Objective.cost], [.workload], [.cost, .ects]] {
                let load = try Self.compare(PlanRequest(target: goal, learner: learner, objectives: objectives))
                read += load.catalogue.credentials.count
                candidates += try Self.store.candidateCatalogue(target: goal, held: learner.held.compactMap(\.catalogueID)).credentials.count
            }
        }
        // The cut must have left something out, or this test would show nothing. (Leaves read in
        // measure order stop where the cut would begin, so `kept < examined` shows nothing there.)
        #expect(read < candidates, "read \(read) of \(candidates)")
    }

    /// In calendar time the cut compares only credentials of the same runs (CandidateCut.comparesRuns):
    /// the plans, finishing first or cheapest first, are those of every candidate.
    @Test func generatedLearnersGetTheSameScheduledPlans() throws {
        var examined = 0, kept = 0
        for learner in Self.generated.learners {
            let goal = try #require(SubCatalogueTests.goal(of: learner))
            for objectives in [[Objective.duration, .cost], [.cost]] {
                var request = PlanRequest(target: goal, learner: learner, objectives: objectives)
                request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 20)
                let load = try Self.compare(request)
                #expect(load.cut?.comparesRuns == true)
                examined += load.examined
                kept += load.kept
            }
        }
        #expect(kept < examined, "kept \(kept) of \(examined)")
    }

    /// A budget outside the objectives is planned without it first; when that plan breaks it, the
    /// cut (made without the budget) does not cover the request and the plan is made uncut.
    @Test func aBindingLimitOutsideTheObjectivesPlansUncut() throws {
        let learner = Self.generated.learners[3]
        let goal = try #require(SubCatalogueTests.goal(of: learner))
        var request = PlanRequest(target: goal, learner: learner, objectives: [.workload])
        let free = try #require(try Self.planUncut(request).plan)
        request.constraints.budget = max(0, free.totals.cost - 1)
        let (outcome, load, replanned) = try Self.planCut(request)
        #expect(load.cut?.coversLimits == false)
        #expect(replanned)
        let expected = try Self.planUncut(request)
        #expect(outcome.plan?.taken == expected.plan?.taken)
    }

    /// With no plan the planner stops before diagnosing on too few candidates.
    @Test func noPlanIsDiagnosedOnEveryCandidate() throws {
        let learner = Self.generated.learners[1]
        let goal = try #require(SubCatalogueTests.goal(of: learner))
        var request = PlanRequest(target: goal, learner: learner, objectives: [.cost])
        request.constraints.budget = 1
        let load = try Self.store.candidateCatalogue(for: request)
        #expect(load.cut != nil)
        var planner = Planner(catalogue: load.catalogue)
        planner.cut = load.cut
        #expect(throws: CandidateCut.Uncovered.self) { try planner.plan(request) }
        try Self.compare(request)
    }

    /// A credential some stored credential names as a prerequisite or overlap is never a sure
    /// dominator, and the table of such names follows every import.
    @Test func referencedCredentialsFollowImports() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-refs-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try CatalogueStore(path: path)
        let catalogue = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 200, qualifications: 4), seed: 3).catalogue
        try store.importCatalogue(catalogue)
        func referenced() throws -> Set<String> { Set(try store.read { try String.fetchAll($0, sql: "SELECT id FROM referencedCredential") }) }
        var expected: Set<String> = []
        for credential in catalogue.credentials {
            expected.formUnion(credential.prerequisites?.credentialIDs ?? [])
            expected.formUnion(credential.excludes)
        }
        #expect(try referenced() == expected)
        // Dropping every reference by re-importing the credentials without them empties it.
        let unlinked = catalogue.credentials.map { credential in
            var plain = credential
            plain.prerequisites = nil
            plain.excludes = []
            return plain
        }
        try store.importCatalogue(Catalogue(
            baseCurrency: catalogue.baseCurrency, exchangeRates: catalogue.exchangeRates, providers: catalogue.providers,
            credentials: unlinked, qualifications: catalogue.qualifications))
        #expect(try referenced().isEmpty)
        // An editor's change through the service names a prerequisite: the table has it at once,
        // so that no plan's cut counts the credential now required as a sure dominator.
        var edited = unlinked[0]
        edited.prerequisites = .credential(unlinked[1].id)
        let editor = try store.createAccount(name: "editor", role: .editor, passwordHash: "not used here")
        _ = try store.editCatalogue(Catalogue(
            baseCurrency: catalogue.baseCurrency, exchangeRates: catalogue.exchangeRates, providers: [],
            credentials: [edited], qualifications: []), by: editor.id)
        #expect(try referenced() == [unlinked[1].id])
    }
}
