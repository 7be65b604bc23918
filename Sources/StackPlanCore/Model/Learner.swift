/// A credential from outside the catalogue, described by what its holder's document states.
public struct ExternalCredential: Sendable, Equatable {
    public var title: String
    public var ects: Double?
    public var hours: Double?
    public var eqf: Int
    public var competencies: [String]
    public var provider: String?
    public var kind: CredentialKind?
    public var accredited: Bool
    /// As for catalogue credentials: the course code, ISCED-F fields and ESCO skill URIs the award states.
    public var code: String?
    public var isced: [String] = []
    public var escoSkills: [String] = []

    public init(
        title: String, ects: Double?, hours: Double? = nil, eqf: Int, competencies: [String] = [],
        provider: String? = nil, kind: CredentialKind? = nil, accredited: Bool = false
    ) {
        self.title = title
        self.ects = ects
        self.hours = hours
        self.eqf = eqf
        self.competencies = competencies
        self.provider = provider
        self.kind = kind
        self.accredited = accredited
    }
}

public struct HeldCredential: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case catalogue(String)
        case external(ExternalCredential)
    }

    public var source: Source
    public var earned: Day?
    /// The grade the award states (`"grade"` with `"gradeScale"`), when it states one.
    public var grade: Grade?
    public var extra: [String: JSON] = [:]

    public init(_ source: Source, earned: Day? = nil) {
        self.source = source
        self.earned = earned
    }

    public static func catalogue(_ id: String, earned: Day? = nil) -> HeldCredential {
        HeldCredential(.catalogue(id), earned: earned)
    }

    public var catalogueID: String? {
        if case .catalogue(let id) = source { return id }
        return nil
    }

    /// Whether the wallet import verified the credential's proof and issuer (its `verification`
    /// field says `"result": "verified"`). Items written by hand carry no verification.
    public var isVerified: Bool { verificationResult == "verified" }

    /// Whether the wallet import found the proof broken, the credential expired or revoked
    /// (`"result": "failed"`): such a credential never counts, whatever `verifiedOnly` says.
    public var failedVerification: Bool { verificationResult == "failed" }

    private var verificationResult: String? {
        guard case .object(let verification)? = extra["verification"], case .string(let result)? = verification["result"] else { return nil }
        return result
    }

    /// The held credential as something that can count; `nil` when the catalogue lacks its id.
    /// `position` is its place in the profile, which names external items (`held[N]`).
    public func item(position: Int, in catalogue: Catalogue, hoursPerECTS: Double) -> CountableItem? {
        switch source {
        case .catalogue(let id):
            return catalogue.credential(id).map {
                var item = CountableItem(credential: $0, in: catalogue, hoursPerECTS: hoursPerECTS, held: true, earned: earned)
                item.grade = grade
                return item
            }
        case .external(let external):
            var item = CountableItem(external: external, position: position, hoursPerECTS: hoursPerECTS, earned: earned)
            item.grade = grade
            return item
        }
    }
}

/// The learner's own limits on what a plan may contain; `nil` means no limit.
public struct LearnerConstraints: Sendable, Equatable {
    public var budget: Double?
    public var maxHours: Double?
    public var modes: [DeliveryMode]?
    public var languages: [String]?
    public var accreditedOnly: Bool
    public var excludeProviders: [String]
    /// Every credential must be finished by this day.
    public var deadline: Day?
    /// Only held credentials whose import verified them count.
    public var verifiedOnly = false
    /// Where the learner can attend in-person and blended study: countries, or cities in them.
    /// Online study is never limited by it; `nil` means anywhere.
    public var places: [Locality]?

    public init(
        budget: Double? = nil, maxHours: Double? = nil, modes: [DeliveryMode]? = nil, languages: [String]? = nil,
        accreditedOnly: Bool = false, excludeProviders: [String] = [], deadline: Day? = nil, places: [Locality]? = nil
    ) {
        self.deadline = deadline
        self.places = places
        self.budget = budget
        self.maxHours = maxHours
        self.modes = modes
        self.languages = languages
        self.accreditedOnly = accreditedOnly
        self.excludeProviders = excludeProviders
    }
}

extension LearnerConstraints {
    /// Whether the learner's places allow this run of the credential: its offering at `index`,
    /// or the credential itself when `nil` (self-paced).
    public func allowsAttending(_ credential: Credential, offering index: Int?, in catalogue: Catalogue) -> Bool {
        guard let places else { return true }
        let offering = index.flatMap { credential.offerings.indices.contains($0) ? credential.offerings[$0] : nil }
        return catalogue.canAttend(credential, offering: offering, within: places)
    }
}

extension Locality: CustomStringConvertible {
    /// `Cork, IE`, or `IE` for a whole country.
    public var description: String { city.map { "\($0), \(country)" } ?? country }
}

public struct LearnerProfile: Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var held: [HeldCredential]
    public var constraints: LearnerConstraints
    /// The date prior learning is measured from; `nil` means the day of planning.
    public var today: Day?
    /// The first day the learner can study; scheduling starts here.
    public var start: Day?
    /// Learning hours the learner can give each week; scheduling needs it.
    public var hoursPerWeek: Double?
    /// Advisors' exceptions, each for one qualification.
    public var exceptions: [AdvisorException] = []
    /// Qualifications the learner works toward at once (`goals`): planned when no target is given.
    public var goals: [String] = []
    public var extra: [String: JSON] = [:]

    public init(
        id: String? = nil, name: String? = nil, held: [HeldCredential] = [],
        constraints: LearnerConstraints = LearnerConstraints(), today: Day? = nil
    ) {
        self.id = id
        self.name = name
        self.held = held
        self.constraints = constraints
        self.today = today
    }
}

/// Anything that can count toward a qualification: a catalogue credential, planned or held,
/// or an external held credential. Filters and plans see both through this one shape.
public struct CountableItem: Sendable, Equatable {
    /// `credential id` for catalogue credentials, `held[N]` (the profile's index) for external ones.
    public var id: String
    public var catalogueID: String?
    public var title: String
    public var ects: Double
    public var hours: Double
    public var eqf: Int
    public var competencies: [String]
    public var kind: CredentialKind?
    public var provider: String?
    public var accredited: Bool
    public var isHeld: Bool
    public var earned: Day?
    public var code: String?
    public var isced: [String]
    public var escoSkills: [String]
    /// A held item's grade, when its award states one; `nil` for credentials still to take.
    public var grade: Grade? = nil

    public init(credential: Credential, in catalogue: Catalogue, hoursPerECTS: Double, held: Bool = false, earned: Day? = nil) {
        id = credential.id
        catalogueID = credential.id
        title = credential.title
        ects = credential.credits
        hours = credential.learningHours(hoursPerECTS: hoursPerECTS)
        eqf = credential.eqf
        competencies = credential.competencies
        kind = credential.kind
        provider = credential.provider
        accredited = catalogue.isAccredited(credential)
        isHeld = held
        self.earned = earned
        code = credential.code
        isced = credential.isced
        escoSkills = credential.escoSkills
    }

    public init(external: ExternalCredential, position: Int, hoursPerECTS: Double, earned: Day?) {
        id = "held[\(position)]"
        catalogueID = nil
        title = external.title
        ects = external.ects ?? 0
        hours = external.hours ?? (external.ects ?? 0) * hoursPerECTS
        eqf = external.eqf
        competencies = external.competencies
        kind = external.kind
        provider = external.provider
        accredited = external.accredited
        isHeld = true
        self.earned = earned
        code = external.code
        isced = external.isced
        escoSkills = external.escoSkills
    }
}
