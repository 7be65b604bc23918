/// What a store may leave unread when it loads the candidates of one plan request, so that the
/// candidates read depend on the qualification's rules rather than on the catalogue's size
/// (docs/formulation.md §5.1, docs/performance.md "Scale").
///
/// Two cuts, both decided on columns a store holds:
///
/// - **Learner limits**: a credential outside the learner's modes, languages, accreditation or
///   providers is no candidate, so it need not be read. (The diagnosis of a request with no
///   plan names such credentials: a caller plans again on the uncut candidates then.)
/// - **Dominance at one ECTS level**: among credentials that `credits` leaves accept, group
///   them by the leaves that accept them, the caps they match and their ECTS. A member k of a
///   group is a *sure dominator* when it has no prerequisites and no overlaps, no stored
///   credential names it in its prerequisites or overlaps, the learner may take it, and it is
///   not held. If a group has ``dominatorsNeeded(leaves:ects:)`` sure dominators whose measure
///   (fee or hours, the request's only compared measure, which is also an objective) is at most
///   t (ties broken by id), every member whose measure is above t is in no optimal plan *as a
///   credential applied to the tree*: those dominators beat it as ``Dominance`` argues (same
///   leaves, same caps, the same ECTS, strictly better in the objective). The store reads only
///   members at or below t, then the prerequisite closure of what it read. That closure brings
///   back any cut member a read credential needs, so a member named in some prerequisite is cut
///   too: take an optimal plan holding a credential outside the closure and, of those, one no
///   credential of the plan names (the prerequisite graph has no cycles); it is applied to the
///   tree only, so the argument replaces it by a dominator, a contradiction. The number read
///   depends on the leaves' thresholds and the ECTS levels, not on the catalogue's size.
///
/// The cut is made for the request without limits outside its objectives (a budget when cost is
/// not an objective): ``Planner`` plans that request first. When its plan breaks such a limit,
/// ``coversLimits`` is false and the caller must plan again on the uncut candidates.
///
/// With a schedule, a group holds only credentials of the same runs (``comparesRuns``): both
/// self-paced, with the same learning hours and as many weeks (the stated weeks, or more when
/// the hours need more at the learner's weekly hours), so that a dominator can run exactly when
/// the member it replaces ran (``Dominance``'s first rule for runs). A credential with dated
/// offerings is then never cut and never a dominator.
public struct CandidateCut: Sendable, Equatable {
    /// The measure candidates are compared on.
    public enum Measure: Sendable, Equatable {
        /// Fee in the base currency.
        case cost
        /// Learning hours: stated, else ECTS times ``CandidateCut/hoursPerECTS``.
        case hours
    }

    /// A `credits` or `count` leaf of the target's tree, references to other qualifications expanded.
    public struct Leaf: Sendable, Equatable {
        public var filter: CredentialFilter
        public var minimum: Double
        /// Whether credentials it accepts may be compared at all: a plain `credits` leaf. Swapping
        /// one credential for another can change how a `count` leaf is met, or how applied
        /// credentials spread over a `distinct` rule's values (``Dominance`` leaves those alone too).
        public var comparable: Bool
        /// Whether it accepts only credentials with ECTS (`credits`; a `count` leaf takes any).
        public var needsCredits: Bool
    }

    /// Every `credits` and `count` leaf, in the tree's order.
    public let leaves: [Leaf]
    /// Every `maxCredits` cap's filter, in the tree's order.
    public let caps: [CredentialFilter]
    /// Ids named by `credential` leaves: never cut (they are not in a group).
    public let namedIDs: Set<String>
    /// The learner's held catalogue credentials: never candidates, never dominators.
    public let heldIDs: Set<String>
    /// What no plan may take, so never a candidate and never a dominator: the credentials held
    /// and those withdrawn (retired ones the service leaves out, a what-if's withdrawals). A
    /// withdrawn credential counted as a dominator would cut the credential a plan needs.
    public var unavailableIDs: Set<String> { heldIDs.union(withdrawnIDs) }
    /// Credentials the request withdraws (``PlanRequest/withdrawn``).
    public let withdrawnIDs: Set<String>
    /// The learner's limits that say which credentials they may take.
    public let constraints: LearnerConstraints
    /// The measure of the dominance cut; `nil` when only the learner limits cut.
    public let measure: Measure?
    public let hoursPerECTS: Double
    /// The learner's weekly hours when the request has a schedule: groups then also share
    /// learning hours and self-paced weeks, dominators are self-paced, and credentials with
    /// dated offerings are kept.
    public let scheduleHoursPerWeek: Double?
    /// Whether groups are compared on their runs too (the request has a schedule).
    public var comparesRuns: Bool { scheduleHoursPerWeek != nil }
    /// Where a store's count of self-paced weeks saturates, as ``ScheduleSettings``' does. A
    /// store computes the weeks as ``ScheduleSettings`` does, the same double arithmetic in the
    /// same order (hours over weekly hours less 1e-9, rounded up; at least the stated weeks and
    /// 1; at most this), so that SQL and Swift agree on which runs are the same.
    public static let longestRunWeeks = ScheduleSettings.longestRunWeeks
    /// The qualification's ECTS less those of credentials named by required `credential`
    /// leaves, which count in every plan.
    public let remainingTotal: Double
    /// Whether the cut holds for the request with all its limits; when false, a plan that breaks
    /// a budget or hours limit outside the objectives must be planned again on uncut candidates.
    public let coversLimits: Bool

