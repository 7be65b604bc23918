import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanCPD
import StackPlanInterchange
import StackPlanStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load catalogue documents into the database, upserting records by id.",
        discussion: "All or nothing: if any document has an error, every problem is listed and nothing is written.")

    @Argument(help: "Catalogue JSON documents (format stackplan/1), or CSV files of credentials (docs/csv-format.md).")
    var files: [String]

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.open()
        try reportingErrors {
            // One JSON document is read a batch of credentials at a time, so that a national
            // catalogue's import does not hold it whole; anything to report reads it whole again.
            if files.count == 1, let file = files.first, !CatalogueFiles.isCSV(file) {
                let progress = ProgressReporter.forStandardError(unit: "files", total: 1)
                progress?.enter("reading, checking and writing \(file) in one transaction")
                let summary = try store.importStreaming(path: file)
                progress?.finish()
                if let summary {
                    print("\(file): imported \(plural(summary.providers, "provider")), \(plural(summary.credentials, "credential")), "
                        + "\(plural(summary.qualifications, "qualification")) (\(summary.replaced) replaced) into \(database.path)")
                    return
                }
            }
            var readers = CatalogueFiles()
            var documents: [(catalogue: Catalogue, file: String?)] = []
            // A 100,000-credential import takes seconds: a person at a terminal sees which step it is in.
            let progress = ProgressReporter.forStandardError(unit: "files", total: files.count)
            defer { progress?.finish() }
            for file in files {
                progress?.enter("reading \(file)")
                // A CSV cannot name its currency: it takes the one of the stored catalogue and the documents before it.
                documents.append(try readers.read(file, before: try documents.reduce(into: store.catalogue()) { $0.merge($1.catalogue) }))
                progress?.advance()
            }
            let records = documents.reduce(0) { $0 + $1.catalogue.providers.count + $1.catalogue.credentials.count + $1.catalogue.qualifications.count }
            progress?.enter("checking and writing \(ProgressReporter.grouped(records)) records in one transaction")
            let summaries: [CatalogueStore.ImportSummary]
            do { summaries = try store.importCatalogues(documents) } catch let invalid as InvalidDocument { throw readers.locate(invalid) }
            progress?.finish()
            for (file, summary) in zip(files, summaries) {
                for warning in summary.warnings { printError("\(file): \(warning)") }
                print("\(file): imported \(plural(summary.providers, "provider")), \(plural(summary.credentials, "credential")), "
                    + "\(plural(summary.qualifications, "qualification")) (\(summary.replaced) replaced) into \(database.path)")
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

    @Option(help: "Also check catalogues' cpd entries against this CPD scheme file: unknown schemes and categories are errors.")
    var schemes: String?

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let book = try schemes.map { path in try reportingErrors { try CPDSchemeBook.read(try readFile(path), file: path) } }
        var failed = false
        for file in files {
            let data = try readFile(file)
            let issues: [ValidationIssue]
            if CatalogueFiles.isCSV(file) {
                let stored = try reportingErrors { try database.openExisting().catalogue() }
                issues = CatalogueCSV.problems(in: data, file: file, baseCurrency: stored.baseCurrency, resolvingAgainst: stored)
            } else if case .object(let fields)? = try? JSON.parse(data), fields["format"] == nil {
                issues = try learnerProblems(data, file: file)
            } else {
                issues = CatalogueDocument.problems(in: data) + cpdProblems(data, book: book)
            }
            let errors = issues.filter { $0.severity == .error }
            for issue in issues { print("\(file): \(issue)") }
            print("\(file): \(errors.isEmpty ? "valid" : plural(errors.count, "error"))"
                + (issues.count > errors.count ? ", \(plural(issues.count - errors.count, "warning"))" : ""))
            failed = failed || !errors.isEmpty
        }
        if failed { throw Exit.invalidInput }
    }

    func cpdProblems(_ data: Data, book: CPDSchemeBook?) -> [ValidationIssue] {
        guard let book, let catalogue = try? CatalogueDocument.read(data) else { return [] }
        return book.issues(in: catalogue, strict: true)
    }

    func learnerProblems(_ data: Data, file: String) throws -> [ValidationIssue] {
        let profile: LearnerProfile
        do {
            profile = try LearnerDocument.read(data, file: file)
        } catch let invalid as InvalidDocument {
            return invalid.issues
        }
        // Only the records the profile names: a national catalogue need not be read to check a few ids.
        let catalogue = try reportingErrors {
            let ids = profile.held.compactMap(\.catalogueID)
            return try database.openExisting().records(credentials: ids, qualifications: ids, providers: profile.constraints.excludeProviders)
        }
        return LearnerDocument.problems(profile, in: catalogue)
    }
}
