import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanCPD

struct CPDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cpd",
        abstract: "Regulators' CPD schemes: check practitioners' records, plan remediation, measure catalogue coverage.",
        subcommands: [CPDCheckCommand.self, CPDImportCommand.self, CPDPlanCommand.self, CPDCoverageCommand.self, CPDSchemesCommand.self, CPDGenerateCommand.self])
}

/// Exit codes of `cpd check`, documented in docs/cpd.md.
enum CPDExit {
    static let notCompliant = ExitCode(1)
}

struct SchemeFileOption: ParsableArguments {
    @Option(name: .customLong("schemes"), help: "CPD scheme file (default: $STACKPLAN_CPD_SCHEMES, else ./data/cpd-schemes.json).")
    var file: String?

    var path: String { file ?? ProcessInfo.processInfo.environment["STACKPLAN_CPD_SCHEMES"] ?? "data/cpd-schemes.json" }

    func load() throws -> CPDSchemeBook {
        guard FileManager.default.fileExists(atPath: path) else {
            printError("error: no CPD scheme file at \(path): give --schemes FILE or set STACKPLAN_CPD_SCHEMES")
            throw Exit.invalidInput
        }
        return try reportingErrors { try CPDSchemeBook.read(try readFile(path), file: path) }
    }

    /// The scheme by id, with the catalogue's entries for it checked against it.
    func scheme(_ id: String, book: CPDSchemeBook, catalogue: Catalogue) throws -> CPDScheme {
        guard let scheme = book.scheme(id) else {
            printError("error: \(path) has no scheme \"\(id)\" (it has \(book.schemes.map(\.id).joined(separator: ", ")))")
            throw Exit.notFound
        }
        let problems = CPDSchemeBook([scheme]).issues(in: catalogue).filter { $0.severity == .error }
        for problem in problems { printError("warning: catalogue \(problem): entries with this category never count") }
        return scheme
    }
}

/// The dates a record may leave out: the day to assess or plan on, and the cycle's last day.
struct CPDDateArguments: ParsableArguments {
    @Option(help: ArgumentHelp("The day to assess or plan on, for records that give none; default: today.", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Option(help: ArgumentHelp("Last day of the cycle for records that give none (the renewal date for rolling cycles).", valueName: "YYYY-MM-DD"))
    var cycleEnds: Day?

    func validate() throws {
        try checkDays([("--as-of", asOf), ("--cycle-ends", cycleEnds)])
    }
}


struct CPDCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a practitioner's record, or a batch of records, against a CPD scheme.",
        discussion: """
            One record: exit 0 compliant, 1 not compliant, 2 invalid input. A batch (--batch FILE, .jsonl or .csv, \
            read line by line): exit 0 when every record is compliant, 1 when some are not, 2 when some records are \
            invalid (each is reported with its line number; the others are still checked) or the file cannot be read.
            """)

    @Argument(help: "The practitioner's record (JSON).")
    var record: String?

    @Option(help: "Check every record of this file (JSON lines or CSV; - for standard input) instead of one.")
    var batch: String?

    @Option(help: "The scheme's id (default: the record's \"scheme\"); required with --batch.")
    var scheme: String?

    @OptionGroup var dates: CPDDateArguments

    @Option(help: "Batch input format: jsonl or csv (default: from the file's extension).")
    var inputFormat: CPDBatch.InputFormat?

    @Option(help: "Write batch results here, one row per record (.csv or .jsonl); default: standard output.")
    var output: String?

    @Flag(help: "Print JSON: the assessment, or for a batch, JSON lines instead of CSV.")
    var json = false

