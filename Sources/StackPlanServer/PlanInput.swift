import Foundation
import MILP
import StackPlanCore

/// The body of every planning route: what `stackplan plan` takes as flags and a profile file,
/// as one JSON object (docs/api.md, "Planning bodies"). Limits given here replace the
/// profile's own, as the flags do.
///
/// ```json
/// {"target": "ucp-pgdip-ipc", "learner": {...profile...}, "objectives": ["cost", "workload"],
///  "budget": 6000, "hoursPerWeek": 22, "exceptions": [{"waive": "requires.allOf[2]"}]}
/// ```
struct PlanInput {
    /// Members every planning body may have; a route adds its own.
    static let fields: Set<String> = [
        "target", "learner", "objectives", "budget", "maxHours", "modes", "languages", "excludeProviders",
        "accreditedOnly", "deadline", "today", "start", "hoursPerWeek", "hoursPerEcts", "schedule", "timeLimit", "gap",
        "exceptions",
    ]

    var targets: [String]
    var learner: LearnerProfile
    var objectives: [Objective]
    var constraints: LearnerConstraints
    var today: Day?
    var start: Day?
    var hoursPerWeek: Double?
    var hoursPerECTS: Double
    var schedule: Bool
    var solverOptions: SolveOptions
    var exceptions: [AdvisorException]
    /// The body's fields, for the members a route adds (`k`, `format`, …).
    let reader: ObjectReader
    let log: IssueLog

