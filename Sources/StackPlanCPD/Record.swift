import StackPlanCore

/// A practitioner's CPD record for one cycle: what they did, and what they declare.
public struct PractitionerRecord: Sendable, Equatable {
    public var id: String?
    public var name: String?
    /// The scheme the record is for; the command line's `--scheme` takes its place when given.
    public var scheme: String?
    /// The last day of the cycle assessed: the renewal date for rolling cycles.
    public var cycleEnds: Day?
    /// The day of assessment: later activities have not happened yet; a plan starts here.
    public var asOf: Day?
    public var registeredOn: Day?
    /// Points earned in the previous cycle, and what that cycle required, if different from the scheme's total.
    public var previousPoints: Double?
    public var previousRequired: Double?
    /// Figures that are not activities: practice hours, reflective accounts, an individual dossier.
    public var declarations: [String: Double]
    public var activities: [CPDActivity]
    /// Limits on a remediation plan, as a learner profile states them.
    public var constraints: LearnerConstraints

    public init(
        id: String? = nil, name: String? = nil, scheme: String? = nil, cycleEnds: Day? = nil, asOf: Day? = nil,
        registeredOn: Day? = nil, previousPoints: Double? = nil, previousRequired: Double? = nil,
        declarations: [String: Double] = [:], activities: [CPDActivity] = [], constraints: LearnerConstraints = LearnerConstraints()
    ) {
        self.id = id
        self.name = name
        self.scheme = scheme
        self.cycleEnds = cycleEnds
        self.asOf = asOf
        self.registeredOn = registeredOn
        self.previousPoints = previousPoints
        self.previousRequired = previousRequired
        self.declarations = declarations
        self.activities = activities
        self.constraints = constraints
    }
}

/// One thing a practitioner did: a credential of the catalogue, or a free activity.
public struct CPDActivity: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case credential(String)
        case free(title: String)
    }

    public var source: Source
    /// When it was completed.
    public var date: Day
    /// Length and points of a free activity; a credential's come from the catalogue.
    public var hours: Double?
    public var ects: Double?
    public var points: Double?
    public var category: String?
    /// Planned or unplanned, workshop or reading: what count and mixture rules look at.
    public var type: String?
    /// The credential that evidences the activity, with what checking its proof found.
    public var evidence: CPDEvidence?
    /// A catalogue credential a remediation plan would take: its evidence does not exist yet, and
    /// a rule that asks for verified evidence takes it on trust. Never read from or written to a record.
    public var isPlanned = false

    public init(
        _ source: Source, date: Day, hours: Double? = nil, ects: Double? = nil, points: Double? = nil,
        category: String? = nil, type: String? = nil, evidence: CPDEvidence? = nil
    ) {
        self.source = source
        self.date = date
        self.hours = hours
        self.ects = ects
        self.points = points
        self.category = category
        self.type = type
        self.evidence = evidence
    }

    public static func credential(_ id: String, date: Day, category: String? = nil, type: String? = nil) -> CPDActivity {
        CPDActivity(.credential(id), date: date, category: category, type: type)
    }

    public static func free(
        _ title: String, date: Day, hours: Double? = nil, points: Double? = nil, category: String? = nil, type: String? = nil
    ) -> CPDActivity {
        CPDActivity(.free(title: title), date: date, hours: hours, points: points, category: category, type: type)
    }

    public var credentialID: String? {
        if case .credential(let id) = source { return id }
        return nil
    }

    public var label: String {
        switch source {
        case .credential(let id): id
        case .free(let title): "\"\(title)\""
        }
    }
}

/// The evidence behind an activity: a wallet credential (a certificate of attendance, an EU
/// professional-training credential) and the result of checking its proof when it was imported
/// (`stackplan cpd import`). The record keeps the whole entry as written; the checker reads the
/// result, so that a scheme may count only activities whose evidence was verified.
public struct CPDEvidence: Sendable, Equatable {
    /// The three results of checking a credential's proof, issuer, dates and status.
    public enum Result: String, Sendable, CaseIterable {
        case verified, unverifiable, failed
    }

    /// What the check found; `nil` when the evidence records no check.
    public var result: Result?
    /// Why the evidence is not verified, as the check put it.
    public var reasons: [String]
    /// The entry as written in the record (`format`, `file`, `credential`, `issuer`, `credits`,
    /// `verification`, …): kept whole, so that writing the record back loses nothing.
    public var document: JSON

    public init(result: Result?, reasons: [String] = [], document: JSON) {
        self.result = result
        self.reasons = reasons
        self.document = document
    }

    public var isVerified: Bool { result == .verified }
}
