import Foundation
import StackPlanCore
import StackPlanRendering

/// A plan written out for other programs (JSON, CSV) and for people (Markdown: a page an advisor
/// can send to a learner). The JSON is a superset of `stackplan plan --json`.
public struct PlanExport {
    public let report: PlanReport
    let tree: RequirementTree
    let pathIndex: [String: Int]

    public init(_ report: PlanReport) {
        self.report = report
        let tree = RequirementTree(report.plan.qualification, in: report.catalogue)
        self.tree = tree
        pathIndex = Dictionary(tree.nodes.indices.map { (tree.nodes[$0].path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var plan: Plan { report.plan }
    var catalogue: Catalogue { report.catalogue }
    var request: PlanRequest { report.request }
    var currency: String { catalogue.baseCurrency }

    /// A requirement as people name it: its label, else its rule.
    func requirementName(_ path: String) -> String {
        guard let index = pathIndex[path] else { return path }
        return tree.nodes[index].label ?? tree.describe(index, catalogue: catalogue)
    }

    /// What a credential to take is for: the requirements it counts toward, or what it unlocks.
    func roles(of id: String) -> [String] {
        if let paths = plan.applications[id] { return paths.map(requirementName) }
        let dependants = plan.prerequisiteOf[id] ?? []
        return ["prerequisite of " + (dependants.isEmpty ? "a planned credential" : dependants.joined(separator: ", "))]
    }

    struct HeldLine {
        var id: String
        var title: String
        var earned: Day?
        var counts: Bool
        var paths: [String]
        var reason: HeldUnusedReason?
        var external: ExternalCredential?
    }

    var heldLines: [HeldLine] {
        request.learner.held.enumerated().map { position, held in
            let id = held.catalogueID ?? "held[\(position)]"
            var external: ExternalCredential?
            if case .external(let described) = held.source { external = described }
            let title = external?.title ?? catalogue.credential(id)?.title ?? id
            let paths = plan.applications[id] ?? []
            return HeldLine(id: id, title: title, earned: held.earned, counts: !paths.isEmpty, paths: paths,
                            reason: plan.unusedHeld.first { $0.id == id }?.reason, external: external)
        }
    }

    // MARK: JSON

    public var json: JSON {
        guard case .object(var fields) = report.json else { return report.json }
        fields["format"] = .string("stackplan-plan/1")
        var learner: [String: JSON] = [:]
        learner["id"] = request.learner.id.map(JSON.string)
        learner["name"] = request.learner.name.map(JSON.string)
        fields["learner"] = .object(learner)
        let qualification = plan.qualification
        var target: [String: JSON] = [
            "id": .string(qualification.id), "title": .string(qualification.title), "provider": .string(qualification.provider),
            "ects": .number(qualification.ects), "eqf": .number(Double(qualification.eqf)),
        ]
        target["providerName"] = catalogue.provider(qualification.provider).map { .string($0.name) }
        fields["qualification"] = .object(target)
        fields["limits"] = limitsJSON
        fields["take"] = .array(plan.taken.compactMap(catalogue.credential).map { credential in
            var entry = CatalogueDocument.json(credential)
            guard case .object(var details) = entry else { return entry }
            details["providerName"] = catalogue.provider(credential.provider).map { .string($0.name) }
            details["learningHours"] = .number(credential.learningHours(hoursPerECTS: request.hoursPerECTS))
            details["costInBaseCurrency"] = catalogue.costInBaseCurrency(credential).map { .number(roundedCents($0)) }
            details["accredited"] = .bool(catalogue.isAccredited(credential))
            details["countsToward"] = .array((plan.applications[credential.id] ?? []).map { path in
                .object(["path": .string(path), "requirement": .string(requirementName(path))])
            })
            if let dependants = plan.prerequisiteOf[credential.id] { details["prerequisiteOf"] = .array(dependants.map(JSON.string)) }
            entry = .object(details)
            return entry
        })
        fields["held"] = .array(heldLines.map { line in
            var entry: [String: JSON] = ["id": .string(line.id), "title": .string(line.title), "counts": .bool(line.counts)]
            entry["earned"] = line.earned.map { .string($0.description) }
            if line.counts {
                entry["countsToward"] = .array(line.paths.map { .object(["path": .string($0), "requirement": .string(requirementName($0))]) })
            }
            entry["reason"] = line.reason.map { .string($0.text) }
            entry["code"] = line.reason.map { .string($0.code) }
            entry["details"] = line.reason?.json
            return .object(entry)
        })
        return .object(fields)
    }

    var limitsJSON: JSON {
        let limits = request.constraints
        var fields: [String: JSON] = [
            "accreditedOnly": .bool(limits.accreditedOnly),
            "excludeProviders": .array(limits.excludeProviders.map(JSON.string)),
            "hoursPerEcts": .number(request.hoursPerECTS),
        ]
        fields["budget"] = limits.budget.map(JSON.number)
        fields["maxHours"] = limits.maxHours.map(JSON.number)
        // The calendar's limits: a plan without a schedule has no weekly hours or start.
        fields["hoursPerWeek"] = request.schedule.map { .number($0.hoursPerWeek) } ?? .null
        fields["start"] = request.schedule.map { .string($0.start.description) } ?? .null
        fields["deadline"] = limits.deadline.map { .string($0.description) } ?? .null
        fields["modes"] = limits.modes.map { .array($0.map { .string($0.rawValue) }) }
        fields["languages"] = limits.languages.map { .array($0.map(JSON.string)) }
        return .object(fields)
    }

    // MARK: CSV

    public static let csvColumns = [
        "role", "id", "title", "provider", "providerName", "ects", "eqf", "hours", "cost", "currency", "costInBaseCurrency",
        "mode", "languages", "accredited", "earned", "countsToward", "reason", "source", "start", "end",
    ]

    /// One row per credential to take (`take`), per held credential (`held-counts`, `held-unused`),
    /// and a `total` row; list cells are separated by `;` as in the catalogue CSV. A repeatable
    /// credential taken again has a row per taking, its id that of the taking (`c[2]`). With a
    /// schedule, `start` and `end` give each taking's run (first and last day) and the total row's span.
    public var csv: String {
        func row(_ values: [String: String]) -> [String] { Self.csvColumns.map { values[$0] ?? "" } }
        func toward(_ paths: [String]) -> String { paths.map { "\($0): \(requirementName($0))" }.joined(separator: "; ") }
        var rows = [Self.csvColumns]
        // A repeatable credential taken again has a row per taking (`c[2]`); the schedule lists
        // its runs under the credential's id, the n-th run the n-th taking's.
        let runs = Dictionary(grouping: plan.schedule ?? [], by: \.credential).mapValues { $0.sorted { $0.start < $1.start } }
        for taking in plan.takings {
            guard let credential = catalogue.credential(Plan.credentialID(ofTaking: taking)) else { continue }
            let time = Plan.taking(taking)?.time ?? 1
            let run = runs[credential.id].flatMap { $0.indices.contains(time - 1) ? $0[time - 1] : nil }
            var values: [String: String] = [
                "role": "take", "id": taking, "title": credential.title, "provider": credential.provider,
                "eqf": String(credential.eqf), "cost": money(credential.cost), "currency": credential.currency ?? currency,
                "mode": credential.mode.rawValue, "languages": credential.languages.joined(separator: ";"),
            ]
            values["providerName"] = catalogue.provider(credential.provider)?.name
            values["ects"] = credential.ects.map(formatted)
            values["hours"] = formatted(credential.learningHours(hoursPerECTS: request.hoursPerECTS))
            values["costInBaseCurrency"] = catalogue.costInBaseCurrency(credential).map(money)
            values["accredited"] = catalogue.isAccredited(credential) ? "true" : "false"
            values["countsToward"] = plan.applications[taking].map(toward) ?? roles(of: credential.id).joined(separator: "; ")
            values["source"] = credential.source
            values["start"] = run?.start.description
            values["end"] = run?.end.adding(days: -1).description
            rows.append(row(values))
        }
        for line in heldLines {
            let credential = line.external == nil ? catalogue.credential(line.id) : nil
            var values: [String: String] = [
                "role": line.counts ? "held-counts" : "held-unused", "id": line.id, "title": line.title, "countsToward": toward(line.paths),
            ]
            values["provider"] = credential?.provider ?? line.external?.provider
            values["providerName"] = values["provider"].flatMap { catalogue.provider($0)?.name }
            values["ects"] = (credential?.ects ?? line.external?.ects).map(formatted)
            values["eqf"] = (credential?.eqf ?? line.external?.eqf).map { String($0) }
            values["earned"] = line.earned?.description
            values["reason"] = line.reason?.text
            values["source"] = credential?.source
            rows.append(row(values))
        }
        let totals = plan.totals
        var total = [
            "role": "total",
            "title": "\(plan.taken.count) to take; \(formatted(rounded(totals.countedECTS))) of \(formatted(plan.qualification.ects)) ECTS counted",
            "ects": formatted(rounded(totals.ects)), "hours": formatted(rounded(totals.hours)), "cost": money(totals.cost),
            "currency": currency, "costInBaseCurrency": money(totals.cost),
        ]
        total["start"] = plan.schedule.flatMap { $0.map(\.start).min() }?.description
        total["end"] = plan.completes?.description
        rows.append(row(total))
        return rows.map(CSVReader.line).joined(separator: "\r\n") + "\r\n"
    }

    // MARK: Markdown

    static let objectiveWords: [Objective: String] = [
        .cost: "the lowest fees", .workload: "the fewest learning hours", .ects: "the fewest ECTS beyond what is needed",
        .count: "the fewest credentials",
    ]

    public var markdown: String {
        let qualification = plan.qualification
        let awarding = catalogue.provider(qualification.provider)?.name ?? qualification.provider
        var lines = ["# Study plan: \(qualification.title)", ""]
        lines.append(Self.preparedLine(request: request, today: plan.today, awarding: awarding, qualification: qualification))
        lines.append("")
        let objectives = zip(plan.objectives, plan.objectiveValues).map { objective, value in
            "\(Self.objectiveWords[objective]!) (\(describe(value, of: objective)))"
        }
        let status = plan.status.rawValue == "optimal"
            ? "No other plan does better: this is proven optimal."
            : "This is the best plan found within the time limit; a better one may exist (gap \(plan.gap.map { String(format: "%.2f%%", $0 * 100) } ?? "unknown"))."
        lines.append("\(qualification.title) is a \(formatted(qualification.ects)) ECTS award at EQF level \(qualification.eqf). "
            + "This plan completes it with \(objectives.joined(separator: ", then ")). \(status)")
        lines.append("")

        let totals = plan.totals
        let held = heldLines
        lines += ["## At a glance", "", "| | |", "|---|---|"]
        lines.append("| Credentials to take | \(plan.taken.count) |")
        lines.append("| Fees | \(money(totals.cost)) \(currency) |")
        lines.append("| Learning hours | \(formatted(rounded(totals.hours))) |")
        lines.append("| ECTS to take | \(formatted(rounded(totals.ects))) |")
        lines.append("| ECTS counted toward the award | \(formatted(rounded(totals.countedECTS))) of \(formatted(qualification.ects)) needed |")
        if !held.isEmpty { lines.append("| Prior learning counted | \(held.count { $0.counts }) of \(held.count) held credentials |") }
        if let completes = plan.completes { lines.append("| Completes | \(completes) |") }
        lines.append("")

        lines += ["## Credentials to take", ""]
        if plan.taken.isEmpty {
            lines.append("Nothing: what you already hold meets every requirement.")
        } else {
            lines.append("| Credential | Provider | ECTS | EQF | Hours | Fee | Mode, languages | Counts toward |")
            lines.append("|---|---|--:|--:|--:|--:|---|---|")
            for credential in plan.taken.compactMap(catalogue.credential) {
                let name = credential.source.map { "[\(cell(credential.title))](\($0))" } ?? cell(credential.title)
                let fee = money(credential.cost) + " " + (credential.currency ?? currency)
                    + (credential.currency.map { $0 != currency } ?? false
                        ? catalogue.costInBaseCurrency(credential).map { " (\(money($0)) \(currency))" } ?? "" : "")
                lines.append("| \(name)\(credential.invented ? " \\*" : "") (`\(credential.id)`) "
                    + "| \(cell(catalogue.provider(credential.provider)?.name ?? credential.provider)) "
                    + "| \(credential.ects.map(formatted) ?? "–") | \(credential.eqf) "
                    + "| \(formatted(credential.learningHours(hoursPerECTS: request.hoursPerECTS))) | \(fee) "
                    + "| \(credential.mode.rawValue), \(credential.languages.joined(separator: "/")) "
                    + "| \(cell(roles(of: credential.id).joined(separator: "; "))) |")
            }
        }
        lines.append("")

        if let schedule = plan.schedule, !schedule.isEmpty {
            // A run's fee is its offering's, which may differ from the credential's usual fee.
            lines += ["## When", "", "| Credential | Starts | Ends | Run | Weeks | Fee |", "|---|---|---|---|--:|--:|"]
            for run in schedule.sorted(by: { ($0.start, $0.credential) < ($1.start, $1.credential) }) {
                let offering = run.offering.map { catalogue.credential(run.credential)?.offerings[$0].id ?? "offerings[\($0)]" } ?? "self-paced"
                lines.append("| `\(run.credential)` | \(run.start) | \(run.end.adding(days: -1)) | \(cell(offering)) | \(run.weeks) | \(money(run.cost)) \(currency) |")
            }
            lines.append("")
        }

        if !held.isEmpty {
            lines += ["## What you already hold", ""]
            let counting = held.filter(\.counts)
            if !counting.isEmpty {
                lines += ["Counts toward the award:", "", "| Credential | Earned | Counts toward |", "|---|---|---|"]
                for line in counting {
                    lines.append("| \(cell(line.title)) (`\(line.id)`) | \(line.earned?.description ?? "–") "
                        + "| \(cell(line.paths.map(requirementName).joined(separator: "; "))) |")
                }
                lines.append("")
            }
            let unused = held.filter { !$0.counts }
            if !unused.isEmpty {
                lines += ["Does not count:", ""]
                for line in unused { lines.append("- **\(inline(line.title))** (`\(line.id)`): \(inline(line.reason?.text ?? "not used"))") }
                lines.append("")
            }
        }

        lines += ["## Requirements", ""]
        for line in report.requirements {
            var detail = ""
            if let credits = line.credits {
                detail = " — \(formatted(rounded(credits))) ECTS" + (line.applied.isEmpty ? "" : " from " + line.applied.joined(separator: ", "))
            } else if !line.applied.isEmpty && !line.requirement.hasSuffix("(\(line.applied.joined(separator: ", ")))") {
                detail = " — " + line.applied.joined(separator: ", ")
            }
            lines.append(String(repeating: "  ", count: line.depth) + "- \(line.met ? "✓" : "✗") \(inline(line.requirement))\(detail)")
        }
        let counted = totals.countedECTS >= qualification.ects - 1e-9
        lines.append("- \(counted ? "✓" : "✗") \(formatted(qualification.ects)) ECTS in all — \(formatted(rounded(totals.countedECTS))) count")
        lines.append("")

        let exceptions = request.exceptionUse(in: plan, catalogue: catalogue)
        if !exceptions.isEmpty {
            lines += ["## Exceptions to the rules", ""]
            for (exception, used) in exceptions {
                lines.append("- \(inline(exception.summary)) (`\(inline(exception.origin))`)" + (used ? "" : ", not used")
                    + (exception.note.map { ": \(inline($0))" } ?? ""))
            }
            lines.append("")
        }
        lines += Self.limitLines(request: request, currency: currency, totals: totals, completes: plan.completes)
        lines += ["## Notes", ""]
        let converted = plan.taken.compactMap(catalogue.credential).contains { ($0.currency ?? currency) != currency }
        lines.append("- Fees are as the catalogue lists them\(converted ? ", converted to \(currency) at its exchange rates" : ""); confirm them with each provider before enrolling.")
        if plan.taken.compactMap(catalogue.credential).contains(where: \.invented) {
            lines.append("- \\* An illustrative offering, not a real course: find the actual offering before relying on it.")
        }
        lines.append("- Prepared with StackPlan; `stackplan show \(qualification.id)` prints the qualification's rules in full.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A page for when no plan exists: why, and what stands in the way.
    public static func markdown(diagnosis: Diagnosis, request: PlanRequest, catalogue: Catalogue) -> String {
        guard let qualification = catalogue.qualification(request.target) else { return "# No plan\n\n\(diagnosis.summary.text).\n" }
        let awarding = catalogue.provider(qualification.provider)?.name ?? qualification.provider
        var lines = ["# No route yet: \(qualification.title)", ""]
        lines.append(preparedLine(request: request, today: request.today, awarding: awarding, qualification: qualification))
        lines += ["", "No plan reaches this award: \(diagnosis.summary.text).", ""]
        if !diagnosis.unmet.isEmpty {
            lines += ["## Requirements that cannot be met", ""]
            for item in diagnosis.unmet {
                lines.append(String(repeating: "  ", count: item.depth) + "- ✗ \(inline(item.requirement)): \(inline(item.reason.text))")
            }
            lines.append("")
        }
        lines += limitLines(request: request, currency: catalogue.baseCurrency, totals: nil)
        return lines.joined(separator: "\n") + "\n"
    }

    static func preparedLine(request: PlanRequest, today: Day, awarding: String, qualification: Qualification) -> String {
        let learner = request.learner.name ?? request.learner.id ?? "the learner"
        return "**For:** \(inline(learner)) · **Prepared:** \(today) · **Awarded by:** \(inline(awarding)) · **Qualification:** `\(qualification.id)`"
    }

    static func limitLines(request: PlanRequest, currency: String, totals: Plan.Totals?, completes: Day? = nil) -> [String] {
        let limits = request.constraints
        var lines = [totals == nil ? "## The limits applied" : "## The limits this plan respects", ""]
        lines.append("- Budget: " + (limits.budget.map { "\(money($0)) \(currency)" + (totals.map { " (the plan uses \(money($0.cost)))" } ?? "") } ?? "none given"))
        lines.append("- Learning hours: " + (limits.maxHours.map { "at most \(formatted($0))" + (totals.map { " (the plan needs \(formatted(rounded($0.hours))))" } ?? "") } ?? "no limit given"))
        lines.append("- Modes: " + (limits.modes.map { $0.map(\.rawValue).joined(separator: ", ") } ?? "any"))
        lines.append("- Languages: " + (limits.languages?.joined(separator: ", ") ?? "any"))
        lines.append("- Weekly hours: " + (request.schedule.map { "\(formatted($0.hoursPerWeek)) h a week, starting \($0.start)" } ?? "not given (no schedule)"))
        lines.append("- Deadline: " + (limits.deadline.map { "\($0)" + (totals == nil ? "" : " (the plan completes \(completes?.description ?? "-"))") } ?? "none given"))
        lines.append("- Accredited credentials only: " + (limits.accreditedOnly ? "yes" : "no"))
        lines.append("- Providers excluded: " + (limits.excludeProviders.isEmpty ? "none" : limits.excludeProviders.joined(separator: ", ")))
        lines.append("- Prior learning is judged as of \(request.today); credentials that state no hours count \(formatted(request.hoursPerECTS)) hours per ECTS.")
        lines.append("")
        return lines
    }

    func describe(_ value: Double, of objective: Objective) -> String {
        switch objective {
        case .cost: "\(money(value)) \(currency)"
        case .workload: "\(formatted(rounded(value))) h"
        case .ects: "\(formatted(rounded(value))) ECTS"
        case .count: formatted(value.rounded())
        case .duration: "\(formatted(value.rounded())) days" + (plan.completes.map { " (completes \($0))" } ?? "")
        }
    }

}

/// Markdown table cells cannot hold a bar or a line break.
private func cell(_ text: String) -> String {
    inline(text).replacingOccurrences(of: "|", with: "\\|")
}

private func inline(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
}

/// Rounds away the binary noise of sums (2709.9999999 → 2710).
func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

func roundedCents(_ value: Double) -> Double { (value * 100).rounded() / 100 }

/// Money to the cent, without a fraction when whole; never through Int, so any fee prints.
func money(_ value: Double) -> String { formatMoney(value) }
