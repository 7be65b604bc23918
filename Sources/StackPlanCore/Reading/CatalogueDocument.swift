import Foundation

/// Reads and writes catalogue documents (`"format": "stackplan/1"`), described in docs/data-format.md.
public enum CatalogueDocument {
    /// Parses a catalogue, reporting every structural problem with its JSON path: shapes, types,
    /// numbers outside their ranges and malformed ids. A document with such a problem is refused
    /// with every problem it has, the semantic ones of ``CatalogueValidator`` included (judged
    /// against `existing`, the records its references may point to), so that one round of
    /// corrections suffices. A document without one is returned unvalidated: the validator's
    /// checks are for the caller (the store runs them on import).
    public static func read(_ data: Data, file: String? = nil, resolvingAgainst existing: @autoclosure () throws -> Catalogue? = nil) throws -> Catalogue {
        try read(try parseJSON(data, file: file), file: file, resolvingAgainst: try existing())
    }

    /// Reads an already parsed document, as ``read(_:file:resolvingAgainst:)-(Data,_,_)`` does.
    public static func read(_ json: JSON, file: String? = nil, resolvingAgainst existing: @autoclosure () throws -> Catalogue? = nil) throws -> Catalogue {
        let log = IssueLog()
        let catalogue = parse(json, log: log)
        if let catalogue, !log.issues.contains(where: { $0.severity == .error }) { return catalogue }
        throw InvalidDocument(file: file, issues: problems(parsed: catalogue, log: log, resolvingAgainst: try existing()))
    }

    /// Every problem in a catalogue document, structural and semantic, with JSON paths:
    /// what `stackplan validate` prints. Records with structural errors still count as existing,
    /// so references to them are not reported as unknown.
    public static func problems(in data: Data, resolvingAgainst existing: Catalogue? = nil) -> [ValidationIssue] {
        let json: JSON
        do { json = try parseJSON(data, file: nil) } catch let invalid as InvalidDocument { return invalid.issues } catch { return [] }
        return problems(in: json, resolvingAgainst: existing)
    }

    /// Every problem in an already parsed catalogue document, as ``problems(in:resolvingAgainst:)-(Data,_)`` lists them.
    public static func problems(in json: JSON, resolvingAgainst existing: Catalogue? = nil) -> [ValidationIssue] {
        let log = IssueLog()
        return problems(parsed: parse(json, log: log), log: log, resolvingAgainst: existing)
    }

    /// The reader's issues and the validator's, less those the reader's already explain.
    static func problems(parsed catalogue: Catalogue?, log: IssueLog, resolvingAgainst existing: Catalogue?) -> [ValidationIssue] {
        guard let catalogue else { return log.issues }
        let structural = log.issues.filter { $0.severity == .error }.map(\.path)
        func overlaps(_ a: String, _ b: String) -> Bool {
            a == b || a.hasPrefix(b + ".") || a.hasPrefix(b + "[") || b.hasPrefix(a + ".") || b.hasPrefix(a + "[")
        }
        // A field that could not be read holds a placeholder; judging the placeholder would only repeat the error.
        let semantic = CatalogueValidator(catalogue, resolvingAgainst: existing).run().filter { issue in
            !structural.contains { overlaps(issue.path, $0) }
        }
        return log.issues + semantic
    }

