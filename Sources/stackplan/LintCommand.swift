import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanCPD

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check credentials against the mandatory information of the 2022 Council Recommendation on micro-credentials, per provider.",
        discussion: "Exit 0 when every credential states every mandatory element a catalogue can state, 1 otherwise, 2 for an invalid catalogue.")

    @Argument(help: "A catalogue document to check (default: the stored catalogue).")
    var file: String?

    @Option(help: "Only this provider's credentials.")
    var provider: String?

    @Option(parsing: .unconditional, help: "Learning hours per ECTS for credentials that state no hours (1 to 100; default 25).",
            transform: FlagRanges.hoursPerECTS.number)
    var hoursPerEcts: Double = 25

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let catalogue = try reportingErrors {
            if let file { return try CatalogueDocument.read(try readFile(file), file: file) }
            return try database.openExisting().catalogue()
        }
        if let provider, catalogue.provider(provider) == nil {
            printError("error: the catalogue has no provider \"\(provider)\"")
            throw Exit.notFound
        }
        let lint = MicroCredentialLint(catalogue: catalogue, hoursPerECTS: hoursPerEcts, provider: provider)
        if json { printJSON(lint.json) } else { print(lint.text) }
        if lint.hasMissingElements { throw ExitCode(1) }
    }
}
