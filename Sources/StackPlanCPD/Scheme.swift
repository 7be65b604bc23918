import StackPlanCore

/// One regulator's continuing professional development (CPD) rules for one cycle, as data.
///
/// The model is small on purpose: a cycle, a unit with its conversions, categories, and a list
/// of rules of a few shapes (``CPDRule/Kind``), plus adjustments that change what a rule asks of
/// one practitioner. docs/cpd.md shows how each bundled regulator maps onto it.
public struct CPDScheme: Sendable, Equatable {
    public var id: String
    public var regulator: String
    public var jurisdiction: String
    public var professions: String
    public var title: String
    /// The source's own words on when the rules apply ("from 1 May 2025", "current").
    public var status: String
    /// The day these rules took effect, and the last day of the last cycle they govern, where the sources say.
    public var effective: Day?
    public var until: Day?
    public var sources: [String]
    public var cycle: CPDCycle
    public var unit: CPDUnit
    public var categories: [CPDCategory]
    /// The category of a free activity that names none; `nil` rejects such activities.
    public var defaultCategory: String?
    /// The activity type a planned catalogue credential has (GPhC counts "planned" learning).
    public var plannedType: String?
    public var rules: [CPDRule]
    public var adjustments: [CPDAdjustment]
    public var carryOver: CPDCarryOver?
    /// Activities dated before the first cycle count toward it (Poland's nurses, 2026).
    public var earlierCountInFirstCycle: Bool
    public var datingSource: String?
    /// What the source says that this model leaves out, in prose.
    public var notes: [String]

    public init(
        id: String, regulator: String = "", jurisdiction: String = "", professions: String = "", title: String = "",
        status: String = "", effective: Day? = nil, until: Day? = nil, sources: [String] = [], cycle: CPDCycle, unit: CPDUnit,
        categories: [CPDCategory], defaultCategory: String? = nil, plannedType: String? = nil, rules: [CPDRule],
        adjustments: [CPDAdjustment] = [], carryOver: CPDCarryOver? = nil, earlierCountInFirstCycle: Bool = false,
        datingSource: String? = nil, notes: [String] = []
    ) {
        self.id = id
        self.regulator = regulator
        self.jurisdiction = jurisdiction
        self.professions = professions
        self.title = title
        self.status = status
        self.effective = effective
        self.until = until
        self.sources = sources
        self.cycle = cycle
        self.unit = unit
        self.categories = categories
        self.defaultCategory = defaultCategory
        self.plannedType = plannedType
        self.rules = rules
        self.adjustments = adjustments
        self.carryOver = carryOver
        self.earlierCountInFirstCycle = earlierCountInFirstCycle
        self.datingSource = datingSource
        self.notes = notes
    }

    public func category(_ id: String) -> CPDCategory? { categories.first { $0.id == id } }
    public func rule(_ id: String) -> CPDRule? { rules.first { $0.id == id } }

    /// The scheme's own minimum total, before any adjustment: what a previous cycle had to reach.
    public var baseTotal: Double {
        rules.reduce(0) { sum, rule in
            if case .total(let minimum) = rule.kind { return max(sum, minimum) }
            return sum
        }
    }
}

/// When a cycle starts and ends.
public struct CPDCycle: Sendable, Equatable {
    public enum Anchor: Sendable, Equatable {
        /// Cycles follow one another from this first start (1 May for Irish doctors, 1 January for Italy's triennia).
        case fixed(firstStart: Day)
        /// Each practitioner's cycle ends on their own renewal date (NMC revalidation, GPhC renewal).
        case renewal
    }

    public var months: Int
    public var anchor: Anchor

    public init(months: Int, anchor: Anchor) {
        self.months = months
        self.anchor = anchor
    }
}

/// A cycle of one practitioner, both ends inclusive.
public struct CPDPeriod: Sendable, Equatable, CustomStringConvertible {
    public var start: Day
    public var end: Day
    /// The scheme's first cycle, which may accept earlier activities.
    public var isFirst: Bool

