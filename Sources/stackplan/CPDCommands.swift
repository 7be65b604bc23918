import ArgumentParser
import Foundation
import MILP
import StackPlanCore
import StackPlanCPD

struct CPDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cpd",
        abstract: "Regulators' CPD schemes: check practitioners' records, plan remediation, measure catalogue coverage.",
        subcommands: [CPDCheckCommand.self, CPDPlanCommand.self, CPDCoverageCommand.self, CPDSchemesCommand.self, CPDGenerateCommand.self])
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

func parseDay(_ text: String?, option: String) throws -> Day? {
    guard let text else { return nil }
    guard let day = Day(text) else { throw ValidationError("\(option) must be a date written YYYY-MM-DD, not \(text)") }
    if let problem = CPDLimits.problem(day) { throw outOfRange("\(option) \(problem)") }
    return day
}

/// Refuses a flag's value outside its documented range (docs/cpd.md), naming the flag.
func checkRange(_ value: Double?, _ range: ClosedRange<Double>, option: String, positive: Bool = false) throws {
    if let value, let problem = CPDLimits.problem(value, in: range, positive: positive) { throw outOfRange("\(option) \(problem)") }
}

/// A value out of its range is bad input (exit 2), not wrong usage: the flag was given properly.
private func outOfRange(_ message: String) -> Error {
    printError("error: \(message)")
    return Exit.invalidInput
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

    @Option(help: "Assessment date for records that give none (YYYY-MM-DD; default: today).")
    var asOf: String?

    @Option(help: "Last day of the cycle for records that give none (YYYY-MM-DD; the renewal date for rolling cycles).")
    var cycleEnds: String?

    @Option(help: "Batch input format: jsonl or csv (default: from the file's extension).")
    var inputFormat: String?

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
        _ = try parseDay(asOf, option: "--as-of")
        _ = try parseDay(cycleEnds, option: "--cycle-ends")
        if let inputFormat, CPDBatch.InputFormat(rawValue: inputFormat) == nil { throw ValidationError("--input-format must be jsonl or csv") }
    }

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let asOf = try parseDay(asOf, option: "--as-of") ?? Day.current
        let cycleEnds = try parseDay(cycleEnds, option: "--cycle-ends")
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
            printError("\(file): \(error)")
            throw Exit.invalidInput
        }
        if json { printJSON(assessment.json) } else { print(assessment.text) }
        if !assessment.isCompliant { throw CPDExit.notCompliant }
    }

    func runBatch(_ path: String, book: CPDSchemeBook, catalogue: Catalogue, asOf: Day, cycleEnds: Day?) throws {
        let format: CPDBatch.InputFormat
        if let inputFormat { format = CPDBatch.InputFormat(rawValue: inputFormat)! }
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
        do {
            let lines = try LineReader(path: path)
            let writer = try BufferedWriter(path: output)
            if !jsonOutput { writer.write(BatchResult.csvHeader + "\n") }
            summary = try runner.run(lines, format: format) { result in
                writer.write(jsonOutput ? String(decoding: result.json.serialized(pretty: false), as: UTF8.self) + "\n" : result.csvRow + "\n")
            }
            writer.flush()
        } catch let error as StreamError {
            printError("error: \(error)")
            throw Exit.invalidInput
        } catch let error as BatchInputError {
            printError("error: \(path): \(error)")
            throw Exit.invalidInput
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

    @Option(help: "Most the plan may cost, in the catalogue's base currency (replaces the record's).")
    var budget: Double?

    @Option(help: "Most learning hours the plan may need (replaces the record's).")
    var maxHours: Double?

    @Option(help: "A mode the practitioner can attend: online, blended, in-person (repeat for several).")
    var mode: [DeliveryMode] = []

    @Option(help: "A language the practitioner studies in, ISO 639-1 (repeat for several).")
    var language: [String] = []

    @Option(help: "A provider never to plan (repeat for several).")
    var excludeProvider: [String] = []

    @Option(help: "Planning date for a record that gives none (YYYY-MM-DD; default: today).")
    var asOf: String?

    @Option(help: "Last day of the cycle for a record that gives none.")
    var cycleEnds: String?

    @Option(help: "Learning hours a week assumed for credentials whose duration the catalogue does not state.")
    var hoursPerWeek: Double = 10

    @Option(help: "Solver time limit in seconds.")
    var timeLimit: Double = 60

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        try checkRange(budget, CPDLimits.money, option: "--budget")
        try checkRange(maxHours, CPDLimits.plannedHours, option: "--max-hours")
        try checkRange(timeLimit, CPDLimits.timeLimit, option: "--time-limit", positive: true)
        try checkRange(hoursPerWeek, CPDLimits.hoursPerWeek, option: "--hours-per-week")
        _ = try parseDay(asOf, option: "--as-of")
        _ = try parseDay(cycleEnds, option: "--cycle-ends")
    }

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let practitioner = try reportingErrors { try PractitionerRecordDocument.read(try readFile(record), file: record) }
        guard let id = scheme ?? practitioner.scheme else {
            printError("error: \(record): the record names no \"scheme\"; give --scheme ID")
            throw Exit.invalidInput
        }
        let checker = CPDChecker(scheme: try schemeFile.scheme(id, book: book, catalogue: catalogue), catalogue: catalogue)
        var limits = practitioner.constraints
        if let budget { limits.budget = budget }
        if let maxHours { limits.maxHours = maxHours }
        if !mode.isEmpty { limits.modes = mode }
        if !language.isEmpty { limits.languages = language }
        if !excludeProvider.isEmpty { limits.excludeProviders = excludeProvider }
        let remediation = CPDRemediation(checker: checker, solveOptions: SolveOptions(timeLimit: timeLimit), hoursPerWeek: hoursPerWeek)
        let outcome: RemediationOutcome
        do {
            outcome = try remediation.plan(
                practitioner, asOf: try parseDay(asOf, option: "--as-of") ?? Day.current,
                cycleEnds: try parseDay(cycleEnds, option: "--cycle-ends"), objective: objective, constraints: limits)
        } catch let error as CPDRecordError {
            printError("\(record): \(error)")
            throw Exit.invalidInput
        } catch let error as RemediationError {
            printError("error: \(error)")
            throw Exit.internalError
        } catch let error as ModelError {
            printError("error: \(error)")
            throw Exit.internalError
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

    @Option(help: "The day approvals must be in force on (YYYY-MM-DD; default: today). Without it, or with --scheme all, a scheme not in force on the day is judged on its last day in force (or its first).")
    var asOf: String?

    @Flag(help: "Count only offerings of accredited providers (or credentials marked accredited).")
    var accreditedOnly = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func validate() throws { _ = try parseDay(asOf, option: "--as-of") }

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let given = try parseDay(asOf, option: "--as-of")
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
                throw Exit.invalidInput
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

    @Option(help: "How many records.")
    var count: Int = 1000

    @Option(help: "The last day of every record's cycle (YYYY-MM-DD).")
    var cycleEnds: String

    @Option(help: "Seed of the pseudo-random generator: the same seed gives the same records.")
    var seed: UInt64 = 1

    @Option(help: "Share of records to break on purpose (0–1).")
    var malformed: Double = 0

    @Option(help: "jsonl or csv.")
    var format: String = "jsonl"

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @OptionGroup var schemeFile: SchemeFileOption
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if !CPDLimits.generatedRecords.contains(count) {
            throw outOfRange("--count must lie in \(CPDLimits.text(CPDLimits.generatedRecords)), found \(count)")
        }
        if !(malformed >= 0 && malformed <= 1) { throw ValidationError("--malformed must lie in 0–1") }
        if CPDBatch.InputFormat(rawValue: format) == nil { throw ValidationError("--format must be jsonl or csv") }
        _ = try parseDay(cycleEnds, option: "--cycle-ends")
    }

    func run() throws {
        let book = try schemeFile.load()
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        let chosen = try schemeFile.scheme(scheme, book: book, catalogue: catalogue)
        var records: SyntheticRecords
        do {
            records = try SyntheticRecords(scheme: chosen, catalogue: catalogue, cycleEnds: try parseDay(cycleEnds, option: "--cycle-ends")!, seed: seed, malformedShare: malformed)
        } catch let error as CPDRecordError {
            printError("error: \(error.message)")
            throw Exit.invalidInput
        }
        let writer: BufferedWriter
        do { writer = try BufferedWriter(path: output) } catch {
            printError("error: \(error)")
            throw Exit.invalidInput
        }
        if format == "csv" { writer.write(SyntheticRecords.csvHeader + "\n") }
        for number in 0..<count {
            if format == "csv" {
                for row in records.csvRows(number) { writer.write(row + "\n") }
            } else {
                writer.write(records.jsonLine(number) + "\n")
            }
        }
        writer.flush()
    }
}
