import Foundation

// The reasons the core gives, as values with their figures. Front ends put them into words
// (StackPlanRendering does so in English for the command line); `code` names each case in a
// form that stays stable for programs reading `--json`.

/// Why the learner cannot take a credential.
public enum NotOfferedReason: Sendable, Equatable, Hashable, Codable {
    /// Treated as cancelled by a what-if.
    case withdrawn
    /// Taught in a mode outside the learner's modes.
    case mode(DeliveryMode, allowed: [DeliveryMode])
    /// Taught in none of the learner's languages.
    case language(taught: [String], allowed: [String])
    /// Not accredited, and the learner plans accredited credentials only.
    case notAccredited
    /// From a provider the learner excluded.
    case excludedProvider(String)
    /// Held in person or blended only outside the places the learner can attend.
    case outsidePlaces(allowed: [Locality])
    /// Priced in a currency without an exchange rate to the base currency.
    case noExchangeRate(currency: String?, base: String)
    /// Every offering starts before the schedule's start or has no seats.
    case noOpenOffering(from: Day)
    /// Every open offering needs more hours a week than the learner gives.
    case tooIntense(hoursPerWeek: Double, available: Double)
    /// Of a kind the request leaves out (`nearest --kind`).
    case kindNotAllowed(CredentialKind, allowed: [CredentialKind])

    public var code: String {
        switch self {
        case .withdrawn: "withdrawn"
        case .mode: "modeNotAllowed"
        case .language: "languageNotAllowed"
        case .notAccredited: "notAccredited"
        case .excludedProvider: "providerExcluded"
        case .outsidePlaces: "outsidePlaces"
        case .noExchangeRate: "noExchangeRate"
        case .noOpenOffering: "noOpenOffering"
        case .tooIntense: "tooIntense"
        case .kindNotAllowed: "kindNotAllowed"
        }
    }
}

/// Why a held credential does not count toward the qualification.
public enum HeldUnusedReason: Sendable, Equatable, Hashable, Codable {
    /// No date earned, and the qualification counts recent prior learning only.
    case undated(qualification: String, withinYears: Double)
    /// Earned longer ago than the qualification's window for prior learning.
    case tooOld(earned: Day, withinYears: Double, today: Day)
    /// Earned after the day prior learning is judged on.
    case earnedAfterToday(earned: Day, today: Day)
    /// Carries no ECTS, so it adds nothing to the credit requirements it fits.
    case carriesNoECTS
    /// The qualification's cap on prior learning is reached.
    case priorCapReached(cap: Double, counted: Double)
    /// Overlaps a credential that counts instead.
    case overlaps(String)
    /// Fits requirements that are met without it.
    case notNeeded
    /// Matches no requirement of the qualification.
    case matchesNoRequirement(qualification: String)
    /// Not verified, and the learner counts verified credentials only (`verifiedOnly`).
    case notVerified
    /// Its proof failed, or it had expired or was revoked, when it was imported.
    case verificationFailed
    /// The reason as a saved plan wrote it, read back without its figures.
    case recorded(String)

    public var code: String {
        switch self {
        case .undated: "undated"
        case .tooOld: "tooOld"
        case .earnedAfterToday: "earnedAfterToday"
        case .carriesNoECTS: "carriesNoEcts"
        case .priorCapReached: "priorCapReached"
        case .overlaps: "overlaps"
        case .notNeeded: "notNeeded"
        case .matchesNoRequirement: "matchesNoRequirement"
        case .notVerified: "notVerified"
        case .verificationFailed: "verificationFailed"
        case .recorded: "recorded"
        }
    }
}

/// Why a requirement cannot be met by any plan.
public enum UnmetReason: Sendable, Equatable, Hashable, Codable {
    /// The credential is held but cannot count (`nil`: it is not eligible for another reason).
    case heldCannotCount(HeldUnusedReason?)
    /// The catalogue has no such credential.
    case unknownCredential(String)
    /// The learner cannot take the credential.
    case notOffered(credential: String, NotOfferedReason)
    /// Prerequisites of the credential cannot be had; `missing` lists those out of reach.
    case prerequisitesOutOfReach(missing: [String])
    /// The credential can be taken, but not together with the rest of the plan.
    case notTogether
    /// A credits requirement: at most `available` of the `needed` ECTS can be found among `matching` credentials.
    case creditsOutOfReach(available: Double, needed: Double, matching: Int)
    /// A count leaf: only `available` of the `needed` credentials it accepts can be had.
    case countOutOfReach(available: Int, needed: Int)
    /// A distinct rule: the credentials a leaf accepts show only `available` of the `needed` different values of `field`.
    case tooFewValues(field: DistinctRule.Field, available: Int, needed: Int)
    /// None of an `anyOf`'s alternatives can be met.
    case noAlternative(alternatives: Int)
    /// Only `met` of the `needed` parts of an `atLeast` can be met.
    case tooFewMet(met: Int, needed: Int)
    /// Some parts of the requirement cannot be met (they are listed below it).
    case partsUnmet
    /// The qualification's total: at most `available` ECTS can count.
    case totalOutOfReach(available: Double, needed: Double)

    public var code: String {
        switch self {
        case .heldCannotCount: "heldCannotCount"
        case .unknownCredential: "unknownCredential"
        case .notOffered: "notOffered"
        case .prerequisitesOutOfReach: "prerequisitesOutOfReach"
        case .notTogether: "notTogether"
        case .creditsOutOfReach: "creditsOutOfReach"
        case .countOutOfReach: "countOutOfReach"
        case .tooFewValues: "tooFewValues"
        case .noAlternative: "noAlternative"
        case .tooFewMet: "tooFewMet"
        case .partsUnmet: "partsUnmet"
        case .totalOutOfReach: "totalOutOfReach"
        }
    }
}

