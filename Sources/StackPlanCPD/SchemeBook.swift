import Foundation
import StackPlanCore

/// The CPD schemes of a scheme file (`"format": "stackplan-cpd/1"`, docs/cpd.md), looked up by id.
public struct CPDSchemeBook: Sendable, Equatable {
    public static let formatName = "stackplan-cpd/1"

    public var schemes: [CPDScheme]

    public init(_ schemes: [CPDScheme]) {
        self.schemes = schemes
    }

    public func scheme(_ id: String) -> CPDScheme? { schemes.first { $0.id == id } }

    /// Reads and checks a scheme file, reporting every problem with its JSON path.
    public static func read(_ data: Data, file: String? = nil) throws -> CPDSchemeBook {
        let log = IssueLog()
        let json = try CatalogueDocument.parseJSON(data, file: file)
        let book = SchemeReader(log: log).read(json)
        if let book {
            for (index, scheme) in book.schemes.enumerated() {
                SchemeChecker(scheme: scheme, path: "$.schemes[\(index)]", log: log).run()
            }
            var seen: [String: Int] = [:]
            for (index, scheme) in book.schemes.enumerated() {
                if let earlier = seen[scheme.id] {
                    log.error("$.schemes[\(index)].id", "duplicates the id of $.schemes[\(earlier)]")
                } else {
                    seen[scheme.id] = index
                }
            }
        }
        if let book, !log.issues.contains(where: { $0.severity == .error }) { return book }
        throw InvalidDocument(file: file, issues: log.issues)
    }

    /// The catalogue's `cpd` entries checked against these schemes. An entry for a category its
    /// scheme does not have is an error; one for a scheme the file does not know is a warning
    /// (the catalogue may serve regulators this file leaves out), or an error when `strict`.
    public func issues(in catalogue: Catalogue, strict: Bool = false) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for (index, credential) in catalogue.credentials.enumerated() {
            for (position, entry) in credential.cpd.enumerated() {
                let path = "$.credentials[\(index)].cpd[\(position)]"
                let record = "credential \"\(credential.id)\""
                guard let scheme = scheme(entry.scheme) else {
                    issues.append(ValidationIssue(
                        path: "\(path).scheme", record: record,
                        message: "names scheme \"\(entry.scheme)\", which the scheme file does not have (it has \(schemes.map(\.id).joined(separator: ", ")))",
                        severity: strict ? .error : .warning))
                    continue
                }
                if scheme.category(entry.category) == nil {
                    issues.append(ValidationIssue(
                        path: "\(path).category", record: record,
                        message: "scheme \(scheme.id) has no category \"\(entry.category)\" (it has \(scheme.categories.map(\.id).joined(separator: ", ")))"))
                }
            }
        }
        return issues
    }
}

/// Reads the structure of a scheme file; ``SchemeChecker`` judges its meaning.
struct SchemeReader {
    let log: IssueLog

    func read(_ json: JSON) -> CPDSchemeBook? {
        guard let root = ObjectReader(json, path: "$", log: log) else { return nil }
        if let format = root.string("format", required: true), format != CPDSchemeBook.formatName {
            log.error("$.format", "must be \"\(CPDSchemeBook.formatName)\", found \"\(format)\"")
        }
        let schemes = (root.array("schemes", required: true) ?? []).enumerated().compactMap { index, value in
            readScheme(value, path: "$.schemes[\(index)]")
        }
        return CPDSchemeBook(schemes)
    }

    static let schemeFields: Set<String> = [
        "id", "regulator", "jurisdiction", "professions", "title", "status", "effective", "until", "sources", "cycle", "unit",
        "categories", "defaultCategory", "plannedType", "rules", "adjustments", "carryOver", "dating", "notes",
    ]

