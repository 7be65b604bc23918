/// The typology of the 2022 Council Recommendation on micro-credentials, plus full awards.
public enum CredentialKind: String, Sendable, CaseIterable, Codable {
    case skill, module, programme, qualification
}

public enum DeliveryMode: String, Sendable, CaseIterable, Codable {
    case online, blended, inPerson = "in-person"
}

/// A country, or a city in it, where study is attended in person.
public struct Locality: Sendable, Hashable, Codable {
    /// ISO 3166-1 alpha-2, as providers write it (`UK` and `GB` are the same country).
    public var country: String
    /// `nil` means anywhere in the country.
    public var city: String?

    public init(country: String, city: String? = nil) {
        self.country = country
        self.city = city
    }

    /// Whether a course held at `place` lies inside this locality: the same country, and the
    /// same city when this locality names one (letter case aside).
    public func contains(_ place: Locality) -> Bool {
        guard Self.sameCountry(country, place.country) else { return false }
        guard let city else { return true }
        return place.city.map { $0.lowercased() == city.lowercased() } ?? false
    }

    static func sameCountry(_ a: String, _ b: String) -> Bool {
        func canonical(_ code: String) -> String { code == "UK" ? "GB" : code }
        return canonical(a) == canonical(b)
    }
}

/// Where a credential, or one run of it, is held.
public enum Place: Sendable, Hashable {
    /// Nothing to attend in person: any learner can take it.
    case online
    case at(Locality)
}

public struct Provider: Sendable, Equatable {
    public var id: String
    public var name: String
    public var country: String
    public var accredited: Bool
    public var url: String?
    public var source: String?
    /// Fields this version does not know, kept so that a catalogue round-trips unchanged.
    public var extra: [String: JSON] = [:]

    public init(id: String, name: String, country: String, accredited: Bool = false, url: String? = nil, source: String? = nil) {
        self.id = id
        self.name = name
        self.country = country
        self.accredited = accredited
        self.url = url
        self.source = source
    }
}

public struct Credential: Sendable, Equatable {
    public var id: String
    public var title: String
    public var provider: String
    public var kind: CredentialKind
    public var ects: Double?
    /// Learning hours as the catalogue states them; ``learningHours(hoursPerECTS:)`` fills the default.
    public var hours: Double?
    public var eqf: Int
    public var cost: Double = 0
    public var currency: String?
    public var weeks: Int?
    public var mode: DeliveryMode
    /// Where its in-person or blended parts are held; `nil` means the provider's country.
    /// An offering's own place replaces it for that run.
    public var place: Place?
    public var languages: [String]
    /// As stated; `nil` inherits the provider's accreditation.
    public var accredited: Bool?
    public var competencies: [String] = []
    /// The course code as the provider writes it (`BIOL 3120`), which `code` and `codeRange` filters read.
    public var code: String?
    /// ISCED-F 2013 fields of education (`0913`, nursing and midwifery; 2, 3 or 4 digits).
    public var isced: [String] = []
    /// ESCO skills the credential teaches, by URI (`http://data.europa.eu/esco/skill/…`).
    public var escoSkills: [String] = []
    public var prerequisites: Prerequisite?
    public var excludes: [String] = []
    /// How many times in all a learner may take the credential for credit (a placement or a
    /// topics course that changes each run), each time counting anew; `nil` means once.
    public var repeatable: Int?
    /// Dated runs of the credential; none means self-paced, startable any week.
    public var offerings: [Offering] = []
    public var learningOutcomes: [String] = []
    public var assessment: String?
    public var qualityAssurance: String?
    public var source: String?
    public var invented: Bool = false
    /// The CPD points the credential earns under regulators' schemes, one entry per scheme and category.
    public var cpd: [CPDPoints] = []
    public var extra: [String: JSON] = [:]

    public init(
        id: String, title: String, provider: String, kind: CredentialKind, ects: Double?, hours: Double? = nil,
        eqf: Int, cost: Double = 0, currency: String? = nil, weeks: Int? = nil, mode: DeliveryMode = .online,
        languages: [String] = ["en"], accredited: Bool? = nil, competencies: [String] = [],
        prerequisites: Prerequisite? = nil, excludes: [String] = []
    ) {
        self.id = id
        self.title = title
        self.provider = provider
        self.kind = kind
        self.ects = ects
        self.hours = hours
        self.eqf = eqf
        self.cost = cost
        self.currency = currency
        self.weeks = weeks
        self.mode = mode
        self.languages = languages
        self.accredited = accredited
        self.competencies = competencies
        self.prerequisites = prerequisites
        self.excludes = excludes
    }

