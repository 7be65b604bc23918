import Foundation
import StackPlanCore

/// The verdict on one record of a batch, as one output row.
public struct BatchResult: Sendable {
    public enum Status: String, Sendable { case compliant, notCompliant = "not-compliant", invalid }

    public var line: Int
    public var practitioner: String?
    public var status: Status
    public var assessment: CPDAssessment?
    /// Why the record could not be assessed, each message with its place.
    public var errors: [String]

    public static let csvHeader = "line,practitioner,status,cycle_start,cycle_end,counted,unmet,rejected,error"

    /// `unmet` lists `rule:shortfall`; `rejected` lists `activity index:reason code`; both `;`-separated.
    public var csvRow: String {
        let assessment = self.assessment
        let unmet = assessment?.unmetRules.map { "\($0.rule.id):\(formatAmount($0.shortfall))" }.joined(separator: ";") ?? ""
        let rejected = assessment?.activities.compactMap { activity in activity.rejection.map { "\(activity.index):\($0.code)" } }.joined(separator: ";") ?? ""
        return [
            String(line), CSVReader.field(practitioner ?? ""), status.rawValue, assessment?.period.start.description ?? "",
            assessment?.period.end.description ?? "", assessment.map { formatAmount(rounded($0.totalCounted)) } ?? "",
            unmet, rejected, CSVReader.field(errors.joined(separator: "; ")),
        ].joined(separator: ",")
    }

    public var json: JSON {
        var fields: [String: JSON] = ["line": .number(Double(line)), "status": .string(status.rawValue)]
        fields["practitioner"] = practitioner.map(JSON.string)
        if let assessment {
            fields["cycle"] = .object(["start": .string(assessment.period.start.description), "end": .string(assessment.period.end.description)])
            fields["counted"] = .number(rounded(assessment.totalCounted))
            fields["unmet"] = .array(assessment.unmetRules.map {
                .object(["rule": .string($0.rule.id), "required": .number(rounded($0.required ?? 0)),
                         "achieved": .number(rounded($0.achieved)), "shortfall": .number(rounded($0.shortfall))])
            })
            fields["rejected"] = .array(assessment.activities.compactMap { activity in
                activity.rejection.map { .object(["activity": .number(Double(activity.index)), "reason": .string($0.code)]) }
            })
        }
        if !errors.isEmpty { fields["errors"] = .array(errors.map(JSON.string)) }
        return .object(fields)
    }
}

/// Running totals of a batch: what the summary prints. Holds no record, so it stays small.
public struct BatchSummary: Sendable {
    public var records = 0
    public var compliant = 0
    public var notCompliant = 0
    public var invalid = 0
    /// Per requirement: how many records missed it, and their summed shortfall.
    public var unmetByRule: [String: (records: Int, shortfall: Double)] = [:]
    /// The first invalid records' messages, in file order; the rest are only counted.
    public var invalidSamples: [String] = []
    public static let sampleLimit = 20

    mutating func add(_ result: BatchResult) {
        records += 1
        switch result.status {
        case .compliant: compliant += 1
        case .notCompliant: notCompliant += 1
        case .invalid:
            invalid += 1
            if invalidSamples.count < Self.sampleLimit {
                let shown = result.errors.prefix(2).joined(separator: "; ") + (result.errors.count > 2 ? "; and \(result.errors.count - 2) more" : "")
                invalidSamples.append("line \(result.line)\(result.practitioner.map { " (\($0))" } ?? ""): \(shown)")
            }
        }
        for rule in result.assessment?.unmetRules ?? [] {
            let current = unmetByRule[rule.rule.id] ?? (0, 0)
            unmetByRule[rule.rule.id] = (current.records + 1, current.shortfall + rule.shortfall)
        }
    }

    public func text(scheme: CPDScheme) -> String {
        var lines = [
            "\(records) record\(records == 1 ? "" : "s") under \(scheme.id): \(compliant) compliant, \(notCompliant) not compliant, \(invalid) invalid",
        ]
        let unmet = scheme.rules.filter { unmetByRule[$0.id] != nil }
        if !unmet.isEmpty {
            lines.append("unmet requirements")
            var rows = [["rule", "records", "mean shortfall", "requirement"]]
            for rule in unmet {
                let entry = unmetByRule[rule.id]!
                rows.append([rule.id, String(entry.records), formatAmount((entry.shortfall / Double(entry.records) * 100).rounded() / 100), rule.label])
            }
            lines += table(rows, rightAligned: [1, 2])
        }
        if invalid > 0 {
            lines.append("invalid records")
            lines += invalidSamples.map { "  \($0)" }
            if invalid > invalidSamples.count { lines.append("  … and \(invalid - invalidSamples.count) more (see the error column)") }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        .object([
            "records": .number(Double(records)), "compliant": .number(Double(compliant)),
            "notCompliant": .number(Double(notCompliant)), "invalid": .number(Double(invalid)),
            "unmet": .object(unmetByRule.mapValues { .object(["records": .number(Double($0.records)), "shortfall": .number(rounded($0.shortfall))]) }),
            "invalidSamples": .array(invalidSamples.map(JSON.string)),
        ])
    }
}

/// Checks a stream of practitioner records one by one: memory holds one record at a time, not the file.
public struct CPDBatch {
    public enum InputFormat: String, Sendable, CaseIterable { case jsonl, csv }

