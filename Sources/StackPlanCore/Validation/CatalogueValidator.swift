/// Checks a catalogue's meaning: ranges, references, duplicates, prerequisite cycles and requirement trees.
///
/// Every problem is reported with the JSON path it has in the document, so that a catalogue
/// with twenty mistakes needs one round of corrections, not twenty.
public struct CatalogueValidator {
    /// Micro-credentials (skill, module, programme) carry 1–59 ECTS: 60 would be a full year.
    public static let microCredentialECTS: ClosedRange<Double> = 1...59
    public static let qualificationECTS: ClosedRange<Double> = 1...360
    public static let eqfLevels: ClosedRange<Int> = 1...8

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
        if id.isEmpty || id.contains(where: \.isWhitespace) {
            log.error("\(path).id", "must be a non-empty identifier without white space, found \"\(id)\"", record: record)
        }
    }

    func checkDuplicates(_ ids: [String], list: String, kind: String) {
        var first: [String: Int] = [:]
        for (index, id) in ids.enumerated() where !id.isEmpty {
            if let earlier = first[id] {
                log.error("$.\(list)[\(index)].id", "duplicates the id of $.\(list)[\(earlier)]", record: "\(kind) \"\(id)\"")
            } else {
                first[id] = index
            }
        }
    }

    func checkCurrencies() {
        if !isCurrencyCode(catalogue.baseCurrency) {
            log.error("$.baseCurrency", "must be a three-letter ISO 4217 code, found \"\(catalogue.baseCurrency)\"")
        }
        for (code, rate) in catalogue.exchangeRates.sorted(by: { $0.key < $1.key }) {
            if !isCurrencyCode(code) { log.error("$.exchangeRates", "\"\(code)\" is not a three-letter ISO 4217 code") }
            if !(rate > 0 && rate.isFinite) { log.error("$.exchangeRates.\(code)", "must be a positive number, found \(rate)") }
        }
    }

    func isCurrencyCode(_ code: String) -> Bool { code.isCode(length: 3, uppercase: true) }

    func checkProviders() {
        checkDuplicates(catalogue.providers.map(\.id), list: "providers", kind: "provider")
        for (index, provider) in catalogue.providers.enumerated() {
            let path = "$.providers[\(index)]"
            let record = "provider \"\(provider.id)\""
            checkIdentifier(provider.id, path: path, record: record)
            if !provider.country.isCountryCode {
                log.error("\(path).country", "must be a two-letter country code such as IE, found \"\(provider.country)\"", record: record)
            }
        }
    }

    func checkCredentials() {
        checkDuplicates(catalogue.credentials.map(\.id), list: "credentials", kind: "credential")
        for (index, credential) in catalogue.credentials.enumerated() {
            let path = "$.credentials[\(index)]"
            let record = "credential \"\(credential.id)\""
            func error(_ field: String, _ message: String) { log.error("\(path).\(field)", message, record: record) }
            checkIdentifier(credential.id, path: path, record: record)
            if qualification(credential.id) != nil { error("id", "is also the id of a qualification") }
            if !providerExists(credential.provider) { error("provider", "refers to provider \"\(credential.provider)\", which the catalogue does not have") }
            if credential.ects == nil && credential.hours == nil {
                log.error(path, "needs \"ects\" or \"hours\": a credential without either has no workload", record: record)
            }
            if let ects = credential.ects {
                let range = credential.kind == .qualification ? Self.qualificationECTS : Self.microCredentialECTS
                if !range.contains(ects) {
                    error("ects", "\(format(ects)) is outside \(format(range.lowerBound))–\(format(range.upperBound)) for a \(credential.kind.rawValue)")
                }
            }
            if let hours = credential.hours, !(hours > 0 && hours.isFinite) { error("hours", "must be a positive number, found \(hours)") }
            if !Self.eqfLevels.contains(credential.eqf) { error("eqf", "must be an EQF level 1–8, found \(credential.eqf)") }
            if !(credential.cost >= 0 && credential.cost.isFinite) { error("cost", "must be zero or more, found \(credential.cost)") }
            let currency = credential.currency ?? catalogue.baseCurrency
            if currency != catalogue.baseCurrency && catalogue.exchangeRates[currency] == nil && existing?.exchangeRates[currency] == nil {
                error("currency", "\"\(currency)\" has no rate in $.exchangeRates to convert it to \(catalogue.baseCurrency)")
            }
            if let weeks = credential.weeks, weeks < 1 { error("weeks", "must be at least 1, found \(weeks)") }
            if credential.languages.isEmpty { error("languages", "must name at least one language") }
            for (position, language) in credential.languages.enumerated()
            where !language.isLanguageCode {
                error("languages[\(position)]", "must be a two-letter ISO 639-1 code such as \"en\", found \"\(language)\"")
            }
            for (position, offering) in credential.offerings.enumerated() {
                let field = "offerings[\(position)]"
                if let weeks = offering.weeks, weeks < 1 { error("\(field).weeks", "must be at least 1, found \(weeks)") }
                if let cost = offering.cost, !(cost >= 0 && cost.isFinite) { error("\(field).cost", "must be zero or more, found \(cost)") }
                if let seats = offering.seats, seats < 0 { error("\(field).seats", "must be zero or more, found \(seats)") }
            }
            if let prerequisites = credential.prerequisites {
                checkPrerequisite(prerequisites, owner: credential.id, path: "\(path).prerequisites", record: record)
            }
            for (position, other) in credential.excludes.enumerated() {
                if other == credential.id { error("excludes[\(position)]", "a credential cannot exclude itself") }
                else if !credentialExists(other) { error("excludes[\(position)]", "refers to credential \"\(other)\", which the catalogue does not have") }
            }
            checkCPDPoints(credential, path: path, record: record)
        }
    }

    func checkPrerequisite(_ expression: Prerequisite, owner: String, path: String, record: String) {
        switch expression {
        case .credential(let id):
            if id == owner { log.error("\(path).credential", "a credential cannot require itself", record: record) }
            else if !credentialExists(id) {
                log.error("\(path).credential", "refers to credential \"\(id)\", which the catalogue does not have", record: record)
            }
        case .allOf(let children), .anyOf(let children):
            let key = if case .allOf = expression { "allOf" } else { "anyOf" }
            if children.isEmpty { log.error("\(path).\(key)", "must list at least one prerequisite", record: record) }
            for (index, child) in children.enumerated() { checkPrerequisite(child, owner: owner, path: "\(path).\(key)[\(index)]", record: record) }
        case .atLeast(let count, let children):
            if !(1...max(1, children.count)).contains(count) || children.isEmpty {
                log.error("\(path).atLeast", "asks for \(count) of \(children.count) prerequisites, which can never be met", record: record)
            }
            for (index, child) in children.enumerated() { checkPrerequisite(child, owner: owner, path: "\(path).of[\(index)]", record: record) }
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
                      "prerequisite cycle: \((cycle + [cycle[0]]).joined(separator: " → "))",
                      record: "credential \"\(cycle[0])\"")
        }
    }

    func checkQualifications() {
        checkDuplicates(catalogue.qualifications.map(\.id), list: "qualifications", kind: "qualification")
        for (index, qualification) in catalogue.qualifications.enumerated() {
            let path = "$.qualifications[\(index)]"
            let record = "qualification \"\(qualification.id)\""
            func error(_ field: String, _ message: String) { log.error("\(path).\(field)", message, record: record) }
            checkIdentifier(qualification.id, path: path, record: record)
            if !providerExists(qualification.provider) { error("provider", "refers to provider \"\(qualification.provider)\", which the catalogue does not have") }
            if !Self.eqfLevels.contains(qualification.eqf) { error("eqf", "must be an EQF level 1–8, found \(qualification.eqf)") }
            if !(qualification.ects >= 0 && qualification.ects <= Self.qualificationECTS.upperBound) {
                error("ects", "must lie in 0–\(format(Self.qualificationECTS.upperBound)), found \(format(qualification.ects))")
            }
            if let cap = qualification.rules.maxPriorECTS, !(cap >= 0 && cap.isFinite) { error("rules.maxPriorEcts", "must be zero or more, found \(cap)") }
            if let years = qualification.rules.priorWithinYears, !(years > 0 && years.isFinite) {
                error("rules.priorWithinYears", "must be a positive number of years, found \(years)")
            }
            checkRequirement(qualification.requires, path: "\(path).requires", record: record)
            if let cycle = qualificationCycle(from: qualification.id) {
                error("requires", "qualifications require each other in a cycle: \(cycle.joined(separator: " → "))")
            }
        }
    }

    func checkRequirement(_ node: RequirementNode, path: String, record: String) {
        func error(_ field: String, _ message: String) { log.error(field.isEmpty ? path : "\(path).\(field)", message, record: record) }
        switch node.rule {
        case .credential(let id):
            if !credentialExists(id) {
                error("credential", qualification(id) != nil
                      ? "\"\(id)\" is a qualification: use {\"qualification\": \"\(id)\"}"
                      : "refers to credential \"\(id)\", which the catalogue does not have")
            }
        case .qualification(let id):
            if qualification(id) == nil { error("qualification", "refers to qualification \"\(id)\", which the catalogue does not have") }
        case .allOf(let children), .anyOf(let children):
            let key = if case .allOf = node.rule { "allOf" } else { "anyOf" }
            if children.isEmpty { error(key, "must list at least one requirement") }
            for (index, child) in children.enumerated() { checkRequirement(child, path: "\(path).\(key)[\(index)]", record: record) }
        case .atLeast(let count, let children):
            if children.isEmpty || !(1...children.count).contains(count) {
                error("atLeast", "asks for \(count) of \(children.count) requirements, which can never be met")
            }
            for (index, child) in children.enumerated() { checkRequirement(child, path: "\(path).of[\(index)]", record: record) }
        case .credits(let minimum, let filter):
            if !(minimum > 0 && minimum.isFinite) { error("credits", "must be a positive number of ECTS, found \(minimum)") }
            checkFilter(filter, path: "\(path).where", record: record)
        case .maxCredits(let maximum, let filter):
            if !(maximum >= 0 && maximum.isFinite) { error("maxCredits", "must be zero or more ECTS, found \(maximum)") }
            checkFilter(filter, path: "\(path).where", record: record)
        }
    }

    func checkFilter(_ filter: CredentialFilter, path: String, record: String) {
        for (field, level) in [("minEqf", filter.minEQF), ("maxEqf", filter.maxEQF)] {
            if let level, !Self.eqfLevels.contains(level) { log.error("\(path).\(field)", "must be an EQF level 1–8, found \(level)", record: record) }
        }
        if let low = filter.minEQF, let high = filter.maxEQF, low > high {
            log.error(path, "minEqf \(low) is above maxEqf \(high): nothing can match", record: record)
        }
        for (index, id) in (filter.ids ?? []).enumerated() where !credentialExists(id) {
            log.error("\(path).ids[\(index)]", "refers to credential \"\(id)\", which the catalogue does not have", record: record)
        }
        for (index, id) in (filter.providers ?? []).enumerated() where !providerExists(id) {
            log.error("\(path).provider[\(index)]", "refers to provider \"\(id)\", which the catalogue does not have", record: record)
        }
    }

    /// A chain of `{"qualification": …}` references that returns to `start`, if there is one.
    func qualificationCycle(from start: String) -> [String]? {
        func references(_ node: RequirementNode) -> [String] {
            if case .qualification(let id) = node.rule { return [id] }
            return node.children.flatMap(references)
        }
        var visited: Set<String> = []
        func search(_ id: String, _ trail: [String]) -> [String]? {
            guard let qualification = qualification(id) else { return nil }
            for next in references(qualification.requires) {
                if next == start { return trail + [next] }
                if visited.insert(next).inserted, let found = search(next, trail + [next]) { return found }
            }
            return nil
        }
        return search(start, [start])
    }
}

func format(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
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
