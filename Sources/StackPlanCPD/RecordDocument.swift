import Foundation
import StackPlanCore

/// Reads practitioner records (docs/cpd.md): one JSON document, or one line of a JSON-lines batch.
public enum PractitionerRecordDocument {
    static let recordFields: Set<String> = [
        "id", "name", "scheme", "cycleEnds", "asOf", "registeredOn", "previousCycle", "declarations", "activities",
        "budget", "maxHours", "modes", "languages", "accreditedOnly", "excludeProviders",
    ]

    public static func read(_ data: Data, file: String? = nil) throws -> PractitionerRecord {
        try read(try CatalogueDocument.parseJSON(data, file: file), file: file)
    }

    public static func read(_ json: JSON, file: String? = nil) throws -> PractitionerRecord {
        let log = IssueLog()
        let record = parse(json, log: log)
        if let record, !log.issues.contains(where: { $0.severity == .error }) { return record }
        throw InvalidDocument(file: file, issues: log.issues)
    }

    static func parse(_ json: JSON, log: IssueLog) -> PractitionerRecord? {
        guard let root = ObjectReader(json, path: "$", log: log) else { return nil }
        // Sorting only when something is wrong: a batch reads a hundred thousand clean records.
        for key in root.fields.keys.filter({ !recordFields.contains($0) }).sorted() {
            log.error(root.at(key), "is not a field of a practitioner record (use \(recordFields.sorted().joined(separator: ", ")))")
        }
        var record = PractitionerRecord(
            id: root.string("id"), name: root.string("name"), scheme: root.string("scheme"), cycleEnds: day(root, "cycleEnds"),
            asOf: day(root, "asOf"), registeredOn: day(root, "registeredOn"))
        if let value = root.fields["previousCycle"], value != .null,
           let previous = ObjectReader(value, path: root.at("previousCycle"), log: log) {
            record.previousPoints = number(previous, "points", in: CPDLimits.amounts, required: true)
            record.previousRequired = number(previous, "required", in: CPDLimits.amounts)
        }
        if let value = root.fields["declarations"], value != .null {
            if case .object(let entries) = value {
                for (name, entry) in entries {
                    switch entry {
                    case .number(let number) where CPDLimits.amounts.contains(number): record.declarations[name] = number
                    case .number(let number): log.error("$.declarations.\(name)", CPDLimits.problem(number, in: CPDLimits.amounts)!)
                    case .bool(let flag): record.declarations[name] = flag ? 1 : 0
                    default: log.error("$.declarations.\(name)", "must be a number or true/false, found \(entry.typeName)")
                    }
                }
            } else {
                log.error("$.declarations", "must be an object of names to numbers, found \(value.typeName)")
            }
        }
        for (index, value) in (root.array("activities") ?? []).enumerated() {
            if let activity = readActivity(value, path: "$.activities[\(index)]", log: log) { record.activities.append(activity) }
        }
        var constraints = LearnerConstraints(
            budget: number(root, "budget", in: CPDLimits.money), maxHours: number(root, "maxHours", in: CPDLimits.plannedHours),
            accreditedOnly: root.bool("accreditedOnly") ?? false, excludeProviders: root.strings("excludeProviders") ?? [])
        if let names = root.strings("modes") {
            constraints.modes = names.enumerated().compactMap { index, name in
                let mode = DeliveryMode(rawValue: name)
                if mode == nil { log.error("$.modes[\(index)]", "\"\(name)\" is not a mode (online, blended, in-person)") }
                return mode
            }
        }
        constraints.languages = root.strings("languages")
        record.constraints = constraints
        return record
    }

    static let activityFields: Set<String> = ["credential", "title", "date", "hours", "ects", "points", "category", "type", "evidence"]

    static func readActivity(_ value: JSON, path: String, log: IssueLog) -> CPDActivity? {
        guard let reader = ObjectReader(value, path: path, log: log) else { return nil }
        for key in reader.fields.keys.filter({ !activityFields.contains($0) }).sorted() {
            log.error(reader.at(key), "is not a field of an activity (use \(activityFields.sorted().joined(separator: ", ")))")
        }
        let date = day(reader, "date")
        if !reader.has("date") { reader.missing("date") }
        let hours = number(reader, "hours", in: CPDLimits.activityHours, positive: true)
        let ects = number(reader, "ects", in: CPDLimits.activityECTS, positive: true)
        let points = number(reader, "points", in: CPDLimits.activityPoints)
        let category = reader.string("category")
        let type = reader.string("type")
        let evidence = reader.fields["evidence"].flatMap { readEvidence($0, path: reader.at("evidence"), log: log) }
        let source: CPDActivity.Source?
        if reader.has("credential") {
            source = reader.string("credential", required: true).map { .credential($0) }
            for key in ["hours", "ects", "points", "title"] where reader.has(key) {
                log.error(reader.at(key), "a catalogue credential's \(key == "title" ? "title" : "points") come from the catalogue: give \"credential\" or \"title\", not both")
            }
        } else if reader.has("title") {
            source = reader.string("title", required: true).map { .free(title: $0) }
        } else {
            log.error(path, "needs \"credential\" (a catalogue id) or \"title\" (a free activity)")
            source = nil
        }
        guard let source, let date else { return nil }
        return CPDActivity(source, date: date, hours: hours, ects: ects, points: points, category: category, type: type, evidence: evidence)
    }

