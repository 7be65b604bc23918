import MILP

// The kinds of the core's own errors, and of the MILP layer's, which cannot see the core.

extension PlanningError: ClassifiedError {
    public var kind: ErrorKind {
        switch self {
        case .unknownTarget: .notFound
        case .invalidRequest, .invalidLearner: .invalidInput
        case .inconsistentPlan: .internalFault
        }
    }
}

extension ModelError: ClassifiedError {
    /// A model the core built wrongly is a fault of StackPlan; only a bad option (from a flag)
    /// is the user's, and a file GLPK cannot write is the system's.
    public var kind: ErrorKind {
        switch self {
        case .invalidOption: .invalidInput
        case .cannotWrite: .ioFailure
        case .nonFiniteBound, .emptyDomain, .unknownVariable, .nonFiniteCoefficient, .nonFiniteRightHandSide,
             .invalidModel, .solverFailed: .internalFault
        }
    }
}