    @Flag(help: "Batch: do not check that each practitioner appears once; memory then stays flat however many there are.")
    var noRepeatCheck = false

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if (record == nil) == (batch == nil) { throw ValidationError("give a record file, or --batch FILE, not both") }
        if batch != nil && scheme == nil { throw ValidationError("--batch needs --scheme ID") }
        if batch == nil && output != nil { throw ValidationError("--output is for --batch") }
    }

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let asOf = dates.asOf ?? Day.current
        let cycleEnds = dates.cycleEnds
        if let batch { return try runBatch(batch, book: book, catalogue: catalogue, asOf: asOf, cycleEnds: cycleEnds) }

        let file = record!
        let practitioner = try reportingErrors { try PractitionerRecordDocument.read(try readFile(file), file: file) }
        guard let id = scheme ?? practitioner.scheme else {
            printError("error: \(file): the record names no \"scheme\"; give --scheme ID")
            throw Exit.invalidInput
        }
        let checker = CPDChecker(scheme: try schemeFile.scheme(id, book: book, catalogue: catalogue), catalogue: catalogue)
        let assessment: CPDAssessment
        do {
            assessment = try checker.assess(practitioner, asOf: asOf, cycleEnds: cycleEnds)
        } catch {
            // The record's fault (the error is a CPDRecordError): named by its file.
            printError("\(file): \(error)")
            throw Exit.code(for: error.kind)
        }
        if json { printJSON(assessment.json) } else { print(assessment.text) }
        if !assessment.isCompliant { throw CPDExit.notCompliant }
    }

    func runBatch(_ path: String, book: CPDSchemeBook, catalogue: Catalogue, asOf: Day, cycleEnds: Day?) throws {
        let format: CPDBatch.InputFormat
        if let inputFormat { format = inputFormat }
        else if path.hasSuffix(".csv") { format = .csv }
        else if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") { format = .jsonl }
        else {
            printError("error: cannot tell the format of \(path) from its name: give --input-format jsonl or csv")
            throw Exit.invalidInput
        }
        let jsonOutput = output.map { $0.hasSuffix(".jsonl") || $0.hasSuffix(".ndjson") } ?? json
        if let output, !jsonOutput && !output.hasSuffix(".csv") {
            printError("error: --output must end in .csv or .jsonl, not \(output)")
            throw Exit.invalidInput
        }
        let scheme = try schemeFile.scheme(self.scheme!, book: book, catalogue: catalogue)
        let runner = CPDBatch(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: asOf, cycleEnds: cycleEnds, checksRepeatedIDs: !noRepeatCheck)
        let started = ContinuousClock.now
        let summary: BatchSummary
        // Opened first, so that a wrong output path is reported before any record is checked.
        let writer = try OutputFile(path: output)
        let progress = ProgressReporter.forStandardError(unit: "records")
        do {
            let lines = try LineReader(path: path)
            if !jsonOutput { try writer.write(BatchResult.csvHeader + "\n") }
            // The batch reports each result through a closure that cannot throw: the first
            // write error is kept, and later results are not written.
            var writeError: Error?
            summary = try runner.run(lines, format: format) { result in
                progress?.advance()
                guard writeError == nil else { return }
                do {
                    try writer.write(jsonOutput ? String(decoding: result.json.serialized(pretty: false), as: UTF8.self) + "\n" : result.csvRow + "\n")
                } catch {
                    writeError = error
                }
            }
            progress?.finish()
            if let writeError { throw writeError }
            try writer.commit()
        } catch let error as BatchInputError {
            progress?.finish()
            printError("error: \(path): \(error)")
            throw Exit.code(for: error.kind)
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var text = "\(path): " + summary.text(scheme: scheme)
        text += "\nchecked in \(String(format: "%.2f", seconds)) s (\(Int((Double(summary.records) / max(seconds, 1e-9)).rounded())) records/s)"
        if let peak = peakResidentMemory() { text += ", peak resident memory \(String(format: "%.1f", Double(peak) / 1024)) MiB" }
        if let output { text += "\nresults written to \(output)" }
        // With results on standard output, the summary goes to standard error so that the data stays clean.
        if output == nil { printError(text) } else { print(text) }
        if summary.invalid > 0 { throw Exit.invalidInput }
        if summary.notCompliant > 0 { throw CPDExit.notCompliant }
    }
}

