import StackPlanCore

extension PlanExplanation.Margin {
    /// The margin in words: `12 of 10 ECTS (h1 6 + h2 6): 2 over the minimum`.
    public var text: String {
        func against(_ counted: Double, _ minimum: Double) -> String {
            abs(counted - minimum) < 1e-9 ? "exactly the minimum"
                : counted > minimum ? "\(formatNumber(counted - minimum)) over the minimum" : "\(formatNumber(minimum - counted)) short"
        }
        switch self {
        case .waived(let origin, let note):
            return "waived by exception" + (origin.map { origin in note.map { " (\(origin): \($0))" } ?? " (\(origin))" } ?? "")
        case .setAside: return "set aside: a requirement above it is waived"
        case .nothingApplied: return "nothing applied"
        case .metBy(let items):
            return "met by " + items.map { item in
                var text = item.id + (item.toTake ? " (to take)" : item.held ? " (held)" : "")
                switch item.exception {
                case .appliedByHand?: text += ", applied by hand"
                case .acceptedInPlace?: text += ", accepted in its place by exception"
                case nil: break
                }
                return text
            }.joined(separator: ", ")
        case .credits(let counted, let minimum, let parts):
            let list = parts.map { "\($0.id) \(formatNumber($0.ects))" }.joined(separator: " + ")
            if minimum <= 0 { return "\(formatNumber(counted)) ECTS count as free electives" + (list.isEmpty ? "" : " (\(list))") }
            return "\(formatNumber(counted)) of \(formatNumber(minimum)) ECTS" + (list.isEmpty ? "" : " (\(list))") + ": " + against(counted, minimum)
        case .count(let counted, let minimum, let items):
            return "\(counted) of \(minimum) credential\(minimum == 1 ? "" : "s")" + (items.isEmpty ? "" : " (\(items.joined(separator: ", ")))")
                + ": " + (counted == minimum ? "exactly the minimum" : counted > minimum ? "\(counted - minimum) over the minimum" : "\(minimum - counted) short")
        case .cap(let counted, let maximum):
            return "\(formatNumber(counted)) of at most \(formatNumber(maximum)) ECTS: "
                + (abs(maximum - counted) < 1e-9 ? "at the cap"
                    : counted < maximum ? "\(formatNumber(maximum - counted)) to spare" : "\(formatNumber(counted - maximum)) over")
        case .alternatives(let met, let count):
            return "\(met) of \(count) alternatives met, 1 needed" + (met > 1 ? ": \(met - 1) more than needed" : "")
        case .atLeast(let met, let count, let needed):
            return "\(met) of \(count) met, \(needed) needed" + (met > needed ? ": \(met - needed) more than needed" : "")
        case .qualification(let met): return met ? "its requirements are met" : "its requirements are not met"
        case .parts(let met, let count): return met == count ? "all \(plural(count, "part")) met" : "\(met) of \(count) parts met"
        case .total(let counted, let needed): return "\(formatNumber(counted)) count: " + against(counted, needed)
        }
    }

    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .waived(let origin, let note):
            fields["origin"] = origin.map(JSON.string) ?? .null
            fields["note"] = note.map(JSON.string) ?? .null
        case .setAside, .nothingApplied: break
        case .metBy(let items):
            fields["items"] = .array(items.map { item in
                var entry: [String: JSON] = ["id": .string(item.id), "toTake": .bool(item.toTake), "held": .bool(item.held)]
                entry["exception"] = item.exception.map { .string($0.rawValue) }
                return .object(entry)
            })
        case .credits(let counted, let minimum, let parts):
            fields["countedEcts"] = .number(rounded(counted))
            fields["minimumEcts"] = .number(rounded(minimum))
            fields["parts"] = .array(parts.map { .object(["id": .string($0.id), "ects": .number(rounded($0.ects))]) })
        case .count(let counted, let minimum, let items):
            fields["counted"] = .number(Double(counted))
            fields["minimum"] = .number(Double(minimum))
            fields["items"] = .array(items.map(JSON.string))
        case .cap(let counted, let maximum):
            fields["countedEcts"] = .number(rounded(counted))
            fields["maximumEcts"] = .number(rounded(maximum))
        case .alternatives(let met, let count):
            fields["met"] = .number(Double(met))
            fields["of"] = .number(Double(count))
        case .atLeast(let met, let count, let needed):
            fields["met"] = .number(Double(met))
            fields["of"] = .number(Double(count))
            fields["needed"] = .number(Double(needed))
        case .qualification(let met): fields["met"] = .bool(met)
        case .parts(let met, let count):
            fields["met"] = .number(Double(met))
            fields["of"] = .number(Double(count))
        case .total(let counted, let needed):
            fields["countedEcts"] = .number(rounded(counted))
            fields["neededEcts"] = .number(rounded(needed))
        }
        return .object(fields)
    }
}