    public let checker: CPDChecker
    public let asOf: Day
    public let cycleEnds: Day?
    /// Catch a practitioner who appears twice, at 8 bytes (about 22 MiB of set per million
    /// practitioners); without it memory stays flat however long the file.
    public var checksRepeatedIDs: Bool

    /// Records between two progress reports: often enough for a display, rare enough to cost nothing.
    public static let progressInterval = 1_000

    public init(checker: CPDChecker, asOf: Day, cycleEnds: Day? = nil, checksRepeatedIDs: Bool = true) {
        self.checker = checker
        self.asOf = asOf
        self.cycleEnds = cycleEnds
        self.checksRepeatedIDs = checksRepeatedIDs
    }

    /// Reads every record of the input, hands each result to `emit` in input order, and returns the totals.
    /// Only a CSV header that cannot be used throws (``BatchInputError``); a bad record becomes an
    /// invalid result, counted in the summary. `progress`, when given, hears about the work every
    /// ``progressInterval`` records and once at the end.
    public func run(
        _ lines: LineReader, format: InputFormat, progress: ((BatchProgress) -> Void)? = nil, emit: (BatchResult) -> Void
    ) throws(BatchInputError) -> BatchSummary {
        var summary = BatchSummary()
        let started = ContinuousClock.now
        func report() {
            progress?(BatchProgress(records: summary.records, bytesRead: lines.bytesRead, totalBytes: lines.totalBytes, elapsed: started.duration(to: .now)))
        }
        defer { report() }
        var seen = RepeatedIDs()
        func finish(_ result: BatchResult) {
            var result = result
            if checksRepeatedIDs, let id = result.practitioner, !seen.insert(id) {
                result.status = .invalid
                result.assessment = nil
                result.errors.append("practitioner \"\(id)\" appears earlier in the file; each practitioner needs one record (in CSV, consecutive rows)")
            }
            summary.add(result)
            emit(result)
            if progress != nil, summary.records % Self.progressInterval == 0 { report() }
        }
        switch format {
        case .jsonl:
            // Bytes, not strings: malformed UTF-8 must reach the JSON reader, which reports it, rather than be repaired.
            while let result = lines.withNextLine({ bytes in
                bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } ? nil : assess(jsonLine: bytes, number: lines.lineNumber)
            }) {
                if let result { finish(result) }
            }
        case .csv:
            var reader = CSVRecordStream(lines)
            var grouping = try CSVPractitionerGrouping(&reader)
            while let group = grouping.next(&reader) { finish(assess(group)) }
        }
        return summary
    }

    func assess(jsonLine: UnsafeBufferPointer<UInt8>, number: Int) -> BatchResult {
        let json: JSON
        do {
            json = try JSONReader.parse(bytes: jsonLine)
        } catch {
            return BatchResult(line: number, practitioner: nil, status: .invalid, errors: ["not valid JSON at column \(error.column): \(error.message)"])
        }
        var practitioner: String?
        if case .object(let fields) = json, case .string(let id)? = fields["id"] { practitioner = id }
        do {
            let record = try PractitionerRecordDocument.read(json)
            return assess(record, line: number)
        } catch let invalid as InvalidDocument {
            return BatchResult(line: number, practitioner: practitioner, status: .invalid, errors: invalid.errors.map(\.description))
        } catch {
            return BatchResult(line: number, practitioner: practitioner, status: .invalid, errors: [String(describing: error)])
        }
    }

    func assess(_ group: CSVPractitionerGrouping.Group) -> BatchResult {
        guard group.errors.isEmpty else {
            return BatchResult(line: group.line, practitioner: group.record.id, status: .invalid, errors: group.errors)
        }
        return assess(group.record, line: group.line)
    }

    func assess(_ record: PractitionerRecord, line: Int) -> BatchResult {
        if let scheme = record.scheme, scheme != checker.scheme.id {
            return BatchResult(line: line, practitioner: record.id, status: .invalid,
                               errors: ["$.scheme: the record is for scheme \(scheme), the batch checks \(checker.scheme.id)"])
        }
        do {
            let assessment = try checker.assess(record, asOf: asOf, cycleEnds: cycleEnds)
            return BatchResult(line: line, practitioner: record.id, status: assessment.isCompliant ? .compliant : .notCompliant, assessment: assessment, errors: [])
        } catch {
            return BatchResult(line: line, practitioner: record.id, status: .invalid, errors: [error.description])
        }
    }
}