    package static func parseJSON(_ data: Data, file: String?) throws -> JSON {
        do {
            return try JSON.parse(data)
        } catch {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "$", message: "is not valid JSON: \(error)")])
        }
    }

    static func parse(_ json: JSON, log: IssueLog) -> Catalogue? {
        guard let root = ObjectReader(json, path: "$", log: log) else { return nil }
        let formatName = root.string("format", required: true)
        if let formatName, formatName != Catalogue.formatName {
            log.error("$.format", "must be \"\(Catalogue.formatName)\", found \(formatName.quotedForMessage)")
        }
        var catalogue = Catalogue(baseCurrency: root.string("baseCurrency") ?? "EUR")
        if let rates = root.fields["exchangeRates"] {
            if case .object(let entries) = rates {
                for (code, value) in entries {
                    if case .number(let rate) = value {
                        if InputLimits.exchangeRate.contains(rate) { catalogue.exchangeRates[code] = rate } else {
                            log.error(memberPath("$.exchangeRates", code), "\(InputLimits.exchangeRate.requirement), found \(format(rate))")
                        }
                    } else {
                        log.error(memberPath("$.exchangeRates", code), "must be a number, found \(value.typeName)")
                    }
                }
            } else if rates != .null {
                log.error("$.exchangeRates", "must be an object of currency codes to rates, found \(rates.typeName)")
            }
        }
        // Every record keeps its place, readable or not, so that the validator's paths match the document's.
        for (index, value) in (root.array("providers", required: true) ?? []).enumerated() {
            let path = "$.providers[\(index)]"
            catalogue.append(readProvider(value, path: path, log: log) ?? Provider(id: "", name: "", country: ""))
        }
        for (index, value) in (root.array("credentials", required: true) ?? []).enumerated() {
            let path = "$.credentials[\(index)]"
            catalogue.append(readCredential(value, path: path, log: log)
                ?? Credential(id: "", title: "", provider: "", kind: .module, ects: nil, eqf: 0))
        }
        checkFeesInBaseCurrency(catalogue, log: log)
        for (index, value) in (root.array("qualifications") ?? []).enumerated() {
            let path = "$.qualifications[\(index)]"
            catalogue.append(readQualification(value, path: path, log: log)
                ?? Qualification(id: "", title: "", provider: "", eqf: 0, ects: 0, requires: RequirementNode(.allOf([]))))
        }
        return catalogue
    }

    /// Fees whose conversion the document itself gives (a rate of its own, or none needed) are
    /// held to ``InputLimits/feeInBaseCurrency`` here already, so that no reader of the document
    /// ever sums fees that could overflow; fees in currencies rated only by the stored catalogue
    /// are left to ``CatalogueValidator``.
    static func checkFeesInBaseCurrency(_ catalogue: Catalogue, log: IssueLog) {
        for (index, credential) in catalogue.credentials.enumerated() {
            guard let rate = catalogue.rateToBase(credential.currency), InputLimits.exchangeRate.contains(rate) || rate == 1 else { continue }
            let fees = [("cost", credential.cost)] + credential.offerings.enumerated().compactMap { position, offering in
                offering.cost.map { ("offerings[\(position)].cost", $0) }
            }
            for (field, fee) in fees where InputLimits.fee.contains(fee) && !InputLimits.feeInBaseCurrency.contains(fee * rate) {
                log.error("$.credentials[\(index)].\(field)",
                          "is \(format(fee * rate)) \(catalogue.baseCurrency) at the exchange rate, above the \(format(InputLimits.feeInBaseCurrency.highest)) a fee may be",
                          record: "credential \(credential.id.quotedForMessage)")
            }
        }
    }

    static func recordName(_ kind: String, _ value: JSON) -> String? {
        if case .object(let fields) = value, case .string(let id)? = fields["id"] { return "\(kind) \(id.quotedForMessage)" }
        return nil
    }

    static let providerFields: Set<String> = ["id", "name", "country", "accredited", "url", "source"]

    static func readProvider(_ value: JSON, path: String, log: IssueLog) -> Provider? {
        guard let reader = ObjectReader(value, path: path, record: recordName("provider", value), log: log) else { return nil }
        let id = reader.identifier("id", required: true)
        let name = reader.string("name", required: true)
        let country = reader.string("country", required: true)
        var provider = Provider(
            id: id ?? "", name: name ?? "", country: country ?? "", accredited: reader.bool("accredited") ?? false,
            url: reader.string("url"), source: reader.string("source"))
        provider.extra = reader.extra(known: providerFields)
        return provider
    }

    static let credentialFields: Set<String> = [
        "id", "title", "provider", "kind", "ects", "hours", "eqf", "cost", "currency", "weeks", "mode", "languages",
        "accredited", "competencies", "prerequisites", "excludes", "learningOutcomes", "assessment",
        "qualityAssurance", "source", "invented", "offerings", "cpd", "place", "code", "isced", "escoSkills", "repeatable",
    ]

    static func readCredential(_ value: JSON, path: String, log: IssueLog) -> Credential? {
        guard let reader = ObjectReader(value, path: path, record: recordName("credential", value), log: log) else { return nil }
        let id = reader.identifier("id", required: true)
        let title = reader.string("title", required: true)
        let provider = reader.identifier("provider", required: true)
        let kind = reader.enumeration("kind", CredentialKind.self, required: true)
        let eqf = reader.integer("eqf", within: InputLimits.eqfLevels, meaning: "an EQF level", required: true)
        let mode = reader.enumeration("mode", DeliveryMode.self, required: true)
        let languages = reader.strings("languages")
        if languages == nil && !reader.has("languages") { reader.missing("languages") }
        let prerequisites = reader.fields["prerequisites"].flatMap { value -> Prerequisite? in
            value == .null ? nil : readPrerequisite(value, path: reader.at("prerequisites"), record: reader.record, log: log, depth: 1)
        }
        var credential = Credential(
            id: id ?? "", title: title ?? "", provider: provider ?? "", kind: kind ?? .module,
            ects: reader.number("ects", within: InputLimits.ects), hours: reader.number("hours", within: InputLimits.hours), eqf: eqf ?? 0,
            cost: reader.number("cost", within: InputLimits.fee) ?? 0, currency: reader.string("currency"),
            weeks: reader.integer("weeks", within: InputLimits.weeks),
            mode: mode ?? .online, languages: languages ?? [], accredited: reader.bool("accredited"),
            competencies: reader.identifiers("competencies") ?? [], prerequisites: prerequisites,
            excludes: reader.identifiers("excludes") ?? [])
        credential.place = readPlace(reader, "place")
        credential.learningOutcomes = reader.strings("learningOutcomes") ?? []
        credential.assessment = reader.string("assessment")
        credential.qualityAssurance = reader.string("qualityAssurance")
        credential.source = reader.string("source")
        credential.invented = reader.bool("invented") ?? false
        credential.offerings = (reader.array("offerings") ?? []).enumerated().compactMap { index, value in
            readOffering(value, path: "\(reader.at("offerings"))[\(index)]", record: reader.record, log: log)
        }
        credential.cpd = readCPDPoints(reader)
        credential.repeatable = reader.integer("repeatable", within: InputLimits.repeats)
        readClassification(reader) { credential.code = $0; credential.isced = $1; credential.escoSkills = $2 }
        credential.extra = reader.extra(known: credentialFields)
        return credential
    }

    /// A credential's (or external held item's) `code`, `isced` and `escoSkills`, each checked.
    package static func readClassification(_ reader: ObjectReader, _ set: (String?, [String], [String]) -> Void) {
        let code = reader.string("code")
        if let code, !InputLimits.isCode(code) {
            reader.log.error(reader.at("code"), "must be a course code (\(InputLimits.codeRule)), found \(code.quotedForMessage)", record: reader.record)
        }
        let fields = reader.strings("isced") ?? []
        for (index, field) in fields.enumerated() where !InputLimits.isISCEDField(field) {
            reader.log.error("\(reader.at("isced"))[\(index)]", "must be an ISCED-F field code (\(InputLimits.iscedRule)), found \(field.quotedForMessage)", record: reader.record)
        }
        set(code, fields, reader.identifiers("escoSkills") ?? [])
    }

    static func readOffering(_ value: JSON, path: String, record: String?, log: IssueLog) -> Offering? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        for key in reader.fields.keys.sorted() where !["id", "start", "weeks", "cost", "seats", "place"].contains(key) {
            log.warning(reader.at(key), "is not a field of an offering; it is ignored", record: record)
        }
        let id = reader.identifier("id")
        let weeks = reader.integer("weeks", within: InputLimits.weeks)
        let cost = reader.number("cost", within: InputLimits.fee)
        let seats = reader.integer("seats", within: InputLimits.seats)
        let place = readPlace(reader, "place")
        guard let start = reader.day("start") else {
            if !reader.has("start") { reader.missing("start") }
            return nil
        }
        return Offering(id: id, start: start, weeks: weeks, cost: cost, seats: seats, place: place)
    }

    /// `depth` counts the levels above and including this one; deeper than
    /// ``InputLimits/nestingDepth`` the expression is refused, so reading it never runs out of stack.
    static func readPrerequisite(_ value: JSON, path: String, record: String?, log: IssueLog, depth: Int) -> Prerequisite? {
        guard depth <= InputLimits.nestingDepth else {
            log.error(path, "nests prerequisite expressions more than \(InputLimits.nestingDepth) levels deep, the most a catalogue may", record: record)
            return nil
        }
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        let shapes = ["credential", "allOf", "anyOf", "atLeast"].filter { reader.fields[$0] != nil }
        guard shapes.count == 1 else {
            log.error(path, shapes.isEmpty
                ? "must be one of {\"credential\"}, {\"allOf\"}, {\"anyOf\"} or {\"atLeast\", \"of\"}"
                : "has several shapes at once (\(shapes.joined(separator: ", "))): use exactly one", record: record)
            return nil
        }
        func children(_ key: String) -> [Prerequisite]? {
            guard let items = reader.array(key, required: true) else { return nil }
            let parsed = items.enumerated().map { readPrerequisite($1, path: "\(path).\(key)[\($0)]", record: record, log: log, depth: depth + 1) }
            return parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
        }
        switch shapes[0] {
        case "credential":
            guard let id = reader.identifier("credential", required: true) else { return nil }
            // `"corequisite": true` makes the leaf a corequisite: held, or taken in the same plan.
            return reader.bool("corequisite") == true ? .corequisite(id) : .credential(id)
        case "allOf": return children("allOf").map(Prerequisite.allOf)
        case "anyOf": return children("anyOf").map(Prerequisite.anyOf)
        default:
            let count = reader.integer("atLeast", within: InputLimits.atLeastCount, required: true)
            guard let of = children("of"), let count else { return nil }
            return .atLeast(count, of)
        }
    }

    static let qualificationFields: Set<String> = ["id", "title", "provider", "eqf", "ects", "rules", "requires", "source", "invented"]

    static func readQualification(_ value: JSON, path: String, log: IssueLog) -> Qualification? {
        guard let reader = ObjectReader(value, path: path, record: recordName("qualification", value), log: log) else { return nil }
        let id = reader.identifier("id", required: true)
        let title = reader.string("title", required: true)
        let provider = reader.identifier("provider", required: true)
        let eqf = reader.integer("eqf", within: InputLimits.eqfLevels, meaning: "an EQF level", required: true)
        let ects = reader.number("ects", within: InputLimits.ects, required: true)
        var rules = QualificationRules()
        if let rulesValue = reader.fields["rules"], rulesValue != .null,
           let rulesReader = ObjectReader(rulesValue, path: reader.at("rules"), record: reader.record, log: log) {
            rules.maxPriorECTS = rulesReader.number("maxPriorEcts", within: InputLimits.ects)
            rules.priorWithinYears = rulesReader.number("priorWithinYears", within: InputLimits.priorWithinYears)
            rules.sharedCounting = rulesReader.bool("sharedCounting") ?? false
            if let value = rulesReader.fields["meanGrade"], value != .null {
                rules.meanGrade = readGradeThreshold(value, path: rulesReader.at("meanGrade"), record: reader.record, log: log)
            }
            for key in rulesReader.fields.keys where !["maxPriorEcts", "priorWithinYears", "sharedCounting", "meanGrade"].contains(key) {
                log.warning(rulesReader.at(key), "is not a rule this version knows; it is ignored", record: reader.record)
            }
        }
        var requires: RequirementNode?
        if let node = reader.fields["requires"], node != .null {
            requires = readRequirement(node, path: reader.at("requires"), record: reader.record, log: log, depth: 1)
        } else {
            reader.missing("requires")
        }
        var qualification = Qualification(
            id: id ?? "", title: title ?? "", provider: provider ?? "", eqf: eqf ?? 0, ects: ects ?? 0, rules: rules,
            requires: requires ?? RequirementNode(.allOf([])))
        qualification.source = reader.string("source")
        qualification.invented = reader.bool("invented") ?? false
        qualification.extra = reader.extra(known: qualificationFields)
        return qualification
    }

    static let requirementShapes = ["credential", "allOf", "anyOf", "atLeast", "credits", "count", "maxCredits", "qualification"]
    static let requirementKeys: Set<String> = Set(requirementShapes + ["of", "where", "label", "scope", "distinct", "within", "meanGrade"])

    /// `depth` counts the levels above and including this one; deeper than
    /// ``InputLimits/nestingDepth`` the tree is refused, so reading it never runs out of stack.
    static func readRequirement(_ value: JSON, path: String, record: String?, log: IssueLog, depth: Int) -> RequirementNode? {
        guard depth <= InputLimits.nestingDepth else {
            log.error(path, "nests requirement nodes more than \(InputLimits.nestingDepth) levels deep, the most a catalogue may", record: record)
            return nil
        }
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        let shapes = requirementShapes.filter { reader.fields[$0] != nil }
        guard shapes.count == 1 else {
            log.error(path, shapes.isEmpty
                ? "must have one of " + requirementShapes.map { "\"\($0)\"" }.joined(separator: ", ")
                : "has several shapes at once (\(shapes.joined(separator: ", "))): use exactly one", record: record)
            return nil
        }
        for key in reader.fields.keys.sorted() where !requirementKeys.contains(key) {
            log.error(reader.at(key), "is not a field of a requirement node", record: record)
        }
        let label = reader.string("label")
        let scope = reader.identifier("scope")
        func children(_ key: String) -> [RequirementNode]? {
            guard let items = reader.array(key, required: true) else { return nil }
            let parsed = items.enumerated().map { readRequirement($1, path: "\(path).\(key)[\($0)]", record: record, log: log, depth: depth + 1) }
            return parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
        }
        func filter() -> CredentialFilter? {
            guard let value = reader.fields["where"], value != .null else { return CredentialFilter() }
            return readFilter(value, path: reader.at("where"), record: record, log: log)
        }
        let rule: RequirementNode.Rule?
        switch shapes[0] {
        case "credential": rule = reader.identifier("credential", required: true).map { .credential($0) }
        case "qualification": rule = reader.identifier("qualification", required: true).map { .qualification($0) }
        case "allOf": rule = children("allOf").map { .allOf($0) }
        case "anyOf": rule = children("anyOf").map { .anyOf($0) }
        case "atLeast":
            let count = reader.integer("atLeast", within: InputLimits.atLeastCount, required: true)
            let of = children("of")
            rule = count.flatMap { count in of.map { .atLeast(count, $0) } }
        case "credits":
            let minimum = reader.number("credits", within: InputLimits.creditsPool, required: true)
            rule = minimum.flatMap { minimum in filter().map { .credits(minimum, $0) } }
        case "count":
            let minimum = reader.integer("count", within: InputLimits.atLeastCount, required: true)
            rule = minimum.flatMap { minimum in filter().map { .count(minimum, $0) } }
        default:
            let maximum = reader.number("maxCredits", within: InputLimits.ects, required: true)
            rule = maximum.flatMap { maximum in filter().map { .maxCredits(maximum, $0) } }
        }
        if reader.has("where") && !["credits", "count", "maxCredits"].contains(shapes[0]) {
            log.error(reader.at("where"), "belongs to credits, count and maxCredits nodes only", record: record)
        }
        var distinct: DistinctRule?
        if let value = reader.fields["distinct"], value != .null {
            if ["credits", "count"].contains(shapes[0]) {
                distinct = readDistinct(value, path: reader.at("distinct"), record: record, log: log)
            } else {
                log.error(reader.at("distinct"), "belongs to credits and count leaves only", record: record)
            }
        }
        var meanGrade: Grade?
        if let value = reader.fields["meanGrade"], value != .null {
            if ["credits", "count"].contains(shapes[0]) {
                meanGrade = readGradeThreshold(value, path: reader.at("meanGrade"), record: record, log: log)
            } else {
                log.error(reader.at("meanGrade"), "belongs to credits and count leaves only", record: record)
            }
        }
        var reach = CapReach.qualification
        if reader.has("within") {
            if shapes[0] == "maxCredits" {
                reach = reader.enumeration("within", CapReach.self) ?? .qualification
            } else {
                log.error(reader.at("within"), "belongs to maxCredits caps only", record: record)
            }
        }
        return rule.map {
            var node = RequirementNode($0, label: label, scope: scope)
            node.distinct = distinct
            node.capReach = reach
            node.meanGrade = meanGrade
            return node
        }
    }

    static let filterKeys: Set<String> = [
        "ids", "competency", "minEqf", "maxEqf", "kind", "provider", "accredited",
        "code", "codeRange", "minEcts", "maxEcts", "isced", "escoSkill", "allOf", "anyOf", "not", "minGrade",
    ]

    /// `depth` counts the filters above and including this one, held to ``InputLimits/nestingDepth``
    /// as requirement trees are, so that matching never runs out of stack.
    static func readFilter(_ value: JSON, path: String, record: String?, log: IssueLog, depth: Int = 1) -> CredentialFilter? {
        guard depth <= InputLimits.nestingDepth else {
            log.error(path, "nests filters more than \(InputLimits.nestingDepth) levels deep, the most a catalogue may", record: record)
            return nil
        }
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        for key in reader.fields.keys.sorted() where !filterKeys.contains(key) {
            log.error(reader.at(key), "is not a filter field (use \(filterKeys.sorted().joined(separator: ", ")))", record: record)
        }
        var kinds: [CredentialKind]?
        if let names = reader.strings("kind", acceptSingle: true) {
            kinds = []
            for name in names {
                if let kind = CredentialKind(rawValue: name) { kinds!.append(kind) } else {
                    log.error(reader.at("kind"), "\(name.quotedForMessage) is not a kind (skill, module, programme, qualification)", record: record)
                }
            }
        }
        var filter = CredentialFilter(
            ids: reader.identifiers("ids", acceptSingle: true), competencies: reader.identifiers("competency", acceptSingle: true),
            minEQF: reader.integer("minEqf", within: InputLimits.eqfLevels, meaning: "an EQF level"), maxEQF: reader.integer("maxEqf", within: InputLimits.eqfLevels, meaning: "an EQF level"),
            kinds: kinds, providers: reader.identifiers("provider", acceptSingle: true), accredited: reader.bool("accredited"))
        if let patterns = reader.strings("code", acceptSingle: true) {
            let single: Bool = if case .string? = reader.fields["code"] { true } else { false }
            for (index, pattern) in patterns.enumerated() where !InputLimits.isCode(pattern) {
                log.error(single ? reader.at("code") : "\(reader.at("code"))[\(index)]", "must be a code pattern (\(InputLimits.codeRule)), found \(pattern.quotedForMessage)", record: record)
            }
            filter.codes = patterns
        }
        if let ranges = reader.fields["codeRange"], ranges != .null {
            let list: [JSON] = if case .array(let items) = ranges { items } else { [ranges] }
            let single: Bool = if case .array = ranges { false } else { true }
            var read: [CodeRange] = []
            for (index, range) in list.enumerated() {
                let at = single ? reader.at("codeRange") : "\(reader.at("codeRange"))[\(index)]"
                if let range = readCodeRange(range, path: at, record: record, log: log) { read.append(range) }
            }
            filter.codeRanges = read
        }
        filter.minECTS = reader.number("minEcts", within: InputLimits.ects)
        filter.maxECTS = reader.number("maxEcts", within: InputLimits.ects)
        if let fields = reader.strings("isced", acceptSingle: true) {
            let single: Bool = if case .string? = reader.fields["isced"] { true } else { false }
            for (index, field) in fields.enumerated() where !InputLimits.isISCEDField(field) {
                log.error(single ? reader.at("isced") : "\(reader.at("isced"))[\(index)]", "must be an ISCED-F field code (\(InputLimits.iscedRule)), found \(field.quotedForMessage)", record: record)
            }
            filter.isced = fields
        }
        filter.escoSkills = reader.identifiers("escoSkill", acceptSingle: true)
        if let value = reader.fields["minGrade"], value != .null {
            filter.minGrade = readGradeThreshold(value, path: reader.at("minGrade"), record: record, log: log)
        }
        func parts(_ key: String) -> [CredentialFilter]? {
            guard let items = reader.array(key) else { return nil }
            if items.isEmpty { log.error(reader.at(key), "must list at least one filter", record: record) }
            return items.enumerated().compactMap { readFilter($1, path: "\(reader.at(key))[\($0)]", record: record, log: log, depth: depth + 1) }
        }
        filter.allOf = parts("allOf")
        filter.anyOf = parts("anyOf")
        if let negated = reader.fields["not"], negated != .null {
            filter.notAnyOf = readFilter(negated, path: reader.at("not"), record: record, log: log, depth: depth + 1).map { [$0] } ?? []
        }
        return filter
    }

    /// `{"by": "provider", "atLeast": 3, "atMostEach": 2}`: at least one of the two counts.
    static func readDistinct(_ value: JSON, path: String, record: String?, log: IssueLog) -> DistinctRule? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        for key in reader.fields.keys.sorted() where !["by", "atLeast", "atMostEach"].contains(key) {
            log.error(reader.at(key), "is not a field of a distinct rule (use atLeast, atMostEach, by)", record: record)
        }
        let field = reader.enumeration("by", DistinctRule.Field.self, required: true)
        let least = reader.integer("atLeast", within: InputLimits.atLeastCount)
        let most = reader.integer("atMostEach", within: InputLimits.atLeastCount)
        if least == nil && most == nil && !reader.has("atLeast") && !reader.has("atMostEach") {
            log.error(path, "needs \"atLeast\" (different values) or \"atMostEach\" (credentials sharing one value)", record: record)
        }
        return field.map { DistinctRule(by: $0, atLeast: least, atMostEach: most) }
    }

    /// `{"scale": "us-letter", "grade": "B-"}` (a number for numeric scales: `{"scale": "percent", "grade": 60}`).
    static func readGradeThreshold(_ value: JSON, path: String, record: String?, log: IssueLog) -> Grade? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        for key in reader.fields.keys.sorted() where !["scale", "grade"].contains(key) {
            log.error(reader.at(key), "is not a field of a grade (use grade, scale)", record: record)
        }
        return readGrade(reader, gradeKey: "grade", scaleKey: "scale", required: true)
    }

    /// A held item's `grade` on its `gradeScale`, both or neither.
    package static func readHeldGrade(_ reader: ObjectReader) -> Grade? {
        guard reader.has("grade") || reader.has("gradeScale") else { return nil }
        return readGrade(reader, gradeKey: "grade", scaleKey: "gradeScale", required: true)
    }

    /// A grade from two fields: the scale's id (one of ``GradingScale/known``) and the grade, a
    /// string or (numeric scales) a number, checked against the scale.
    static func readGrade(_ reader: ObjectReader, gradeKey: String, scaleKey: String, required: Bool) -> Grade? {
        let scaleID = reader.string(scaleKey, required: required)
        let text: String?
        switch reader.fields[gradeKey] {
        case .string(let written)?: text = written
        case .number(let value)?: text = format(value)
        case nil, .null?:
            if required { reader.missing(gradeKey) }
            text = nil
        case let other?:
            reader.log.error(reader.at(gradeKey), "must be a grade (a string, or a number on a numeric scale), found \(other.typeName)", record: reader.record)
            text = nil
        }
        guard let scaleID else { return nil }
        guard let scale = GradingScale.named(scaleID) else {
            reader.log.error(reader.at(scaleKey), "is not a grading scale StackPlan knows (\(GradingScale.knownIDs)), found \(scaleID.quotedForMessage)", record: reader.record)
            return nil
        }
        guard let text else { return nil }
        guard let grade = Grade(text, on: scaleID) else {
            reader.log.error(reader.at(gradeKey), "is not a grade on scale \(scaleID) (\(scale.accepted)), found \(text.quotedForMessage)", record: reader.record)
            return nil
        }
        return grade
    }

    /// `{"prefix": "BIOL", "from": 3000, "to": 3999}`.
    static func readCodeRange(_ value: JSON, path: String, record: String?, log: IssueLog) -> CodeRange? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        for key in reader.fields.keys.sorted() where !["prefix", "from", "to"].contains(key) {
            log.error(reader.at(key), "is not a field of a code range (use from, prefix, to)", record: record)
        }
        let prefix = reader.string("prefix") ?? ""
        if !prefix.isEmpty && !InputLimits.isCode(prefix) {
            log.error(reader.at("prefix"), "must be a code prefix (\(InputLimits.codeRule)), found \(prefix.quotedForMessage)", record: record)
        }
        let from = reader.integer("from", within: InputLimits.codeNumbers, required: true)
        let to = reader.integer("to", within: InputLimits.codeNumbers, required: true)
        guard let from, let to else { return nil }
        if from > to { log.error(path, "from \(from) is above to \(to): no code lies in it", record: record) }
        return CodeRange(prefix: prefix, from: from, to: to)
    }
}