/// The process's peak resident set (VmHWM) in KiB, where /proc tells it.
func peakResidentMemory() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    }
    return nil
}

extension RemediationObjective: ExpressibleByArgument {}
extension CPDBatch.InputFormat: ExpressibleByArgument {}

struct CPDPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "The cheapest (or lightest, or quickest) catalogue credentials that close a record's shortfall before the cycle ends.",
        discussion: "Exit 0 with a plan (or nothing to close), 1 when no set of credentials closes the shortfall, 2 invalid input, 3 solver stopped.")

    @Argument(help: "The practitioner's record (JSON).")
    var record: String

    @Option(help: "The scheme's id (default: the record's \"scheme\").")
    var scheme: String?

    @Option(help: "What to minimise first: cost, workload (hours) or fastest (the latest finish).")
    var objective: RemediationObjective = .cost

    @OptionGroup var limits: LimitArguments

    @OptionGroup var dates: CPDDateArguments

    @Option(parsing: .unconditional, help: "Learning hours a week assumed for credentials whose duration the catalogue does not state (more than 0, at most 168; default 10).",
            transform: FlagRanges.hoursPerWeek.number)
    var hoursPerWeek: Double = 10

    func validate() throws {
        // Remediation turns hours into weeks at this rate: a rate near zero would mean endless weeks.
        if let problem = CPDLimits.problem(hoursPerWeek, in: CPDLimits.hoursPerWeek) {
            throw FlagRefusal.record("--hours-per-week \(problem)", outOfRange: true)
        }
    }

    @OptionGroup var solver: SolverArguments

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let practitioner = try reportingErrors { try PractitionerRecordDocument.read(try readFile(record), file: record) }
        guard let id = scheme ?? practitioner.scheme else {
            printError("error: \(record): the record names no \"scheme\"; give --scheme ID")
            throw Exit.invalidInput
        }
        let checker = CPDChecker(scheme: try schemeFile.scheme(id, book: book, catalogue: catalogue), catalogue: catalogue)
        let constraints = limits.applied(to: practitioner.constraints)
        let remediation = CPDRemediation(checker: checker, solveOptions: solver.options, hoursPerWeek: hoursPerWeek)
        let outcome: RemediationOutcome
        do {
            outcome = try remediation.plan(
                practitioner, asOf: dates.asOf ?? Day.current, cycleEnds: dates.cycleEnds, objective: objective, constraints: constraints)
        } catch let error as CPDRecordError {
            // The record's fault: named by its file.
            printError("\(record): \(error)")
            throw Exit.code(for: error.kind)
        }
        let report = RemediationReport(outcome: outcome, baseCurrency: catalogue.baseCurrency)
        if json { printJSON(report.json) } else { print(report.text) }
        switch outcome {
        case .planned, .nothingToClose: return
        case .impossible: throw Exit.noPlan
        case .stopped: throw Exit.solverStopped
        }
    }
}

struct CPDCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Which catalogue offerings count toward each category and rule of a scheme, and whether the catalogue alone meets it.",
        discussion: "--scheme all judges every scheme of the scheme file at once: a table of schemes and their categories.")

    @Option(help: "The scheme's id, or all for every scheme of the scheme file.")
    var scheme: String

    @Option(help: ArgumentHelp("The day approvals must be in force on; default: today.", valueName: "YYYY-MM-DD"))
    var asOf: Day?

    @Flag(help: "Count only offerings of accredited providers (or credentials marked accredited).")
    var accreditedOnly = false

    func validate() throws { try checkDays([("--as-of", asOf)]) }

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let given = asOf
        let schemes = try scheme == "all" ? book.schemes : [schemeFile.scheme(scheme, book: book, catalogue: catalogue)]
        var coverages: [CPDCoverage] = []
        for chosen in schemes {
            let checker = CPDChecker(scheme: chosen, catalogue: catalogue)
            do {
                // Across all schemes, each is judged on the given day or, when it is not in force then, its nearest day in force.
                let day = scheme == "all" ? chosen.coverageDay(near: given ?? Day.current) : given ?? chosen.coverageDay(near: Day.current)
                coverages.append(try CPDCoverage(checker: checker, asOf: day, accreditedOnly: accreditedOnly))
            } catch let error as CPDRecordError {
                printError("error: \(error.message)")
                throw Exit.code(for: error.kind)
            }
        }
        if scheme == "all" {
            let matrix = CPDCoverageMatrix(coverages)
            if json { printJSON(matrix.json) } else { print(matrix.text(baseCurrency: catalogue.baseCurrency)) }
        } else if json {
            printJSON(coverages[0].json)
        } else {
            print(coverages[0].text(baseCurrency: catalogue.baseCurrency))
        }
    }
}

