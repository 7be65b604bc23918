import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanRendering
import StackPlanInterchange

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the stored catalogue, or a plan, for other programs and for people.",
        subcommands: [ExportCatalogueCommand.self, ExportPlanCommand.self])
}

struct ExportCatalogueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Write the stored catalogue as a stackplan/1 JSON document (or its credentials as CSV).",
        discussion: "The JSON imports back into an equal catalogue. CSV carries credentials and their providers only; what it leaves out is listed on standard error.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

    @Option(help: "What to write: a stackplan/1 JSON document, or the credentials as CSV.")
    var format: Format = .json

    @Option(help: "Write to this file (default: standard output).")
    var output: String?

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        switch format {
        case .json:
            try writeOutput(CatalogueDocument.data(catalogue) + Data("\n".utf8), to: output)
        case .csv:
            let (text, omitted) = CatalogueCSV.write(catalogue)
            for item in omitted { printError("not in the CSV: \(item)") }
            try writeOutput(text, to: output)
        }
        if let output { printError("wrote \(output)") }
    }
}

struct ExportPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan, then write the plan as JSON, CSV or a Markdown page for the learner.",
        discussion: "Takes the same options as `stackplan plan`, exceptions (--waive, --substitute, --apply) included. When no plan exists the exit code is 1; JSON and Markdown then explain why, CSV writes nothing.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, markdown }

    @Option(help: "What to write: a Markdown page for the learner, CSV rows or JSON.")
    var format: Format = .markdown

    @Option(help: "Write to this file (default: standard output).")
    var output: String?

    @OptionGroup var planning: PlanArguments
    @OptionGroup var exceptions: ExceptionArguments

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        try reportingErrors {
            var request = try planning.request()
            exceptions.add(to: &request)
            let catalogue = try store.catalogue()
            switch try Planner(catalogue: catalogue).plan(request) {
            case .planned(let plan):
                let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
                switch format {
                case .json: try writeOutput(export.json.serialized(pretty: true) + Data("\n".utf8), to: output)
                case .csv: try writeOutput(export.csv, to: output)
                case .markdown: try writeOutput(export.markdown, to: output)
                }
                if let output { printError("wrote \(output)") }
            case .infeasible(let diagnosis):
                switch format {
                case .json: try writeOutput(diagnosis.json.serialized(pretty: true) + Data("\n".utf8), to: output)
                case .markdown: try writeOutput(PlanExport.markdown(diagnosis: diagnosis, request: request, catalogue: catalogue), to: output)
                case .csv: break
                }
                printError(diagnosis.text)
                throw Exit.noPlan
            case .stopped(let status):
                printError("no plan found within the time limit of \(planning.timeLimit) s (status: \(status.rawValue)); try a longer --time-limit")
                throw Exit.solverStopped
            }
        }
    }
}
