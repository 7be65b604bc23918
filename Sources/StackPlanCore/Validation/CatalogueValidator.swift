/// Checks a catalogue's meaning: ranges, references, duplicates, prerequisite cycles and requirement trees.
///
/// Every problem is reported with the JSON path it has in the document, so that a catalogue
/// with twenty mistakes needs one round of corrections, not twenty.
public struct CatalogueValidator {
    /// Micro-credentials (skill, module, programme) carry 1–59 ECTS: 60 would be a full year.
    public static let microCredentialECTS: ClosedRange<Double> = 1...59
    public static let qualificationECTS: ClosedRange<Double> = 1...360
    public static let eqfLevels: ClosedRange<Int> = InputLimits.eqfLevels

    let catalogue: Catalogue
    /// Records already stored, which references in the document may point to.
    let existing: Catalogue?
    let log = IssueLog()

    public init(_ catalogue: Catalogue, resolvingAgainst existing: Catalogue? = nil) {
        self.catalogue = catalogue
        self.existing = existing
    }

    /// Validates and returns every issue found, errors and warnings alike.
    public static func issues(in catalogue: Catalogue, resolvingAgainst existing: Catalogue? = nil) -> [ValidationIssue] {
        CatalogueValidator(catalogue, resolvingAgainst: existing).run()
    }

    public func run() -> [ValidationIssue] {
        checkCurrencies()
        checkProviders()
        checkCredentials()
        checkPrerequisiteCycles()
        checkQualifications()
        return log.issues
    }

    func credential(_ id: String) -> Credential? { catalogue.credential(id) ?? existing?.credential(id) }
    func qualification(_ id: String) -> Qualification? { catalogue.qualification(id) ?? existing?.qualification(id) }
    func providerExists(_ id: String) -> Bool { catalogue.provider(id) != nil || existing?.provider(id) != nil }
    func credentialExists(_ id: String) -> Bool { credential(id) != nil }

    func checkIdentifier(_ id: String, path: String, record: String) {
        checkReference(id, path: "\(path).id", record: record)
    }

    /// Every id and reference follows one rule, so that none can hide a NUL or a line break
    /// that storage would cut off or a message would garble.
    @discardableResult
    func checkReference(_ id: String, path: String, record: String) -> Bool {
        if InputLimits.isIdentifier(id) { return true }
        log.error(path, "must be an identifier (\(InputLimits.identifierRule)), found \(id.quotedForMessage)", record: record)
        return false
    }

    /// A number of the document against its range in ``InputLimits``.
    func checkRange(_ value: Double, _ range: AllowedRange, path: String, record: String?) {
        if !range.contains(value) { log.error(path, "\(range.requirement), found \(format(value))", record: record) }
    }

    func checkRange(_ value: Int, _ range: ClosedRange<Int>, path: String, record: String?) {
        if !range.contains(value) { log.error(path, "must lie in \(range.lowerBound)–\(range.upperBound), found \(value)", record: record) }
    }

    func checkDuplicates(_ ids: [String], list: String, kind: String) {
        var first: [String: Int] = [:]
        for (index, id) in ids.enumerated() where !id.isEmpty {
            if let earlier = first[id] {
                log.error("$.\(list)[\(index)].id", "duplicates the id of $.\(list)[\(earlier)]", record: "\(kind) \(id.quotedForMessage)")
            } else {
                first[id] = index
            }
        }
    }

    func checkCurrencies() {
        if !isCurrencyCode(catalogue.baseCurrency) {
            log.error("$.baseCurrency", "must be a three-letter ISO 4217 code, found \(catalogue.baseCurrency.quotedForMessage)")
        }
        for (code, rate) in catalogue.exchangeRates.sorted(by: { $0.key < $1.key }) {
            if !isCurrencyCode(code) { log.error("$.exchangeRates", "\(code.quotedForMessage) is not a three-letter ISO 4217 code") }
            checkRange(rate, InputLimits.exchangeRate, path: memberPath("$.exchangeRates", code), record: nil)
        }
    }

    func isCurrencyCode(_ code: String) -> Bool { code.isCode(length: 3, uppercase: true) }

