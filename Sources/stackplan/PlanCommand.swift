import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanRendering

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Find the optimal stack of credentials toward a qualification for a learner.",
        discussion: "Flags for budget, hours, modes, languages, accreditation and providers replace the profile's own values.")

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @Option(help: "Write the optimisation model in CPLEX LP format to this file.")
    var writeModel: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @OptionGroup var measuring: PlanMeasuring

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var request = measuring.adjusted(try planning.request())
            exceptions.add(to: &request)
            let started = Date()
            // An advisor's exceptions may name any credential, so with them the whole catalogue is read.
            let catalogue = request.exceptions.isEmpty ? try measuring.load(store, for: request) : try store.catalogue()
            let loaded = Date()
            let planner = Planner(catalogue: catalogue)
            if let writeModel {
                try planner.model(for: request).writeLP(to: writeModel)
                printError("model written to \(writeModel)")
            }
            let outcome = try planner.plan(request)
            try measuring.report(planner: planner, request: request, outcome: outcome, started: started, loaded: loaded, planned: Date())
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
}
