// The JSON and CSV readers live in StackPlanText, below the core; everything above the core sees
// them through it, as if they were the core's own.
@_exported import StackPlanText

extension JSONSyntaxError: ClassifiedError {
    public var kind: ErrorKind { .invalidInput }
}

extension CSVReader.SyntaxError: ClassifiedError {
    public var kind: ErrorKind { .invalidInput }
}

extension StreamError: ClassifiedError {
    /// A file that cannot be opened or written is a fault outside StackPlan (a missing folder,
    /// no permission, a full disk).
    public var kind: ErrorKind { .ioFailure }
}