/// One of the learner's limits that stands in the way of every plan.
public enum LimitBreach: Sendable, Equatable, Hashable, Codable {
    /// The earliest any plan can finish is after the deadline.
    case deadline(earliest: Day, deadline: Day)
    /// The cheapest plan costs more than the budget.
    case budget(cheapest: Double, budget: Double, currency: String)
    /// The lightest plan needs more learning hours than the limit.
    case hours(least: Double, limit: Double)
    /// Each limit can be kept alone, but not all at once.
    case together

    public var code: String {
        switch self {
        case .deadline: "deadline"
        case .budget: "budget"
        case .hours: "maxHours"
        case .together: "limitsTogether"
        }
    }
}

/// A limit of the learner's that was in force while a shortfall was measured.
public enum ActiveLimit: Sendable, Equatable, Hashable, Codable {
    case languages([String])
    case modes([DeliveryMode])
    case accreditedOnly
    case excludedProviders([String])
    case weeklyHours(Double, from: Day)

    public var code: String {
        switch self {
        case .languages: "languages"
        case .modes: "modes"
        case .accreditedOnly: "accreditedOnly"
        case .excludedProviders: "excludeProviders"
        case .weeklyHours: "hoursPerWeek"
        }
    }
}

/// One change to the learner's limits that a relaxation makes.
public enum RelaxationChange: Sendable, Equatable, Hashable, Codable {
    case budget(from: Double, to: Double, currency: String)
    case maxHours(from: Double, to: Double)
    case deadline(from: Day, to: Day)
    /// More learning hours a week; `completes` is when the plan then finishes.
    case hoursPerWeek(from: Double, to: Double, completes: Day?)
    case addLanguages([String])
    case addModes([String])
    /// Credentials that are not accredited, accepted.
    case acceptUnaccredited([String])
    /// Providers no longer excluded.
    case includeProviders([String])

    public var code: String {
        switch self {
        case .budget: "raiseBudget"
        case .maxHours: "raiseMaxHours"
        case .deadline: "moveDeadline"
        case .hoursPerWeek: "raiseHoursPerWeek"
        case .addLanguages: "addLanguages"
        case .addModes: "addModes"
        case .acceptUnaccredited: "acceptUnaccredited"
        case .includeProviders: "includeProviders"
        }
    }
}

/// What a credential does in a plan.
public enum CredentialRole: Sendable, Equatable, Hashable, Codable {
    /// To take, counting toward these requirement paths.
    case countsToward([String])
    /// Held, counting toward these requirement paths.
    case heldCountsToward([String])
    /// To take only because these planned credentials require it (empty: the dependants are unknown).
    case prerequisiteOf([String])
    /// To take only because these planned credentials name it as a corequisite.
    case corequisiteOf([String])

    public var code: String {
        switch self {
        case .countsToward: "countsToward"
        case .heldCountsToward: "heldCountsToward"
        case .prerequisiteOf: "prerequisiteOf"
        case .corequisiteOf: "corequisiteOf"
        }
    }

    /// The role of `id` in `plan`, or `nil` when the plan neither takes nor counts it.
    public init?(of id: String, in plan: Plan) {
        if let paths = plan.applications[id] {
            self = plan.heldApplied.contains(id) ? .heldCountsToward(paths) : .countsToward(paths)
        } else if let dependants = plan.corequisiteOf[id] {
            self = .corequisiteOf(dependants)
        } else if plan.taken.contains(id) {
            self = .prerequisiteOf(plan.prerequisiteOf[id] ?? [])
        } else {
            return nil
        }
    }
}

extension Day: Codable {
    /// Written `YYYY-MM-DD`, as everywhere else.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date written YYYY-MM-DD")
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CredentialFilter: Codable {
    private enum Key: String, CodingKey { case ids, competencies, minEQF, maxEQF, kinds, providers, accredited }

    public init(from decoder: Decoder) throws {
        let fields = try decoder.container(keyedBy: Key.self)
        self.init(
            ids: try fields.decodeIfPresent([String].self, forKey: .ids),
            competencies: try fields.decodeIfPresent([String].self, forKey: .competencies),
            minEQF: try fields.decodeIfPresent(Int.self, forKey: .minEQF), maxEQF: try fields.decodeIfPresent(Int.self, forKey: .maxEQF),
            kinds: try fields.decodeIfPresent([CredentialKind].self, forKey: .kinds),
            providers: try fields.decodeIfPresent([String].self, forKey: .providers),
            accredited: try fields.decodeIfPresent(Bool.self, forKey: .accredited))
    }

    public func encode(to encoder: Encoder) throws {
        var fields = encoder.container(keyedBy: Key.self)
        try fields.encodeIfPresent(ids, forKey: .ids)
        try fields.encodeIfPresent(competencies, forKey: .competencies)
        try fields.encodeIfPresent(minEQF, forKey: .minEQF)
        try fields.encodeIfPresent(maxEQF, forKey: .maxEQF)
        try fields.encodeIfPresent(kinds, forKey: .kinds)
        try fields.encodeIfPresent(providers, forKey: .providers)
        try fields.encodeIfPresent(accredited, forKey: .accredited)
    }
}