    func readScheme(_ value: JSON, path: String) -> CPDScheme? {
        let name: String? = if case .object(let fields) = value, case .string(let id)? = fields["id"] { "scheme \"\(id)\"" } else { nil }
        guard let reader = ObjectReader(value, path: path, record: name, log: log) else { return nil }
        unknownFields(reader, known: Self.schemeFields)
        let id = reader.string("id", required: true)
        let regulator = reader.string("regulator", required: true)
        let status = reader.string("status", required: true)
        let sources = reader.strings("sources") ?? []
        if sources.isEmpty { log.error(reader.at("sources"), "must list at least one public source", record: name) }
        let cycle = reader.fields["cycle"].flatMap { readCycle($0, path: reader.at("cycle"), record: name) }
        if reader.fields["cycle"] == nil { reader.missing("cycle") }
        let unit = reader.fields["unit"].flatMap { readUnit($0, path: reader.at("unit"), record: name) }
        if reader.fields["unit"] == nil { reader.missing("unit") }
        let categories = (reader.array("categories", required: true) ?? []).enumerated().compactMap { index, value in
            readCategory(value, path: "\(reader.at("categories"))[\(index)]", record: name)
        }
        let rules = (reader.array("rules", required: true) ?? []).enumerated().compactMap { index, value in
            readRule(value, path: "\(reader.at("rules"))[\(index)]", record: name)
        }
        let adjustments = (reader.array("adjustments") ?? []).enumerated().compactMap { index, value in
            readAdjustment(value, path: "\(reader.at("adjustments"))[\(index)]", record: name)
        }
        var carryOver: CPDCarryOver?
        if let value = reader.fields["carryOver"], value != .null,
           let carry = ObjectReader(value, path: reader.at("carryOver"), record: name, log: log) {
            unknownFields(carry, known: ["max", "category", "source", "assumed"])
            let maximum = carry.number("max", required: true)
            let source = carry.string("source", required: true)
            carryOver = CPDCarryOver(max: maximum ?? 0, category: carry.string("category"), source: source ?? "", assumed: carry.bool("assumed") ?? false)
        }
        var earlier = false
        var datingSource: String?
        if let value = reader.fields["dating"], value != .null, let dating = ObjectReader(value, path: reader.at("dating"), record: name, log: log) {
            unknownFields(dating, known: ["earlierCountInFirstCycle", "source"])
            earlier = dating.bool("earlierCountInFirstCycle") ?? false
            datingSource = dating.string("source")
        }
        guard let id, let regulator, let status, let cycle, let unit else { return nil }
        return CPDScheme(
            id: id, regulator: regulator, jurisdiction: reader.string("jurisdiction") ?? "",
            professions: reader.string("professions") ?? "", title: reader.string("title") ?? "", status: status, effective: reader.day("effective"),
            until: reader.day("until"), sources: sources, cycle: cycle, unit: unit, categories: categories,
            defaultCategory: reader.string("defaultCategory"), plannedType: reader.string("plannedType"), rules: rules,
            adjustments: adjustments, carryOver: carryOver, earlierCountInFirstCycle: earlier, datingSource: datingSource,
            notes: reader.strings("notes") ?? [])
    }

    func unknownFields(_ reader: ObjectReader, known: Set<String>) {
        for key in reader.fields.keys.sorted() where !known.contains(key) {
            log.error(reader.at(key), "is not a field here (use \(known.sorted().joined(separator: ", ")))", record: reader.record)
        }
    }