extension PlanExplanation {
    public var text: String {
        let plan = report.plan
        let catalogue = report.catalogue
        let reportLines = report.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines = ["Explanation: " + reportLines[0], reportLines[1], ""]
        lines.append("Requirements: what meets each, and the margin")
        for requirement in requirements {
            let mark = switch requirement.status {
            case .met, .waived: "✓"
            case .unmet: "✗"
            case .setAside: "–"
            }
            let scope = requirement.scope.map { " [counting scope \($0)]" } ?? ""
            lines.append(String(repeating: "  ", count: requirement.depth + 1) + "\(mark) \(requirement.path)  \(requirement.requirement)\(scope)")
            lines.append(String(repeating: "  ", count: requirement.depth + 3) + requirement.margin.text)
            if let spread = requirement.spread { lines.append(String(repeating: "  ", count: requirement.depth + 3) + spread.text) }
        }
        lines.append("")
        if plan.taken.isEmpty {
            lines.append("Nothing to take: what you hold already meets every requirement.")
        } else {
            lines.append("Why each credential is in the plan")
            var rows = [["id", "ECTS", "EQF", "cost \(catalogue.baseCurrency)", "hours", "why"]]
            for (id, role) in roles {
                guard let credential = catalogue.credential(id) else { continue }
                rows.append([id, formatNumber(credential.credits), String(credential.eqf), formatMoney(catalogue.costInBaseCurrency(credential) ?? 0),
                             formatNumber(credential.learningHours(hoursPerECTS: report.request.hoursPerECTS)), role.text])
            }
            lines += table(rows, rightAligned: [1, 2, 3, 4])
        }
        if !report.request.learner.held.isEmpty {
            lines.append("")
            lines.append("Held credentials")
            for id in plan.heldApplied { lines.append("  ✓ \(id) counts toward \(plan.applications[id]?.joined(separator: ", ") ?? "")") }
            for unused in plan.unusedHeld { lines.append("  – \(unused.id) does not count: \(unused.reason.text)") }
        }
        let exceptions = report.request.exceptionUse(in: plan, catalogue: catalogue)
        if !exceptions.isEmpty {
            lines.append("")
            lines.append("Exceptions")
            for (exception, used) in exceptions {
                lines.append("  \(used ? "✓" : "–") \(exception.summary) (\(exception.origin))\(used ? "" : ": not used")\(exception.note.map { ": \($0)" } ?? "")")
            }
        }
        if let timeline = report.timeline {
            lines.append("")
            lines += timeline
        }
        lines.append("")
        if violations.isEmpty {
            lines.append("Check: the plan passes every rule (cost \(formatMoney(plan.totals.cost)) \(catalogue.baseCurrency), \(formatNumber(plan.totals.hours)) learning hours, \(formatNumber(plan.totals.countedECTS)) ECTS counted).")
        } else {
            lines.append("Check: the plan breaks \(plural(violations.count, "rule")):")
            lines += violations.map { "  ✗ \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSON {
        let plan = report.plan
        return .object([
            "plan": report.json,
            "requirements": .array(requirements.map { requirement in
                var fields: [String: JSON] = [
                    "path": .string(requirement.path), "requirement": .string(requirement.requirement),
                    "status": .string(requirement.status.rawValue), "applied": .array(requirement.applied.map(JSON.string)),
                    "margin": .string(requirement.margin.text), "marginCode": requirement.margin.json,
                ]
                fields["surplus"] = requirement.surplus.map { .number(rounded($0)) }
                fields["scope"] = requirement.scope.map(JSON.string)
                fields["spread"] = requirement.spread.map(\.json)
                return .object(fields)
            }),
            "credentials": .array(roles.map { .object(["id": .string($0.id), "why": .string($0.role.text), "role": $0.role.json]) }),
            "heldCounted": .array(plan.heldApplied.map { .object(["id": .string($0), "countsToward": .array((plan.applications[$0] ?? []).map(JSON.string))]) }),
            "heldUnused": .array(plan.unusedHeld.map {
                .object(["id": .string($0.id), "title": .string($0.title), "reason": .string($0.reason.text),
                         "code": .string($0.reason.code), "details": $0.reason.json])
            }),
            "valid": .bool(violations.isEmpty),
            "violations": .array(violations.map(JSON.string)),
        ])
    }
}

extension PlanReport.Spread {
    /// `3 different providers (at least 2 asked); at most 1 from one (2 allowed)`.
    public var text: String {
        var parts = ["\(values) different \(rule.by.noun(plural: values != 1))" + (rule.atLeast.map { " (at least \($0) asked)" } ?? "")]
        if let most = rule.atMostEach { parts.append("at most \(largestShare) from one \(rule.by.noun(plural: false)) (\(most) allowed)") }
        return parts.joined(separator: "; ")
    }

    public var json: JSON {
        var fields: [String: JSON] = ["by": .string(rule.by.rawValue), "values": .number(Double(values)), "largestShare": .number(Double(largestShare))]
        fields["atLeast"] = rule.atLeast.map { .number(Double($0)) }
        fields["atMostEach"] = rule.atMostEach.map { .number(Double($0)) }
        return .object(fields)
    }
}
