import ArgumentParser
import Foundation
import StackPlanCore

/// Exit codes, documented in docs/commands.md and the command's discussion text. Errors are
/// mapped by the kind they declare (``ErrorKind``), never by their type: one table, so that
/// no error can leave with a code that means something else.
enum Exit {
    static let noPlan = code(for: .noPlan)
    static let invalidInput = code(for: .invalidInput)
    static let solverStopped = code(for: .solverStopped)
    static let notFound = code(for: .notFound)
    static let internalError = code(for: .internalFault)
    static let ioFailure = code(for: .ioFailure)
    /// Wrong command-line grammar, as ArgumentParser reports it (sysexits' EX_USAGE).
    static let usage = ExitCode.validationFailure

    /// The one mapping from what went wrong to the code the shell sees.
    static func code(for kind: ErrorKind) -> ExitCode {
        switch kind {
        case .noPlan: ExitCode(1)
        case .invalidInput, .conflict: ExitCode(2)
        case .solverStopped: ExitCode(3)
        case .notFound: ExitCode(4)
        case .damagedData: ExitCode(65)
        case .internalFault: ExitCode(70)
        case .ioFailure: ExitCode(74)
        case .busy: ExitCode(75)
        }
    }

    /// The table as the help text and docs/commands.md state it.
    static let summary = """
        Exit codes: 0 success; 1 no plan exists (the target cannot be reached); 2 invalid input or a \
        conflict with what is stored (every problem is listed); 3 the solver's time limit passed before \
        any plan was found; 4 unknown id; 64 wrong command-line usage; 65 a stored file is damaged or \
        not a StackPlan database; 70 internal error; 74 reading or writing failed (a full disk, no \
        permission); 75 the database is busy: try again.
        """
}

/// A failure the command line itself finds (a file that cannot be read or written, a missing
/// scheme), with the words to print and the kind that decides the exit code.
struct CommandFailure: ClassifiedError {
    var kind: ErrorKind
    var message: String

    init(_ kind: ErrorKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// The line printed for an error: documents list their own problems, with the file first;
/// everything else reads "error: …".
func errorMessage(for error: ClassifiedError) -> String {
    if error is InvalidDocument { return error.description }
    let text = error.description
    return text.hasPrefix("error:") || text.hasPrefix("internal error:") ? text : "error: \(text)"
}

/// Runs a command body, turning every error into a message on standard error and the exit
/// code of its kind. ArgumentParser's own signals (an exit code already chosen, a usage error)
/// pass through untouched; an error that declares no kind is an internal fault (70), reported
/// plainly, never by its debug description.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ClassifiedError {
        printError(errorMessage(for: error))
        throw Exit.code(for: error.kind)
    } catch where isArgumentParserSignal(error) {
        throw error
    } catch {
        printError("internal error: an unexpected \(String(describing: type(of: error))) stopped the command; please report it with the command line that caused it")
        throw Exit.internalError
    }
}

/// Errors ArgumentParser throws on purpose (an exit code chosen, a usage error, a request for
/// help, which its help command throws from `run`): ArgumentParser answers them itself.
private func isArgumentParserSignal(_ error: Error) -> Bool {
    error is ExitCode || error is ValidationError || error is CleanExit
        || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
}
