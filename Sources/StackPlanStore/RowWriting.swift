import GRDB
import GRDBSQLite

/// Runs a prepared statement once per row with SQLite's own binding calls.
///
/// GRDB's `execute(arguments:)` builds a `StatementArguments` and checks it against the
/// statement for every call: sound for a few rows, but at a million credentials (and two or three
/// side-table rows each) it cost the writing thread of an import about as much as SQLite's own
/// work on the row. The values here are already `DatabaseValue`s, made on the reading thread, and
/// every statement is one of the import's own, with as many parameters as values.
struct RowWriter {
    let statement: Statement
    let db: Database

    init(_ statement: Statement, _ db: Database) {
        self.statement = statement
        self.db = db
    }

    /// Binds `values` to the parameters in order and runs the statement to its end.
    func run(_ values: [DatabaseValue]) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(handle, index)
            case .int64(let integer): code = sqlite3_bind_int64(handle, index, integer)
            case .double(let double): code = sqlite3_bind_double(handle, index, double)
            case .string(var string):
                // SQLITE_TRANSIENT: SQLite copies the text before the buffer goes away. An empty
                // buffer may have no address, which SQLite would take for NULL.
                code = string.withUTF8 { text in
                    guard let start = text.baseAddress, !text.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
                    return start.withMemoryRebound(to: CChar.self, capacity: text.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(text.count), Self.transient)
                    }
                }
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// The failure as GRDB reports one, so that the store translates it as any other.
    private func error(_ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