    /// Reads a planning body; `severalTargets` takes `"targets": [...]` (compare) instead of `"target"`.
    /// Throws every problem found, each with its JSON path.
    static func read(_ json: JSON, limits: RequestLimits, extraFields: Set<String> = [], severalTargets: Bool = false,
                     needsTarget: Bool = true) throws -> PlanInput {
        let log = IssueLog()
        guard let reader = ObjectReader(json, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        let known = fields.union(extraFields).union(severalTargets ? ["targets"] : [])
        for name in reader.fields.keys.sorted() where !known.contains(name) {
            log.error("$.\(name)", "is not a member of this request (see docs/api.md)")
        }
        var targets: [String] = []
        if severalTargets {
            if reader.has("target") { log.error("$.target", "compare takes \"targets\", a list of qualification ids") }
            targets = reader.strings("targets") ?? []
            if targets.isEmpty && !log.issues.contains(where: { $0.path.hasPrefix("$.targets") }) {
                log.error("$.targets", "is required: name one or more qualifications")
            }
        } else if needsTarget {
            if let target = reader.string("target", required: true) { targets = [target] }
        }
        let learner = readLearner(reader, log: log)
        var objectives: [Objective] = [.cost]
        if let names = reader.strings("objectives", acceptSingle: true) {
            do {
                objectives = try Objective.list(names.joined(separator: ","))
            } catch {
                log.error("$.objectives", String(describing: error))
            }
        }
        var constraints = learner?.constraints ?? LearnerConstraints()
        if let budget = number(reader, "budget", in: 0...1_000_000_000) { constraints.budget = budget }
        if let hours = number(reader, "maxHours", in: 0...1_000_000) { constraints.maxHours = hours }
        if let names = reader.strings("modes") {
            var modes: [DeliveryMode] = []
            for (index, name) in names.enumerated() {
                if let mode = DeliveryMode(rawValue: name) { modes.append(mode) } else {
                    log.error("$.modes[\(index)]", "\"\(name)\" is not a mode (online, blended, in-person)")
                }
            }
            constraints.modes = modes
        }
        if let languages = reader.strings("languages") {
            for (index, language) in languages.enumerated() where !language.isLanguageCode {
                log.error("$.languages[\(index)]", "must be a two-letter ISO 639-1 code such as \"en\", found \"\(language)\"")
            }
            constraints.languages = languages
        }
        if let providers = reader.strings("excludeProviders") { constraints.excludeProviders = providers }
        if reader.bool("accreditedOnly") == true { constraints.accreditedOnly = true }
        if let deadline = day(reader, "deadline") { constraints.deadline = deadline }
        let timeLimit = positive(reader, "timeLimit", atMost: limits.maximumSolveSeconds) ?? limits.maximumSolveSeconds
        let gap = number(reader, "gap", in: 0...0.999_999) ?? 0
        var input = PlanInput(
            targets: targets, learner: learner ?? LearnerProfile(), objectives: objectives, constraints: constraints,
            today: day(reader, "today"), start: day(reader, "start"), hoursPerWeek: positive(reader, "hoursPerWeek", atMost: 168),
            hoursPerECTS: number(reader, "hoursPerEcts", in: 1...100) ?? 25, schedule: reader.bool("schedule") ?? true,
            solverOptions: SolveOptions(timeLimit: timeLimit, relativeGap: gap), exceptions: [], reader: reader, log: log)
        input.exceptions = (reader.array("exceptions") ?? []).enumerated().compactMap { index, value in
            // As a profile writes it, its `qualification` defaulting to the request's target.
            LearnerDocument.readException(value, path: "$.exceptions[\(index)]", log: log, qualificationRequired: false)
        }
        if !input.schedule {
            if objectives.contains(.duration) { log.error("$.schedule", "false plans without the calendar, so it cannot minimise duration: drop duration from \"objectives\"") }
            for name in ["hoursPerWeek", "start", "deadline"] where reader.has(name) {
                log.error("$.\(name)", "has no use when \"schedule\" is false (a plan without the calendar)")
            }
        }
        return input
    }

    /// Throws every error the log holds; called after a route has read its own members.
    func check() throws {
        let errors = log.issues.filter { $0.severity == .error }
        if !errors.isEmpty { throw InvalidDocument(issues: errors) }
    }

    /// The profile, read as a profile file is; its problems carry paths under `$.learner`.
    private static func readLearner(_ reader: ObjectReader, log: IssueLog) -> LearnerProfile? {
        guard let value = reader.fields["learner"], value != .null else {
            reader.missing("learner")
            return nil
        }
        guard case .object = value else {
            log.error("$.learner", "must be a learner profile object, found \(value.typeName)")
            return nil
        }
        do {
            return try LearnerDocument.read(value.serialized(pretty: false))
        } catch let document as InvalidDocument {
            for issue in document.issues {
                let path = "$.learner" + issue.path.dropFirst()
                if issue.severity == .error { log.error(path, issue.message, record: issue.record) } else { log.warning(path, issue.message, record: issue.record) }
            }
        } catch {
            log.error("$.learner", String(describing: error))
        }
        return nil
    }

    static func number(_ reader: ObjectReader, _ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = reader.number(key) else { return nil }
        guard range.contains(value) else {
            reader.log.error(reader.at(key), "must lie in \(format(range.lowerBound))–\(format(range.upperBound)), found \(format(value))")
            return nil
        }
        return value
    }

    /// A number more than 0 and at most `upper`.
    static func positive(_ reader: ObjectReader, _ key: String, atMost upper: Double) -> Double? {
        guard let value = reader.number(key) else { return nil }
        guard value > 0 && value <= upper else {
            reader.log.error(reader.at(key), "must be more than 0 and at most \(format(upper)), found \(format(value))")
            return nil
        }
        return value
    }

    static func integer(_ reader: ObjectReader, _ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = reader.integer(key) else { return nil }
        guard range.contains(value) else {
            reader.log.error(reader.at(key), "must be a whole number from \(range.lowerBound) to \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    static func day(_ reader: ObjectReader, _ key: String) -> Day? {
        guard let day = reader.day(key) else { return nil }
        guard day.components.year >= 1 else {
            reader.log.error(reader.at(key), "must be a date from year 1, found \(day)")
            return nil
        }
        return day
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The request toward `target` (the first target without one), as `stackplan plan` builds
    /// it from its flags: the limits in place of the profile's, the schedule when one is asked for.
    func request(target: String? = nil) throws -> PlanRequest {
        let target = target ?? targets.first ?? ""
        var request = PlanRequest(
            target: target, learner: learner, constraints: constraints, objectives: objectives,
            hoursPerECTS: hoursPerECTS, today: today, solverOptions: solverOptions)
        request.addedExceptions = exceptions.filter { $0.qualification == nil || $0.qualification == target }
        guard schedule else {
            request.constraints.deadline = nil
            return request
        }
        request.schedule = try ScheduleSettings.needed(
            by: learner, objectives: objectives, deadline: constraints.deadline, start: start,
            hoursPerWeek: hoursPerWeek, today: request.today)
        return request
    }
}
