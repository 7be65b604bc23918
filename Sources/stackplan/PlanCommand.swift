import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanCPD
import StackPlanRendering
import StackPlanStore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Find the optimal stack of credentials toward a qualification for a learner.",
        discussion: "Flags for budget, hours, modes, languages, accreditation and providers replace the profile's own values.")

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @Flag(help: "Plan without the calendar, even when the profile gives hours per week: no schedule, no dates.")
    var noSchedule = false

    @Option(help: ArgumentHelp("Write the optimisation model in CPLEX LP format to this file.", valueName: "file"))
    var writeModel: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @OptionGroup var measuring: PlanMeasuring

    @Option(name: .customLong("cpd-record"), help: ArgumentHelp(
        "With a goal cpd:SCHEME: the practitioner's CPD record for that scheme's cycle (JSON, as cpd check reads; repeatable, one per scheme).",
        valueName: "file"))
    var cpdRecords: [String] = []

    @Option(help: ArgumentHelp("With a goal cpd:SCHEME and no record giving it: the last day of the CPD cycle (the renewal date for rolling cycles).", valueName: "YYYY-MM-DD"))
    var cycleEnds: Day?

    @OptionGroup var schemeFile: SchemeFileOption

    func validate() throws { try checkDays([("--cycle-ends", cycleEnds)]) }

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            let asked = try planning.request(schedule: !noSchedule, allowingSeveralTargets: true)
            let goals = planning.goals(of: asked)
            if goals.count > 1 { return try planSeveralGoals(goals, asked, store) }
            if let scheme = goals.first.flatMap(CPDGoal.schemeID(of:)) {
                throw CommandFailure(.invalidInput, "--target cpd:\(scheme) is a goal beside a qualification; for a CPD cycle alone use cpd plan")
            }
            if !cpdRecords.isEmpty || cycleEnds != nil { throw CommandFailure(.invalidInput, "--cpd-record and --cycle-ends go with a goal cpd:SCHEME") }
            var request = measuring.adjusted(asked)
            exceptions.add(to: &request)
            // GLPK's own progress (--verbose) takes standard error instead.
            let progress = planning.solver.verbose ? nil : ProgressReporter.forStandardError(unit: "")
            progress?.enter("loading the catalogue")
            let started = Date()
            // An advisor's exceptions may name any credential, so with them the whole catalogue is read.
            // A written model is the model of every candidate, as it always was.
            var load = !request.exceptions.isEmpty ? CandidateLoad(catalogue: try store.catalogue(), cut: nil, examined: 0, kept: 0)
                : writeModel != nil ? try measuring.loadUncut(store, for: request) : try measuring.load(store, for: request)
            let loaded = Date()
            var planner = Planner(catalogue: load.catalogue)
            planner.cut = load.cut
            if let writeModel {
                // Opened before the model is built, so that a wrong path is reported before the work.
                let file = try OutputFile(path: writeModel)
                let model = try planner.model(for: request)
                try file.produce { try model.writeLP(to: $0) }
                printError("model written to \(writeModel)")
            }
            progress?.enter("planning toward \(request.target)")
            if let progress { request.solverOptions = progress.reportingSolves(request.solverOptions) }
            let outcome: PlanOutcome
            var replanned = false
            do {
                outcome = try planner.plan(request)
            } catch is CandidateCut.Uncovered {
                // No plan (whose diagnosis names what the cut left out), or limits the cut did not cover.
                load = try measuring.loadUncut(store, for: request)
                planner = Planner(catalogue: load.catalogue)
                outcome = try planner.plan(request)
                replanned = true
            }
            let catalogue = planner.catalogue
            progress?.finish()
            try measuring.report(planner: planner, request: request, outcome: outcome, load: load, replanned: replanned, started: started, loaded: loaded, planned: Date())
            switch outcome {
            case .planned(let plan):
                let report = PlanReport(plan: plan, catalogue: catalogue, request: request)
                if json { printJSON(report.json) } else { print(report.text) }
            case .infeasible(let diagnosis):
                if json { printJSON(diagnosis.json) } else { print(diagnosis.text) }
                throw Exit.noPlan
            case .stopped(let status):
                if json { printJSON(.object(["status": .string(status.rawValue)])) }
                printError("no plan found within the time limit of \(planning.timeLimit) s (status: \(status.rawValue)); try a longer --time-limit")
                throw Exit.solverStopped
            }
        }
    }

    /// One plan for every --target at once, without the calendar.
    private func planSeveralGoals(_ goals: [String], _ asked: PlanRequest, _ store: CatalogueStore) throws {
        if writeModel != nil { throw CommandFailure(.invalidInput, "--write-model writes one goal's model: give one --target") }
        var request = asked
        exceptions.add(to: &request)
        if request.schedule != nil {
            guard !request.objectives.contains(.duration), request.constraints.deadline == nil else {
                throw CommandFailure(.invalidInput, "--target given several times plans without the calendar: drop duration from --objective and the deadline")
            }
            printError("note: a plan for several goals ignores the calendar (hours per week)")
            request.schedule = nil
        }
        let catalogue = try store.catalogue()
        let external = try cpdGoals(goals.compactMap(CPDGoal.schemeID(of:)), request, catalogue)
        let outcome = try Planner(catalogue: catalogue).plan(goals: goals.filter { CPDGoal.schemeID(of: $0) == nil }, external: external, request)
        switch outcome {
        case .planned(let plan):
            let report = MultiGoalReport(plan: plan, catalogue: catalogue, request: request)
            if json { printJSON(report.json) } else { print(report.text) }
        case .infeasible(let goal, let diagnosis):
            if json {
                printJSON(.object(["goal": goal.map(JSON.string) ?? .null, "diagnosis": diagnosis.json]))
            } else if let goal {
                print("Goal \(goal) has no plan of its own:")
                print(diagnosis.text)
            } else {
                print("Each goal has a plan of its own, but no one set of credentials meets them all within the limits.")
            }
            throw Exit.noPlan
        case .unreachable(let goal, let reasons):
            if json {
                printJSON(.object(["goal": .string(goal), "reasons": .array(reasons.map(JSON.string))]))
            } else {
                print("Goal \(goal) cannot be met even on its own:")
                for reason in reasons { print("  - \(reason)") }
            }
            throw Exit.noPlan
        case .stopped(let status):
            if json { printJSON(.object(["status": .string(status.rawValue)])) }
            printError("no plan found within the time limit of \(planning.timeLimit) s (status: \(status.rawValue)); try a longer --time-limit")
            throw Exit.solverStopped
        }
    }

    /// The CPD goals (`cpd:SCHEME`) among the targets, each with its record (`--cpd-record`
    /// naming the scheme, or the one record when one goal and one unnamed record), else an
    /// empty record ending on --cycle-ends.
    private func cpdGoals(_ schemes: [String], _ request: PlanRequest, _ catalogue: Catalogue) throws -> [any ExternalGoal] {
        if schemes.isEmpty {
            if !cpdRecords.isEmpty || cycleEnds != nil { throw CommandFailure(.invalidInput, "--cpd-record and --cycle-ends go with a goal cpd:SCHEME") }
            return []
        }
        let book = try schemeFile.load()
        var records: [(file: String, record: PractitionerRecord)] = []
        for file in cpdRecords { records.append((file, try PractitionerRecordDocument.read(try readFile(file), file: file))) }
        for (file, record) in records {
            let named = record.scheme ?? (schemes.count == 1 && records.count == 1 ? schemes[0] : nil)
            guard let named, schemes.contains(named) else {
                throw CommandFailure(.invalidInput, "--cpd-record \(file): \(record.scheme.map { "its scheme \($0) is not among the goals" } ?? "the record names no \"scheme\"")")
            }
        }
        return try schemes.map { id -> any ExternalGoal in
            let scheme = try schemeFile.scheme(id, book: book, catalogue: catalogue)
            let found = records.filter { ($0.record.scheme ?? id) == id }
            if found.count > 1 { throw CommandFailure(.invalidInput, "--cpd-record: \(found.map(\.file).joined(separator: " and ")) are both for scheme \(id)") }
            let remediation = CPDRemediation(
                checker: CPDChecker(scheme: scheme, catalogue: catalogue), solveOptions: request.solverOptions,
                hoursPerWeek: request.learner.hoursPerWeek ?? 10)
            do {
                return try CPDGoal(
                    remediation: remediation, record: found.first?.record ?? PractitionerRecord(scheme: id), asOf: request.today,
                    cycleEnds: cycleEnds, held: request.learner.held, constraints: request.constraints)
            } catch {
                let source = found.first.map { "--cpd-record \($0.file)" } ?? "goal cpd:\(id) (give --cpd-record FILE or --cycle-ends)"
                throw CommandFailure((error as? any ClassifiedError)?.kind ?? .invalidInput, "\(source): \(error)")
            }
        }
    }
}
