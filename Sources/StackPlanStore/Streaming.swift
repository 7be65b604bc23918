import Foundation
import GRDB
import StackPlanCore

/// A credential as a listing shows it, read from the columns without its document.
public struct CredentialListing: Sendable, Equatable {
    public var id: String
    public var title: String
    public var provider: String
    public var kind: String
    public var ects: Double?
    public var eqf: Int
    public var cost: Double
    public var currency: String?
    public var mode: String
}

/// Reading a catalogue of any size a record at a time, or only the records one document names:
/// what `list`, `show` and a learner's `validate` need, without the whole catalogue in memory.
extension CatalogueStore {
    /// Calls `body` with every credential that meets `query`, in id order, one at a time from
    /// the columns (no document is decoded), inside one read: memory does not grow with the catalogue.
    public func forEachCredentialListing(matching query: CredentialQuery = CredentialQuery(), _ body: (CredentialListing) throws -> Void) throws {
        guard let (condition, arguments) = Self.condition(query) else { return }
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, title, providerId, kind, ects, eqf, cost, currency, mode FROM credential WHERE \(condition) ORDER BY id",
                arguments: arguments)
            while let row = try rows.next() {
                let id: String = try row.decode(atIndex: 0)
                do {
                    try body(CredentialListing(
                        id: id, title: try row.decode(atIndex: 1), provider: try row.decode(atIndex: 2), kind: try row.decode(atIndex: 3),
                        ects: try row.decode(atIndex: 4), eqf: try row.decode(atIndex: 5), cost: try row.decode(atIndex: 6),
                        currency: try row.decode(atIndex: 7), mode: try row.decode(atIndex: 8)))
                } catch is RowDecodingError {
                    throw DamagedRecord(record: "credential \"\(id)\"", reason: "a column holds a value of the wrong type")
                }
            }
        }
    }

    /// The stored records of the given ids that exist, as a catalogue with the stored base
    /// currency and rates; with `expandingQualifications`, also every qualification the given
    /// ones refer to and the credentials their `credential` leaves name (what describing a
    /// requirement tree needs), and every provider. Full records, as imported.
    public func records(
        credentials credentialIDs: [String] = [], qualifications qualificationIDs: [String] = [], providers providerIDs: [String] = [],
        expandingQualifications: Bool = false
    ) throws -> Catalogue {
        try read { db in
            var qualifications: [StoredDocument] = []
            var credentials = Set(credentialIDs)
            var seen: Set<String> = []
            var pending = qualificationIDs
            while !pending.isEmpty {
                let found = try Self.documents("qualification", ids: pending.filter { seen.insert($0).inserted }, db)
                qualifications += found
                pending = []
                guard expandingQualifications else { break }
                for qualification in try Self.catalogue(qualifications: found, db).qualifications {
                    pending += Self.qualificationReferences(qualification.requires).filter { !seen.contains($0) }
                    Self.credentialLeafIDs(qualification.requires, into: &credentials)
                }
            }
            let providers = expandingQualifications
                ? try Self.storedDocuments("provider", where: nil, db) : try Self.documents("provider", ids: providerIDs, db)
            return try Self.catalogue(
                providers: providers, credentials: try Self.documents("credential", ids: Array(credentials), db),
                qualifications: qualifications, db)
        }
    }
}
