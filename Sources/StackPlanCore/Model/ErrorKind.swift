/// What kind of failure an error is, declared by the error itself so that every front end
/// answers it the same way: the command line with an exit code, the service with an HTTP status.
///
/// Front ends map a kind, never an error type: a new error type needs no new case in any
/// front end, and an error that declares no kind is an internal fault.
public enum ErrorKind: Sendable, Hashable, CaseIterable {
    /// The question has no answer: no plan meets the target within the limits.
    case noPlan
    /// The input is wrong: a file, a record, a field or a flag; the message names which.
    case invalidInput
    /// The solver's limit passed before any answer was found.
    case solverStopped
    /// An id names nothing stored.
    case notFound
    /// The request contradicts what is stored (a stale version, a duplicate).
    case conflict
    /// A stored file is damaged, or is not a StackPlan database.
    case damagedData
    /// Reading or writing failed outside StackPlan: a full disk, a missing folder, no permission.
    case ioFailure
    /// Someone else holds what is needed (a database lock) for longer than we wait; try again.
    case busy
    /// A fault of StackPlan itself.
    case internalFault
}

/// An error that says what kind of failure it is and describes itself in words a user can
/// act on (never a Swift or SQLite internal).
public protocol ClassifiedError: Error, CustomStringConvertible {
    var kind: ErrorKind { get }
}

extension ErrorKind {
    /// The kind of any error: its own declaration, else an internal fault.
    public static func of(_ error: Error) -> ErrorKind {
        (error as? ClassifiedError)?.kind ?? .internalFault
    }
}