struct CPDSchemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemes", abstract: "List the CPD schemes of the scheme file, or show one with its rules and sources.")

    @Argument(help: "A scheme's id, to show it in full.")
    var id: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var schemeFile: SchemeFileOption

    func run() throws {
        let book = try schemeFile.load()
        if let id {
            guard let scheme = book.scheme(id) else {
                printError("error: \(schemeFile.path) has no scheme \"\(id)\" (it has \(book.schemes.map(\.id).joined(separator: ", ")))")
                throw Exit.notFound
            }
            if json { printJSON(CPDSchemeDocument.json(scheme)) } else { print(CPDSchemeDocument.text(scheme)) }
            return
        }
        if json { return printJSON(.array(book.schemes.map(CPDSchemeDocument.json))) }
        let rows = [["id", "regulator", "cycle", "unit", "requirements"]] + book.schemes.map { scheme in
            [scheme.id, shortened(scheme.regulator, to: 44), CPDSchemeDocument.describe(scheme.cycle), scheme.unit.name,
             String(scheme.rules.count { $0.isRequirement })]
        }
        table(rows, rightAligned: [4]).forEach { print($0) }
        print(plural(book.schemes.count, "scheme") + " in \(schemeFile.path)")
    }
}

struct CPDGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write made-up practitioner records for a scheme (benchmarks, demonstrations), JSON lines or CSV.")

    @Option(help: "The scheme's id.")
    var scheme: String

    @Option(parsing: .unconditional, help: "How many records (0 to 100,000,000; default 1,000).", transform: FlagRanges.records.count)
    var count: Int = 1000

    @Option(help: ArgumentHelp("The last day of every record's cycle.", valueName: "YYYY-MM-DD"))
    var cycleEnds: Day

    @Option(parsing: .unconditional, help: "Seed of the pseudo-random generator: the same seed gives the same records (default 1).",
            transform: SeedFlag.parse)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Share of records to break on purpose (0 to 1; default 0).", transform: FlagRanges.share.number)
    var malformed: Double = 0

    @Option(help: "jsonl or csv.")
    var format: CPDBatch.InputFormat = .jsonl

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        try checkDays([("--cycle-ends", cycleEnds)])
    }

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let chosen = try schemeFile.scheme(scheme, book: book, catalogue: catalogue)
        var records: SyntheticRecords
        do {
            records = try SyntheticRecords(scheme: chosen, catalogue: catalogue, cycleEnds: cycleEnds, seed: seed, malformedShare: malformed)
        } catch let error as CPDRecordError {
            printError("error: \(error.message)")
            throw Exit.code(for: error.kind)
        }
        let writer = try OutputFile(path: output)
        let progress = output == nil ? nil : ProgressReporter.forStandardError(unit: "records", total: count)
        if format == .csv { try writer.write(SyntheticRecords.csvHeader + "\n") }
        for number in 0..<count {
            if format == .csv {
                for row in records.csvRows(number) { try writer.write(row + "\n") }
            } else {
                try writer.write(records.jsonLine(number) + "\n")
            }
            progress?.advance()
        }
        progress?.finish()
        try writer.commit()
    }
}
