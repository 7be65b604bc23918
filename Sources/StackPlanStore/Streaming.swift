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

    /// Calls `body` with every credential that meets `query`, full records as imported, in id
    /// order, decoding a few hundred stored documents at a time inside one read: what
    /// `list credentials --json` prints, without the catalogue in memory.
    public func forEachCredential(matching query: CredentialQuery = CredentialQuery(), _ body: (Credential) throws -> Void) throws {
        guard let (condition, arguments) = Self.condition(query) else { return }
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, document FROM credential WHERE \(condition) ORDER BY id", arguments: arguments)
            var batch: [StoredDocument] = []
            func flush() throws {
                for credential in try Self.catalogue(credentials: batch, db).credentials { try body(credential) }
                batch.removeAll(keepingCapacity: true)
            }
            while let row = try rows.next() {
                let id: String = try row.decode(atIndex: 0)
                guard let text: String = try? row.decode(atIndex: 1) else {
                    throw DamagedRecord(record: "credential \"\(id)\"", reason: "its stored document is missing")
                }
                batch.append(StoredDocument(table: "credential", id: id, text: text))
                if batch.count >= 500 { try flush() }
            }
            try flush()
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

/// Importing a catalogue file a batch of credentials at a time.
extension CatalogueStore {
    /// Why a streamed import stopped: the document has something to report, or a shape the
    /// streamed reading does not take. Nothing was written; the caller imports it whole, so this
    /// never reaches a user (classified so that the store passes it through untranslated).
    struct WholeDocumentNeeded: Error, ClassifiedError {
        var kind: ErrorKind { .internalFault }
        var description: String { "internal error: the document must be imported whole" }
    }

    /// Credentials read, validated and written per batch in a streamed import.
    static let streamedBatchSize = 2_000

    /// Imports the catalogue document in the file at `path` (format stackplan/1) in one
    /// transaction, a batch of credentials at a time, so that memory does not grow with the file
    /// (``CatalogueFileStream``). Everything ``importCatalogue(_:file:)`` checks is checked: each
    /// batch as it is read, then what spans batches once every credential is written (references
    /// between credentials, prerequisite cycles, the qualifications' references).
    ///
    /// Returns `nil`, with nothing written, when the document has anything to report (an error or
    /// a warning) or a shape the streamed reading does not take: import it whole then, which
    /// reports every problem with its JSON path as before. Throws ``StoreError`` as an import does.
    public func importStreaming(path: String) throws -> ImportSummary? {
        try importStreaming(path: path, batchSize: Self.streamedBatchSize)
    }

    /// Imports one JSON catalogue, read as ``importStreaming(path:)`` reads it, into a database
    /// that does not exist yet (no file, or an empty one), writing each page once.
    ///
    /// A database is kept in write-ahead-log mode, where a transaction's pages go to the log
    /// and are copied into the file after: for a new national catalogue (a file of a gigabyte)
    /// that is a second writing of all of it, and every page read while the indexes are built
    /// is looked up in the log first. Here the database is made and filled in rollback-journal
    /// mode, where pages added past the file's end need no journal (undoing them is cutting the
    /// file back), and is then put into write-ahead-log mode like every other.
    ///
    /// Returns `nil` with nothing imported when `database` is not new, and when the document
    /// needs the whole reading (the database then exists, empty): import it as usual then.
    public static func importStreaming(
        path file: String, intoNewDatabase database: String, busyTimeout: Double = CatalogueStore.defaultBusyTimeout
    ) throws -> ImportSummary? {
        try importStreaming(path: file, intoNewDatabase: database, busyTimeout: busyTimeout, batchSize: streamedBatchSize)
    }

    static func importStreaming(path file: String, intoNewDatabase database: String, busyTimeout: Double, batchSize: Int) throws -> ImportSummary? {
        guard fileSize(database) == 0, fileSize(database + "-wal") == 0,
              let stream = CatalogueFileStream(path: file) else { return nil }
        let timeout = Self.clamped(busyTimeout: busyTimeout)
        do {
            let queue = try DatabaseQueue(path: database, configuration: configuration(busyTimeout: timeout, readonly: false))
            var summary: ImportSummary?
            do {
                try Schema.migrator.migrate(queue)
                try queue.writeWithoutTransaction { db in
                    do {
                        try db.inTransaction(.immediate) {
                            summary = try Self.importStreaming(stream, batchSize: batchSize, db)
                            return .commit
                        }
                    } catch is WholeDocumentNeeded {
                        summary = nil
                    }
                    // Every later opening is a pool's, which reads and writes through the log.
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }
            } catch {
                try? queue.close()
                throw error
            }
            try queue.close()
            return summary
        } catch {
            throw StoreError.translating(error, path: database, busyTimeout: timeout)
        }
    }

    func importStreaming(path: String, batchSize: Int) throws -> ImportSummary? {
        guard let stream = CatalogueFileStream(path: path) else { return nil }
        do {
            return try write { db in try Self.importStreaming(stream, batchSize: batchSize, db) }
        } catch is WholeDocumentNeeded {
            return nil
        }
    }

    static func importStreaming(_ stream: CatalogueFileStream, batchSize: Int, _ db: Database) throws -> ImportSummary {
        let shell = stream.shell
        let storedBase = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'")
        let hasCredentials = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM credential)") ?? false
        if let storedBase, storedBase != shell.baseCurrency, hasCredentials { throw WholeDocumentNeeded() }
        guard StoredText.problems(in: shell).isEmpty else { throw WholeDocumentNeeded() }
        // What is stored that the document may refer to: providers, rates and qualifications (few).
        let stored = try Self.catalogue(
            providers: try Self.storedDocuments("provider", where: nil, db), qualifications: try Self.storedDocuments("qualification", where: nil, db), db)
        var context = Catalogue(baseCurrency: stored.baseCurrency, exchangeRates: stored.exchangeRates, providers: stored.providers)
        for qualification in shell.qualifications + stored.qualifications { context.upsert(qualification) }

        let before = try Self.rowCounts(db)
        try Self.writeSettings(baseCurrency: shell.baseCurrency, exchangeRates: shell.exchangeRates, db)
        try Self.writeProviders(shell.providers, db)
        var written = 0
        var rebuilt: [(name: String, sql: String)]?
        // Batches are read, validated and made into rows on a thread of their own while this
        // one writes the last (ReadAhead): the stream is used there only, until it has ended.
        let settings = try Self.catalogue(db)
        let reading = SendableStream(stream), known = context
        let read = try ReadAhead.run(depth: 2, produce: { (emit: ([CredentialRows]) throws -> Void) in
            try reading.stream.readCredentials(batchSize: batchSize, context: known) { batch in
                guard StoredText.problems(in: batch).isEmpty else { throw WholeDocumentNeeded() }
                try emit(batch.credentials.map { CredentialRows($0, settings: settings) })
            }
        }, consume: { rows in
            if rebuilt == nil && written + rows.count >= Self.indexRebuildThreshold { rebuilt = try Self.dropCredentialIndexes(db) }
            // Ids are distinct across the whole stream (else it is imported whole), so into an
            // empty table nothing is replaced.
            try Self.writeCredentials(rows, replacing: hasCredentials, db)
            written += rows.count
        })
        guard let credentials = read else { throw WholeDocumentNeeded() }
        for index in rebuilt ?? [] { try db.execute(sql: index.sql) }

        // Every credential named across batches is now written, or was stored.
        let outside = Array(credentials.namedOutsideTheirBatch).sorted()
        guard StoredText.lookupable(outside) == outside else { throw WholeDocumentNeeded() }
        for start in stride(from: 0, to: outside.count, by: 500) {
            let chunk = Array(outside[start..<min(start + 500, outside.count)])
            let found = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM credential WHERE id IN (\(Self.marks(chunk.count)))", arguments: StatementArguments(chunk)) ?? 0
            guard found == chunk.count else { throw WholeDocumentNeeded() }
        }
        // No prerequisite cycle through any stored credential, the document's included.
        var edges: [String: [String]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT c.id, j.value FROM credential c, json_tree(c.prerequisites) j
                WHERE c.prerequisites IS NOT NULL AND j.key = 'credential' AND j.type = 'text'
            """)
        while let row = try rows.next() {
            let credential: String = try row.decode(atIndex: 0), named: String = try row.decode(atIndex: 1)
            edges[credential, default: []].append(named)
        }
        guard !CatalogueFileStream.hasCycle(edges) else { throw WholeDocumentNeeded() }
        // The qualifications, against the credentials they name as they now are.
        var named: Set<String> = []
        for qualification in shell.qualifications { Self.collectNamedCredentials(qualification.requires, into: &named) }
        var existing = Catalogue(
            baseCurrency: stored.baseCurrency, exchangeRates: stored.exchangeRates, providers: stored.providers,
            qualifications: stored.qualifications)
        let lookup = StoredText.lookupable(Array(named))
        for start in stride(from: 0, to: lookup.count, by: 500) {
            let chunk = Array(lookup[start..<min(start + 500, lookup.count)])
            for id in try String.fetchAll(db, sql: "SELECT id FROM credential WHERE id IN (\(Self.marks(chunk.count)))", arguments: StatementArguments(chunk)) {
                existing.upsert(Credential(id: id, title: "", provider: "", kind: .module, ects: nil, eqf: 0))
            }
        }
        guard stream.qualificationsAreValid(context: existing) else { throw WholeDocumentNeeded() }
        try Self.writeQualifications(shell.qualifications, db)
        try Self.refreshReferencedCredentials(db)

        let after = try Self.rowCounts(db)
        let added = zip(after, before).reduce(0) { $0 + $1.0 - $1.1 }
        let records = shell.providers.count + credentials.count + shell.qualifications.count
        return ImportSummary(
            providers: shell.providers.count, credentials: credentials.count, qualifications: shell.qualifications.count,
            replaced: records - added)
    }
}

/// The stream handed to the thread that reads it: used there alone until that thread has
/// ended (``ReadAhead/run(depth:produce:consume:)`` returns only then), and here after.
private struct SendableStream: @unchecked Sendable {
    let stream: CatalogueFileStream
    init(_ stream: CatalogueFileStream) { self.stream = stream }
}
