import StackPlanCore

extension PlanDifference {
    /// The difference in words: `cost −555 EUR, hours −250, completes 14 days earlier; −tcd-nu7812`.
    public func text(currency: String) -> String {
        if isEmpty { return "no change" }
        func sign(_ value: Double) -> String { value < 0 ? "−" : "+" }
        var parts = [abs(cost) < 0.005 ? "same cost" : "cost \(sign(cost))\(formatMoney(abs(cost))) \(currency)"]
        if abs(hours) > 1e-6 { parts.append("hours \(sign(hours))\(formatNumber(abs(hours)))") }
        if abs(ects) > 1e-6 { parts.append("ECTS taken \(sign(ects))\(formatNumber(abs(ects)))") }
        if let days = completionDays, days != 0 { parts.append("completes \(plural(abs(days), "day")) \(days < 0 ? "earlier" : "later")") }
        var changes = added.map { "+\($0)" } + removed.map { "−\($0)" }
        changes += heldNowCounting.map { "held \($0) now counts" } + heldNoLongerCounting.map { "held \($0) no longer counts" }
        return parts.joined(separator: ", ") + (changes.isEmpty ? "" : "; " + changes.joined(separator: ", "))
    }

    public var json: JSON {
        .object([
            "cost": .number(rounded(cost)), "hours": .number(rounded(hours)), "ects": .number(rounded(ects)),
            "completionDays": completionDays.map { .number(Double($0)) } ?? .null,
            "added": .array(added.map(JSON.string)), "removed": .array(removed.map(JSON.string)),
        ])
    }
}

extension PlanComparison {
    /// A credential's role in one column: the paths it counts toward (`held → ` first when held), or what it is a prerequisite of.
    static func roleText(_ role: CredentialRole) -> String {
        switch role {
        case .countsToward(let paths): paths.joined(separator: ", ")
        case .heldCountsToward(let paths): "held → " + paths.joined(separator: ", ")
        case .prerequisiteOf, .corequisiteOf: role.text
        }
    }

    public var text: String {
        guard let first = columns.first else { return "No plans to compare." }
        let currency = catalogue.baseCurrency
        let summaries = columns.map { summary(of: $0.plan) }
        let qualification = first.plan.qualification
        var lines: [String]
        if sharesOneTarget {
            lines = ["\(plural(columns.count, "plan")) for \(qualification.title) (\(qualification.id)), side by side", ""]
        } else {
            lines = ["\(plural(columns.count, "plan")) toward \(targets.count) qualifications, side by side", ""]
            for target in targets { lines.append("  \(target.id): \(target.title)") }
            lines.append("")
        }
        func row(_ name: String, _ cell: (Int) -> String) -> [String] { [name] + columns.indices.map(cell) }
        var rows = [[""] + columns.map(\.label)]
        if !sharesOneTarget { rows.append(row("qualification") { columns[$0].plan.qualification.id }) }
        rows.append(row("minimising") { index in
            let plan = columns[index].plan
            return zip(plan.objectives, plan.objectiveValues).map { objective, value in
                switch objective {
                case .cost: "cost \(formatMoney(value))"
                case .duration: "duration \(formatNumber(value)) days"
                case .workload: "workload \(formatNumber(value)) h"
                default: "\(objective.rawValue) \(formatNumber(value))"
                }
            }.joined(separator: ", ")
        })
        rows.append(row("status") { columns[$0].plan.status == .optimal ? "optimal" : "best found" })
        rows.append(row("cost \(currency)") { index in
            let difference = summaries[index].cost - summaries[0].cost
            return formatMoney(summaries[index].cost) + (index > 0 && abs(difference) >= 0.005 ? " (\(difference > 0 ? "+" : "−")\(formatMoney(abs(difference))))" : "")
        })
        rows.append(row("learning hours") { formatNumber(summaries[$0].hours) })
        rows.append(row("ECTS taken") { formatNumber(summaries[$0].ects) })
        rows.append(row("ECTS counted") { formatNumber(summaries[$0].countedECTS) })
        rows.append(row("credentials") { String(summaries[$0].credentials) })
        rows.append(row("EQF mix (ECTS)") { index in
            let mix = summaries[index].eqfMix.sorted { $0.key > $1.key }.map { "EQF \($0.key): \(formatNumber($0.value))" }
            return mix.isEmpty ? "-" : mix.joined(separator: ", ")
        })
        rows.append(row("providers") { summaries[$0].providers.isEmpty ? "-" : summaries[$0].providers.joined(separator: ", ") })
        rows.append(row("modes") { index in
            let modes = summaries[index].modes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            return modes.isEmpty ? "-" : modes.joined(separator: ", ")
        })
        if summaries.contains(where: { $0.completes != nil }) {
            rows.append(row("completes") { summaries[$0].completes?.description ?? "-" })
        }
        lines += table(rows)
        lines.append("")
        lines.append("Where each credential counts (· = not in that plan)")
        var matrix = [["credential"] + columns.map(\.label)]
        for id in rowIDs {
            matrix.append([id] + columns.map { column in role(of: id, in: column.plan).map(Self.roleText) ?? "·" })
        }
        lines += table(matrix)
        if columns.count > 1 {
            lines.append("")
            lines.append("Differences from \(columns[0].label)")
            for column in columns.dropFirst() {
                lines.append("  \(column.label): " + PlanDifference(from: first.plan, to: column.plan).text(currency: currency))
            }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        let first = columns.first?.plan
        return .object([
            "targets": .array(targets.map { .string($0.id) }),
            "plans": .array(columns.map { column in
                let summary = summary(of: column.plan)
                var fields: [String: JSON] = [
                    "label": .string(column.label),
                    "target": .string(column.plan.qualification.id),
                    "plan": PlanReport(plan: column.plan, catalogue: catalogue, request: column.request).json,
                    "summary": .object([
                        "cost": .number(rounded(summary.cost)), "hours": .number(rounded(summary.hours)), "ects": .number(rounded(summary.ects)),
                        "countedEcts": .number(rounded(summary.countedECTS)), "credentials": .number(Double(summary.credentials)),
                        "eqfMix": .object(Dictionary(uniqueKeysWithValues: summary.eqfMix.map { (String($0.key), JSON.number(rounded($0.value))) })),
                        "providers": .array(summary.providers.map(JSON.string)),
                        "modes": .object(summary.modes.mapValues { .number(Double($0)) }),
                        "completes": summary.completes.map { .string($0.description) } ?? .null,
                    ]),
                ]
                if let first { fields["differenceFromFirst"] = PlanDifference(from: first, to: column.plan).json }
                return .object(fields)
            }),
            "credentials": .array(rowIDs.map { id in
                .object([
                    "id": .string(id),
                    "countsToward": .object(Dictionary(columns.map { column in
                        (column.label, role(of: id, in: column.plan).map { JSON.string(Self.roleText($0)) } ?? .null)
                    }, uniquingKeysWith: { first, _ in first })),
                    "roles": .object(Dictionary(columns.map { column in
                        (column.label, role(of: id, in: column.plan)?.json ?? .null)
                    }, uniquingKeysWith: { first, _ in first })),
                ])
            }),
        ])
    }
}