    public var credits: Double { ects ?? 0 }

    public func learningHours(hoursPerECTS: Double) -> Double { hours ?? credits * hoursPerECTS }
}

/// One dated run of a credential. Its weeks and cost, when given, replace the credential's.
public struct Offering: Sendable, Equatable {
    public var id: String?
    public var start: Day
    public var weeks: Int?
    public var cost: Double?
    /// Places left; an offering with none cannot be planned.
    public var seats: Int?
    /// Where this run is held, when it differs from the credential's place.
    public var place: Place?

    public init(id: String? = nil, start: Day, weeks: Int? = nil, cost: Double? = nil, seats: Int? = nil, place: Place? = nil) {
        self.id = id
        self.start = start
        self.weeks = weeks
        self.cost = cost
        self.seats = seats
        self.place = place
    }
}

/// What completing a credential earns under one continuing professional development (CPD) scheme.
public struct CPDPoints: Sendable, Equatable {
    /// The scheme's id, such as `NMC` (see docs/cpd.md).
    public var scheme: String
    /// One of the scheme's categories, such as `participatory`.
    public var category: String
    /// In the scheme's unit; `nil` lets the scheme convert the credential's learning hours.
    public var points: Double?
    /// The credential counts only when completed within its approval for the scheme.
    public var approvedFrom: Day?
    public var approvedUntil: Day?
    /// The figure is the catalogue author's assumption, not taken from a public source.
    public var assumed: Bool
    public var source: String?
    public var extra: [String: JSON] = [:]

    public init(
        scheme: String, category: String, points: Double? = nil, approvedFrom: Day? = nil, approvedUntil: Day? = nil,
        assumed: Bool = false, source: String? = nil
    ) {
        self.scheme = scheme
        self.category = category
        self.points = points
        self.approvedFrom = approvedFrom
        self.approvedUntil = approvedUntil
        self.assumed = assumed
        self.source = source
    }
}

/// What a learner must hold (or plan) before taking a credential.
public indirect enum Prerequisite: Sendable, Equatable {
    case credential(String)
    /// A corequisite: the credential is held, or taken in the same plan, before or alongside
    /// the one that names it (in a schedule it need not finish first). Two credentials may name
    /// each other: they are then taken together or not at all.
    case corequisite(String)
    case allOf([Prerequisite])
    case anyOf([Prerequisite])
    case atLeast(Int, [Prerequisite])

    /// Every credential id the expression mentions, in the order written.
    public var credentialIDs: [String] {
        // With an explicit stack: however deep an expression nests, the walk needs no more call stack.
        var ids: [String] = []
        var pending: [Prerequisite] = [self]
        while let expression = pending.popLast() {
            switch expression {
            case .credential(let id), .corequisite(let id): ids.append(id)
            case .allOf(let children), .anyOf(let children), .atLeast(_, let children): pending.append(contentsOf: children.reversed())
            }
        }
        return ids
    }

    /// The ids of the expression's prerequisites proper, corequisites left out: those that must
    /// finish before the credential starts, and whose chains must not loop.
    public var precedingIDs: [String] {
        var ids: [String] = []
        var pending: [Prerequisite] = [self]
        while let expression = pending.popLast() {
            switch expression {
            case .credential(let id): ids.append(id)
            case .corequisite: break
            case .allOf(let children), .anyOf(let children), .atLeast(_, let children): pending.append(contentsOf: children.reversed())
            }
        }
        return ids
    }

    /// Whether the expression has a corequisite anywhere in it.
    public var hasCorequisite: Bool { credentialIDs.count != precedingIDs.count }

    /// Whether the expression holds when exactly the credentials in `available` are held or
    /// planned (a corequisite, like a prerequisite, by being among them).
    public func isMet(by available: (String) -> Bool) -> Bool {
        isMet(before: available, alongside: available)
    }

    /// Whether the expression holds when prerequisites are judged by `before` (finished in
    /// time) and corequisites by `alongside` (held or in the plan at all).
    public func isMet(before: (String) -> Bool, alongside: (String) -> Bool) -> Bool {
        switch self {
        case .credential(let id): before(id)
        case .corequisite(let id): alongside(id)
        case .allOf(let children): children.allSatisfy { $0.isMet(before: before, alongside: alongside) }
        case .anyOf(let children): children.contains { $0.isMet(before: before, alongside: alongside) }
        case .atLeast(let count, let children): children.count { $0.isMet(before: before, alongside: alongside) } >= count
        }
    }
}

