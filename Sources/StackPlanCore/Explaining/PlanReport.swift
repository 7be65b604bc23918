import Foundation

/// A plan explained: each requirement with what meets it, in text for people and JSON for programs.
public struct PlanReport {
    public struct RequirementLine: Sendable, Equatable {
        public var path: String
        public var depth: Int
        public var requirement: String
        public var met: Bool
        /// Ids of the items applied to this leaf.
        public var applied: [String]
        /// For credit leaves and caps: the ECTS counted against the figure in `requirement`.
        public var credits: Double?
        /// Waived by an advisor's exception: met without anything applied.
        public var waived = false
        /// Below a waived node: not asked for.
        public var setAside = false
    }

    public let plan: Plan
    public let catalogue: Catalogue
    public let request: PlanRequest
    public let requirements: [RequirementLine]

    public init(plan: Plan, catalogue: Catalogue, request: PlanRequest) {
        self.plan = plan
        self.catalogue = catalogue
        self.request = request
        self.requirements = Self.evaluate(plan: plan, catalogue: catalogue, request: request)
    }

    static func items(of plan: Plan, catalogue: Catalogue, request: PlanRequest) -> [String: CountableItem] {
        var items: [String: CountableItem] = [:]
        for (position, held) in request.learner.held.enumerated() {
            if let item = held.item(position: position, in: catalogue, hoursPerECTS: request.hoursPerECTS) { items[item.id] = item }
        }
        for id in plan.taken {
            if let credential = catalogue.credential(id) {
                items[id] = CountableItem(credential: credential, in: catalogue, hoursPerECTS: request.hoursPerECTS)
            }
        }
        return items
    }

    static func evaluate(plan: Plan, catalogue: Catalogue, request: PlanRequest) -> [RequirementLine] {
        let tree = RequirementTree(plan.qualification, in: catalogue, exceptions: request.exceptions)
        let items = items(of: plan, catalogue: catalogue, request: request)
        var byPath: [String: [String]] = [:]
        for (id, paths) in plan.applications { for path in paths { byPath[path, default: []].append(id) } }
        let countedItems = plan.applications.keys.compactMap { items[$0] }
        var met: [Int: Bool] = [:]
        var credits: [Int: Double] = [:]
        for index in tree.nodes.indices.reversed() {
            let node = tree.nodes[index]
            let applied = (byPath[node.path] ?? []).compactMap { items[$0] }
            if tree.isWaived(index) {
                met[index] = true
                continue
            }
            switch node.kind {
            case .credential: met[index] = !applied.isEmpty
            case .credits(let minimum, _):
                credits[index] = applied.reduce(0) { $0 + $1.ects }
                met[index] = credits[index]! >= minimum - 1e-9
            case .maxCredits(let maximum, let filter):
                credits[index] = countedItems.filter { filter.matches($0) }.reduce(0) { $0 + $1.ects }
                met[index] = credits[index]! <= maximum + 1e-9
            case .allOf, .qualification: met[index] = node.children.allSatisfy { met[$0]! }
            case .anyOf: met[index] = node.children.contains { met[$0]! }
            case .atLeast(let count): met[index] = node.children.count { met[$0]! } >= count
            }
        }
        return tree.nodes.indices.map { index in
            let node = tree.nodes[index]
            return RequirementLine(
                path: node.path, depth: node.depth, requirement: tree.describe(index, catalogue: catalogue),
                met: met[index]!, applied: (byPath[node.path] ?? []).sorted(), credits: credits[index],
                waived: tree.isWaived(index), setAside: tree.isSetAside(index) && !tree.isWaived(index))
        }
    }

    // MARK: Text

