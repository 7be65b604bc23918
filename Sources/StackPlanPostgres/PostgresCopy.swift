import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// Table-by-table copies: `stackplan migrate` from a SQLite database, and the exact listing
/// its check compares with the SQLite side.
extension PostgresStore {
    /// Every row of every table of ``StoreTables/layouts`` in key order (byte order for text),
    /// booleans as 0 and 1 as SQLite holds them.
    public func exportTables() throws -> [StoredTable] {
        try read { connection in
            var tables: [StoredTable] = []
            for layout in StoreTables.layouts {
                let rows = try await connection.rows(
                    "SELECT \(layout.columns.map(quoted).joined(separator: ", ")) FROM \(quoted(layout.name)) ORDER BY \(layout.key.map(quoted).joined(separator: ", "))")
                tables.append(StoredTable(name: layout.name, columns: layout.columns, rows: try rows.map { row in
                    try row.map { cell in try Self.value(cell) }
                }))
            }
            return tables
        }
    }

    static func value(_ cell: PostgresCell) throws -> StoredValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Copies `tables` (a SQLite store's ``CatalogueStore/exportTables()``) into this database
    /// exactly, in one transaction: the same rows with the same ids, and the numbering of new
    /// rows continuing after them. Refuses, with nothing written, a database that holds any
    /// StackPlan record already.
    public func copyTables(_ tables: [StoredTable]) throws {
        let location = location
        try transaction { connection in
            try await Self.lockCatalogue(connection)
            for layout in StoreTables.layouts {
                if try await connection.count("SELECT count(*) FROM (SELECT 1 FROM \(quoted(layout.name)) LIMIT 1) AS probe") > 0 {
                    throw PostgresStoreError.notEmpty(location: location, table: layout.name)
                }
            }
            for layout in StoreTables.layouts {
                guard let table = tables.first(where: { $0.name == layout.name }) else { continue }
                try await connection.copy(into: layout.name, columns: table.columns, rows: table.rows.map { row in
                    row.map { value -> String? in
                        switch value {
                        case .null: nil
                        case .integer(let number): String(number)
                        case .real(let number): String(number)
                        case .text(let text): text
                        }
                    }
                })
                if let numbered = layout.numbered {
                    var binds = Binds()
                    try await connection.execute("SELECT setval(pg_get_serial_sequence(\(binds.add(quoted(layout.name))), \(binds.add(numbered))), "
                                                 + "(SELECT max(\(quoted(numbered))) FROM \(quoted(layout.name))))", binds)
                }
            }
        }
    }
}