    func checkProviders() {
        checkDuplicates(catalogue.providers.map(\.id), list: "providers", kind: "provider")
        for (index, provider) in catalogue.providers.enumerated() {
            let path = "$.providers[\(index)]"
            let record = "provider \(provider.id.quotedForMessage)"
            checkIdentifier(provider.id, path: path, record: record)
            if !provider.country.isCountryCode {
                log.error("\(path).country", "must be a two-letter country code such as IE, found \(provider.country.quotedForMessage)", record: record)
            }
        }
    }

    func checkCredentials() {
        checkDuplicates(catalogue.credentials.map(\.id), list: "credentials", kind: "credential")
        for (index, credential) in catalogue.credentials.enumerated() {
            let path = "$.credentials[\(index)]"
            let record = "credential \(credential.id.quotedForMessage)"
            func error(_ field: String, _ message: String) { log.error("\(path).\(field)", message, record: record) }
            checkIdentifier(credential.id, path: path, record: record)
            if qualification(credential.id) != nil { error("id", "is also the id of a qualification") }
            if !checkReference(credential.provider, path: "\(path).provider", record: record) {
            } else if !providerExists(credential.provider) { error("provider", "refers to provider \"\(credential.provider)\", which the catalogue does not have") }
            if credential.ects == nil && credential.hours == nil {
                log.error(path, "needs \"ects\" or \"hours\": a credential without either has no workload", record: record)
            }
            if let ects = credential.ects {
                let range = credential.kind == .qualification ? Self.qualificationECTS : Self.microCredentialECTS
                if !range.contains(ects) {
                    error("ects", "\(format(ects)) is outside \(format(range.lowerBound))–\(format(range.upperBound)) for a \(credential.kind.rawValue)")
                }
            }
            if let hours = credential.hours { checkRange(hours, InputLimits.hours, path: "\(path).hours", record: record) }
            if !Self.eqfLevels.contains(credential.eqf) { error("eqf", "must be an EQF level 1–8, found \(credential.eqf)") }
            checkRange(credential.cost, InputLimits.fee, path: "\(path).cost", record: record)
            let currency = credential.currency ?? catalogue.baseCurrency
            let rate = currency == catalogue.baseCurrency ? 1 : catalogue.exchangeRates[currency] ?? existing?.exchangeRates[currency]
            if rate == nil {
                error("currency", "\(currency.quotedForMessage) has no rate in $.exchangeRates to convert it to \(catalogue.baseCurrency)")
            }
            if let weeks = credential.weeks { checkRange(weeks, InputLimits.weeks, path: "\(path).weeks", record: record) }
            if credential.languages.isEmpty { error("languages", "must name at least one language") }
            for (position, language) in credential.languages.enumerated()
            where !language.isLanguageCode {
                error("languages[\(position)]", "must be a two-letter ISO 639-1 code such as \"en\", found \(language.quotedForMessage)")
            }
            checkFeeInBaseCurrency(credential.cost, rate: rate, path: "\(path).cost", record: record)
            if let code = credential.code, !InputLimits.isCode(code) {
                error("code", "must be a course code (\(InputLimits.codeRule)), found \(code.quotedForMessage)")
            }
            for (position, field) in credential.isced.enumerated() where !InputLimits.isISCEDField(field) {
                error("isced[\(position)]", "must be an ISCED-F field code (\(InputLimits.iscedRule)), found \(field.quotedForMessage)")
            }
            for (position, skill) in credential.escoSkills.enumerated() { checkReference(skill, path: "\(path).escoSkills[\(position)]", record: record) }
            for (position, offering) in credential.offerings.enumerated() {
                let field = "\(path).offerings[\(position)]"
                if let id = offering.id { checkReference(id, path: "\(field).id", record: record) }
                if !InputLimits.days.contains(offering.start) {
                    log.error("\(field).start", "must be a date from \(InputLimits.days.lowerBound) to \(InputLimits.days.upperBound), found \(offering.start)", record: record)
                }
                if let weeks = offering.weeks { checkRange(weeks, InputLimits.weeks, path: "\(field).weeks", record: record) }
                if let cost = offering.cost {
                    checkRange(cost, InputLimits.fee, path: "\(field).cost", record: record)
                    checkFeeInBaseCurrency(cost, rate: rate, path: "\(field).cost", record: record)
                }
                if let seats = offering.seats { checkRange(seats, InputLimits.seats, path: "\(field).seats", record: record) }
            }
            for (position, competency) in credential.competencies.enumerated() {
                checkReference(competency, path: "\(path).competencies[\(position)]", record: record)
            }
            if let prerequisites = credential.prerequisites {
                checkPrerequisite(prerequisites, owner: credential.id, path: "\(path).prerequisites", record: record)
            }
            if let times = credential.repeatable { checkRange(times, InputLimits.repeats, path: "\(path).repeatable", record: record) }
            for (position, other) in credential.excludes.enumerated() {
                if !checkReference(other, path: "\(path).excludes[\(position)]", record: record) { continue }
                if other == credential.id { error("excludes[\(position)]", "a credential cannot exclude itself") }
                else if !credentialExists(other) { error("excludes[\(position)]", "refers to credential \"\(other)\", which the catalogue does not have") }
            }
            checkCPDPoints(credential, path: path, record: record)
        }
    }

