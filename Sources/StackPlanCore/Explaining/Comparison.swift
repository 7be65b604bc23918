import Foundation

/// Plans side by side: their figures in columns, then which requirement each credential meets in each.
public struct PlanComparison {
    public struct Column {
        public var label: String
        public var plan: Plan
        public var request: PlanRequest

        public init(label: String, plan: Plan, request: PlanRequest) {
            self.label = label
            self.plan = plan
            self.request = request
        }
    }

    /// One plan's figures as the comparison shows them.
    public struct Summary: Sendable, Equatable {
        public var cost: Double
        public var hours: Double
        public var ects: Double
        public var countedECTS: Double
        public var credentials: Int
        /// ECTS to take at each EQF level.
        public var eqfMix: [Int: Double]
        public var providers: [String]
        /// Credentials to take in each mode.
        public var modes: [String: Int]
        public var completes: Day?
    }

    public let columns: [Column]
    public let catalogue: Catalogue

    public init(_ columns: [Column], catalogue: Catalogue) {
        self.columns = columns
        self.catalogue = catalogue
    }

    public func summary(of plan: Plan) -> Summary {
        let credentials = plan.taken.compactMap(catalogue.credential)
        var eqf: [Int: Double] = [:]
        var modes: [String: Int] = [:]
        for credential in credentials {
            eqf[credential.eqf, default: 0] += credential.credits
            modes[credential.mode.rawValue, default: 0] += 1
        }
        return Summary(
            cost: plan.totals.cost, hours: plan.totals.hours, ects: plan.totals.ects, countedECTS: plan.totals.countedECTS,
            credentials: plan.taken.count, eqfMix: eqf, providers: Array(Set(credentials.map(\.provider))).sorted(), modes: modes,
            completes: plan.completes)
    }

    /// Every credential taken or held item counted in some plan, in order of first appearance.
    var rowIDs: [String] {
        var seen: [String] = []
        for column in columns {
            for id in column.plan.taken + column.plan.heldApplied where !seen.contains(id) { seen.append(id) }
        }
        return seen
    }

    func role(of id: String, in plan: Plan) -> String? {
        if let paths = plan.applications[id] { return (plan.heldApplied.contains(id) ? "held → " : "") + paths.joined(separator: ", ") }
        if plan.taken.contains(id) { return "prerequisite of " + (plan.prerequisiteOf[id]?.joined(separator: ", ") ?? "a planned credential") }
        return nil
    }

    public var text: String {
        guard let first = columns.first else { return "No plans to compare." }
        let currency = catalogue.baseCurrency
        let summaries = columns.map { summary(of: $0.plan) }
        let qualification = first.plan.qualification
        var lines = ["\(columns.count) plan\(columns.count == 1 ? "" : "s") for \(qualification.title) (\(qualification.id)), side by side", ""]
        func row(_ name: String, _ cell: (Int) -> String) -> [String] { [name] + columns.indices.map(cell) }
        var rows = [[""] + columns.map(\.label)]
        rows.append(row("minimising") { index in
            let plan = columns[index].plan
            return zip(plan.objectives, plan.objectiveValues).map { objective, value in
                switch objective {
                case .cost: "cost \(format(money: value))"
                case .duration: "duration \(format(value)) days"
                case .workload: "workload \(format(value)) h"
                default: "\(objective.rawValue) \(format(value))"
                }
            }.joined(separator: ", ")
        })
        rows.append(row("status") { columns[$0].plan.status == .optimal ? "optimal" : "best found" })
        rows.append(row("cost \(currency)") { index in
            let difference = summaries[index].cost - summaries[0].cost
            return format(money: summaries[index].cost) + (index > 0 && abs(difference) >= 0.005 ? " (\(difference > 0 ? "+" : "−")\(format(money: abs(difference))))" : "")
        })
        rows.append(row("learning hours") { format(summaries[$0].hours) })
        rows.append(row("ECTS taken") { format(summaries[$0].ects) })
        rows.append(row("ECTS counted") { format(summaries[$0].countedECTS) })
        rows.append(row("credentials") { String(summaries[$0].credentials) })
        rows.append(row("EQF mix (ECTS)") { index in
            let mix = summaries[index].eqfMix.sorted { $0.key > $1.key }.map { "EQF \($0.key): \(format($0.value))" }
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
            matrix.append([id] + columns.map { role(of: id, in: $0.plan) ?? "·" })
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
            "plans": .array(columns.map { column in
                let summary = summary(of: column.plan)
                var fields: [String: JSON] = [
                    "label": .string(column.label),
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
                if let first {
                    let difference = PlanDifference(from: first, to: column.plan)
                    fields["differenceFromFirst"] = .object([
                        "cost": .number(rounded(difference.cost)), "hours": .number(rounded(difference.hours)), "ects": .number(rounded(difference.ects)),
                        "completionDays": difference.completionDays.map { .number(Double($0)) } ?? .null,
                        "added": .array(difference.added.map(JSON.string)), "removed": .array(difference.removed.map(JSON.string)),
                    ])
                }
                return .object(fields)
            }),
            "credentials": .array(rowIDs.map { id in
                .object([
                    "id": .string(id),
                    "countsToward": .object(Dictionary(columns.map { column in
                        (column.label, role(of: id, in: column.plan).map(JSON.string) ?? .null)
                    }, uniquingKeysWith: { first, _ in first })),
                ])
            }),
        ])
    }
}