/// Which credentials a `credits` or `maxCredits` leaf looks at; every given field must hold.
public struct CredentialFilter: Sendable, Equatable {
    public var ids: [String]?
    public var competencies: [String]?
    public var minEQF: Int?
    public var maxEQF: Int?
    public var kinds: [CredentialKind]?
    public var providers: [String]?
    public var accredited: Bool?
    /// Patterns of course codes, any of which the item's code (its id when it has none) must
    /// match: `*` stands for any run of characters, `?` for one; letter case aside.
    public var codes: [String]?
    /// Ranges of course codes, any of which must hold the item's code.
    public var codeRanges: [CodeRange]?
    /// The item's ECTS lie within these bounds.
    public var minECTS: Double?
    public var maxECTS: Double?
    /// ISCED-F fields, any of which the item must be in: a broad or narrow field holds every
    /// field whose code begins with its own (`09` holds `0913`).
    public var isced: [String]?
    /// ESCO skill URIs, any of which the item must teach.
    public var escoSkills: [String]?
    /// Each of these filters must match too.
    public var allOf: [CredentialFilter]?
    /// At least one of these filters must match.
    public var anyOf: [CredentialFilter]?
    /// None of these filters may match (`"not"` in JSON holds one).
    public var notAnyOf: [CredentialFilter]?
    /// A held item counts only with a grade on this scale at least this good; a held item
    /// without a grade, or graded on another scale, does not match. A credential still to
    /// take matches: the plan counts on the learner reaching the grade (reports say so).
    public var minGrade: Grade?

    public init(
        ids: [String]? = nil, competencies: [String]? = nil, minEQF: Int? = nil, maxEQF: Int? = nil,
        kinds: [CredentialKind]? = nil, providers: [String]? = nil, accredited: Bool? = nil,
        codes: [String]? = nil, codeRanges: [CodeRange]? = nil, minECTS: Double? = nil, maxECTS: Double? = nil,
        isced: [String]? = nil, escoSkills: [String]? = nil,
        allOf: [CredentialFilter]? = nil, anyOf: [CredentialFilter]? = nil, notAnyOf: [CredentialFilter]? = nil,
        minGrade: Grade? = nil
    ) {
        self.minGrade = minGrade
        self.ids = ids
        self.competencies = competencies
        self.minEQF = minEQF
        self.maxEQF = maxEQF
        self.kinds = kinds
        self.providers = providers
        self.accredited = accredited
        self.codes = codes
        self.codeRanges = codeRanges
        self.minECTS = minECTS
        self.maxECTS = maxECTS
        self.isced = isced
        self.escoSkills = escoSkills
        self.allOf = allOf
        self.anyOf = anyOf
        self.notAnyOf = notAnyOf
    }

    /// Whether the filter accepts the item. Combinations recurse as deep as the filter nests,
    /// which reading and validation hold to ``InputLimits/nestingDepth``.
    public func matches(_ item: CountableItem) -> Bool {
        if let ids, !(item.catalogueID.map(ids.contains) ?? false) { return false }
        if let competencies, !competencies.contains(where: item.competencies.contains) { return false }
        if let minEQF, item.eqf < minEQF { return false }
        if let maxEQF, item.eqf > maxEQF { return false }
        if let kinds, !(item.kind.map(kinds.contains) ?? false) { return false }
        if let providers, !(item.provider.map(providers.contains) ?? false) { return false }
        if let accredited, item.accredited != accredited { return false }
        if let minECTS, item.ects < minECTS - 1e-9 { return false }
        if let maxECTS, item.ects > maxECTS + 1e-9 { return false }
        if let codes {
            guard let code = item.code ?? item.catalogueID, codes.contains(where: { CodePattern.matches(code, pattern: $0) }) else { return false }
        }
        if let codeRanges {
            guard let code = item.code ?? item.catalogueID, codeRanges.contains(where: { $0.contains(code) }) else { return false }
        }
        if let isced, !isced.contains(where: { field in item.isced.contains { $0.hasPrefix(field) } }) { return false }
        if let escoSkills, !escoSkills.contains(where: item.escoSkills.contains) { return false }
        if let allOf, !allOf.allSatisfy({ $0.matches(item) }) { return false }
        if let anyOf, !anyOf.contains(where: { $0.matches(item) }) { return false }
        if let notAnyOf, notAnyOf.contains(where: { $0.matches(item) }) { return false }
        if let minGrade, item.isHeld {
            guard let grade = item.grade, grade.scale == minGrade.scale, grade.points >= minGrade.points - 1e-9 else { return false }
        }
        return true
    }