    /// Checks a prerequisite expression node by node with an explicit stack: a chain nested
    /// thousands deep (possible in a catalogue built in code) is checked without recursion.
    func checkPrerequisite(_ expression: Prerequisite, owner: String, path: String, record: String) {
        var pending: [(expression: Prerequisite, path: String, depth: Int)] = [(expression, path, 1)]
        while let (expression, path, depth) = pending.popLast() {
            if depth > InputLimits.nestingDepth {
                log.error(path, "nests prerequisite expressions more than \(InputLimits.nestingDepth) levels deep, the most a catalogue may", record: record)
                continue
            }
            switch expression {
            case .credential(let id), .corequisite(let id):
                if !checkReference(id, path: "\(path).credential", record: record) { continue }
                if id == owner { log.error("\(path).credential", "a credential cannot require itself", record: record) }
                else if !credentialExists(id) {
                    log.error("\(path).credential", "refers to credential \"\(id)\", which the catalogue does not have", record: record)
                }
            case .allOf(let children), .anyOf(let children):
                let key = if case .allOf = expression { "allOf" } else { "anyOf" }
                if children.isEmpty { log.error("\(path).\(key)", "must list at least one prerequisite", record: record) }
                for (index, child) in children.enumerated().reversed() { pending.append((child, "\(path).\(key)[\(index)]", depth + 1)) }
            case .atLeast(let count, let children):
                if !(1...max(1, children.count)).contains(count) || children.isEmpty {
                    log.error("\(path).atLeast", "asks for \(count) of \(children.count) prerequisites, which can never be met", record: record)
                }
                for (index, child) in children.enumerated().reversed() { pending.append((child, "\(path).of[\(index)]", depth + 1)) }
            }
        }
    }
    /// Finds each prerequisite cycle once and names it, `a → b → a`.
    func checkPrerequisiteCycles() {
        let graph = PrerequisiteGraph(catalogue: catalogue, fallback: existing)
        for found in graph.cycles() {
            // A cycle through stored records is reported at its first credential in this document,
            // which may not be its smallest id; one with none here was there before.
            guard let start = found.firstIndex(where: { catalogue.credential($0) != nil }),
                  let index = catalogue.credentials.firstIndex(where: { $0.id == found[start] }) else { continue }
            let cycle = Array(found[start...] + found[..<start])
            log.error("$.credentials[\(index)].prerequisites",
                      "prerequisite cycle\(cycle.count > Self.cycleNamesShown ? " of \(cycle.count) credentials" : ""): \(Self.describe(cycle: cycle))",
                      record: "credential \"\(cycle[0])\"")
        }
    }