    public init(start: Day, end: Day, isFirst: Bool = false) {
        self.start = start
        self.end = end
        self.isFirst = isFirst
    }

    public var days: Int { end.ordinal - start.ordinal + 1 }
    public func contains(_ day: Day) -> Bool { start <= day && day <= end }
    public var description: String { "\(start) – \(end)" }
}

/// What the scheme counts in, and how hours and ECTS turn into it.
public struct CPDUnit: Sendable, Equatable {
    /// As the regulator names it: hours, credits, CEU, points, records.
    public var name: String
    /// Points per hour of learning; `nil` when the scheme sets points per form and an activity must state them.
    public var perHour: Double?
    /// Hours of learning per ECTS credit, for activities and credentials stated in ECTS.
    public var hoursPerECTS: Double
    /// Every accepted activity is worth this much whatever its length (GPhC counts records).
    public var perActivity: Double?
    /// Amounts are rounded down to a multiple of this (AMA PRA credit is claimed in quarter hours).
    public var increment: Double?
    public var source: String?
    public var assumed: Bool

    public init(
        name: String, perHour: Double? = 1, hoursPerECTS: Double = 25, perActivity: Double? = nil,
        increment: Double? = nil, source: String? = nil, assumed: Bool = false
    ) {
        self.name = name
        self.perHour = perHour
        self.hoursPerECTS = hoursPerECTS
        self.perActivity = perActivity
        self.increment = increment
        self.source = source
        self.assumed = assumed
    }

    /// Points for an activity of the given length, or `nil` when the length cannot be converted.
    public func points(hours: Double?, ects: Double?) -> Double? {
        if let perActivity { return perActivity }
        guard let perHour else { return nil }
        guard let learningHours = hours ?? ects.map({ $0 * hoursPerECTS }) else { return nil }
        return rounded(learningHours * perHour)
    }

    public func rounded(_ points: Double) -> Double {
        guard let increment, increment > 0 else { return points }
        // A hair of tolerance keeps 0.75 from becoming 0.5 after floating-point noise.
        return (points / increment + 1e-9).rounded(.down) * increment
    }
}

public struct CPDCategory: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var source: String?

    public init(id: String, name: String, description: String? = nil, source: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.source = source
    }
}