    /// The filters this one combines, for walks over a whole filter.
    public var parts: [CredentialFilter] { (allOf ?? []) + (anyOf ?? []) + (notAnyOf ?? []) }
}

/// Course codes from a prefix and a range of the number after it: `BIOL` 3000–3999 holds
/// `BIOL 3120`, `biol-3999` and `BIOL3000L`, not `BIOL 4000` or `BIOC 3100`.
public struct CodeRange: Sendable, Equatable {
    /// Letters before the number, compared without regard to case; may be empty.
    public var prefix: String
    public var from: Int
    public var to: Int

    public init(prefix: String, from: Int, to: Int) {
        self.prefix = prefix
        self.from = from
        self.to = to
    }

    /// Whether the code is the prefix, then optional spaces, hyphens or dots, then a number
    /// (its leading digits, at most nine) within `from...to`.
    public func contains(_ code: String) -> Bool {
        let code = code.lowercased().unicodeScalars, start = prefix.lowercased().unicodeScalars
        guard code.starts(with: start) else { return false }
        var rest = code.dropFirst(start.count)
        while let first = rest.first, [" ", "-", "."].contains(first) { rest = rest.dropFirst() }
        var number = 0, digits = 0
        for scalar in rest {
            guard ("0"..."9").contains(scalar) else { break }
            guard digits < 9 else { return false }
            number = number * 10 + Int(scalar.value - 48)
            digits += 1
        }
        return digits > 0 && from <= number && number <= to
    }
}