    /// An activity's `evidence`: an object whose `verification.result`, when present, is one of
    /// verified, unverifiable or failed, with `why` a list of reasons.
    static func readEvidence(_ value: JSON, path: String, log: IssueLog) -> CPDEvidence? {
        if value == .null { return nil }
        guard case .object(let fields) = value else {
            log.error(path, "must be an object describing the credential behind the activity, found \(value.typeName)")
            return nil
        }
        guard let verification = fields["verification"], verification != .null else {
            return CPDEvidence(result: nil, document: value)
        }
        guard case .object(let check) = verification else {
            log.error("\(path).verification", "must be an object with \"result\", found \(verification.typeName)")
            return nil
        }
        let results = CPDEvidence.Result.allCases.map(\.rawValue)
        guard case .string(let text)? = check["result"], let result = CPDEvidence.Result(rawValue: text) else {
            let found = if case .string(let text)? = check["result"] { "\"\(text)\"" } else { check["result"]?.typeName ?? "nothing" }
            log.error("\(path).verification.result", "must be one of \(results.joined(separator: ", ")), found \(found)")
            return nil
        }
        var reasons: [String] = []
        switch check["why"] {
        case nil, .null?: break
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                if case .string(let reason) = item { reasons.append(reason) } else {
                    log.error("\(path).verification.why[\(index)]", "must be text, found \(item.typeName)")
                }
            }
        case let other?:
            log.error("\(path).verification.why", "must be a list of reasons, found \(other.typeName)")
        }
        return CPDEvidence(result: result, reasons: reasons, document: value)
    }

    /// A number within `range` (above its lower bound when `positive`), else an error naming the range.
    static func number(_ reader: ObjectReader, _ key: String, in range: ClosedRange<Double>, positive: Bool = false, required: Bool = false) -> Double? {
        guard let value = reader.number(key, required: required) else { return nil }
        if let problem = CPDLimits.problem(value, in: range, positive: positive) {
            reader.log.error(reader.at(key), problem, record: reader.record)
            return nil
        }
        return value
    }

    /// A date within ``CPDLimits/days``: year 0 or 9999 would make cycles no calendar holds.
    static func day(_ reader: ObjectReader, _ key: String) -> Day? {
        guard let day = reader.day(key) else { return nil }
        if let problem = CPDLimits.problem(day) {
            reader.log.error(reader.at(key), problem, record: reader.record)
            return nil
        }
        return day
    }

    /// The record as a document; reading it back gives an equal record.
    public static func json(_ record: PractitionerRecord) -> JSON {
        var fields: [String: JSON] = [:]
        fields["id"] = record.id.map(JSON.string)
        fields["name"] = record.name.map(JSON.string)
        fields["scheme"] = record.scheme.map(JSON.string)
        fields["cycleEnds"] = record.cycleEnds.map { .string($0.description) }
        fields["asOf"] = record.asOf.map { .string($0.description) }
        fields["registeredOn"] = record.registeredOn.map { .string($0.description) }
        if let points = record.previousPoints {
            var previous: [String: JSON] = ["points": .number(points)]
            previous["required"] = record.previousRequired.map(JSON.number)
            fields["previousCycle"] = .object(previous)
        }
        if !record.declarations.isEmpty { fields["declarations"] = .object(record.declarations.mapValues(JSON.number)) }
        fields["activities"] = .array(record.activities.map(json))
        let limits = record.constraints
        fields["budget"] = limits.budget.map(JSON.number)
        fields["maxHours"] = limits.maxHours.map(JSON.number)
        fields["modes"] = limits.modes.map { .array($0.map { .string($0.rawValue) }) }
        fields["languages"] = limits.languages.map { .array($0.map(JSON.string)) }
        if limits.accreditedOnly { fields["accreditedOnly"] = .bool(true) }
        if !limits.excludeProviders.isEmpty { fields["excludeProviders"] = .array(limits.excludeProviders.map(JSON.string)) }
        return .object(fields)
    }

    public static func json(_ activity: CPDActivity) -> JSON {
        var fields: [String: JSON] = ["date": .string(activity.date.description)]
        switch activity.source {
        case .credential(let id): fields["credential"] = .string(id)
        case .free(let title): fields["title"] = .string(title)
        }
        fields["hours"] = activity.hours.map(JSON.number)
        fields["ects"] = activity.ects.map(JSON.number)
        fields["points"] = activity.points.map(JSON.number)
        fields["category"] = activity.category.map(JSON.string)
        fields["type"] = activity.type.map(JSON.string)
        fields["evidence"] = activity.evidence?.document
        return .object(fields)
    }
}