    func readCycle(_ value: JSON, path: String, record: String?) -> CPDCycle? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        unknownFields(reader, known: ["months", "firstStart", "endsAt"])
        let months = reader.integer("months", required: true)
        let firstStart = reader.day("firstStart")
        let endsAt = reader.string("endsAt")
        if let endsAt, endsAt != "renewal" { log.error(reader.at("endsAt"), "must be \"renewal\", found \"\(endsAt)\"", record: record) }
        if (firstStart == nil) == (endsAt == nil) {
            log.error(path, "needs exactly one of \"firstStart\" (cycles follow one another from that day) or \"endsAt\": \"renewal\"", record: record)
            return nil
        }
        guard let months else { return nil }
        return CPDCycle(months: months, anchor: firstStart.map { .fixed(firstStart: $0) } ?? .renewal)
    }

    func readUnit(_ value: JSON, path: String, record: String?) -> CPDUnit? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        unknownFields(reader, known: ["name", "perHour", "hoursPerEcts", "perActivity", "increment", "source", "assumed"])
        guard let name = reader.string("name", required: true) else { return nil }
        return CPDUnit(
            name: name, perHour: reader.number("perHour"), hoursPerECTS: reader.number("hoursPerEcts") ?? 25,
            perActivity: reader.number("perActivity"), increment: reader.number("increment"), source: reader.string("source"),
            assumed: reader.bool("assumed") ?? false)
    }

    func readCategory(_ value: JSON, path: String, record: String?) -> CPDCategory? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        unknownFields(reader, known: ["id", "name", "description", "source"])
        guard let id = reader.string("id", required: true), let name = reader.string("name", required: true) else { return nil }
        return CPDCategory(id: id, name: name, description: reader.string("description"), source: reader.string("source"))
    }

    static let ruleTypes = ["total", "minimum", "maximum", "perActivity", "count", "distinctTypes", "declared", "verifiedEvidence"]

    func readRule(_ value: JSON, path: String, record: String?) -> CPDRule? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        let id = reader.string("id", required: true)
        let label = reader.string("label", required: true)
        let source = reader.string("source", required: true)
        let type = reader.string("type", required: true)
        let common: Set<String> = ["id", "label", "type", "source", "assumed", "note"]
        let specific: Set<String>
        var kind: CPDRule.Kind?
        func whole(_ key: String) -> Int? { reader.integer(key, required: true) }
        switch type {
        case "total":
            specific = ["min"]
            kind = reader.number("min", required: true).map { .total($0) }
        case "minimum":
            specific = ["categories", "min"]
            if let categories = requiredCategories(reader), let minimum = reader.number("min", required: true) {
                kind = .minimum(categories: categories, minimum)
            }
        case "maximum":
            specific = ["categories", "max"]
            if let categories = requiredCategories(reader), let maximum = reader.number("max", required: true) {
                kind = .maximum(categories: categories, maximum)
            }
        case "perActivity":
            specific = ["categories", "min", "max"]
            let minimum = reader.number("min")
            let maximum = reader.number("max")
            if minimum == nil && maximum == nil { log.error(path, "a perActivity rule needs \"min\", \"max\" or both", record: record) }
            else { kind = .perActivity(categories: reader.strings("categories", acceptSingle: true), min: minimum, max: maximum) }
        case "count":
            specific = ["categories", "types", "min"]
            kind = whole("min").map {
                .count(categories: reader.strings("categories", acceptSingle: true), types: reader.strings("types", acceptSingle: true), $0)
            }
        case "distinctTypes":
            specific = ["categories", "min"]
            kind = whole("min").map { .distinctTypes(categories: reader.strings("categories", acceptSingle: true), $0) }
        case "declared":
            specific = ["name", "min"]
            if let name = reader.string("name", required: true), let minimum = reader.number("min", required: true) {
                kind = .declared(name: name, minimum)
            }
        case "verifiedEvidence":
            specific = ["categories"]
            kind = .verifiedEvidence(categories: reader.strings("categories", acceptSingle: true))
        case let other?:
            specific = []
            log.error(reader.at("type"), "must be one of \(Self.ruleTypes.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(other)\"", record: record)
        case nil:
            specific = []
        }
        if type != nil { unknownFields(reader, known: common.union(specific)) }
        guard let id, let label, let source, let kind else { return nil }
        return CPDRule(id: id, label: label, kind: kind, source: source, assumed: reader.bool("assumed") ?? false, note: reader.string("note"))
    }

    func requiredCategories(_ reader: ObjectReader) -> [String]? {
        guard let categories = reader.strings("categories", acceptSingle: true) else {
            reader.missing("categories")
            return nil
        }
        return categories
    }

    func readAdjustment(_ value: JSON, path: String, record: String?) -> CPDAdjustment? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        unknownFields(reader, known: ["id", "label", "when", "effect", "rules", "amount", "fraction", "perDeclaredUnit", "maxUnits", "source", "assumed"])
        let id = reader.string("id", required: true)
        let label = reader.string("label", required: true)
        let source = reader.string("source", required: true)
        let rules = reader.strings("rules", acceptSingle: true)
        if rules == nil { reader.missing("rules") }
        var condition: CPDAdjustment.Condition?
        if let whenValue = reader.fields["when"], let when = ObjectReader(whenValue, path: reader.at("when"), record: record, log: log) {
            unknownFields(when, known: ["declared", "previousCycle", "registeredDuringCycle"])
            let shapes = ["declared", "previousCycle", "registeredDuringCycle"].filter { when.fields[$0] != nil }
            if shapes.count != 1 {
                log.error(when.path, "needs exactly one of \"declared\", \"previousCycle\" or \"registeredDuringCycle\"", record: record)
            } else if let name = when.string("declared") {
                condition = .declared(name)
            } else if let range = when.fields["previousCycle"], let bounds = ObjectReader(range, path: when.at("previousCycle"), record: record, log: log) {
                unknownFields(bounds, known: ["min", "max"])
                condition = .previousCycle(min: bounds.number("min"), max: bounds.number("max"))
            } else if when.bool("registeredDuringCycle") == true {
                condition = .registeredDuringCycle
            }
        } else if reader.fields["when"] == nil {
            reader.missing("when")
        }
        var effect: CPDAdjustment.Effect?
        let amount = reader.number("amount")
        let fraction = reader.number("fraction")
        switch reader.string("effect", required: true) {
        case "reduce":
            if (amount == nil) == (fraction == nil) {
                log.error(path, "a reduction needs exactly one of \"amount\" (points) or \"fraction\" (of the rule's minimum)", record: record)
            } else {
                effect = .reduce(amount: amount, fraction: fraction)
            }
        case "raise":
            if let amount { effect = .raise(amount: amount) } else { reader.missing("amount") }
        case "waive": effect = .waive
        case "proRata": effect = .proRata
        case let other?:
            log.error(reader.at("effect"), "must be one of \"reduce\", \"raise\", \"waive\", \"proRata\", found \"\(other)\"", record: record)
        case nil: break
        }
        guard let id, let label, let source, let rules, let condition, let effect else { return nil }
        return CPDAdjustment(
            id: id, label: label, condition: condition, effect: effect, rules: rules,
            perDeclaredUnit: reader.bool("perDeclaredUnit") ?? false, maxUnits: reader.number("maxUnits"),
            source: source, assumed: reader.bool("assumed") ?? false)
    }
}

