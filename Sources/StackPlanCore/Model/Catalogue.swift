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
    public var prerequisites: Prerequisite?
    public var excludes: [String] = []
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
            case .credential(let id): ids.append(id)
            case .allOf(let children), .anyOf(let children), .atLeast(_, let children): pending.append(contentsOf: children.reversed())
            }
        }
        return ids
    }

    /// Whether the expression holds when exactly the credentials in `available` are held or planned.
    public func isMet(by available: (String) -> Bool) -> Bool {
        switch self {
        case .credential(let id): available(id)
        case .allOf(let children): children.allSatisfy { $0.isMet(by: available) }
        case .anyOf(let children): children.contains { $0.isMet(by: available) }
        case .atLeast(let count, let children): children.count { $0.isMet(by: available) } >= count
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

    public init(
        ids: [String]? = nil, competencies: [String]? = nil, minEQF: Int? = nil, maxEQF: Int? = nil,
        kinds: [CredentialKind]? = nil, providers: [String]? = nil, accredited: Bool? = nil
    ) {
        self.ids = ids
        self.competencies = competencies
        self.minEQF = minEQF
        self.maxEQF = maxEQF
        self.kinds = kinds
        self.providers = providers
        self.accredited = accredited
    }

    public func matches(_ item: CountableItem) -> Bool {
        if let ids, !(item.catalogueID.map(ids.contains) ?? false) { return false }
        if let competencies, !competencies.contains(where: item.competencies.contains) { return false }
        if let minEQF, item.eqf < minEQF { return false }
        if let maxEQF, item.eqf > maxEQF { return false }
        if let kinds, !(item.kind.map(kinds.contains) ?? false) { return false }
        if let providers, !(item.provider.map(providers.contains) ?? false) { return false }
        if let accredited, item.accredited != accredited { return false }
        return true
    }
}

/// One node of a qualification's requirement tree.
public struct RequirementNode: Sendable, Equatable {
    public indirect enum Rule: Sendable, Equatable {
        case credential(String)
        case allOf([RequirementNode])
        case anyOf([RequirementNode])
        case atLeast(Int, [RequirementNode])
        case credits(Double, CredentialFilter)
        case maxCredits(Double, CredentialFilter)
        case qualification(String)
    }

    public var rule: Rule
    public var label: String?

    public init(_ rule: Rule, label: String? = nil) {
        self.rule = rule
        self.label = label
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
    public var sharedCounting: Bool

    public init(maxPriorECTS: Double? = nil, priorWithinYears: Double? = nil, sharedCounting: Bool = false) {
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