    func checkQualifications() {
        checkDuplicates(catalogue.qualifications.map(\.id), list: "qualifications", kind: "qualification")
        let ladders = qualificationCycles()
        for (index, qualification) in catalogue.qualifications.enumerated() {
            let path = "$.qualifications[\(index)]"
            let record = "qualification \(qualification.id.quotedForMessage)"
            func error(_ field: String, _ message: String) { log.error("\(path).\(field)", message, record: record) }
            checkIdentifier(qualification.id, path: path, record: record)
            if !checkReference(qualification.provider, path: "\(path).provider", record: record) {
            } else if !providerExists(qualification.provider) {
                error("provider", "refers to provider \"\(qualification.provider)\", which the catalogue does not have")
            }
            if !Self.eqfLevels.contains(qualification.eqf) { error("eqf", "must be an EQF level 1–8, found \(qualification.eqf)") }
            checkRange(qualification.ects, InputLimits.ects, path: "\(path).ects", record: record)
            if let cap = qualification.rules.maxPriorECTS { checkRange(cap, InputLimits.ects, path: "\(path).rules.maxPriorEcts", record: record) }
            if let mean = qualification.rules.meanGrade { checkGrade(mean, path: "\(path).rules.meanGrade", record: record) }
            if let years = qualification.rules.priorWithinYears {
                checkRange(years, InputLimits.priorWithinYears, path: "\(path).rules.priorWithinYears", record: record)
            }
            checkRequirement(qualification.requires, path: "\(path).requires", record: record)
            if qualification.rules.sharedCounting && Self.namesScopes(qualification.requires) {
                log.warning("\(path).rules.sharedCounting", "puts every requirement in a counting scope of its own, so the scopes the requirement nodes name change nothing; leave it out to count by those scopes", record: record)
            }
            if let cycle = ladders[qualification.id] {
                error("requires", "qualifications require each other in a cycle\(cycle.count > Self.cycleNamesShown ? " of \(cycle.count)" : ""): \(Self.describe(cycle: cycle))")
            }
        }
    }

    /// Checks a requirement tree node by node with an explicit stack (see ``checkPrerequisite``).
    func checkRequirement(_ root: RequirementNode, path: String, record: String) {
        var pending: [(node: RequirementNode, path: String, depth: Int)] = [(root, path, 1)]
        while let (node, path, depth) = pending.popLast() {
            func error(_ field: String, _ message: String) { log.error(field.isEmpty ? path : "\(path).\(field)", message, record: record) }
            if depth > InputLimits.nestingDepth {
                error("", "nests requirement nodes more than \(InputLimits.nestingDepth) levels deep, the most a catalogue may")
                continue
            }
            if let scope = node.scope { checkReference(scope, path: "\(path).scope", record: record) }
            if let distinct = node.distinct {
                switch node.rule {
                case .credits, .count:
                    for (field, number) in [("atLeast", distinct.atLeast), ("atMostEach", distinct.atMostEach)] {
                        if let number, !InputLimits.atLeastCount.contains(number) { error("distinct.\(field)", "must lie in 1–100000, found \(number)") }
                    }
                    if distinct.atLeast == nil && distinct.atMostEach == nil { error("distinct", "needs \"atLeast\" (different values) or \"atMostEach\" (credentials sharing one value)") }
                default: error("distinct", "belongs to credits and count leaves only")
                }
            }
            if let mean = node.meanGrade {
                switch node.rule {
                case .credits, .count: checkGrade(mean, path: "\(path).meanGrade", record: record)
                default: error("meanGrade", "belongs to credits and count leaves only")
                }
            }
            if node.capReach != .qualification, !{ if case .maxCredits = node.rule { true } else { false } }() {
                error("within", "belongs to maxCredits caps only")
            }
            switch node.rule {
            case .credential(let id):
                if !checkReference(id, path: "\(path).credential", record: record) { continue }
                if !credentialExists(id) {
                    error("credential", qualification(id) != nil
                          ? "\"\(id)\" is a qualification: use {\"qualification\": \"\(id)\"}"
                          : "refers to credential \"\(id)\", which the catalogue does not have")
                }
            case .qualification(let id):
                if !checkReference(id, path: "\(path).qualification", record: record) { continue }
                if qualification(id) == nil { error("qualification", "refers to qualification \"\(id)\", which the catalogue does not have") }
            case .allOf(let children), .anyOf(let children):
                let key = if case .allOf = node.rule { "allOf" } else { "anyOf" }
                if children.isEmpty { error(key, "must list at least one requirement") }
                for (index, child) in children.enumerated().reversed() { pending.append((child, "\(path).\(key)[\(index)]", depth + 1)) }
            case .atLeast(let count, let children):
                if children.isEmpty || !(1...children.count).contains(count) {
                    error("atLeast", "asks for \(count) of \(children.count) requirements, which can never be met")
                }
                for (index, child) in children.enumerated().reversed() { pending.append((child, "\(path).of[\(index)]", depth + 1)) }
            case .credits(let minimum, let filter):
                checkRange(minimum, InputLimits.creditsPool, path: "\(path).credits", record: record)
                checkFilter(filter, path: "\(path).where", record: record)
            case .count(let minimum, let filter):
                if !InputLimits.atLeastCount.contains(minimum) { error("count", "must lie in 1–100000, found \(minimum)") }
                checkFilter(filter, path: "\(path).where", record: record)
            case .maxCredits(let maximum, let filter):
                checkRange(maximum, InputLimits.ects, path: "\(path).maxCredits", record: record)
                checkFilter(filter, path: "\(path).where", record: record)
            }
        }
    }

