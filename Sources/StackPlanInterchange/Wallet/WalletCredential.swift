import StackPlanCore
import StackPlanVerification

/// What one achievement in a learner's wallet document states, as read, before it is matched
/// to the catalogue. Absent facts stay `nil`: the importer reports them rather than guess.
public struct WalletCredential: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case europass = "europass-elm3"
        case openBadges = "open-badges-3"
        case clr = "clr-2"
        /// The EU professional-training certificate of the EAA rulebook (DC4EU pilot), used for
        /// medical CPD: `ProfessionalTrainingCredential`, with hours and non-ECTS credits.
        case professionalTraining = "eu-professional-training"

        public var name: String {
            switch self {
            case .europass: "European Digital Credential (ELM 3)"
            case .openBadges: "Open Badges 3.0"
            case .clr: "Comprehensive Learner Record 2.0"
            case .professionalTraining: "EU professional training certificate"
            }
        }
    }

    /// A credit figure that is not ECTS, or whose unit the document does not name.
    public struct Credits: Sendable, Equatable, CustomStringConvertible {
        public var value: Double
        /// The credit framework's name; `nil` when the document names none.
        public var unit: String?
        /// Where the figure was read.
        public var path: String
        /// The credit framework's identifier (an ELM concept URI), when the document gives one.
        public var framework: String?

        public init(value: Double, unit: String?, path: String, framework: String? = nil) {
            self.value = value
            self.unit = unit
            self.path = path
            self.framework = framework
        }

        public var description: String {
            "\(formatted(value)) \(unit.map { "(\($0))" } ?? "(unit not stated)") at \(path)"
        }
    }

    public var file: String?
    public var format: Format
    /// JSONPath of the achievement in its file (a JWT's payload is addressed as `payload`).
    public var path: String
    /// The enclosing verifiable credential's id.
    public var credentialID: String?
    /// The achievement's (or learning specification's) own id, when the document gives one.
    public var achievementID: String?
    /// Every id and URL the document uses for what was achieved; catalogue matching looks for these.
    public var identifiers: [String] = []
    public var title: String?
    public var issuer: String?
    public var ects: Double?
    public var otherCredits: [Credits] = []
    public var hours: Double?
    public var eqf: Int?
    public var learningOutcomes: [String] = []
    /// Skill and topic labels: ESCO skills, Open Badges tags.
    public var skills: [String] = []
    /// The date of award or issue.
    public var earned: Day?
    /// The last day of the training itself (`trainingDuration.endDate`), when the document states it.
    public var completed: Day?
    /// Bodies that accredit the training or its provider (UEMS-EACCME, a national CME council).
    public var accreditedBy: [String] = []
    /// What the reader noticed on the way: variants it accepted, facts it could not use.
    public var notes: [String] = []
    /// What checking the enclosing credential's proof, issuer, dates and status found.
    public var verification: CredentialVerification?

    public init(file: String?, format: Format, path: String) {
        self.file = file
        self.format = format
        self.path = path
    }

    /// `file $.path`, for reports.
    public var location: String { "\(file ?? "(document)") \(path)" }
}