/// Wildcard patterns over course codes.
public enum CodePattern {
    /// Whether `text` matches `pattern`, where `*` is any run of characters and `?` one,
    /// letter case aside. Greedy with one backtrack point: linear in practice, never recursive.
    public static func matches(_ text: String, pattern: String) -> Bool {
        let text = Array(text.lowercased()), pattern = Array(pattern.lowercased())
        var t = 0, p = 0, star: Int?, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// How the credentials applied to one leaf must spread over the values of a field.
public struct DistinctRule: Sendable, Equatable {
    /// The fields whose values are counted.
    public enum Field: String, Sendable, Equatable, CaseIterable, Codable {
        case provider, competency, isced, kind, eqf
        /// The letters of a course code before its number (`BIOL` of `BIOL 3120`).
        case subject
    }

    public var by: Field
    /// The applied credentials together show at least this many different values.
    public var atLeast: Int?
    /// No more than this many applied credentials share one value.
    public var atMostEach: Int?

    public init(by: Field, atLeast: Int? = nil, atMostEach: Int? = nil) {
        self.by = by
        self.atLeast = atLeast
        self.atMostEach = atMostEach
    }

    /// The values an item has for the field: none, one, or (competencies, ISCED-F fields) several.
    public func values(of item: CountableItem) -> [String] {
        switch by {
        case .provider: item.provider.map { [$0] } ?? []
        case .competency: Array(Set(item.competencies)).sorted()
        case .isced: Array(Set(item.isced)).sorted()
        case .kind: item.kind.map { [$0.rawValue] } ?? []
        case .eqf: [String(item.eqf)]
        case .subject: (item.code ?? item.catalogueID).flatMap(Self.subject).map { [$0] } ?? []
        }
    }

    /// The leading letters of a code, upper-cased; `nil` when it starts with none.
    static func subject(of code: String) -> String? {
        let letters = code.unicodeScalars.prefix { $0.properties.isAlphabetic }
        return letters.isEmpty ? nil : String(String.UnicodeScalarView(letters)).uppercased()
    }
}

/// What a `maxCredits` cap limits.
public enum CapReach: String, Sendable, Equatable, CaseIterable {
    /// Every counted credential matching the filter, wherever it counts.
    case qualification
    /// The credentials applied to leaves under the cap's parent node: a cap on one rule.
    case parent
}

/// One node of a qualification's requirement tree.
public struct RequirementNode: Sendable, Equatable {
    public indirect enum Rule: Sendable, Equatable {
        case credential(String)
        case allOf([RequirementNode])
        case anyOf([RequirementNode])
        case atLeast(Int, [RequirementNode])
        case credits(Double, CredentialFilter)
        /// At least this many credentials passing the filter are applied to the leaf, whatever their ECTS.
        case count(Int, CredentialFilter)
        case maxCredits(Double, CredentialFilter)
        case qualification(String)
    }

    public var rule: Rule
    public var label: String?
    /// On a `credits` or `count` leaf: how the credentials applied to it must spread over the
    /// values of one field ("from at least 3 subjects", "at most 2 from one provider").
    public var distinct: DistinctRule?
    /// On a `maxCredits` cap: what it limits. Without it, every counted credential matching
    /// the filter; with ``CapReach/parent``, those applied to leaves under the cap's parent node.
    public var capReach: CapReach = .qualification
    /// The name of a counting scope (`"major"`): a credential counts at most once among the
    /// leaves of one scope, but may count once in each of several scopes. The node's subtree
    /// belongs to this scope, except parts that name a scope of their own; nodes naming the
    /// same scope share it. Leaves outside every named scope are in the qualification's own.
    public var scope: String?
    /// On a `credits` or `count` leaf: the credit-weighted mean grade of the held credentials
    /// applied to it, on this grade's scale, is at least this grade's points. Credentials still
    /// to take, ungraded ones and those graded on another scale are left out of the mean.
    public var meanGrade: Grade?

    public init(_ rule: Rule, label: String? = nil, scope: String? = nil) {
        self.rule = rule
        self.label = label
        self.scope = scope
    }

    public var children: [RequirementNode] {
        switch rule {
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children): children
        default: []
        }
    }
}

public struct QualificationRules: Sendable, Equatable {
    public var maxPriorECTS: Double?
    public var priorWithinYears: Double?
    /// The older, all-or-nothing form of counting scopes: `true` puts every leaf in a scope of
    /// its own (a credential may count toward every leaf it fits, once each), whatever scopes
    /// the nodes name; `false` leaves the nodes' ``RequirementNode/scope`` to decide.
    public var sharedCounting: Bool
    /// The credit-weighted mean grade of the held credentials that count, on this grade's
    /// scale, is at least this grade's points (others are left out of the mean, as on a leaf).
    public var meanGrade: Grade?

    public init(maxPriorECTS: Double? = nil, priorWithinYears: Double? = nil, sharedCounting: Bool = false, meanGrade: Grade? = nil) {
        self.meanGrade = meanGrade
        self.maxPriorECTS = maxPriorECTS
        self.priorWithinYears = priorWithinYears
        self.sharedCounting = sharedCounting
    }
}

public struct Qualification: Sendable, Equatable {
    public var id: String
    public var title: String
    public var provider: String
    public var eqf: Int
    public var ects: Double
    public var rules: QualificationRules
    public var requires: RequirementNode
    public var source: String?
    public var invented: Bool = false
    public var extra: [String: JSON] = [:]

    public init(
        id: String, title: String, provider: String, eqf: Int, ects: Double,
        rules: QualificationRules = QualificationRules(), requires: RequirementNode
    ) {
        self.id = id
        self.title = title
        self.provider = provider
        self.eqf = eqf
        self.ects = ects
        self.rules = rules
        self.requires = requires
    }
}

/// An in-memory catalogue: providers, credentials and qualifications, looked up by id.
public struct Catalogue: Sendable, Equatable {
    public static let formatName = "stackplan/1"

    public var baseCurrency: String
    public var exchangeRates: [String: Double]
    public private(set) var providers: [Provider]
    public private(set) var credentials: [Credential]
    public private(set) var qualifications: [Qualification]
    private var providerIndex: [String: Int] = [:]
    private var credentialIndex: [String: Int] = [:]
    private var qualificationIndex: [String: Int] = [:]