    /// Whether some node of the tree names a counting scope (walked with an explicit stack).
    static func namesScopes(_ root: RequirementNode) -> Bool {
        var pending = [root]
        while let node = pending.popLast() {
            if node.scope != nil { return true }
            pending.append(contentsOf: node.children)
        }
        return false
    }

    /// Checks a filter and every filter it combines, with an explicit stack: a filter built in
    /// code may nest deeper than a document can, and is refused below ``InputLimits/nestingDepth``.
    func checkFilter(_ root: CredentialFilter, path: String, record: String) {
        var pending: [(filter: CredentialFilter, path: String, depth: Int)] = [(root, path, 1)]
        while let (filter, path, depth) = pending.popLast() {
            if depth > InputLimits.nestingDepth {
                log.error(path, "nests filters more than \(InputLimits.nestingDepth) levels deep, the most a catalogue may", record: record)
                continue
            }
            checkFilterFields(filter, path: path, record: record)
            for (key, parts) in [("allOf", filter.allOf), ("anyOf", filter.anyOf)] {
                guard let parts else { continue }
                if parts.isEmpty { log.error("\(path).\(key)", "must list at least one filter", record: record) }
                for (index, part) in parts.enumerated().reversed() { pending.append((part, "\(path).\(key)[\(index)]", depth + 1)) }
            }
            if let negated = filter.notAnyOf {
                for (index, part) in negated.enumerated().reversed() { pending.append((part, negated.count == 1 ? "\(path).not" : "\(path).not.anyOf[\(index)]", depth + 1)) }
            }
        }
    }

    /// A grade built in code: a scale StackPlan knows, and the points that scale gives the grade.
    func checkGrade(_ grade: Grade, path: String, record: String) {
        guard let scale = GradingScale.named(grade.scale) else {
            log.error("\(path).scale", "is not a grading scale StackPlan knows (\(GradingScale.knownIDs)), found \(grade.scale.quotedForMessage)", record: record)
            return
        }
        if scale.points(of: grade.text) != grade.points {
            log.error("\(path).grade", "is not a grade on scale \(grade.scale) (\(scale.accepted)), found \(grade.text.quotedForMessage)", record: record)
        }
    }

    private func checkFilterFields(_ filter: CredentialFilter, path: String, record: String) {
        if let grade = filter.minGrade { checkGrade(grade, path: "\(path).minGrade", record: record) }
        for (field, level) in [("minEqf", filter.minEQF), ("maxEqf", filter.maxEQF)] {
            if let level, !Self.eqfLevels.contains(level) { log.error("\(path).\(field)", "must be an EQF level 1–8, found \(level)", record: record) }
        }
        if let low = filter.minEQF, let high = filter.maxEQF, low > high {
            log.error(path, "minEqf \(low) is above maxEqf \(high): nothing can match", record: record)
        }
        if let low = filter.minECTS { checkRange(low, InputLimits.ects, path: "\(path).minEcts", record: record) }
        if let high = filter.maxECTS { checkRange(high, InputLimits.ects, path: "\(path).maxEcts", record: record) }
        if let low = filter.minECTS, let high = filter.maxECTS, low > high {
            log.error(path, "minEcts \(format(low)) is above maxEcts \(format(high)): nothing can match", record: record)
        }
        for (index, pattern) in (filter.codes ?? []).enumerated() where !InputLimits.isCode(pattern) {
            log.error("\(path).code[\(index)]", "must be a code pattern (\(InputLimits.codeRule)), found \(pattern.quotedForMessage)", record: record)
        }
        for (index, range) in (filter.codeRanges ?? []).enumerated() {
            let at = "\(path).codeRange[\(index)]"
            if !range.prefix.isEmpty && !InputLimits.isCode(range.prefix) {
                log.error("\(at).prefix", "must be a code prefix (\(InputLimits.codeRule)), found \(range.prefix.quotedForMessage)", record: record)
            }
            for (field, number) in [("from", range.from), ("to", range.to)] where !InputLimits.codeNumbers.contains(number) {
                log.error("\(at).\(field)", "must lie in 0–999999999, found \(number)", record: record)
            }
            if range.from > range.to { log.error(at, "from \(range.from) is above to \(range.to): no code lies in it", record: record) }
        }
        for (index, field) in (filter.isced ?? []).enumerated() where !InputLimits.isISCEDField(field) {
            log.error("\(path).isced[\(index)]", "must be an ISCED-F field code (\(InputLimits.iscedRule)), found \(field.quotedForMessage)", record: record)
        }
        for (index, skill) in (filter.escoSkills ?? []).enumerated() {
            checkReference(skill, path: "\(path).escoSkill[\(index)]", record: record)
        }
        for (index, id) in (filter.ids ?? []).enumerated() where checkReference(id, path: "\(path).ids[\(index)]", record: record) && !credentialExists(id) {
            log.error("\(path).ids[\(index)]", "refers to credential \"\(id)\", which the catalogue does not have", record: record)
        }
        for (index, id) in (filter.providers ?? []).enumerated() where checkReference(id, path: "\(path).provider[\(index)]", record: record) && !providerExists(id) {
            log.error("\(path).provider[\(index)]", "refers to provider \"\(id)\", which the catalogue does not have", record: record)
        }
        for (index, tag) in (filter.competencies ?? []).enumerated() {
            checkReference(tag, path: "\(path).competency[\(index)]", record: record)
        }
    }