/// Checks a scheme's meaning: references, ranges, and the shape of caps that keeps counting exact.
struct SchemeChecker {
    let scheme: CPDScheme
    let path: String
    let log: IssueLog

    var record: String { "scheme \"\(scheme.id)\"" }

    func error(_ at: String, _ message: String) { log.error(at.isEmpty ? path : "\(path).\(at)", message, record: record) }

    func run() {
        if scheme.id.isEmpty || scheme.id.contains(where: \.isWhitespace) { error("id", "must be a non-empty identifier without white space") }
        if let until = scheme.until, let effective = scheme.effective, until < effective { error("until", "\(until) is before the effective date \(effective)") }
        for (index, source) in scheme.sources.enumerated() where !isURL(source) { error("sources[\(index)]", "must be a public http(s) address, found \"\(source)\"") }
        if !CPDLimits.cycleMonths.contains(scheme.cycle.months) {
            error("cycle.months", "must lie in \(CPDLimits.text(CPDLimits.cycleMonths)), found \(scheme.cycle.months)")
        }
        for (field, day) in [("effective", scheme.effective), ("until", scheme.until)] {
            if let day, let problem = CPDLimits.problem(day) { error(field, problem) }
        }
        if case .fixed(let firstStart) = scheme.cycle.anchor, let problem = CPDLimits.problem(firstStart) { error("cycle.firstStart", problem) }
        checkUnit()
        checkCategories()
        checkRules()
        checkAdjustments()
        if let carry = scheme.carryOver {
            if let problem = CPDLimits.problem(carry.max, in: CPDLimits.amounts) { error("carryOver.max", problem) }
            if let category = carry.category, scheme.category(category) == nil { error("carryOver.category", "names category \"\(category)\", which the scheme does not have") }
            if !isURL(carry.source) { error("carryOver.source", "must be a public http(s) address") }
        }
        if let category = scheme.defaultCategory, scheme.category(category) == nil {
            error("defaultCategory", "names category \"\(category)\", which the scheme does not have")
        }
    }

    func isURL(_ text: String) -> Bool { text.hasPrefix("https://") || text.hasPrefix("http://") }

    func positive(_ value: Double?, _ field: String, in range: ClosedRange<Double> = CPDLimits.amounts) {
        if let value, let problem = CPDLimits.problem(value, in: range, positive: true) { error(field, problem) }
    }

    func checkUnit() {
        positive(scheme.unit.perHour, "unit.perHour", in: CPDLimits.perHour)
        positive(scheme.unit.hoursPerECTS, "unit.hoursPerEcts", in: CPDLimits.hoursPerECTS)
        positive(scheme.unit.perActivity, "unit.perActivity")
        positive(scheme.unit.increment, "unit.increment")
    }

    func checkCategories() {
        if scheme.categories.isEmpty { error("categories", "must list at least one category") }
        var seen: Set<String> = []
        for (index, category) in scheme.categories.enumerated() where !seen.insert(category.id).inserted {
            error("categories[\(index)].id", "repeats category \"\(category.id)\"")
        }
    }

