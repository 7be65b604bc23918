import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanStore

@main
struct StackPlan: ParsableCommand {
    /// The program's version, printed by `stackplan --version`.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "stackplan",
        abstract: "Plan provably optimal stacks of micro-credentials toward qualifications.",
        discussion: Exit.summary,
        version: version,
        groupedSubcommands: [
            CommandGroup(name: "Catalogue", subcommands: [
                Import.self, Validate.self, ListCommand.self, ShowCommand.self, ExportCommand.self,
            ]),
            CommandGroup(name: "Learner", subcommands: [
                LearnerCommand.self, PlanCommand.self, FrontierCommand.self, NearestCommand.self,
            ]),
            CommandGroup(name: "Advisor", subcommands: [
                AlternativesCommand.self, CompareCommand.self, ExplainCommand.self, WhatIfCommand.self, GraphCommand.self,
            ]),
            CommandGroup(name: "Regulator", subcommands: [CPDCommand.self, LintCommand.self]),
            CommandGroup(name: "Tools", subcommands: [GenerateCommand.self]),
            CommandGroup(name: "Service", subcommands: [ServeCommand.self, MigrateCommand.self]),
        ])

    /// Parses and runs the command with one error mapping for every command (docs/commands.md,
    /// "Exit codes"): whatever a command throws leaves with the code of its kind.
    static func main() {
        FlagRefusal.outOfRange = false
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // A number outside its flag's range is invalid input, not a misuse of the command line.
            if FlagRefusal.outOfRange {
                printError("error: \(message(for: error))")
                Foundation.exit(Exit.invalidInput.rawValue)
            }
            exit(withError: error)
        }
        do {
            try reportingErrors { try command.run() }
        } catch {
            exit(withError: error)
        }
    }
}

struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "SQLite database (default: $STACKPLAN_DB, else ./stackplan.sqlite).")
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["STACKPLAN_DB"] ?? "stackplan.sqlite" }

    /// Opens the database, creating it if needed: for commands that write.
    func open() throws -> CatalogueStore {
        try refuseFolder()
        let timeout = try busyTimeout()
        return try reportingErrors { try CatalogueStore(path: path, busyTimeout: timeout) }
    }

    /// Opens a database that must exist already, read-only (so that it works on a read-only
    /// file or folder): reading from a new, empty one would only hide a wrong path behind empty answers.
    func openExisting() throws -> CatalogueStore {
        try refuseFolder()
        guard FileManager.default.fileExists(atPath: path) else {
            printError("error: no database at \(path): load a catalogue first with `stackplan import FILE --db \(path)`")
            throw Exit.invalidInput
        }
        let timeout = try busyTimeout()
        return try reportingErrors { try CatalogueStore(path: path, access: .readOnly, busyTimeout: timeout) }
    }

    /// A folder given as the database: SQLite would only say that the disk reported an error.
    func refuseFolder() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return }
        printError("error: the database \(path) is a folder: give the path of a database file (one that `stackplan import` creates when it is missing)")
        throw Exit.invalidInput
    }

    /// Seconds to wait for another process's lock on the database: $STACKPLAN_BUSY_TIMEOUT, else 5.
    func busyTimeout() throws -> Double {
        guard let text = ProcessInfo.processInfo.environment["STACKPLAN_BUSY_TIMEOUT"] else { return CatalogueStore.defaultBusyTimeout }
        guard let seconds = Double(text), (0...CatalogueStore.maximumBusyTimeout).contains(seconds) else {
            printError("error: STACKPLAN_BUSY_TIMEOUT must be a number of seconds from 0 to \(Int(CatalogueStore.maximumBusyTimeout)), found \"\(text)\"")
            throw Exit.invalidInput
        }
        return seconds
    }
}

func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

func printJSON(_ json: JSON) {
    print(String(decoding: json.serialized(pretty: true), as: UTF8.self))
}

extension DeliveryMode: ExpressibleByArgument {}