/// Practitioner ids met so far, kept as 64-bit fingerprints so that a million ids take a few
/// megabytes; two different ids share a fingerprint with odds of about one in 10^7 per million.
struct RepeatedIDs {
    private var fingerprints: Set<UInt64> = []

    /// `false` when the id was seen before.
    mutating func insert(_ id: String) -> Bool {
        // FNV-1a: stable across runs, unlike `hashValue`, so that a batch's verdicts never depend on a seed.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return fingerprints.insert(hash).inserted
    }
}

/// Turns CSV rows, one activity each, into practitioner records: consecutive rows with the same
/// `practitioner` make one record. docs/cpd.md lists the columns.
struct CSVPractitionerGrouping {
    static let recordColumns = ["practitioner", "cycle_ends", "as_of", "registered_on", "previous_points", "previous_required", "declarations"]
    static let activityColumns = ["credential", "title", "date", "hours", "ects", "points", "category", "type"]

    struct Group {
        var line: Int
        var record: PractitionerRecord
        var errors: [String]
        /// The first row, which later rows' record columns must agree with.
        var firstRowFields: [CSVReader.Field]?
    }

    let columns: [String: Int]
    /// The activity columns present, with their positions: looked up once, not per row.
    let activityIndexes: [(name: String, index: Int)]
    let width: Int
    /// A row read ahead that starts the next practitioner.
    var pending: CSVReader.Record?
    /// A row that could not be used, to be reported after the group read before it: its line and the message.
    var pendingError: (line: Int, message: String)?

    init(_ reader: inout CSVRecordStream) throws(BatchInputError) {
        guard let first = reader.next() else { throw BatchInputError(line: 1, message: "the CSV file is empty: it needs a header row") }
        let header: CSVReader.Record
        switch first {
        case .success(let row): header = row
        case .failure(let malformed): throw BatchInputError(line: malformed.line, message: "header: \(malformed.message)")
        }
        var columns: [String: Int] = [:]
        let known = Set(Self.recordColumns + Self.activityColumns)
        for (index, field) in header.fields.enumerated() {
            let name = field.text.trimmingCharacters(in: .whitespaces)
            guard known.contains(name) else {
                throw BatchInputError(line: header.line, message: "unknown column \"\(name)\" (use \((Self.recordColumns + Self.activityColumns).joined(separator: ", ")))")
            }
            guard columns[name] == nil else { throw BatchInputError(line: header.line, message: "column \"\(name)\" appears twice") }
            columns[name] = index
        }
        guard columns["practitioner"] != nil else { throw BatchInputError(line: header.line, message: "needs a \"practitioner\" column") }
        self.columns = columns
        activityIndexes = Self.activityColumns.compactMap { name in columns[name].map { (name, $0) } }
        width = header.fields.count
    }

    mutating func next(_ reader: inout CSVRecordStream) -> Group? {
        var group: Group?
        func take(_ row: CSVReader.Record) -> Bool {
            let id = value(row, "practitioner") ?? ""
            if group == nil {
                group = Group(line: row.line, record: PractitionerRecord(id: id.isEmpty ? nil : id), errors: [])
                if id.isEmpty { group!.errors.append("line \(row.line), column practitioner: is empty") }
                readRecordFields(row, into: &group!)
            } else if id != (group!.record.id ?? "") {
                return false
            } else {
                checkRepeatedRecordFields(row, in: &group!)
            }
            addActivity(row, to: &group!)
            return true
        }
        if let malformed = pendingError {
            pendingError = nil
            return Group(line: malformed.line, record: PractitionerRecord(), errors: [malformed.message])
        }
        if let row = pending {
            pending = nil
            _ = take(row)
        }
        while let next = reader.next() {
            switch next {
            case .failure(let malformed):
                // A row that cannot be split into fields belongs to no one we can name: it becomes its own invalid result.
                let message = "line \(malformed.line), field \(malformed.column): \(malformed.message)"
                if group == nil { return Group(line: malformed.line, record: PractitionerRecord(), errors: [message]) }
                pendingError = (malformed.line, message)
                return group
            case .success(let row):
                if row.fields.count != width {
                    let message = "line \(row.line): has \(row.fields.count) fields, the header \(width)"
                    if group == nil { return Group(line: row.line, record: PractitionerRecord(), errors: [message]) }
                    pendingError = (row.line, message)
                    return group
                }
                if !take(row) {
                    pending = row
                    return group
                }
            }
        }
        return group
    }