    public init(
        baseCurrency: String = "EUR", exchangeRates: [String: Double] = [:],
        providers: [Provider] = [], credentials: [Credential] = [], qualifications: [Qualification] = []
    ) {
        self.baseCurrency = baseCurrency
        self.exchangeRates = exchangeRates
        self.providers = []
        self.credentials = []
        self.qualifications = []
        providers.forEach { upsert($0) }
        credentials.forEach { upsert($0) }
        qualifications.forEach { upsert($0) }
    }

    public func provider(_ id: String) -> Provider? { providerIndex[id].map { providers[$0] } }
    public func credential(_ id: String) -> Credential? { credentialIndex[id].map { credentials[$0] } }
    public func qualification(_ id: String) -> Qualification? { qualificationIndex[id].map { qualifications[$0] } }

    /// Adds a record, or replaces the one with the same id in place.
    public mutating func upsert(_ provider: Provider) {
        if let index = providerIndex[provider.id] { providers[index] = provider } else {
            providerIndex[provider.id] = providers.count
            providers.append(provider)
        }
    }

    public mutating func upsert(_ credential: Credential) {
        if let index = credentialIndex[credential.id] { credentials[index] = credential } else {
            credentialIndex[credential.id] = credentials.count
            credentials.append(credential)
        }
    }

    public mutating func upsert(_ qualification: Qualification) {
        if let index = qualificationIndex[qualification.id] { qualifications[index] = qualification } else {
            qualificationIndex[qualification.id] = qualifications.count
            qualifications.append(qualification)
        }
    }

    /// Appends a record as a document lists it: a repeated id stays visible to the validator
    /// (lookups find the first) instead of silently replacing the earlier record.
    mutating func append(_ provider: Provider) {
        if providerIndex[provider.id] == nil { providerIndex[provider.id] = providers.count }
        providers.append(provider)
    }

    mutating func append(_ credential: Credential) {
        if credentialIndex[credential.id] == nil { credentialIndex[credential.id] = credentials.count }
        credentials.append(credential)
    }

    mutating func append(_ qualification: Qualification) {
        if qualificationIndex[qualification.id] == nil { qualificationIndex[qualification.id] = qualifications.count }
        qualifications.append(qualification)
    }

    /// Merges another catalogue into this one, its records replacing ours where ids meet.
    public mutating func merge(_ other: Catalogue) {
        baseCurrency = other.baseCurrency
        exchangeRates.merge(other.exchangeRates) { _, new in new }
        other.providers.forEach { upsert($0) }
        other.credentials.forEach { upsert($0) }
        other.qualifications.forEach { upsert($0) }
    }

    /// Whether the credential is quality-assured: its own statement, else its provider's.
    public func isAccredited(_ credential: Credential) -> Bool {
        credential.accredited ?? provider(credential.provider)?.accredited ?? false
    }

    /// The credential's fee in the base currency, or `nil` when its currency has no rate.
    public func costInBaseCurrency(_ credential: Credential) -> Double? {
        rateToBase(credential.currency).map { credential.cost * $0 }
    }

    /// Where a run of the credential is held: the offering's place, else the credential's,
    /// else its provider's country; `online` for online credentials, wherever they are run from.
    public func place(of credential: Credential, offering: Offering? = nil) -> Place? {
        if credential.mode == .online { return .online }
        if let place = offering?.place ?? credential.place { return place }
        return provider(credential.provider).map { .at(Locality(country: $0.country)) }
    }

    /// Whether a learner who attends in person only within `localities` can take this run
    /// (an offering, or the credential itself when self-paced). Online runs always can; a run
    /// whose place is unknown cannot.
    public func canAttend(_ credential: Credential, offering: Offering? = nil, within localities: [Locality]) -> Bool {
        switch place(of: credential, offering: offering) {
        case .online?: true
        case .at(let locality)?: localities.contains { $0.contains(locality) }
        case nil: false
        }
    }

    /// Whether some run of the credential (any offering, or the credential itself when it has
    /// none) can be attended within `localities`.
    public func canAttendSomeRun(of credential: Credential, within localities: [Locality]) -> Bool {
        if credential.offerings.isEmpty { return canAttend(credential, within: localities) }
        return credential.offerings.contains { canAttend(credential, offering: $0, within: localities) }
    }

    /// What one unit of the currency (the base currency when `nil`) is worth in the base currency.
    public func rateToBase(_ currency: String?) -> Double? {
        let currency = currency ?? baseCurrency
        return currency == baseCurrency ? 1 : exchangeRates[currency]
    }
}