    /// A fee converted to the base currency must stay inside ``InputLimits/feeInBaseCurrency``,
    /// so that no total of fees can overflow.
    func checkFeeInBaseCurrency(_ fee: Double, rate: Double?, path: String, record: String) {
        guard let rate, InputLimits.fee.contains(fee), InputLimits.exchangeRate.contains(rate) || rate == 1 else { return }
        let converted = fee * rate
        if !InputLimits.feeInBaseCurrency.contains(converted) {
            log.error(path, "is \(format(converted)) \(catalogue.baseCurrency) at the exchange rate, above the \(format(InputLimits.feeInBaseCurrency.highest)) a fee may be", record: record)
        }
    }

    /// Each cycle of `{"qualification": …}` references, keyed by its smallest id, where it starts. One depth-first search over the whole ladder graph with an explicit
    /// stack: a ladder of ten thousand qualifications is checked in linear time, without recursion.
    func qualificationCycles() -> [String: [String]] {
        var references: [String: [String]] = [:]
        func ladderReferences(_ id: String) -> [String] {
            if let known = references[id] { return known }
            var found: [String] = []
            var pending = qualification(id).map { [$0.requires] } ?? []
            while let node = pending.popLast() {
                if case .qualification(let next) = node.rule { found.append(next) }
                pending.append(contentsOf: node.children.reversed())
            }
            references[id] = found
            return found
        }
        let graph = DirectedGraph(nodes: catalogue.qualifications.map(\.id)) { ladderReferences($0).filter { self.qualification($0) != nil } }
        // Reported once, at the cycle's smallest id: naming a long ring at each of its members would be quadratic.
        return Dictionary(graph.cycles().map { ($0[0], $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Names shown of a cycle; longer ones show their first and last names around an ellipsis.
    static let cycleNamesShown = 12

    /// `a → b → a`, or for a long cycle `a → b → … → y → z → a`.
    static func describe(cycle: [String]) -> String {
        let names = cycle.count > cycleNamesShown
            ? cycle.prefix(cycleNamesShown / 2) + ["…"] + cycle.suffix(cycleNamesShown / 2)
            : cycle[...]
        return (names + [cycle[0]]).joined(separator: " → ")
    }
}

/// Whole numbers without a fraction (below 10^18, safely inside `Int`), others as Swift writes them.
func format(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e18 ? String(Int(value)) : String(value)
}

extension String {
    /// ISO 639-1: two lower-case letters, such as `en`.
    public var isLanguageCode: Bool { isCode(length: 2, uppercase: false) }
    /// ISO 3166-1 alpha-2: two upper-case letters, such as `IE`.
    public var isCountryCode: Bool { isCode(length: 2, uppercase: true) }

    func isCode(length: Int, uppercase: Bool) -> Bool {
        count == length && allSatisfy { $0.isASCII && $0.isLetter && (uppercase ? $0.isUppercase : $0.isLowercase) }
    }
}