    func value(_ row: CSVReader.Record, _ column: String) -> String? {
        columns[column].flatMap { value(row, at: $0) }
    }

    func value(_ row: CSVReader.Record, at index: Int) -> String? {
        guard index < row.fields.count else { return nil }
        let text = trimmed(row.fields[index].text)
        return text.isEmpty ? nil : text
    }

    func readRecordFields(_ row: CSVReader.Record, into group: inout Group) {
        func fail(_ column: String, _ message: String) { group.errors.append("line \(row.line), column \(column): \(message)") }
        func day(_ column: String) -> Day? {
            guard let text = value(row, column) else { return nil }
            guard let day = Day(text) else { fail(column, "must be a date written YYYY-MM-DD, found \"\(text)\""); return nil }
            if let problem = CPDLimits.problem(day) { fail(column, problem); return nil }
            return day
        }
        func number(_ column: String) -> Double? {
            guard let text = value(row, column) else { return nil }
            guard let number = Double(text) else { fail(column, "must be a number, found \"\(text)\""); return nil }
            if let problem = CPDLimits.problem(number, in: CPDLimits.amounts) { fail(column, problem); return nil }
            return number
        }
        group.record.cycleEnds = day("cycle_ends")
        group.record.asOf = day("as_of")
        group.record.registeredOn = day("registered_on")
        group.record.previousPoints = number("previous_points")
        group.record.previousRequired = number("previous_required")
        if let text = value(row, "declarations") {
            for item in text.split(separator: ";") {
                let parts = item.split(separator: "=", maxSplits: 1).map { trimmed(String($0)) }
                if parts.count == 2, !parts[0].isEmpty, let number = Double(parts[1]), CPDLimits.amounts.contains(number) {
                    group.record.declarations[parts[0]] = number
                } else if parts.count == 1, !parts[0].isEmpty {
                    group.record.declarations[parts[0]] = 1
                } else {
                    fail("declarations", "\"\(item)\" is not name=number with a number in \(CPDLimits.text(CPDLimits.amounts))")
                }
            }
        }
    }

    /// A practitioner's own fields belong on their first row; later rows may repeat them but not differ.
    func checkRepeatedRecordFields(_ row: CSVReader.Record, in group: inout Group) {
        guard let firstRow = group.firstRowFields else { return }
        for column in Self.recordColumns.dropFirst() {
            if let text = value(row, column), let index = columns[column], text != trimmed(firstRow[index].text) {
                group.errors.append("line \(row.line), column \(column): \"\(text)\" differs from the practitioner's first row (line \(group.line))")
            }
        }
    }

    func addActivity(_ row: CSVReader.Record, to group: inout Group) {
        if group.firstRowFields == nil { group.firstRowFields = row.fields }
        guard activityIndexes.contains(where: { value(row, at: $0.index) != nil }) else { return }
        var fields: [String: JSON] = [:]
        for (column, index) in activityIndexes {
            guard let text = value(row, at: index) else { continue }
            switch column {
            case "hours", "ects", "points":
                guard let number = Double(text) else {
                    group.errors.append("line \(row.line), column \(column): must be a number, found \"\(text)\"")
                    return
                }
                fields[column] = .number(number)
            default:
                fields[column] = .string(text)
            }
        }
        let log = IssueLog()
        let activity = PractitionerRecordDocument.readActivity(.object(fields), path: "$row", log: log)
        let errors = log.issues.filter { $0.severity == .error }
        if !errors.isEmpty {
            group.errors += errors.map { issue in
                let column = issue.path.hasPrefix("$row.") ? "column \(issue.path.dropFirst(5))" : "the row"
                return "line \(row.line), \(column): \(issue.message)"
            }
        } else if let activity {
            group.record.activities.append(activity)
        }
    }
}

/// Spaces and tabs off both ends; cheaper than Foundation's trimming, which a batch calls for every field.
func trimmed(_ text: String) -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.first, let last = text.last, blank(first) || blank(last) else { return text }
    return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
}

/// A batch that cannot be read at all: its CSV header is missing or unusable.
public struct BatchInputError: ClassifiedError, Sendable {
    public var line: Int
    public var message: String
    public var kind: ErrorKind { .invalidInput }
    public var description: String { "line \(line): \(message)" }
}

/// How far a batch has come, for a front end to show: records checked, bytes read of how many
/// (when the input is a file of known size), and the time taken.
public struct BatchProgress: Sendable, Equatable {
    public var records: Int
    public var bytesRead: Int
    /// `nil` for standard input and pipes, whose length is unknown.
    public var totalBytes: Int?
    public var elapsed: Duration

    /// The share of the input read, 0–1, when its size is known.
    public var fractionRead: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesRead) / Double(totalBytes))
    }
}
