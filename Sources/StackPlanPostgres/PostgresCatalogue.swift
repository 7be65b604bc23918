import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// The catalogue: imports, listing and the planner's candidate sub-catalogue, as the SQLite
/// store does them (CatalogueStore.swift, CandidateQueries.swift, Browsing.swift).
extension PostgresStore: CatalogueImporting {
    // MARK: Import

    /// Validates each document against what is stored and the documents before it, then
    /// upserts them by id, all in one transaction: if any has an error, none is written.
    /// Imports and catalogue edits from every instance are serialised by an advisory lock;
    /// readers never wait for them and see the catalogue before or after, never half.
    public func importCatalogues(_ documents: [(catalogue: Catalogue, file: String?)]) throws -> [CatalogueStore.ImportSummary] {
        let documents = documents.map { UncheckedDocument(catalogue: $0.catalogue, file: $0.file) }
        return try transaction { connection in
            try await Self.lockCatalogue(connection)
            var summaries: [CatalogueStore.ImportSummary] = []
            for document in documents {
                summaries.append(try await Self.importCatalogue(document.catalogue, file: document.file, into: connection))
            }
            try await Self.refreshReferencedCredentials(connection)
            return summaries
        }
    }

    struct UncheckedDocument: Sendable {
        var catalogue: Catalogue
        var file: String?
    }

