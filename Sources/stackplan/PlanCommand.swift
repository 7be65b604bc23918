import ArgumentParser
import Foundation
import MILP
import StackPlanCore

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

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var request = try planning.request()
            exceptions.add(to: &request)
            // Only the credentials that can matter, by indexed queries; an advisor's exceptions may
            // name any credential, so with them the whole catalogue is read.
            let catalogue = request.exceptions.isEmpty
                ? try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
                : try store.catalogue()
            let planner = Planner(catalogue: catalogue)
            if let writeModel {
                try planner.model(for: request).writeLP(to: writeModel)
                printError("model written to \(writeModel)")
            }
            switch try planner.plan(request) {
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
