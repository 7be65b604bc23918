import StackPlanCore

/// Schemes written back as scheme-file JSON, and described for people.
public enum CPDSchemeDocument {
    public static func json(_ book: CPDSchemeBook) -> JSON {
        .object(["format": .string(CPDSchemeBook.formatName), "schemes": .array(book.schemes.map(json))])
    }

    public static func json(_ scheme: CPDScheme) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(scheme.id), "regulator": .string(scheme.regulator), "status": .string(scheme.status),
            "sources": .array(scheme.sources.map(JSON.string)),
            "categories": .array(scheme.categories.map { category in
                var entry: [String: JSON] = ["id": .string(category.id), "name": .string(category.name)]
                entry["description"] = category.description.map(JSON.string)
                entry["source"] = category.source.map(JSON.string)
                return .object(entry)
            }),
            "rules": .array(scheme.rules.map(json)),
            "adjustments": .array(scheme.adjustments.map(json)),
        ]
        if !scheme.jurisdiction.isEmpty { fields["jurisdiction"] = .string(scheme.jurisdiction) }
        if !scheme.professions.isEmpty { fields["professions"] = .string(scheme.professions) }
        if !scheme.title.isEmpty { fields["title"] = .string(scheme.title) }
        fields["effective"] = scheme.effective.map { .string($0.description) }
        fields["until"] = scheme.until.map { .string($0.description) }
        switch scheme.cycle.anchor {
        case .fixed(let firstStart): fields["cycle"] = .object(["months": .number(Double(scheme.cycle.months)), "firstStart": .string(firstStart.description)])
        case .renewal: fields["cycle"] = .object(["months": .number(Double(scheme.cycle.months)), "endsAt": .string("renewal")])
        }
        var unit: [String: JSON] = ["name": .string(scheme.unit.name), "hoursPerEcts": .number(scheme.unit.hoursPerECTS)]
        unit["perHour"] = scheme.unit.perHour.map(JSON.number)
        unit["perActivity"] = scheme.unit.perActivity.map(JSON.number)
        unit["increment"] = scheme.unit.increment.map(JSON.number)
        unit["source"] = scheme.unit.source.map(JSON.string)
        if scheme.unit.assumed { unit["assumed"] = .bool(true) }
        fields["unit"] = .object(unit)
        fields["defaultCategory"] = scheme.defaultCategory.map(JSON.string)
        fields["plannedType"] = scheme.plannedType.map(JSON.string)
        if let carry = scheme.carryOver {
            var entry: [String: JSON] = ["max": .number(carry.max), "source": .string(carry.source)]
            entry["category"] = carry.category.map(JSON.string)
            if carry.assumed { entry["assumed"] = .bool(true) }
            fields["carryOver"] = .object(entry)
        }
        if scheme.earlierCountInFirstCycle || scheme.datingSource != nil {
            var dating: [String: JSON] = ["earlierCountInFirstCycle": .bool(scheme.earlierCountInFirstCycle)]
            dating["source"] = scheme.datingSource.map(JSON.string)
            fields["dating"] = .object(dating)
        }
        if !scheme.notes.isEmpty { fields["notes"] = .array(scheme.notes.map(JSON.string)) }
        return .object(fields)
    }

    public static func json(_ rule: CPDRule) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(rule.id), "label": .string(rule.label), "type": .string(rule.typeName), "source": .string(rule.source),
        ]
        switch rule.kind {
        case .total(let minimum): fields["min"] = .number(minimum)
        case .minimum(let categories, let minimum):
            fields["categories"] = .array(categories.map(JSON.string))
            fields["min"] = .number(minimum)
        case .maximum(let categories, let maximum):
            fields["categories"] = .array(categories.map(JSON.string))
            fields["max"] = .number(maximum)
        case .perActivity(let categories, let minimum, let maximum):
            fields["categories"] = categories.map { .array($0.map(JSON.string)) }
            fields["min"] = minimum.map(JSON.number)
            fields["max"] = maximum.map(JSON.number)
        case .count(let categories, let types, let minimum):
            fields["categories"] = categories.map { .array($0.map(JSON.string)) }
            fields["types"] = types.map { .array($0.map(JSON.string)) }
            fields["min"] = .number(Double(minimum))
        case .distinctTypes(let categories, let minimum):
            fields["categories"] = categories.map { .array($0.map(JSON.string)) }
            fields["min"] = .number(Double(minimum))
        case .declared(let name, let minimum):
            fields["name"] = .string(name)
            fields["min"] = .number(minimum)
        case .verifiedEvidence(let categories):
            fields["categories"] = categories.map { .array($0.map(JSON.string)) }
        }
        if rule.assumed { fields["assumed"] = .bool(true) }
        fields["note"] = rule.note.map(JSON.string)
        return .object(fields)
    }

    public static func json(_ adjustment: CPDAdjustment) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(adjustment.id), "label": .string(adjustment.label), "rules": .array(adjustment.rules.map(JSON.string)),
            "source": .string(adjustment.source),
        ]
        switch adjustment.condition {
        case .declared(let name): fields["when"] = .object(["declared": .string(name)])
        case .previousCycle(let low, let high):
            var range: [String: JSON] = [:]
            range["min"] = low.map(JSON.number)
            range["max"] = high.map(JSON.number)
            fields["when"] = .object(["previousCycle": .object(range)])
        case .registeredDuringCycle: fields["when"] = .object(["registeredDuringCycle": .bool(true)])
        }
        switch adjustment.effect {
        case .reduce(let amount, let fraction):
            fields["effect"] = .string("reduce")
            fields["amount"] = amount.map(JSON.number)
            fields["fraction"] = fraction.map(JSON.number)
        case .raise(let amount):
            fields["effect"] = .string("raise")
            fields["amount"] = .number(amount)
        case .waive: fields["effect"] = .string("waive")
        case .proRata: fields["effect"] = .string("proRata")
        }
        if adjustment.perDeclaredUnit { fields["perDeclaredUnit"] = .bool(true) }
        fields["maxUnits"] = adjustment.maxUnits.map(JSON.number)
        if adjustment.assumed { fields["assumed"] = .bool(true) }
        return .object(fields)
    }

    public static func describe(_ cycle: CPDCycle) -> String {
        let length = cycle.months % 12 == 0 ? "\(cycle.months / 12) year\(cycle.months == 12 ? "" : "s")" : "\(cycle.months) months"
        switch cycle.anchor {
        case .fixed(let firstStart): return "\(length) from \(firstStart)"
        case .renewal: return "\(length) to renewal"
        }
    }

    public static func describe(_ rule: CPDRule, unit: String) -> String {
        func list(_ categories: [String]?) -> String { categories?.joined(separator: " + ") ?? "any category" }
        switch rule.kind {
        case .total(let minimum): return "total ≥ \(formatAmount(minimum)) \(unit)"
        case .minimum(let categories, let minimum): return "\(list(categories)) ≥ \(formatAmount(minimum)) \(unit)"
        case .maximum(let categories, let maximum): return "\(list(categories)) counts at most \(formatAmount(maximum)) \(unit)"
        case .perActivity(let categories, let minimum, let maximum):
            let bounds = [minimum.map { "at least \(formatAmount($0))" }, maximum.map { "at most \(formatAmount($0))" }].compactMap { $0 }
            return "each activity (\(list(categories))) counts \(bounds.joined(separator: " and ")) \(unit)"
        case .count(let categories, let types, let minimum):
            return "≥ \(minimum) activities of \(list(categories))" + (types.map { " of type \($0.joined(separator: " or "))" } ?? "")
        case .distinctTypes(let categories, let minimum): return "activities of ≥ \(minimum) types (\(list(categories)))"
        case .declared(let name, let minimum): return "declared \(name) ≥ \(formatAmount(minimum))"
        case .verifiedEvidence(let categories): return "activities of \(list(categories)) count only with verified evidence"
        }
    }

    public static func text(_ scheme: CPDScheme) -> String {
        var lines = ["\(scheme.id): \(scheme.title.isEmpty ? scheme.regulator : scheme.title)"]
        lines.append("  regulator    \(scheme.regulator) (\(scheme.jurisdiction))")
        lines.append("  professions  \(scheme.professions)")
        lines.append("  in force     \(scheme.status)" + (scheme.effective.map { "; effective \($0)" } ?? "") + (scheme.until.map { ", cycles up to \($0)" } ?? ""))
        lines.append("  cycle        \(describe(scheme.cycle))")
        var unit = "\(scheme.unit.name)"
        if let perActivity = scheme.unit.perActivity { unit += ", \(formatAmount(perActivity)) per activity" }
        else if let perHour = scheme.unit.perHour { unit += ", \(formatAmount(perHour)) per hour, \(formatAmount(scheme.unit.hoursPerECTS)) h per ECTS" }
        else { unit += ", no conversion: activities state their points" }
        if let increment = scheme.unit.increment { unit += ", in steps of \(formatAmount(increment))" }
        lines.append("  unit         \(unit)\(scheme.unit.assumed ? " (assumed)" : "")")
        lines.append("  categories   " + scheme.categories.map { "\($0.id) (\($0.name))" }.joined(separator: "; "))
        if let defaultCategory = scheme.defaultCategory { lines.append("  default      free activities without a category count as \(defaultCategory)") }
        if let carry = scheme.carryOver { lines.append("  carry-over   at most \(formatAmount(carry.max)) \(scheme.unit.name)\(carry.category.map { " into \($0)" } ?? "")  \(carry.source)") }
        if scheme.earlierCountInFirstCycle { lines.append("  dating       activities before the first cycle count toward it  \(scheme.datingSource ?? "")") }
        lines.append("  rules")
        for rule in scheme.rules {
            lines.append("    \(rule.id): \(describe(rule, unit: scheme.unit.name))\(rule.assumed ? " (assumed)" : "")")
            lines.append("      \(rule.label); \(rule.source)")
        }
        if !scheme.adjustments.isEmpty {
            lines.append("  adjustments")
            for adjustment in scheme.adjustments {
                lines.append("    \(adjustment.id): \(adjustment.label) (\(adjustment.rules.joined(separator: ", ")))\(adjustment.assumed ? " (assumed)" : "")")
                lines.append("      \(adjustment.source)")
            }
        }
        if !scheme.notes.isEmpty {
            lines.append("  notes")
            lines += scheme.notes.map { "    - \($0)" }
        }
        lines.append("  sources")
        lines += scheme.sources.map { "    \($0)" }
        return lines.joined(separator: "\n")
    }
}
