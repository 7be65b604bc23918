import Foundation
import MILP

/// Reads a plan back from the JSON that `stackplan plan --json` writes, so that a saved plan
/// can be explained, compared or drawn later. Figures are taken as written; ``PlanChecker``
/// then judges the plan against the catalogue and the profile as they are now.
public enum PlanDocument {
    public static func read(_ data: Data, file: String? = nil, catalogue: Catalogue, request: PlanRequest) throws -> Plan {
        let log = IssueLog()
        let json = try CatalogueDocument.parseJSON(data, file: file)
        let plan = parse(json, catalogue: catalogue, request: request, log: log)
        if let plan, !log.issues.contains(where: { $0.severity == .error }) { return plan }
        throw InvalidDocument(file: file, issues: log.issues)
    }

    static func parse(_ json: JSON, catalogue: Catalogue, request: PlanRequest, log: IssueLog) -> Plan? {
        guard let root = ObjectReader(json, path: "$", log: log) else { return nil }
        if case .object(let fields) = json, fields["credentials"] == nil, fields["status"] == .string("infeasible") {
            log.error("$", "is a diagnosis (no plan was found), not a plan")
            return nil
        }
        guard let target = root.string("target", required: true) else { return nil }
        guard let qualification = catalogue.qualification(target) else {
            log.error("$.target", "the catalogue has no qualification \(target.quotedForMessage)")
            return nil
        }
        if target != request.target { log.error("$.target", "the plan is for \(target), not for \(request.target)") }
        let taken = root.strings("credentials") ?? { root.missing("credentials"); return [] }()
        for (index, id) in taken.enumerated() where catalogue.credential(id) == nil {
            log.error("$.credentials[\(index)]", "the catalogue has no credential \(id.quotedForMessage)")
        }
        var applications: [String: [String]] = [:]
        let appliedKey = root.has("appliedAll") ? "appliedAll" : "applied"
        if case .object(let fields)? = (json.objectFields[appliedKey]) {
            for (id, value) in fields {
                switch value {
                case .string(let path): applications[id] = [path]
                case .array(let paths): applications[id] = paths.compactMap { if case .string(let path) = $0 { return path }; return nil }.sorted()
                default: log.error("$.\(appliedKey).\(id)", "must be a requirement path or a list of them, found \(value.typeName)")
                }
            }
        } else {
            root.missing("appliedAll")
        }
        var prerequisiteOf: [String: [String]] = [:], corequisiteOf: [String: [String]] = [:]
        for (id, value) in json.objectFields["prerequisiteOf"]?.objectFields ?? [:] {
            if case .array(let dependants) = value { prerequisiteOf[id] = dependants.compactMap { if case .string(let id) = $0 { return id }; return nil } }
        }
        var repeats: [String: Int] = [:]
        for (id, value) in json.objectFields["repeats"]?.objectFields ?? [:] {
            // Whole numbers within the most a credential may be repeated; anything else is left out.
            if case .number(let times) = value, times.rounded() == times, InputLimits.repeats.contains(Int(min(max(times, 0), 1000))) { repeats[id] = Int(times) }
        }
        for (id, value) in json.objectFields["corequisiteOf"]?.objectFields ?? [:] {
            if case .array(let dependants) = value { corequisiteOf[id] = dependants.compactMap { if case .string(let id) = $0 { return id }; return nil } }
        }
        let unusedHeld: [Plan.UnusedHeld] = (root.array("unusedHeld") ?? []).compactMap { value in
            let fields = value.objectFields
            guard case .string(let id)? = fields["id"] else { return nil }
            let text = { (key: String) -> String in if case .string(let value)? = fields[key] { return value }; return "" }
            return Plan.UnusedHeld(id: id, title: text("title"), reason: .recorded(text("reason")))
        }

        var objectives: [Objective] = []
        var values: [Double] = []
        let written = json.objectFields["objectives"]?.objectFields ?? [:]
        let order: [String] = root.strings("objectiveOrder") ?? Objective.allCases.map(\.rawValue).filter { written[$0] != nil }
        for name in order {
            guard let objective = Objective(rawValue: name) else {
                log.error("$.objectiveOrder", "\(name.quotedForMessage) is not an objective")
                continue
            }
            objectives.append(objective)
            if case .number(let value)? = written[name], InputLimits.planFigure.contains(abs(value)) { values.append(value) } else { values.append(.nan) }
        }

        let totalsReader = json.objectFields["totals"].flatMap { ObjectReader($0, path: "$.totals", log: log) }
        if totalsReader == nil { root.missing("totals") }
        let totals = Plan.Totals(
            cost: totalsReader?.number("cost", within: InputLimits.planFigure, required: true) ?? 0,
            hours: totalsReader?.number("hours", within: InputLimits.planFigure, required: true) ?? 0,
            ects: totalsReader?.number("ects", within: InputLimits.planFigure, required: true) ?? 0,
            countedECTS: totalsReader?.number("countedEcts", within: InputLimits.planFigure, required: true) ?? 0)
        let size = json.objectFields["model"]?.objectFields ?? [:]
        // Informational only: a figure that is not a plausible count reads as 0 instead of trapping in Int(_:).
        func count(_ key: String) -> Int {
            if case .number(let value)? = size[key], value >= 0, value < 1e15, value.rounded() == value { return Int(value) }
            return 0
        }

        var schedule: [ScheduleOption]?
        if let runs = root.array("schedule") {
            schedule = runs.enumerated().compactMap { index, value in readRun(value, path: "$.schedule[\(index)]", catalogue: catalogue, request: request, log: log) }
        }
        let statusName = root.string("status") ?? "optimal"
        let status = SolveStatus(rawValue: statusName) ?? .feasible
        if !status.hasSolution { log.error("$.status", "\(statusName.quotedForMessage) is not the status of a plan") }
        return Plan(
            qualification: qualification, status: status, objectives: objectives, objectiveValues: values,
            gap: root.number("gap", within: InputLimits.planFigure), taken: taken.sorted(), repeats: repeats,
            heldApplied: root.strings("heldApplied") ?? [], applications: applications, prerequisiteOf: prerequisiteOf,
            corequisiteOf: corequisiteOf, unusedHeld: unusedHeld, totals: totals,
            modelSize: Plan.ModelSize(rows: count("rows"), columns: count("columns"), integerColumns: count("integerColumns"), nonZeros: count("nonZeros")),
            today: root.day("today") ?? request.today, schedule: schedule, completes: root.day("completes"),
            startGridWeeks: root.integer("startGridWeeks", within: InputLimits.weeks) ?? (schedule == nil ? nil : 1))
    }

