import ArgumentParser
import Foundation
import MILP
import StackPlanCore
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

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            let asked = try planning.request(schedule: !noSchedule, allowingSeveralTargets: true)
            let goals = planning.goals(of: asked)
            if goals.count > 1 { return try planSeveralGoals(goals, asked, store) }
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
        let outcome = try Planner(catalogue: catalogue).plan(goals: goals, request)
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
        case .stopped(let status):
            if json { printJSON(.object(["status": .string(status.rawValue)])) }
            printError("no plan found within the time limit of \(planning.timeLimit) s (status: \(status.rawValue)); try a longer --time-limit")
            throw Exit.solverStopped
        }
    }
}
