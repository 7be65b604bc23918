/// Plans side by side, toward one qualification or several: their figures in columns, then
/// which requirement each credential meets in each. StackPlanRendering writes it as text and JSON.
public struct PlanComparison: Sendable {
    public struct Column: Sendable {
        public var label: String
        public var plan: Plan
        public var request: PlanRequest

        public init(label: String, plan: Plan, request: PlanRequest) {
            self.label = label
            self.plan = plan
            self.request = request
        }
    }

    /// One plan's figures as the comparison shows them.
    public struct Summary: Sendable, Equatable, Codable {
        public var cost: Double
        public var hours: Double
        public var ects: Double
        public var countedECTS: Double
        public var credentials: Int
        /// ECTS to take at each EQF level.
        public var eqfMix: [Int: Double]
        public var providers: [String]
        /// Credentials to take in each mode.
        public var modes: [String: Int]
        public var completes: Day?
    }

    public let columns: [Column]
    public let catalogue: Catalogue

    public init(_ columns: [Column], catalogue: Catalogue) {
        self.columns = columns
        self.catalogue = catalogue
    }

    public func summary(of plan: Plan) -> Summary {
        let credentials = plan.taken.compactMap(catalogue.credential)
        var eqf: [Int: Double] = [:]
        var modes: [String: Int] = [:]
        for credential in credentials {
            eqf[credential.eqf, default: 0] += credential.credits
            modes[credential.mode.rawValue, default: 0] += 1
        }
        return Summary(
            cost: plan.totals.cost, hours: plan.totals.hours, ects: plan.totals.ects, countedECTS: plan.totals.countedECTS,
            credentials: plan.taken.count, eqfMix: eqf, providers: Array(Set(credentials.map(\.provider))).sorted(), modes: modes,
            completes: plan.completes)
    }

    /// Every credential taken or held item counted in some plan, in order of first appearance.
    public var rowIDs: [String] {
        var seen: [String] = []
        for column in columns {
            for id in column.plan.taken + column.plan.heldApplied where !seen.contains(id) { seen.append(id) }
        }
        return seen
    }

    /// What `id` does in `plan`: counts toward requirements (held or taken), or is a prerequisite.
    public func role(of id: String, in plan: Plan) -> CredentialRole? { CredentialRole(of: id, in: plan) }

    /// The qualifications the plans lead to, in order of first appearance.
    public var targets: [Qualification] {
        var seen: [Qualification] = []
        for column in columns where !seen.contains(where: { $0.id == column.plan.qualification.id }) { seen.append(column.plan.qualification) }
        return seen
    }

    /// Whether every plan leads to the same qualification.
    public var sharesOneTarget: Bool { targets.count <= 1 }
}