    public var text: String {
        var lines: [String] = []
        let qualification = plan.qualification
        let currency = catalogue.baseCurrency
        lines.append("Plan for \(qualification.title) (\(qualification.id)): \(format(qualification.ects)) ECTS, EQF \(qualification.eqf)")
        let objectives = zip(plan.objectives, plan.objectiveValues).map { "\($0.rawValue) \(describeValue($1, of: $0))" }
        let status = plan.status == .optimal ? "proven optimal" : "best found, within \(plan.gap.map { String(format: "%.2f%%", $0 * 100) } ?? "an unknown") gap of optimal"
        lines.append("Minimising \(objectives.joined(separator: ", then ")): \(status).")
        lines.append("")

        if plan.taken.isEmpty {
            lines.append("Nothing to take: what you hold already meets every requirement.")
        } else {
            lines.append("Credentials to take")
            var rows = [["id", "title", "provider", "ECTS", "EQF", "cost \(currency)", "hours", "counts toward"]]
            for id in plan.taken {
                guard let credential = catalogue.credential(id) else { continue }
                let role = plan.applications[id]?.joined(separator: ", ")
                    ?? "prerequisite of \(plan.prerequisiteOf[id]?.joined(separator: ", ") ?? "a planned credential")"
                rows.append([
                    id, truncate(credential.title, 44), credential.provider, format(credential.credits), String(credential.eqf),
                    format(money: catalogue.costInBaseCurrency(credential) ?? 0),
                    format(credential.learningHours(hoursPerECTS: request.hoursPerECTS)), role,
                ])
            }
            lines += table(rows, rightAligned: [3, 4, 5, 6])
        }
        let items = Self.items(of: plan, catalogue: catalogue, request: request)
        if !plan.heldApplied.isEmpty {
            lines.append("")
            lines.append("Held credentials that count")
            var rows = [["id", "title", "ECTS", "EQF", "earned", "counts toward"]]
            for id in plan.heldApplied {
                guard let item = items[id] else { continue }
                rows.append([id, truncate(item.title, 44), format(item.ects), String(item.eqf), item.earned?.description ?? "-",
                             plan.applications[id]?.joined(separator: ", ") ?? ""])
            }
            lines += table(rows, rightAligned: [2, 3])
        }
        if !plan.unusedHeld.isEmpty {
            lines.append("")
            lines.append("Held credentials that do not count")
            for unused in plan.unusedHeld { lines.append("  \(unused.id) (\(truncate(unused.title, 40))): \(unused.reason)") }
        }
        lines.append("")
        let totals = plan.totals
        lines.append("Totals: \(plan.taken.count) credential\(plan.taken.count == 1 ? "" : "s") to take, \(format(money: totals.cost)) \(currency), "
            + "\(format(totals.hours)) learning hours, \(format(totals.ects)) ECTS taken; "
            + "\(format(totals.countedECTS)) ECTS count toward the \(format(qualification.ects)) needed.")
        let exceptions = request.exceptionUse(in: plan, catalogue: catalogue)
        if !exceptions.isEmpty {
            lines.append("")
            lines.append("Exceptions")
            for (exception, used) in exceptions {
                lines.append("  \(exception.summary) (\(exception.origin))\(used ? "" : ", not used")\(exception.note.map { ": \($0)" } ?? "")")
            }
        }
        if let timeline = timeline {
            lines.append("")
            lines += timeline
        }
        lines.append("")
        lines.append("Requirements")
        for line in requirements {
            let indent = String(repeating: "  ", count: line.depth + 1)
            var detail = ""
            if line.waived {
                lines.append("\(indent)✓ \(line.path)  \(line.requirement) — waived by exception")
                continue
            }
            if line.setAside {
                lines.append("\(indent)– \(line.path)  \(line.requirement) — set aside (waived above)")
                continue
            }
            if let credits = line.credits {
                detail = " — \(format(credits)) ECTS" + (line.applied.isEmpty ? "" : " from \(line.applied.joined(separator: ", "))")
            } else if !line.applied.isEmpty && !line.requirement.hasSuffix("(\(line.applied.joined()))") {
                detail = " — \(line.applied.joined(separator: ", "))"
            }
            lines.append("\(indent)\(line.met ? "✓" : "✗") \(line.path)  \(line.requirement)\(detail)")
        }
        lines.append("  \(totals.countedECTS >= qualification.ects - 1e-9 ? "✓" : "✗") ects  \(format(qualification.ects)) ECTS in all — \(format(totals.countedECTS)) count")
        return lines.joined(separator: "\n")
    }

    private func describeValue(_ value: Double, of objective: Objective) -> String {
        switch objective {
        case .cost: "\(format(money: value)) \(catalogue.baseCurrency)"
        case .workload: "\(format(value)) h"
        case .ects: "\(format(value)) ECTS"
        case .count: "\(Int(value.rounded())) credential\(Int(value.rounded()) == 1 ? "" : "s")"
        case .duration: "\(Int(value.rounded())) days (completes \(plan.completes?.description ?? "-"))"
        }
    }

    // MARK: Timeline

    /// One row per credential, one column per week (or per bucket of weeks), `█` while it runs.
    var timeline: [String]? {
        guard let schedule = plan.schedule, let start = request.schedule?.start, let completes = plan.completes else { return nil }
        let totalWeeks = max(1, (completes.ordinal - start.ordinal) / 7 + 1)
        let columnWeeks = max(1, (totalWeeks + 51) / 52)
        let columns = (totalWeeks + columnWeeks - 1) / columnWeeks
        var lines = ["Schedule from \(start), \(format(request.schedule!.hoursPerWeek)) h a week; completes \(completes)"
            + (columnWeeks > 1 ? " (one column = \(columnWeeks) weeks)" : " (one column = one week)")]
        var rows = [["credential", "start", "end", "offering", "weeks"]]
        var bars: [String] = []
        for run in schedule.sorted(by: { ($0.start, $0.credential) < ($1.start, $1.credential) }) {
            let offering = run.offering.map { index in
                catalogue.credential(run.credential)?.offerings[index].id ?? "offerings[\(index)]"
            } ?? "self-paced"
            rows.append([run.credential, run.start.description, run.end.adding(days: -1).description, offering, String(run.weeks)])
            bars.append(String((0..<columns).map { column -> Character in
                let from = start.adding(days: 7 * columnWeeks * column), to = start.adding(days: 7 * columnWeeks * (column + 1))
                return run.start < to && run.end > from ? "█" : "·"
            }))
        }
        let table = table(rows, rightAligned: [4])
        lines.append(table[0])
        for (row, bar) in zip(table.dropFirst(), bars) { lines.append(row + "  " + bar) }
        return lines
    }

