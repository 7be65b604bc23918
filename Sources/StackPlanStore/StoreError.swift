import Foundation
import GRDB
import StackPlanCore

/// Why the store could not do what it was asked, in words a user can act on.
///
/// Every failure of the database underneath (SQLite through GRDB) arrives as one of these: no
/// SQLite result code or library type reaches a caller. Each case names the database file.
public enum StoreError: ClassifiedError, Equatable, Sendable {
    /// The file is not a StackPlan database: another program's SQLite database, or not SQLite
    /// at all. It was refused before anything was written to it.
    case notStackPlan(path: String)
    /// A StackPlan database written by a newer version, with changes this version does not know.
    case newerVersion(path: String)
    /// The file's pages are damaged: SQLite's integrity check fails, or a read met a damaged page.
    case damaged(path: String)
    /// One stored record cannot be read back, such as `credential "tcd-nu7812"`.
    case damagedRecord(path: String, record: String, reason: String)
    /// Another connection held the database's lock for longer than the store waits.
    case busy(path: String, waitedSeconds: Double)
    /// The disk (or the file's size limit) is full; the write was rolled back.
    case diskFull(path: String)
    /// The file or its folder cannot be written: read-only, or no permission.
    case notWritable(path: String)
    /// The database needs an upgrade before it can be read, and the store could not write it.
    case needsUpgrade(path: String)
    /// The file cannot be opened: missing, unreadable, or its folder does not exist.
    case cannotOpen(path: String, reason: String)
    /// The operating system reported an input/output error reading or writing the file.
    case ioError(path: String)
    /// A write was asked of a store opened with ``CatalogueStore/Access/readOnly``.
    case openedReadOnly(path: String)
    /// A failure the store does not expect of a healthy database: a fault of StackPlan's.
    case unexpected(path: String, reason: String)

    public var kind: ErrorKind {
        switch self {
        case .notStackPlan, .newerVersion, .damaged, .damagedRecord: .damagedData
        case .busy: .busy
        case .diskFull, .notWritable, .needsUpgrade, .cannotOpen, .ioError: .ioFailure
        case .openedReadOnly, .unexpected: .internalFault
        }
    }

    public var description: String {
        switch self {
        case .notStackPlan(let path):
            "\(path) is not a StackPlan database (another program's SQLite database, or not SQLite at all); it was left untouched"
        case .newerVersion(let path):
            "the database \(path) was written by a newer version of StackPlan; use that version"
        case .damaged(let path):
            "the database \(path) is damaged (its integrity check fails); restore it from a backup, or import the catalogues into a new database"
        case .damagedRecord(let path, let record, let reason):
            "record \(record) in \(path) is damaged: \(reason); import the record again"
        case .busy(let path, let seconds):
            "the database \(path) is in use by another process (waited \(Self.format(seconds)) s for it); try again when that process has finished"
        case .diskFull(let path):
            "cannot write to the database \(path): the disk is full; nothing was written"
        case .notWritable(let path):
            "cannot write to the database \(path): the file or its folder is read-only"
        case .needsUpgrade(let path):
            "the database \(path) was made by an older StackPlan and must be upgraded before it can be read, which needs write access to the file and its folder"
        case .cannotOpen(let path, let reason):
            "cannot open the database \(path): \(reason)"
        case .ioError(let path):
            "cannot read or write the database \(path): the disk or file system reported an input/output error"
        case .openedReadOnly(let path):
            "the database \(path) was opened for reading only"
        case .unexpected(let path, let reason):
            "unexpected failure of the database \(path): \(reason)"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds && seconds < 1e9 ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    /// The store's error for any error thrown while working on the database at `path`.
    ///
    /// `StoreError` and the core's errors pass unchanged; SQLite's and GRDB's become the case
    /// that says what happened, without SQLite's codes.
    static func translating(_ error: Error, path: String, busyTimeout: Double) -> Error {
        switch error {
        case is ClassifiedError, is InvalidDocument:
            return error
        case let error as DatabaseError:
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError.busy(path: path, waitedSeconds: busyTimeout)
            case .SQLITE_FULL: return StoreError.diskFull(path: path)
            case .SQLITE_CORRUPT: return StoreError.damaged(path: path)
            case .SQLITE_NOTADB: return StoreError.notStackPlan(path: path)
            case .SQLITE_READONLY, .SQLITE_PERM: return StoreError.notWritable(path: path)
            case .SQLITE_IOERR: return StoreError.ioError(path: path)
            case .SQLITE_CANTOPEN:
                return StoreError.cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path)
                    ? "the file or its folder cannot be opened (check their permissions)" : "no such file, or its folder does not exist")
            default:
                return StoreError.unexpected(path: path, reason: error.message ?? "SQLite gave no reason")
            }
        case is RowDecodingError:
            // A value of the wrong type in a column our own schema constrains: the file was changed behind our back.
            return StoreError.damaged(path: path)
        default:
            // Nothing else is expected from the database; its text may be a debug description.
            return StoreError.unexpected(path: path, reason: "an error StackPlan does not expect here")
        }
    }
}