    func checkRules() {
        var seen: Set<String> = []
        var totals = 0
        for (index, rule) in scheme.rules.enumerated() {
            let at = "rules[\(index)]"
            if !seen.insert(rule.id).inserted { error("\(at).id", "repeats rule \"\(rule.id)\"") }
            if !isURL(rule.source) { error("\(at).source", "must be a public http(s) address, found \"\(rule.source)\"") }
            for (position, category) in (rule.categories ?? []).enumerated() where scheme.category(category) == nil {
                error("\(at).categories[\(position)]", "names category \"\(category)\", which the scheme does not have")
            }
            if rule.categories?.isEmpty == true { error("\(at).categories", "must name at least one category") }
            func amount(_ value: Double, _ field: String) {
                if let problem = CPDLimits.problem(value, in: CPDLimits.amounts) { error("\(at).\(field)", problem) }
            }
            switch rule.kind {
            case .total(let minimum):
                totals += 1
                amount(minimum, "min")
            case .minimum(_, let minimum), .declared(_, let minimum): amount(minimum, "min")
            case .maximum(_, let maximum): amount(maximum, "max")
            case .perActivity(_, let minimum, let maximum):
                if let minimum { amount(minimum, "min") }
                if let maximum { amount(maximum, "max") }
                if let minimum, let maximum, minimum > maximum { error(at, "min \(minimum) is above max \(maximum)") }
            case .count(_, _, let minimum), .distinctTypes(_, let minimum):
                amount(Double(minimum), "min")
            case .verifiedEvidence:
                break
            }
        }
        if totals > 1 { error("rules", "has \(totals) total rules; a scheme has at most one") }
        checkCapShapes()
    }

    /// Caps must nest or be apart, and a cap must lie inside or outside each minimum: then which
    /// activity loses the points over a cap changes no other rule's sum, and the greedy count in
    /// ``CPDChecker`` is the best any allocation could do.
    func checkCapShapes() {
        let caps = scheme.rules.enumerated().compactMap { index, rule -> (Int, Set<String>)? in
            if case .maximum(let categories, _) = rule.kind { return (index, Set(categories)) }
            return nil
        }
        for (first, a) in caps.enumerated() {
            for (b) in caps[(first + 1)...] where !a.1.isDisjoint(with: b.1) && !a.1.isSubset(of: b.1) && !b.1.isSubset(of: a.1) {
                error("rules[\(b.0)].categories", "overlaps the cap \(scheme.rules[a.0].id) without containing it or lying inside it")
            }
            for (index, rule) in scheme.rules.enumerated() {
                guard case .minimum(let categories, _) = rule.kind else { continue }
                let minimum = Set(categories)
                if !a.1.isDisjoint(with: minimum) && !a.1.isSubset(of: minimum) {
                    error("rules[\(index)].categories", "shares categories with the cap \(scheme.rules[a.0].id) without containing all of them")
                }
            }
        }
    }

    func checkAdjustments() {
        var seen: Set<String> = []
        for (index, adjustment) in scheme.adjustments.enumerated() {
            let at = "adjustments[\(index)]"
            if !seen.insert(adjustment.id).inserted { error("\(at).id", "repeats adjustment \"\(adjustment.id)\"") }
            if !isURL(adjustment.source) { error("\(at).source", "must be a public http(s) address, found \"\(adjustment.source)\"") }
            if adjustment.rules.isEmpty { error("\(at).rules", "must name at least one rule") }
            for (position, id) in adjustment.rules.enumerated() {
                guard let rule = scheme.rule(id) else {
                    error("\(at).rules[\(position)]", "names rule \"\(id)\", which the scheme does not have")
                    continue
                }
                if !rule.isRequirement { error("\(at).rules[\(position)]", "rule \"\(id)\" is a \(rule.typeName) rule; only requirements can be adjusted") }
            }
            switch adjustment.effect {
            case .reduce(let amount, let fraction):
                if let amount, let problem = CPDLimits.problem(amount, in: CPDLimits.amounts) { error("\(at).amount", problem) }
                if let fraction, !(fraction >= 0 && fraction <= 1) { error("\(at).fraction", "must lie in 0–1, found \(fraction)") }
            case .raise(let amount):
                if let problem = CPDLimits.problem(amount, in: CPDLimits.amounts) { error("\(at).amount", problem) }
            case .waive, .proRata: break
            }
            if adjustment.perDeclaredUnit, case .declared = adjustment.condition {} else if adjustment.perDeclaredUnit {
                error("\(at).perDeclaredUnit", "needs a \"declared\" condition to count units of")
            }
            if let units = adjustment.maxUnits { positive(units, "\(at).maxUnits") }
            if case .previousCycle(let low, let high) = adjustment.condition {
                for (field, bound) in [("min", low), ("max", high)] {
                    if let bound, let problem = CPDLimits.problem(bound, in: CPDLimits.amounts) { error("\(at).when.previousCycle.\(field)", problem) }
                }
            }
            if case .previousCycle(let low, let high) = adjustment.condition, let low, let high, low > high {
                error("\(at).when.previousCycle", "min \(low) is above max \(high)")
            }
        }
    }
}
