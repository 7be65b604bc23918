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

    @Option(help: ArgumentHelp("ctdl: the files are Credential Engine CTDL JSON-LD (docs/interchange.md#ctdl); what cannot be mapped is reported by JSON path.", valueName: "format"))
    var format: ImportFormat?

    @OptionGroup var ctdl: CTDLImportOptions

    @OptionGroup var database: DatabaseOption
    @OptionGroup var postgres: PostgresOption

    func run() throws {
        let postgresStore = try postgres.open(besides: database)
        // One JSON document is read a batch of credentials at a time, so that a national
        // catalogue's import does not hold it whole; anything to report reads it whole again.
        // (SQLite only: PostgreSQL imports take the whole document.)
        let streamed = files.count == 1 && !CatalogueFiles.isCSV(files[0]) && format != .ctdl ? files[0] : nil
        func report(_ summary: CatalogueStore.ImportSummary, of file: String, into location: String) {
            print("\(file): imported \(plural(summary.providers, "provider")), \(plural(summary.credentials, "credential")), "
                + "\(plural(summary.qualifications, "qualification")) (\(summary.replaced) replaced) into \(location)")
        }
        // Into a database that does not exist yet, the pages are written once (no log to copy).
        if postgresStore == nil, let file = streamed {
            let progress = ProgressReporter.forStandardError(unit: "files", total: 1)
            progress?.enter("reading, checking and writing \(file) into a new database in one transaction")
            let timeout = try database.busyTimeout()
            let summary = try reportingErrors { try CatalogueStore.importStreaming(path: file, intoNewDatabase: database.path, busyTimeout: timeout) }
            progress?.finish()
            if let summary { return report(summary, of: file, into: database.path) }
        }
        let store: any CatalogueImporting
        if let postgresStore { store = postgresStore } else { store = try database.open() }
        try reportingErrors {
            if let file = streamed, let sqlite = store as? CatalogueStore {
                let progress = ProgressReporter.forStandardError(unit: "files", total: 1)
                progress?.enter("reading, checking and writing \(file) in one transaction")
                let summary = try sqlite.importStreaming(path: file)
                progress?.finish()
                if let summary { return report(summary, of: file, into: store.location) }
            }
            var readers = CatalogueFiles()
            var documents: [(catalogue: Catalogue, file: String?)] = []
            // A 100,000-credential import takes seconds: a person at a terminal sees which step it is in.
            let progress = ProgressReporter.forStandardError(unit: "files", total: files.count)
            defer { progress?.finish() }
            for file in files {
                progress?.enter("reading \(file)")
                // A CSV cannot name its currency: it takes the one of the stored catalogue and the documents before it.
                if format == .ctdl {
                    let read = try CTDLCatalogue(try readFile(file), file: file, defaults: ctdl.defaults, resolvingAgainst: try documents.reduce(into: store.catalogue()) { $0.merge($1.catalogue) })
                    for issue in read.unmapped { printError("\(file): \(issue)") }
                    documents.append((catalogue: read.catalogue, file: Optional(file)))
                    progress?.advance()
                    continue
                }
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
                    + "\(plural(summary.qualifications, "qualification")) (\(summary.replaced) replaced) into \(store.location)")
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

/// What `import --format` reads besides StackPlan's own JSON and CSV.
enum ImportFormat: String, ExpressibleByArgument, CaseIterable {
    case ctdl
}

/// What a CTDL document may not say, stated by the person importing it (never guessed).
struct CTDLImportOptions: ParsableArguments {
    @Option(name: .customLong("ctdl-eqf"), help: ArgumentHelp("With --format ctdl: EQF level (1–8) of resources whose level CTDL does not give.", valueName: "level"))
    var eqf: Int?

    @Option(name: .customLong("ctdl-country"), help: ArgumentHelp("With --format ctdl: country (ISO 3166-1 alpha-2) of organizations whose address gives none.", valueName: "code"))
    var country: String?

    @Option(name: .customLong("ctdl-mode"), help: ArgumentHelp("With --format ctdl: delivery (online, blended, in-person) of resources that state none.", valueName: "mode"))
    var mode: DeliveryMode?

    @Option(name: .customLong("ctdl-provider"), help: ArgumentHelp("With --format ctdl: provider id (of the document or the database) for resources that name no organization.", valueName: "id"))
    var provider: String?

    @Option(name: .customLong("credit-rate"), help: ArgumentHelp("With --format ctdl: ECTS per credit of a unit without a fixed conversion, e.g. SemesterHour=2 (repeatable).", valueName: "unit=ects"))
    var creditRates: [String] = []

    func validate() throws {
        if let eqf, !(1...8).contains(eqf) { throw ValidationError("--ctdl-eqf must be an EQF level 1–8, not \(eqf)") }
        if let country, country.count != 2 || !country.allSatisfy({ $0.isASCII && $0.isLetter }) {
            throw ValidationError("--ctdl-country must be a two-letter country code, not \(country)")
        }
        for rate in creditRates {
            let parts = rate.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value > 0, value <= 100 else {
                throw ValidationError("--credit-rate \(rate): write UNIT=ECTS with ECTS per unit more than 0 and at most 100, e.g. SemesterHour=2")
            }
        }
    }

    var defaults: CTDLCatalogue.Defaults {
        var rates: [String: Double] = [:]
        for rate in creditRates {
            let parts = rate.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { rates[String(parts[0])] = value }
        }
        return CTDLCatalogue.Defaults(eqf: eqf, country: country?.uppercased(), mode: mode, creditRates: rates, provider: provider)
    }
}
