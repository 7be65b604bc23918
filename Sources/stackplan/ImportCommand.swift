import ArgumentParser
import Foundation
import StackPlanCore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load catalogue documents into the database, all or nothing, upserting records by id.")

    @Argument(help: "Catalogue JSON documents (format stackplan/1).")
    var files: [String]

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.open()
        try reportingErrors {
            for file in files {
                let catalogue = try CatalogueDocument.read(try readFile(file), file: file)
                let summary = try store.importCatalogue(catalogue, file: file)
                for warning in summary.warnings { printError("\(file): \(warning)") }
                print("\(file): imported \(summary.providers) providers, \(summary.credentials) credentials, "
                    + "\(summary.qualifications) qualifications (\(summary.replaced) replaced) into \(database.path)")
            }
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check catalogue or learner documents and list every problem with its JSON path.",
        discussion: "A document with a \"format\" field is a catalogue; any other is a learner profile, checked against the catalogue in the database.")

    @Argument(help: "JSON documents to check.")
    var files: [String]

    @OptionGroup var database: DatabaseOption

    func run() throws {
        var failed = false
        for file in files {
            let data = try readFile(file)
            let issues: [ValidationIssue]
            if case .object(let fields)? = try? JSON.parse(data), fields["format"] == nil {
                issues = try learnerProblems(data, file: file)
            } else {
                issues = CatalogueDocument.problems(in: data)
            }
            let errors = issues.filter { $0.severity == .error }
            for issue in issues { print("\(file): \(issue)") }
            print("\(file): \(errors.isEmpty ? "valid" : "\(errors.count) error\(errors.count == 1 ? "" : "s")")"
                + (issues.count > errors.count ? ", \(issues.count - errors.count) warning(s)" : ""))
            failed = failed || !errors.isEmpty
        }
        if failed { throw Exit.invalidInput }
    }

    func learnerProblems(_ data: Data, file: String) throws -> [ValidationIssue] {
        let profile: LearnerProfile
        do {
            profile = try LearnerDocument.read(data, file: file)
        } catch let invalid as InvalidDocument {
            return invalid.issues
        }
        let catalogue = try reportingErrors { try database.open().catalogue() }
        return LearnerDocument.problems(profile, in: catalogue)
    }
}
