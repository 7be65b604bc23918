import Foundation
import MILP
import Testing
@testable import StackPlanCore

/// The time limit covers the whole answer; the diagnosis is held to work, not seconds; derived
/// figures never trap.
@Suite struct LimitsTests {
    typealias F = Fixture

    /// Solves nothing, and counts how often it was asked.
    final class CountingSolver: Solver, @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var calls: Int { lock.withLock { count } }
        func solve(_ model: Model, options: SolveOptions) throws -> Solution {
            lock.withLock { count += 1 }
            return try GLPKSolver().solve(model, options: options)
        }
    }

    func scheduled(_ catalogue: Catalogue) -> PlanRequest {
        var request = F.request(objectives: [.cost])
        request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 20)
        return request
    }

    var smallCatalogue: Catalogue {
        F.catalogue((0..<6).map { F.credential("c\($0)", ects: 5, cost: Double(100 + $0)) }, [F.qualification(.credits(15))])
    }

    @Test func anExpiredDeadlineGivesTheStoppedAnswerWithoutSolving() throws {
        let solver = CountingSolver()
        var request = scheduled(smallCatalogue)
        request.solverOptions.deadline = Deadline(seconds: 0)
        request.solverOptions.solver = solver
        let outcome = try Planner(catalogue: smallCatalogue).plan(request)
        if case .stopped(let status) = outcome {
            #expect(status == .timeLimit)
        } else {
            Issue.record("expected the solver-stopped answer, got \(outcome)")
        }
        #expect(solver.calls == 0)
    }

    @Test func modelBuildingStopsWhenTheDeadlineHasPassed() {
        var request = scheduled(smallCatalogue)
        request.solverOptions.deadline = Deadline(seconds: 0)
        let formulation = Formulation(catalogue: smallCatalogue, request: request, qualification: smallCatalogue.qualifications[0])
        #expect(formulation.stopped)
        #expect(formulation.calendar == nil)
        request.solverOptions.deadline = Deadline(seconds: 3600)
        let complete = Formulation(catalogue: smallCatalogue, request: request, qualification: smallCatalogue.qualifications[0])
        #expect(!complete.stopped && complete.calendar != nil)
    }

    @Test func planningStartsOneClockForEverySolve() throws {
        let request = F.request()
        #expect(request.solverOptions.deadline == nil)
        let started = request.startingClock()
        let remaining = try #require(started.solverOptions.deadline?.remainingSeconds)
        #expect(remaining > 0 && remaining <= request.solverOptions.timeLimit!)
        // A request that has a deadline keeps it: a what-if's second plan shares the first's.
        var given = request
        given.solverOptions.deadline = Deadline(seconds: 0)
        #expect(given.startingClock().solverOptions.deadline?.hasPassed == true)
    }

    // MARK: The elastic diagnosis

    func sofiaMasters() throws -> (Catalogue, PlanRequest) {
        let catalogue = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let profile = try LearnerDocument.read(try Data(contentsOf: Fixture.bundledLearner("sofia")))
        let schedule = try ScheduleSettings.needed(by: profile, objectives: [.cost], deadline: nil, today: profile.today!)
        return (catalogue, PlanRequest(target: "ucp-msc-ipc", learner: profile, schedule: schedule))
    }

    @Test func theSameInputGivesTheSameDiagnosisAndSaysWhenTheWorkLimitWasReached() throws {
        let (catalogue, request) = try sofiaMasters()
        var planner = Planner(catalogue: catalogue)
        planner.shortfallLimits = ShortfallWorkLimits(nodes: 1, iterations: 1_000_000)
        let first = try #require(try planner.plan(request).diagnosis)
        let second = try #require(try planner.plan(request).diagnosis)
        #expect(first == second)
        #expect(first.text == second.text)
        #expect(first.shortfallLimitReached && !first.shortfallIsSmallest)
        #expect(first.text.contains("the work limit was reached"))
    }

    @Test func theDefaultWorkLimitProvesTheBundledShortfallSmallest() throws {
        let (catalogue, request) = try sofiaMasters()
        let diagnosis = try #require(try Planner(catalogue: catalogue).plan(request).diagnosis)
        #expect(diagnosis.shortfallIsSmallest && !diagnosis.shortfallLimitReached)
        #expect(diagnosis.text.contains("Smallest shortfall within your limits"))
    }

    // MARK: Derived figures

    @Test func hugeHoursPerECTSIsAnInputErrorNamingTheFigure() throws {
        var request = F.request()
        request.hoursPerECTS = 1e308
        let error = try #require(throws: PlanningError.self) { try Planner(catalogue: smallCatalogue).plan(request) }
        #expect(error.kind == .invalidInput)
        #expect(error.description.contains("1e+308 hours per ECTS"))
    }

    @Test func hugeStatedHoursAreAnInputErrorNamingTheCredential() throws {
        let catalogue = F.catalogue([F.credential("heavy", hours: 1e308), F.credential("light")], [F.qualification(.credits(5))])
        let error = try #require(throws: PlanningError.self) { try Planner(catalogue: catalogue).plan(scheduled(catalogue)) }
        #expect(error.kind == .invalidInput)
        #expect(error.description.contains("\"heavy\"") && error.description.contains("states 1e+308 hours"))
    }

    @Test func hugeFeesTimesARateAreAnInputError() throws {
        var dear = F.credential("dear", cost: 1e308)
        dear.currency = "GBP"
        var catalogue = F.catalogue([dear, F.credential("cheap")], [F.qualification(.credits(5))])
        catalogue.exchangeRates = ["GBP": 2]
        let error = try #require(throws: PlanningError.self) { try Planner(catalogue: catalogue).plan(F.request()) }
        #expect(error.kind == .invalidInput && error.description.contains("\"dear\""))
    }

    @Test func aHugeCreditRequirementIsDiagnosedNotATrap() throws {
        // Dominance counts how many credentials a row can need: 1e308 / 5 of them.
        let catalogue = F.catalogue((0..<4).map { F.credential("c\($0)") }, [F.qualification(.credits(1e308))])
        let outcome = try Planner(catalogue: catalogue).plan(F.request(objectives: [.cost]))
        #expect(outcome.diagnosis != nil)
    }

    @Test func tinyWeeklyHoursSaturateTheRunLengths() throws {
        let settings = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 1e-300)
        #expect(settings.selfPacedWeeks(hours: 100, stated: nil) == ScheduleSettings.longestRunWeeks)
        #expect(settings.selfPacedWeeks(hours: .infinity, stated: 3) == ScheduleSettings.longestRunWeeks)
        var request = scheduled(smallCatalogue)
        request.schedule?.hoursPerWeek = 1e-300
        let outcome = try Planner(catalogue: smallCatalogue).plan(request)
        #expect(outcome.diagnosis != nil)
    }

    @Test func aHugePriorLearningWindowCountsEveryAward() {
        let qualification = F.qualification(rules: QualificationRules(priorWithinYears: 1e308), .credits(5))
        let eligibility = Eligibility(catalogue: smallCatalogue, constraints: LearnerConstraints(), qualification: qualification, today: F.today)
        #expect(eligibility.reasonHeldDoesNotCount(earned: Day("1990-01-01")!) == nil)
    }
}
