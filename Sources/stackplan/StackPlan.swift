import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanStore

@main
struct StackPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stackplan",
        abstract: "Plan provably optimal stacks of micro-credentials toward qualifications.",
        discussion: """
            Exit codes: 0 success; 1 no plan exists (the target cannot be reached); 2 invalid input \
            (every problem is listed); 3 the solver's time limit passed before any plan was found; \
            4 unknown id; 64 wrong command-line usage; 70 internal error.
            """,
        subcommands: [
            Import.self, Validate.self, ListCommand.self, ShowCommand.self, PlanCommand.self, FrontierCommand.self,
            AlternativesCommand.self, CompareCommand.self, ExplainCommand.self, WhatIfCommand.self, NearestCommand.self,
            GraphCommand.self, LearnerCommand.self, ExportCommand.self, CPDCommand.self, LintCommand.self, GenerateCommand.self,
        ])
}

/// Exit codes, documented in docs/commands.md.
enum Exit {
    static let noPlan = ExitCode(1)
    static let invalidInput = ExitCode(2)
    static let solverStopped = ExitCode(3)
    static let notFound = ExitCode(4)
    static let internalError = ExitCode(70)
}

struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "SQLite database (default: $STACKPLAN_DB, else ./stackplan.sqlite).")
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["STACKPLAN_DB"] ?? "stackplan.sqlite" }

    /// Opens the database, creating it if needed: for commands that write.
    func open() throws -> CatalogueStore {
        let timeout = try busyTimeout()
        return try reportingErrors { try CatalogueStore(path: path, busyTimeout: timeout) }
    }

    /// Opens a database that must exist already, read-only (so that it works on a read-only
    /// file or folder): reading from a new, empty one would only hide a wrong path behind empty answers.
    func openExisting() throws -> CatalogueStore {
        guard FileManager.default.fileExists(atPath: path) else {
            printError("error: no database at \(path): load a catalogue first with `stackplan import FILE --db \(path)`")
            throw Exit.invalidInput
        }
        let timeout = try busyTimeout()
        return try reportingErrors { try CatalogueStore(path: path, access: .readOnly, busyTimeout: timeout) }
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

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs a command body, turning StackPlan's errors into a message on standard error and an exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let invalid as InvalidDocument {
        printError(invalid.description)
        throw Exit.invalidInput
    } catch let error as PlanningError {
        printError("error: \(error)")
        switch error {
        case .unknownTarget: throw Exit.notFound
        case .invalidRequest, .invalidLearner: throw Exit.invalidInput
        case .inconsistentPlan: throw Exit.internalError
        }
    } catch let error as StoreError {
        printError("error: \(error)")
        throw Exit.invalidInput
    } catch let error as ModelError {
        printError("error: \(error)")
        throw Exit.internalError
    } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileReadNoPermission {
        printError("error: cannot read \(error.filePath ?? "the file"): \(error.localizedDescription)")
        throw Exit.invalidInput
    }
}

func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        printError("error: cannot read \(path): no such file, or not readable")
        throw Exit.invalidInput
    }
    return data
}

func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

func printJSON(_ json: JSON) {
    print(String(decoding: json.serialized(pretty: true), as: UTF8.self))
}

extension DeliveryMode: ExpressibleByArgument {}
