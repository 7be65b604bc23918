import MILP

/// A chosen stack of credentials toward a qualification, with how each one counts.
public struct Plan: Sendable {
    public struct Totals: Sendable, Equatable {
        /// Fees of the credentials to take, in the catalogue's base currency.
        public var cost: Double
        /// Learning hours of the credentials to take.
        public var hours: Double
        /// ECTS of the credentials to take.
        public var ects: Double
        /// ECTS counted toward the qualification, held and planned.
        public var countedECTS: Double
    }

    public struct UnusedHeld: Sendable, Equatable, Codable {
        public var id: String
        public var title: String
        public var reason: HeldUnusedReason

        public init(id: String, title: String, reason: HeldUnusedReason) {
            self.id = id
            self.title = title
            self.reason = reason
        }
    }

    public struct ModelSize: Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        public var integerColumns: Int
        public var nonZeros: Int
    }

    public var qualification: Qualification
    public var status: SolveStatus
    public var objectives: [Objective]
    /// One value per objective, in priority order.
    public var objectiveValues: [Double]
    /// Relative optimality gap: 0 when proven optimal.
    public var gap: Double?
    /// Credential ids to take, in id order.
    public var taken: [String]
    /// How many times a repeatable credential is taken, for those taken more than once; each
    /// further taking counts as an item of its own, `c[2]`, `c[3]` (``takingID(_:_:)``).
    public var repeats: [String: Int] = [:]
    /// Ids of held credentials counted toward the qualification (`held[N]` for external ones).
    public var heldApplied: [String]
    /// Every counted item's leaf paths, such as `requires.allOf[0]`.
    public var applications: [String: [String]]
    /// Credentials taken only because a planned credential requires them, with those dependants.
    public var prerequisiteOf: [String: [String]]
    /// Credentials taken only because planned credentials name them as corequisites, with those
    /// credentials: taken in the same plan, not necessarily first.
    public var corequisiteOf: [String: [String]] = [:]
    public var unusedHeld: [UnusedHeld]
    public var totals: Totals
    public var modelSize: ModelSize
    public var today: Day
    /// When the request asked for a schedule: when each credential to take runs.
    public var schedule: [ScheduleOption]?
    /// The last day of the last credential, when scheduled (the start day when nothing is to be taken).
    public var completes: Day?
    /// After their first two years of weekly start times, self-paced credentials could start every this many weeks.
    public var startGridWeeks: Int?
}

extension Plan {
    /// The item id of the `time`-th taking of a repeatable credential (2 and up): `c[2]`.
    /// Identifiers hold no brackets, so it names no catalogue credential.
    public static func takingID(_ id: String, _ time: Int) -> String { "\(id)[\(time)]" }

    /// The credential and the time of a further taking's item id, `nil` for any other id.
    public static func taking(_ itemID: String) -> (id: String, time: Int)? {
        guard itemID.hasSuffix("]"), let open = itemID.lastIndex(of: "["), open > itemID.startIndex,
              let time = Int(itemID[itemID.index(after: open)..<itemID.index(before: itemID.endIndex)]), time >= 2 else { return nil }
        return (String(itemID[..<open]), time)
    }

    /// The credential a taking's id names: `c` for `c[2]`, the id itself for a first taking.
    /// Only for ids of takings (a held external item's `held[N]` is none).
    public static func credentialID(ofTaking id: String) -> String { taking(id)?.id ?? id }

    /// How many times the plan takes a credential: 0, 1, or its repeats.
    public func times(_ id: String) -> Int { repeats[id] ?? (taken.contains(id) ? 1 : 0) }

    /// Every taking's item id, in credential id order: `c`, then `c[2]`, `c[3]` for a repeated one.
    public var takings: [String] { Self.takings(taken, repeats: repeats) }

    /// The takings of `taken` (credential ids) with `repeats`, as ``takings`` lists them.
    public static func takings(_ taken: [String], repeats: [String: Int]) -> [String] {
        taken.flatMap { id in [id] + (repeats[id].map { $0 >= 2 ? (2...$0).map { takingID(id, $0) } : [] } ?? []) }
    }
}

public enum PlanOutcome: Sendable {
    case planned(Plan)
    /// No plan exists; the diagnosis says which requirements or limits stand in the way.
    case infeasible(Diagnosis)
    /// The solver's time limit passed before it found any plan.
    case stopped(SolveStatus)

    /// The plan, when there is one.
    public var plan: Plan? {
        if case .planned(let plan) = self { return plan }
        return nil
    }
}

/// The plans of a cost–time frontier (``Planner/frontier(_:limit:)``), earliest first, and why the
/// list ends there.
public struct Frontier: Sendable {
    /// Why the list ends.
    public enum End: String, Sendable {
        /// Every plan of the frontier is listed: no plan is cheaper than the last.
        case complete
        /// The list reached its most plans: cheaper plans that finish later may follow.
        case limit
        /// The time ran out before the next plan was found or proven the earliest among the
        /// cheaper ones: cheaper plans that finish later may exist, and the last plan may not
        /// be the earliest for its cost (its ``Plan/status`` says).
        case timeLimit
    }

    /// Each plan finishes later and costs less than the one before.
    public var plans: [Plan]
    public var end: End

    public init(plans: [Plan], end: End) {
        self.plans = plans
        self.end = end
    }

    /// What follows one point of the ε-constraint method, planned under `budget`: the budget of
    /// the next point (it must save at least a cent), or why the frontier ends at this one.
    public static func next(after outcome: PlanOutcome, budget: Double?) -> Step {
        guard case .planned(let plan) = outcome else {
            // No cheaper plan at all, or none found before the time ran out.
            if case .infeasible = outcome { return .end(.complete) }
            return .end(.timeLimit)
        }
        // A point only found, not proven the earliest, leaves the rest unproven too.
        guard plan.status == .optimal else { return .end(.timeLimit) }
        let next = min(budget ?? .infinity, plan.totals.cost - 0.01)
        return next < 0 ? .end(.complete) : .budget(next)
    }

    /// See ``next(after:budget:)``.
    public enum Step: Equatable {
        case budget(Double)
        case end(End)
    }
}