    // MARK: JSON

    public var json: JSON {
        var applied: [String: JSON] = [:]
        var appliedAll: [String: JSON] = [:]
        for (id, paths) in plan.applications {
            applied[id] = .string(paths.first ?? "")
            appliedAll[id] = .array(paths.map(JSON.string))
        }
        var objectives: [String: JSON] = [:]
        for (objective, value) in zip(plan.objectives, plan.objectiveValues) { objectives[objective.rawValue] = .number(rounded(value)) }
        let size = plan.modelSize
        return .object([
            "target": .string(plan.qualification.id),
            "status": .string(plan.status.rawValue),
            "objective": plan.objectiveValues.first.map { .number(rounded($0)) } ?? .null,
            "objectives": .object(objectives),
            "gap": plan.gap.map { .number(rounded($0)) } ?? .null,
            "credentials": .array(plan.taken.map(JSON.string)),
            "heldApplied": .array(plan.heldApplied.map(JSON.string)),
            "applied": .object(applied),
            "appliedAll": .object(appliedAll),
            "prerequisiteOf": .object(plan.prerequisiteOf.mapValues { .array($0.map(JSON.string)) }),
            "unusedHeld": .array(plan.unusedHeld.map { .object(["id": .string($0.id), "title": .string($0.title), "reason": .string($0.reason)]) }),
            "totals": .object([
                "cost": .number(rounded(plan.totals.cost)), "hours": .number(rounded(plan.totals.hours)),
                "ects": .number(rounded(plan.totals.ects)), "countedEcts": .number(rounded(plan.totals.countedECTS)),
                "currency": .string(catalogue.baseCurrency),
            ]),
            "requirements": .array(requirements.map { line in
                var fields: [String: JSON] = [
                    "path": .string(line.path), "requirement": .string(line.requirement), "met": .bool(line.met),
                    "applied": .array(line.applied.map(JSON.string)),
                ]
                fields["credits"] = line.credits.map { .number(rounded($0)) }
                if line.waived { fields["waived"] = .bool(true) }
                if line.setAside { fields["setAside"] = .bool(true) }
                return .object(fields)
            }),
            "exceptions": .array(request.exceptionUse(in: plan, catalogue: catalogue).map { exception, used in
                var fields = LearnerDocument.json(exception).objectFields
                fields["summary"] = .string(exception.summary)
                fields["origin"] = .string(exception.origin)
                fields["used"] = .bool(used)
                return .object(fields)
            }),
            "objectiveOrder": .array(plan.objectives.map { .string($0.rawValue) }),
            "startGridWeeks": plan.startGridWeeks.map { .number(Double($0)) } ?? .null,
            "today": .string(plan.today.description),
            "schedule": plan.schedule.map { runs in .array(runs.map { run in
                .object([
                    "credential": .string(run.credential), "start": .string(run.start.description),
                    "end": .string(run.end.adding(days: -1).description), "weeks": .number(Double(run.weeks)),
                    "offering": run.offering.map { index in
                        .string(catalogue.credential(run.credential)?.offerings[index].id ?? "offerings[\(index)]")
                    } ?? .string("self-paced"),
                    "cost": .number(rounded(run.cost)),
                ])
            }) } ?? .null,
            "completes": plan.completes.map { .string($0.description) } ?? .null,
            "model": .object([
                "rows": .number(Double(size.rows)), "columns": .number(Double(size.columns)),
                "integerColumns": .number(Double(size.integerColumns)), "nonZeros": .number(Double(size.nonZeros)),
            ]),
        ])
    }
}

/// Rounds away the binary noise of sums of prices (2709.9999999 → 2710) for reports.
func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

func truncate(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width - 1)) + "…"
}

/// Lays rows out in columns, the first row as a header.
public func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
    return rows.map { row in
        "  " + row.enumerated().map { column, cell in
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            if column == row.count - 1 && !rightAligned.contains(column) { return cell }
            return rightAligned.contains(column) ? padding + cell : cell + padding
        }.joined(separator: "  ")
    }
}