    /// The cut for `request`, given a catalogue holding at least its target, every qualification
    /// the target refers to and the credentials `credential` leaves name. `nil` when nothing may
    /// be cut: an advisor's exceptions or a limit to places (these depend on what only the whole
    /// record says), or pruning turned off. Withdrawn credentials are left out of
    /// the cut's reading, as held ones are (``unavailableIDs``).
    public init?(request: PlanRequest, catalogue: Catalogue) {
        guard request.pruneDominated, request.exceptions.isEmpty,
              request.constraints.places == nil, let qualification = catalogue.qualification(request.target) else { return nil }
        let planned = request.withoutLimitsOutsideObjectives ?? request
        coversLimits = request.withoutLimitsOutsideObjectives == nil
        let tree = RequirementTree(qualification, in: catalogue)
        var leaves: [Leaf] = [], caps: [CredentialFilter] = [], named: Set<String> = []
        for node in tree.nodes {
            switch node.kind {
            case .credits(let minimum, let filter):
                leaves.append(Leaf(filter: filter, minimum: minimum, comparable: node.distinct == nil, needsCredits: true))
            case .count(_, let filter):
                // Read like the others (a group touching it is never cut), so that what it accepts is a candidate.
                leaves.append(Leaf(filter: filter, minimum: 0, comparable: false, needsCredits: false))
            case .maxCredits(_, let filter): caps.append(filter)
            case .credential(let id): named.insert(id)
            default: break
            }
        }
        self.leaves = leaves
        self.caps = caps
        namedIDs = named
        heldIDs = request.heldCatalogueIDs
        withdrawnIDs = request.withdrawn
        constraints = planned.constraints
        hoursPerECTS = request.hoursPerECTS
        scheduleHoursPerWeek = request.schedule?.hoursPerWeek
        remainingTotal = qualification.ects - CandidateSelection.forcedECTS(tree: tree, catalogue: catalogue)
        // As Dominance compares: one measure, which is an objective; otherwise learner limits only.
        let objectives = Set(planned.objectives)
        var compared: [Measure] = []
        if objectives.contains(.cost) || planned.constraints.budget != nil { compared.append(.cost) }
        if objectives.contains(.workload) || planned.constraints.maxHours != nil { compared.append(.hours) }
        // A filter the store reads wider than it is would put credentials in groups they are
        // not in (CutExactnessTests.aFilterTheStoreCannotSayIsNotCompared): learner limits only.
        let grouped = leaves.allSatisfy(\.filter.isStoreExpressible) && caps.allSatisfy(\.isStoreExpressible)
        if grouped, compared.count == 1, objectives.contains(compared[0] == .cost ? .cost : .workload) {
            measure = compared[0]
        } else {
            measure = nil
        }
    }

    /// How many sure dominators a credential accepted by exactly the leaves at `leaves`
    /// (positions in ``leaves``) with `ects` credits needs before it can be cut: D_j of
    /// docs/formulation.md §5.1. Infinite when the count would not be finite, or when a leaf at
    /// `leaves` is not ``Leaf/comparable``.
    public func dominatorsNeeded(leaves positions: [Int], ects: Double) -> Double {
        guard ects > 0, positions.allSatisfy({ leaves[$0].comparable }) else { return .infinity }
        let needed = positions.reduce(0.0) { $0 + (leaves[$1].minimum / ects).rounded(.up) } + max(0, (remainingTotal / ects).rounded(.up))
        return needed.isFinite ? needed : .infinity
    }

    /// Thrown by a ``Planner`` whose catalogue was cut when the request needs candidates the cut
    /// left out: it has no plan (its diagnosis needs them) or its plan within the limits differs
    /// from the one without them. The caller plans again on every candidate.
    public struct Uncovered: Error, ClassifiedError, CustomStringConvertible {
        public var kind: ErrorKind { .internalFault }
        public var description: String { "internal error: the candidates were read for a request with fewer limits; plan again on every candidate" }
    }
}
