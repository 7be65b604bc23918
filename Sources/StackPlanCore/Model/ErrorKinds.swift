import MILP

// The kinds of the MILP layer's errors, which cannot see the core's ErrorKind.

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
