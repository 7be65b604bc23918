import Foundation
import StackPlanCore

extension PlanReport {
    /// The plan for people: credentials to take, held ones, totals, exceptions, schedule and requirements.
    public var text: String {
        var lines: [String] = []
        let qualification = plan.qualification
        let currency = catalogue.baseCurrency
        lines.append("Plan for \(qualification.title) (\(qualification.id)): \(formatNumber(qualification.ects)) ECTS, EQF \(qualification.eqf)")
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
                var role: String = switch CredentialRole(of: id, in: plan) {
                case .countsToward(let paths)?, .heldCountsToward(let paths)?: paths.joined(separator: ", ")
                case let other?: other.text
                case nil: ""
                }
                // A repeatable credential taken several times: once a row, each taking's fee and hours summed.
                let times = plan.times(id)
                if times > 1 {
                    let further = (2...times).map { time in "\(time): " + (plan.applications[Plan.takingID(id, time)]?.joined(separator: ", ") ?? "-") }
                    role += "; " + further.joined(separator: "; ")
                }
                rows.append([
                    times > 1 ? "\(id) ×\(times)" : id, truncate(credential.title, 44), credential.provider, formatNumber(credential.credits), String(credential.eqf),
                    formatMoney(Double(times) * (catalogue.costInBaseCurrency(credential) ?? 0)),
                    formatNumber(Double(times) * credential.learningHours(hoursPerECTS: request.hoursPerECTS)), role,
                ])
            }
            lines += table(rows, rightAligned: [3, 4, 5, 6])
        }
        let items = PlanReport.items(of: plan, catalogue: catalogue, request: request)
        if !plan.heldApplied.isEmpty {
            lines.append("")
            lines.append("Held credentials that count")
            var rows = [["id", "title", "ECTS", "EQF", "earned", "counts toward"]]
            for id in plan.heldApplied {
                guard let item = items[id] else { continue }
                rows.append([id, truncate(item.title, 44), formatNumber(item.ects), String(item.eqf), item.earned?.description ?? "-",
                             plan.applications[id]?.joined(separator: ", ") ?? ""])
            }
            lines += table(rows, rightAligned: [2, 3])
        }
        if !plan.unusedHeld.isEmpty {
            lines.append("")
            lines.append("Held credentials that do not count")
            for unused in plan.unusedHeld { lines.append("  \(unused.id) (\(truncate(unused.title, 40))): \(unused.reason.text)") }
        }
        lines.append("")
        let totals = plan.totals
        lines.append("Totals: \(plural(plan.taken.count, "credential")) to take, \(formatMoney(totals.cost)) \(currency), "
            + "\(formatNumber(totals.hours)) learning hours, \(formatNumber(totals.ects)) ECTS taken; "
            + "\(formatNumber(totals.countedECTS)) ECTS count toward the \(formatNumber(qualification.ects)) needed.")
        let exceptions = request.exceptionUse(in: plan, catalogue: catalogue)
        if !exceptions.isEmpty {
            lines.append("")
            lines.append("Exceptions")
            for (exception, used) in exceptions {
                lines.append("  \(exception.summary) (\(exception.origin))\(used ? "" : ", not used")\(exception.note.map { ": \($0)" } ?? "")")
            }
        }
        if let timeline {
            lines.append("")
            lines += timeline
        }
        lines.append("")
        lines.append("Requirements")
        lines += requirementLines
        return lines.joined(separator: "\n")
    }

    /// The requirement tree line by line, each met (✓) or not (✗) with what counts toward it.
    public var requirementLines: [String] {
        var lines: [String] = []
        let qualification = plan.qualification
        let totals = plan.totals
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
            if let count = line.count {
                detail = " — \(count) credential\(count == 1 ? "" : "s")" + (line.applied.isEmpty ? "" : ": \(line.applied.joined(separator: ", "))")
            } else if let credits = line.credits {
                detail = " — \(formatNumber(credits)) ECTS" + (line.applied.isEmpty ? "" : " from \(line.applied.joined(separator: ", "))")
            } else if !line.applied.isEmpty && !line.requirement.hasSuffix("(\(line.applied.joined()))") {
                detail = " — \(line.applied.joined(separator: ", "))"
            }
            let scope = line.scope.map { " [counting scope \($0)]" } ?? ""
            let spread = line.spread.map { " (\($0.text))" } ?? ""
            lines.append("\(indent)\(line.met ? "✓" : "✗") \(line.path)  \(line.requirement)\(scope)\(detail)\(spread)")
        }
        lines.append("  \(totals.countedECTS >= qualification.ects - 1e-9 ? "✓" : "✗") ects  \(formatNumber(qualification.ects)) ECTS in all — \(formatNumber(totals.countedECTS)) count")
        return lines
    }

    private func describeValue(_ value: Double, of objective: Objective) -> String {
        switch objective {
        case .cost: "\(formatMoney(value)) \(catalogue.baseCurrency)"
        case .workload: "\(formatNumber(value)) h"
        case .ects: "\(formatNumber(value)) ECTS"
        case .count: "\(formatWhole(value)) credential\(value.rounded() == 1 ? "" : "s")"
        case .duration: "\(formatWhole(value)) days (completes \(plan.completes?.description ?? "-"))"
        }
    }

    /// One row per credential, one column per week (or per bucket of weeks), `█` while it runs.
    var timeline: [String]? {
        guard let schedule = plan.schedule, let settings = request.schedule, let completes = plan.completes else { return nil }
        let start = settings.start
        let totalWeeks = max(1, (completes.ordinal - start.ordinal) / 7 + 1)
        let columnWeeks = max(1, (totalWeeks + 51) / 52)
        let columns = (totalWeeks + columnWeeks - 1) / columnWeeks
        var lines = ["Schedule from \(start), \(formatNumber(settings.hoursPerWeek)) h a week; completes \(completes)"
            + (columnWeeks > 1 ? " (one column = \(columnWeeks) weeks)" : " (one column = one week)")]
        var rows = [["credential", "start", "end", "offering", "weeks"]]
        var bars: [String] = []
        // A repeated credential's runs are its takings in date order: `c`, then `c[2]`.
        var takings: [String: Int] = [:]
        for run in schedule.sorted(by: { ($0.start, $0.credential) < ($1.start, $1.credential) }) {
            takings[run.credential, default: 0] += 1
            let name = takings[run.credential] == 1 ? run.credential : Plan.takingID(run.credential, takings[run.credential] ?? 1)
            rows.append([name, run.start.description, run.end.adding(days: -1).description, offeringName(run), String(run.weeks)])
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

    func offeringName(_ run: ScheduleOption) -> String {
        run.offering.map { index in catalogue.credential(run.credential)?.offerings[index].id ?? "offerings[\(index)]" } ?? "self-paced"
    }

    // MARK: JSON

    /// As `plan --json` prints it (and `PlanDocument` reads it back).
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
            "repeats": .object(plan.repeats.mapValues { .number(Double($0)) }),
            "corequisiteOf": .object(plan.corequisiteOf.mapValues { .array($0.map(JSON.string)) }),
            "unusedHeld": .array(plan.unusedHeld.map {
                .object(["id": .string($0.id), "title": .string($0.title), "reason": .string($0.reason.text),
                         "code": .string($0.reason.code), "details": $0.reason.json])
            }),
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
                fields["scope"] = line.scope.map(JSON.string)
                fields["count"] = line.count.map { .number(Double($0)) }
                fields["spread"] = line.spread.map(\.json)
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
                    "offering": .string(offeringName(run)),
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