    /// Rebuilds `referencedCredential` from every stored credential, in the import's
    /// transaction: an import may add or drop any reference, and the candidate cut trusts the table.
    static func refreshReferencedCredentials(_ connection: PostgresConnection) async throws {
        try await connection.execute(#"DELETE FROM "referencedCredential""#)
        try await connection.execute(PostgresSchema.referencedCredentialsInsert(where: "TRUE"))
    }

    /// Adds what the given credentials name to `referencedCredential`, for an edit of a few
    /// records: an id left there that nothing names any more only keeps a candidate the cut
    /// could have dropped, never a wrong plan, so the table is not rebuilt for each edit.
    static func noteReferences(of ids: [String], _ connection: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        var binds = Binds()
        let mark = binds.add(ids)
        try await connection.execute(PostgresSchema.referencedCredentialsInsert(where: #"c."id" = ANY("# + mark + ")"), binds)
    }

    static func lockCatalogue(_ connection: PostgresConnection) async throws {
        try await connection.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.catalogueWriteLock))")
    }

    /// Raises the catalogue's revision (``CatalogueVersionMemo``), in the transaction of the change.
    static func raiseCatalogueRevision(_ connection: PostgresConnection) async throws {
        var binds = Binds()
        try await connection.execute("""
            INSERT INTO "setting" ("key", "value") VALUES (\(binds.add(CatalogueVersionMemo.revisionKey)), '1')
            ON CONFLICT ("key") DO UPDATE SET "value" = ("setting"."value"::bigint + 1)::text
            """, binds)
    }

    static func importCatalogue(_ document: Catalogue, file: String?, into connection: PostgresConnection) async throws -> CatalogueStore.ImportSummary {
        let stored = try await recordsReferenced(by: document, connection)
        var issues = CatalogueValidator.issues(in: document, resolvingAgainst: stored) + StoredRecords.textProblems(in: document)
        let storedBase = try await connection.strings(#"SELECT "value" FROM "setting" WHERE "key" = 'baseCurrency'"#).first
        let hasCredentials = try await connection.count(#"SELECT count(*) FROM (SELECT 1 FROM "credential" LIMIT 1) AS probe"#) > 0
        if let storedBase, storedBase != document.baseCurrency, hasCredentials {
            issues.append(ValidationIssue(
                path: "$.baseCurrency",
                message: "is \(document.baseCurrency), but the database's catalogue is in \(storedBase); convert the document or use another database"))
        }
        if issues.contains(where: { $0.severity == .error }) { throw InvalidDocument(file: file, issues: issues) }

        let before = try await rowCounts(connection)
        try await raiseCatalogueRevision(connection)
        for (key, value) in [("baseCurrency", document.baseCurrency), ("format", Catalogue.formatName)] {
            var binds = Binds()
            try await connection.execute("""
                INSERT INTO "setting" ("key", "value") VALUES (\(binds.add(key)), \(binds.add(value)))
                ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value"
                """, binds)
        }
        try await upsert(into: "exchangeRate", columns: ["currency", "rate"], key: ["currency"],
                         rows: document.exchangeRates.sorted { $0.key < $1.key }.map { [$0.key, CopyText.value($0.value)] }, connection)
        try await upsert(into: "provider", columns: ["id", "name", "country", "accredited", "document"], key: ["id"], rows: document.providers.map {
            [$0.id, $0.name, $0.country, CopyText.value($0.accredited), CatalogueDocument.json($0).compactText]
        }, connection)
        try await upsert(into: "credential", columns: credentialColumns, key: ["id"], rows: document.credentials.map { credential in
            let planning = StoredRecords.planningColumns(credential)
            return [credential.id, credential.provider, credential.title, credential.kind.rawValue, CopyText.value(credential.ects),
                    CopyText.value(credential.hours), CopyText.value(credential.eqf), CopyText.value(credential.cost), credential.currency,
                    credential.mode.rawValue, CopyText.value(credential.accredited), CatalogueDocument.json(credential).compactText,
                    CopyText.value(planning.weeks), planning.prerequisites, planning.excludes, planning.offerings]
        }, connection)
        // Side tables: the document's lists replace the stored ones.
        var binds = Binds()
        let ids = binds.add(document.credentials.map(\.id))
        try await connection.execute(#"DELETE FROM "credentialCompetency" WHERE "credentialId" = ANY("# + ids + ")", binds)
        try await connection.execute(#"DELETE FROM "credentialLanguage" WHERE "credentialId" = ANY("# + ids + ")", binds)
        try await connection.copy(into: "credentialCompetency", columns: ["credentialId", "competency"], rows: document.credentials.flatMap { credential in
            Set(credential.competencies).sorted().map { [credential.id, $0] as [String?] }
        })
        try await connection.copy(into: "credentialLanguage", columns: ["credentialId", "language"], rows: document.credentials.flatMap { credential in
            Set(credential.languages).sorted().map { [credential.id, $0] as [String?] }
        })
        try await upsert(into: "qualification", columns: ["id", "providerId", "title", "eqf", "ects", "document"], key: ["id"], rows: document.qualifications.map {
            [$0.id, $0.provider, $0.title, CopyText.value($0.eqf), CopyText.value($0.ects), CatalogueDocument.json($0).compactText]
        }, connection)
        let after = try await rowCounts(connection)
        // A valid document has no repeated ids, so whatever did not add a row replaced one.
        let added = zip(after, before).reduce(0) { $0 + $1.0 - $1.1 }
        return CatalogueStore.ImportSummary(
            providers: document.providers.count, credentials: document.credentials.count,
            qualifications: document.qualifications.count,
            replaced: document.providers.count + document.credentials.count + document.qualifications.count - added,
            warnings: issues.filter { $0.severity == .warning })
    }

    static let credentialColumns = [
        "id", "providerId", "title", "kind", "ects", "hours", "eqf", "cost", "currency", "mode", "accredited", "document",
        "weeks", "prerequisites", "excludes", "offerings",
    ]

    /// Copies `rows` into a temporary table shaped as `table`, then inserts them into `table`,
    /// replacing the rows with the same key: one statement for any number of rows.
    static func upsert(into table: String, columns: [String], key: [String], rows: [[String?]], _ connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let stage = "stage_\(table)"
        try await connection.execute("CREATE TEMPORARY TABLE IF NOT EXISTS \(quoted(stage)) (LIKE \(quoted(table))) ON COMMIT DROP")
        try await connection.execute("TRUNCATE \(quoted(stage))")
        try await connection.copy(into: stage, columns: columns, rows: rows)
        let list = columns.map(quoted).joined(separator: ", ")
        let updates = columns.filter { !key.contains($0) }.map { "\(quoted($0)) = EXCLUDED.\(quoted($0))" }.joined(separator: ", ")
        try await connection.execute("""
            INSERT INTO \(quoted(table)) (\(list)) SELECT \(list) FROM \(quoted(stage))
            ON CONFLICT (\(key.map(quoted).joined(separator: ", "))) DO \(updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates)")
            """)
    }

    static func rowCounts(_ connection: PostgresConnection) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["provider", "credential", "qualification"] { counts.append(try await connection.count("SELECT count(*) FROM \(quoted(table))")) }
        return counts
    }

    /// The stored records a document may refer to: every provider, qualification and exchange
    /// rate, and of the credentials only those the document names, with the stored
    /// prerequisites they lead to (for cycles through stored credentials).
    static func recordsReferenced(by document: Catalogue, _ connection: PostgresConnection) async throws -> Catalogue {
        var named: Set<String> = []
        for credential in document.credentials {
            named.formUnion(credential.prerequisites?.credentialIDs ?? [])
            named.formUnion(credential.excludes)
        }
        for qualification in document.qualifications { StoredRecords.collectNamedCredentials(qualification.requires, into: &named) }
        let settings = try await Settings.read(connection)
        var credentials: [StoredDocument] = []
        var seen = named
        var frontier = named.filter { document.credential($0) == nil }
        while !frontier.isEmpty {
            var next: Set<String> = []
            let found = try await documents("credential", ids: Array(frontier), connection)
            credentials += found
            for credential in try settings.catalogue(credentials: found).credentials {
                for id in credential.prerequisites?.credentialIDs ?? [] where document.credential(id) == nil && seen.insert(id).inserted {
                    next.insert(id)
                }
            }
            frontier = next
        }
        return try settings.catalogue(
            providers: try await storedDocuments("provider", connection), credentials: credentials,
            qualifications: try await storedDocuments("qualification", connection))
    }

    // MARK: Documents

    /// The stored base currency and exchange rates, which every catalogue read back carries.
    struct Settings {
        var baseCurrency: String
        var exchangeRates: [String: Double]

        static func read(_ connection: PostgresConnection) async throws -> Settings {
            let base = try await connection.strings(#"SELECT "value" FROM "setting" WHERE "key" = 'baseCurrency'"#).first ?? "EUR"
            var rates: [String: Double] = [:]
            for row in try await connection.rows(#"SELECT "currency", "rate" FROM "exchangeRate""#) {
                let (currency, rate) = try row.decode((String, Double).self)
                rates[currency] = rate
            }
            return Settings(baseCurrency: base, exchangeRates: rates)
        }

        func catalogue(providers: [StoredDocument] = [], credentials: [StoredDocument] = [], qualifications: [StoredDocument] = []) throws -> Catalogue {
            try StoredRecords.catalogue(baseCurrency: baseCurrency, exchangeRates: exchangeRates,
                                        providers: providers, credentials: credentials, qualifications: qualifications)
        }
    }

    /// The stored documents of the given ids that exist, in id order.
    static func documents(_ table: String, ids: [String], _ connection: PostgresConnection) async throws -> [StoredDocument] {
        let keys = Array(Set(StoredRecords.lookupable(ids))).sorted()
        guard !keys.isEmpty else { return [] }
        var binds = Binds()
        let mark = binds.add(keys)
        return try await storedDocuments(table, where: #""id" = ANY("# + mark + ")", binds, connection)
    }

    /// The documents of `table` whose rows meet `condition` (every row when `nil`), in id order.
    static func storedDocuments(_ table: String, _ connection: PostgresConnection) async throws -> [StoredDocument] {
        try await storedDocuments(table, where: nil, Binds(), connection)
    }

    static func storedDocuments(_ table: String, where condition: String?, _ binds: Binds,
                                _ connection: PostgresConnection) async throws -> [StoredDocument] {
        let sql = "SELECT \"id\", \"document\" FROM \(quoted(table))\(condition.map { " WHERE \($0)" } ?? "") ORDER BY \"id\""
        return try await connection.rows(sql, binds).map { row in
            let (id, text) = try row.decode((String, String).self)
            return StoredDocument(table: table, id: id, text: text)
        }
    }

    // MARK: Reading

    public func catalogue() throws -> Catalogue {
        try read { connection in
            try await Settings.read(connection).catalogue(
                providers: try await Self.storedDocuments("provider", connection),
                credentials: try await Self.storedDocuments("credential", connection),
                qualifications: try await Self.storedDocuments("qualification", connection))
        }
    }

    public func counts() throws -> CatalogueStore.Counts {
        try read { connection in
            let counts = try await Self.rowCounts(connection)
            return CatalogueStore.Counts(providers: counts[0], credentials: counts[1], qualifications: counts[2])
        }
    }

    public func baseCurrency() throws -> String {
        try read { try await Settings.read($0).baseCurrency }
    }

    public func credential(_ id: String) throws -> Credential? {
        try read { connection in
            try await Settings.read(connection).catalogue(credentials: try await Self.documents("credential", ids: [id], connection)).credentials.first
        }
    }

    public func qualification(_ id: String) throws -> Qualification? {
        try read { connection in
            try await Settings.read(connection).catalogue(qualifications: try await Self.documents("qualification", ids: [id], connection)).qualifications.first
        }
    }

    public func provider(_ id: String) throws -> Provider? {
        try read { connection in
            try await Settings.read(connection).catalogue(providers: try await Self.documents("provider", ids: [id], connection)).providers.first
        }
    }

    /// The credentials that meet every filter of `query`, in id order. Text search ignores case
    /// and accents as the SQLite store's does: it is matched here, on ids and titles only.
    public func credentials(matching query: CredentialQuery) throws -> [Credential] {
        guard let filter = Self.filter(query) else { return [] }
        return try read { connection in
            let ids = try await Self.matchingCredentialIDs(filter, connection)
            return try await Settings.read(connection).catalogue(credentials: try await Self.documents("credential", ids: ids, connection)).credentials
        }
    }

    public func competencies(matching query: CredentialQuery) throws -> [CompetencyCount] {
        guard let filter = Self.filter(query) else { return [] }
        return try read { connection in
            let ids = try await Self.matchingCredentialIDs(filter, connection)
            var binds = Binds()
            let mark = binds.add(ids)
            return try await connection.rows("""
                SELECT "competency", count(*) FROM "credentialCompetency" WHERE "credentialId" = ANY(\(mark))
                GROUP BY "competency" ORDER BY "competency"
                """, binds).map { row in
                let (competency, count) = try row.decode((String, Int).self)
                return CompetencyCount(competency: competency, credentials: count)
            }
        }
    }

    public func qualifications(matching query: QualificationQuery) throws -> [Qualification] {
        let provider = query.provider?.precomposedStringWithCanonicalMapping
        guard [provider, query.search].compactMap({ $0 }).allSatisfy(StoredRecords.isExact) else { return [] }
        let search = query.search
        return try read { connection in
            var binds = Binds()
            let condition = provider.map { #""providerId" = "# + binds.add($0) }
            let ids = try await Self.searched("qualification", titleColumn: "title", condition: condition, binds, search: search, connection)
            return try await Settings.read(connection).catalogue(qualifications: try await Self.documents("qualification", ids: ids, connection)).qualifications
        }
    }

    public func providers(matching query: ProviderQuery) throws -> [Provider] {
        let id = query.id?.precomposedStringWithCanonicalMapping
        guard [id, query.search].compactMap({ $0 }).allSatisfy(StoredRecords.isExact) else { return [] }
        let search = query.search
        return try read { connection in
            var binds = Binds()
            let condition = id.map { #""id" = "# + binds.add($0) }
            let ids = try await Self.searched("provider", titleColumn: "name", condition: condition, binds, search: search, connection)
            return try await Settings.read(connection).catalogue(providers: try await Self.documents("provider", ids: ids, connection)).providers
        }
    }

    /// A credential query's SQL filters (without the text search); `nil` when one holds text no
    /// stored value can contain, so that nothing matches.
    struct CredentialFilterSQL: Sendable {
        var condition: String?
        var binds: Binds
        var search: String?
    }

    static func filter(_ query: CredentialQuery) -> CredentialFilterSQL? {
        var conditions: [String] = []
        var binds = Binds()
        var texts: [String] = []
        // Stored keys are in normalization form C: so are the keys looked up.
        if let provider = query.provider?.precomposedStringWithCanonicalMapping {
            conditions.append(#""providerId" = "# + binds.add(provider)); texts.append(provider)
        }
        if let competency = query.competency?.precomposedStringWithCanonicalMapping {
            conditions.append(#""id" IN (SELECT "credentialId" FROM "credentialCompetency" WHERE "competency" = "# + binds.add(competency) + ")")
            texts.append(competency)
        }
        if let kind = query.kind { conditions.append(#""kind" = "# + binds.add(kind.rawValue)) }
        if let search = query.search { texts.append(search) }
        guard texts.allSatisfy(StoredRecords.isExact) else { return nil }
        return CredentialFilterSQL(condition: conditions.isEmpty ? nil : conditions.joined(separator: " AND "), binds: binds, search: query.search)
    }

    static func matchingCredentialIDs(_ filter: CredentialFilterSQL, _ connection: PostgresConnection) async throws -> [String] {
        try await searched("credential", titleColumn: "title", condition: filter.condition, filter.binds, search: filter.search, connection)
    }

    /// The ids of `table`'s rows meeting `condition` whose id or title contains `search`
    /// (ignoring case and accents), in id order.
    static func searched(_ table: String, titleColumn: String, condition: String?, _ binds: Binds, search: String?,
                         _ connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.rows(
            "SELECT \"id\", \(quoted(titleColumn)) FROM \(quoted(table))\(condition.map { " WHERE \($0)" } ?? "") ORDER BY \"id\"", binds)
        var ids: [String] = []
        ids.reserveCapacity(rows.count)
        for row in rows {
            let (id, title) = try row.decode((String, String).self)
            if let search, !(StoredRecords.matches(id, search) || StoredRecords.matches(title, search)) { continue }
            ids.append(id)
        }
        return ids
    }

    // MARK: Candidates

    /// The sub-catalogue planning `target` can use, selected by the same indexed queries as the
    /// SQLite store's (see ``CatalogueStore/candidateCatalogue(target:held:)`` for what is in it).
    public func candidateCatalogue(target: String, held: [String]) throws -> Catalogue {
        try read { connection in
            let settings = try await Settings.read(connection)
            let qualifications = try await Self.qualificationClosure(of: target, settings: settings, connection)
            var credentials = LoadedCredentials()
            var named = Set(held)
            for qualification in qualifications.values {
                try await Self.collectAcceptedCredentials(qualification.requires, into: &credentials, named: &named, connection)
            }
            return try await Self.completeCandidates(credentials, named: named, held: held, qualifications: qualifications,
                                                     settings: settings, connection)
        }
    }

    /// The target qualification and every qualification its tree refers to, by id.
    static func qualificationClosure(of target: String, settings: Settings, _ connection: PostgresConnection) async throws -> [String: Qualification] {
        var qualifications: [String: Qualification] = [:]
        var pending = [target]
        while let id = pending.popLast() {
            guard qualifications[id] == nil else { continue }
            for qualification in try settings.catalogue(qualifications: try await documents("qualification", ids: [id], connection)).qualifications {
                qualifications[id] = qualification
                pending += StoredRecords.qualificationReferences(qualification.requires)
            }
        }
        return qualifications
    }

    /// The rest of a candidate catalogue once the credentials leaves accept are in `loaded`: the
    /// named and held credentials, the prerequisite closure of everything, the side tables, every
    /// provider and the exchange rates (as the SQLite store's `completeCandidates`).
    static func completeCandidates(
        _ loaded: LoadedCredentials, named: Set<String>, held: [String], qualifications found: [String: Qualification],
        settings: Settings, _ connection: PostgresConnection
    ) async throws -> Catalogue {
        var credentials = loaded
        var qualifications = found
        // Only for the message that a held id is a qualification, not a credential.
        for qualification in try settings.catalogue(qualifications: try await documents("qualification", ids: held, connection)).qualifications
        where qualifications[qualification.id] == nil {
            qualifications[qualification.id] = qualification
        }
        // Named credentials, then the prerequisite closure of everything, level by level.
        var frontier = Set(StoredRecords.lookupable(named.filter { !credentials.contains($0) }))
        for credential in credentials.list {
            for id in credential.prerequisites?.credentialIDs ?? [] where !credentials.contains(id) && StoredRecords.isExact(id) { frontier.insert(id) }
        }
        while !frontier.isEmpty {
            var next: Set<String> = []
            var binds = Binds()
            let mark = binds.add(frontier.sorted())
            for credential in try await credentialRows(where: #"c."id" = ANY("# + mark + ")", binds, connection) where credentials.add(credential) {
                for id in credential.prerequisites?.credentialIDs ?? []
                where !credentials.contains(id) && !frontier.contains(id) && StoredRecords.isExact(id) {
                    next.insert(id)
                }
            }
            frontier = next
        }
        let providers = try settings.catalogue(providers: try await storedDocuments("provider", connection)).providers
        return Catalogue(
            baseCurrency: settings.baseCurrency, exchangeRates: settings.exchangeRates, providers: providers,
            credentials: credentials.list.sorted { $0.id < $1.id },
            qualifications: qualifications.keys.sorted().map { qualifications[$0]! })
    }

    /// Credentials built from their columns, with their competencies and languages.
    static func credentialRows(where condition: String, _ binds: Binds, _ connection: PostgresConnection) async throws -> [Credential] {
        // Code, ISCED-F fields and ESCO skills live in the document only (as on SQLite); requirement
        // filters read them. A JSON null reads as absent, as SQLite's json_extract gives it.
        // The document is parsed once per row: `OFFSET 0` keeps the lateral subquery from being
        // folded into the select list, where each field would parse it again. Competencies and
        // languages come from the same parsed document, which the side tables are written from,
        // rather than from the side tables: measured on 100k, a leaf of 26,945 rows took 455 ms
        // with one lookup per row in each side table and 164 ms this way (the SQLite store's
        // reading of the side tables by id, in two more queries, was slower still here).
        let sql = """
            SELECT c."id", c."providerId", c."title", c."kind", c."ects", c."hours", c."eqf", c."cost", c."currency", c."mode",
                c."accredited", c."weeks", c."prerequisites", c."excludes", c."offerings", c."place",
                j."d" ->> 'code', NULLIF((j."d" -> 'isced')::text, 'null'), NULLIF((j."d" -> 'escoSkills')::text, 'null'), j."d" ->> 'repeatable',
                NULLIF((j."d" -> 'competencies')::text, 'null'), NULLIF((j."d" -> 'languages')::text, 'null')
            FROM "credential" c LEFT JOIN "provider" p ON p."id" = c."providerId"
                CROSS JOIN LATERAL (SELECT c."document"::jsonb AS "d" OFFSET 0) j
            WHERE \(condition)
            """
        return try await connection.rows(sql, binds).map { row in
            let (id, provider, title, kind, ects, hours, eqf, cost, currency, mode, accredited, weeks, prerequisites, excludes, offerings, place,
                 code, isced, escoSkills, repeatableText, competencies, languages) =
                try row.decode((String, String, String, String, Double?, Double?, Int, Double, String?, String,
                                Bool?, Int?, String?, String?, String?, String?, String?, String?, String?, String?, String?, String?).self)
            // A `repeatable` that is not a whole number is out of range, as SQLite's reading finds it.
            let repeatable = repeatableText.map { Int64($0) ?? 0 }
            // The stored document is JSON: the place column is computed from it as jsonb on every write.
            return try StoredRecords.credential(StoredRecords.CredentialColumns(
                id: id, provider: provider, title: title, kind: kind, ects: ects, hours: hours, eqf: eqf, cost: cost, currency: currency,
                mode: mode, accredited: accredited, weeks: weeks, prerequisites: prerequisites, excludes: excludes, offerings: offerings,
                place: place, documentIsJSON: true, code: code, isced: isced, escoSkills: escoSkills, repeatable: repeatable,
                competencies: competencies, languages: languages))
        }
    }

    static func collectAcceptedCredentials(
        _ node: RequirementNode, into credentials: inout LoadedCredentials, named: inout Set<String>, _ connection: PostgresConnection
    ) async throws {
        switch node.rule {
        case .credential(let id): named.insert(id)
        case .credits(_, let filter):
            let (condition, binds) = acceptingCondition(filter, competenciesAsKeys: true)
            for credential in try await credentialRows(where: condition, binds, connection) { credentials.add(credential) }
        case .count(_, let filter):
            // A count leaf accepts credentials without ECTS too.
            let (condition, binds) = acceptingCondition(filter, needingCredits: false, competenciesAsKeys: true)
            for credential in try await credentialRows(where: condition, binds, connection) { credentials.add(credential) }
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children):
            for child in children { try await collectAcceptedCredentials(child, into: &credentials, named: &named, connection) }
        case .maxCredits, .qualification:
            break
        }
    }

    /// The condition on `credential c` joined with `provider p` that a `credits` leaf with this
    /// filter accepts: ECTS above zero (not for a `count` leaf) and every given field, as
    /// `CredentialFilter.matches` reads it. The filter fields of issue 17 (codes, ECTS bounds,
    /// ISCED-F, ESCO skills, combinations) are left to `matches`, as on SQLite: wider, never narrower.
    ///
    /// With `competenciesAsKeys`, the credentials with one of the filter's competencies are found
    /// first and then looked up by id (an array of keys into the primary key), which is what a
    /// query that reads those credentials wants: as a semi-join, PostgreSQL's planner prefers a
    /// scan of every credential (measured on 100k, a leaf of 1,596 rows: 43 ms against 30 ms).
    /// A condition tested row by row (the cut's masks, `NOT` of an earlier leaf) keeps the
    /// semi-join, whose hashed subplan answers each row at once.
    static func acceptingCondition(_ filter: CredentialFilter, needingCredits: Bool = true, competenciesAsKeys: Bool = false) -> (String, Binds) {
        var binds = Binds()
        let condition = acceptingCondition(filter, needingCredits: needingCredits, competenciesAsKeys: competenciesAsKeys, binds: &binds)
        return (condition, binds)
    }

    /// The same condition, its values added to `binds` (for a query that combines several).
    static func acceptingCondition(_ filter: CredentialFilter, needingCredits: Bool = true, competenciesAsKeys: Bool = false,
                                   binds: inout Binds) -> String {
        var conditions = [needingCredits ? #"c."ects" > 0"# : "TRUE"]
        func list(_ values: [String]) -> String { "ANY(" + binds.add(StoredRecords.lookupable(values)) + ")" }
        if let ids = filter.ids { conditions.append(#"c."id" = "# + list(ids)) }
        if let competencies = filter.competencies {
            let holders = #"SELECT "credentialId" FROM "credentialCompetency" WHERE "competency" = "# + list(competencies)
            conditions.append(competenciesAsKeys ? #"c."id" = ANY(ARRAY("# + holders + "))" : #"c."id" IN ("# + holders + ")")
        }
        if let minimum = filter.minEQF { conditions.append(#"c."eqf" >= "# + binds.add(minimum)) }
        if let maximum = filter.maxEQF { conditions.append(#"c."eqf" <= "# + binds.add(maximum)) }
        if let kinds = filter.kinds { conditions.append(#"c."kind" = "# + list(kinds.map(\.rawValue))) }
        if let providers = filter.providers { conditions.append(#"c."providerId" = "# + list(providers)) }
        if let accredited = filter.accredited { conditions.append(#"COALESCE(c."accredited", p."accredited", false) = "# + binds.add(accredited)) }
        return conditions.joined(separator: " AND ")
    }
}