    static func readRun(_ value: JSON, path: String, catalogue: Catalogue, request: PlanRequest, log: IssueLog) -> ScheduleOption? {
        guard let reader = ObjectReader(value, path: path, log: log),
              let id = reader.string("credential", required: true), let start = reader.day("start"), let last = reader.day("end"),
              let weeks = reader.integer("weeks", within: InputLimits.weeks, required: true) else { return nil }
        guard let credential = catalogue.credential(id) else {
            log.error(reader.at("credential"), "the catalogue has no credential \(id.quotedForMessage)")
            return nil
        }
        var offering: Int?
        if let name = reader.string("offering"), name != "self-paced" {
            offering = credential.offerings.firstIndex { $0.id == name }
                ?? (name.hasPrefix("offerings[") ? Int(name.dropFirst(10).dropLast()) : nil)
            if offering == nil { log.error(reader.at("offering"), "\(id) has no offering \(name.quotedForMessage)") }
        }
        return ScheduleOption(
            credential: id, offering: offering, start: start, end: last.adding(days: 1), weeks: weeks,
            cost: reader.number("cost", within: InputLimits.planFigure) ?? (catalogue.costInBaseCurrency(credential) ?? 0),
            hours: credential.learningHours(hoursPerECTS: request.hoursPerECTS))
    }
}