/// One requirement of a scheme, with its public source.
public struct CPDRule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// At least this many points in all, after caps.
        case total(Double)
        /// At least this many points from these categories together.
        case minimum(categories: [String], Double)
        /// At most this many points from these categories count; the rest is not counted.
        case maximum(categories: [String], Double)
        /// Each single activity (of these categories; all when `nil`) must bring at least `min`
        /// points to count at all, and counts for at most `max`.
        case perActivity(categories: [String]?, min: Double?, max: Double?)
        /// At least this many accepted activities of these categories and types (GPhC: 2 planned records).
        case count(categories: [String]?, types: [String]?, Int)
        /// Activities of at least this many different types (HCPC: a mixture of learning activities).
        case distinctTypes(categories: [String]?, Int)
        /// A figure the practitioner declares, not an activity: practice hours, reflective accounts.
        case declared(name: String, Double)
        /// An activity (of these categories; all when `nil`) counts only when the credential that
        /// evidences it was verified: its proof checked with the issuer's key, not expired or revoked.
        case verifiedEvidence(categories: [String]?)
    }

    public var id: String
    public var label: String
    public var kind: Kind
    public var source: String
    /// The figure is this project's reading where the source was silent or vague.
    public var assumed: Bool
    public var note: String?

    public init(id: String, label: String, kind: Kind, source: String, assumed: Bool = false, note: String? = nil) {
        self.id = id
        self.label = label
        self.kind = kind
        self.source = source
        self.assumed = assumed
        self.note = note
    }

    /// The categories the rule looks at; `nil` means every category.
    public var categories: [String]? {
        switch kind {
        case .total, .declared: nil
        case .minimum(let categories, _), .maximum(let categories, _): categories
        case .perActivity(let categories, _, _), .count(let categories, _, _), .distinctTypes(let categories, _): categories
        case .verifiedEvidence(let categories): categories
        }
    }

    /// Whether the rule is a requirement that a practitioner meets or misses (caps and per-activity limits only shape counting).
    public var isRequirement: Bool {
        switch kind {
        case .total, .minimum, .count, .distinctTypes, .declared: true
        case .maximum, .perActivity, .verifiedEvidence: false
        }
    }

    /// The base minimum a requirement asks for.
    public var minimum: Double? {
        switch kind {
        case .total(let value), .minimum(_, let value), .declared(_, let value): value
        case .count(_, _, let value), .distinctTypes(_, let value): Double(value)
        case .maximum, .perActivity, .verifiedEvidence: nil
        }
    }

    public var typeName: String {
        switch kind {
        case .total: "total"
        case .minimum: "minimum"
        case .maximum: "maximum"
        case .perActivity: "perActivity"
        case .count: "count"
        case .distinctTypes: "distinctTypes"
        case .declared: "declared"
        case .verifiedEvidence: "verifiedEvidence"
        }
    }

    public func covers(category: String?) -> Bool {
        guard let categories else { return true }
        return category.map(categories.contains) ?? false
    }

    /// Whether a count rule counts an accepted activity of this category and type.
    public func counts(category: String?, type: String?) -> Bool {
        guard covers(category: category) else { return false }
        if case .count(_, let types?, _) = kind { return type.map(types.contains) ?? false }
        return true
    }
}

/// A change to what rules ask of one practitioner: Italy's bonuses, pro-rata first years,
/// waivers for a first renewal.
public struct CPDAdjustment: Sendable, Equatable {
    public enum Condition: Sendable, Equatable {
        /// The record declares a positive value under this name.
        case declared(String)
        /// Points earned in the previous cycle lie in this range (both ends inclusive, either open).
        case previousCycle(min: Double?, max: Double?)
        /// The practitioner registered after the cycle began.
        case registeredDuringCycle
    }

    public enum Effect: Sendable, Equatable {
        /// Lower the rules' minimums by `amount` points, or by `fraction` of their base minimum.
        case reduce(amount: Double?, fraction: Double?)
        /// Raise the rules' minimums by `amount` points.
        case raise(amount: Double)
        /// The rules do not apply.
        case waive
        /// Scale the rules' minimums by the share of the cycle the practitioner was registered.
        case proRata
    }

    public var id: String
    public var label: String
    public var condition: Condition
    public var effect: Effect
    public var rules: [String]
    /// Multiply the effect by the declared value (years of university study), at most `maxUnits` times.
    public var perDeclaredUnit: Bool
    public var maxUnits: Double?
    public var source: String
    public var assumed: Bool

    public init(
        id: String, label: String, condition: Condition, effect: Effect, rules: [String],
        perDeclaredUnit: Bool = false, maxUnits: Double? = nil, source: String, assumed: Bool = false
    ) {
        self.id = id
        self.label = label
        self.condition = condition
        self.effect = effect
        self.rules = rules
        self.perDeclaredUnit = perDeclaredUnit
        self.maxUnits = maxUnits
        self.source = source
        self.assumed = assumed
    }
}

/// Points beyond the previous cycle's requirement that may count in this one.
public struct CPDCarryOver: Sendable, Equatable {
    /// At most this many points carry over; 0 states that the regulator allows none.
    public var max: Double
    /// The category carried points count in; `nil` counts them toward the total only.
    public var category: String?
    public var source: String
    public var assumed: Bool

    public init(max: Double, category: String? = nil, source: String, assumed: Bool = false) {
        self.max = max
        self.category = category
        self.source = source
        self.assumed = assumed
    }
}
