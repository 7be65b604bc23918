import Foundation
import GRDB
import StackPlanCore

/// Reading parts of the stored catalogue by indexed queries: what an import must check its
/// references against, and what a plan toward one qualification can use. On a national
/// catalogue both are a small fraction of the whole, and decoding documents is what costs.
extension CatalogueStore {
    /// The sub-catalogue that planning `target` for a learner holding `held` can use, with the
    /// same plans, diagnoses and reports as the whole catalogue:
    ///
    /// - the target and every qualification its tree refers to, transitively;
    /// - every credential a leaf of those trees can accept: by id for `credential` leaves, and
    ///   for `credits` leaves those with ECTS > 0 passing the leaf's filter on ids, competency,
    ///   EQF, kind, provider and accreditation (its own, else its provider's), selected in SQL
    ///   through the indexed columns and side tables;
    /// - the held credentials (and a qualification of the same id, for the error message that
    ///   says a qualification cannot be held);
    /// - the prerequisite closure of all these;
    /// - every provider, and the exchange rates.
    ///
    /// Nothing else can be a candidate of the model (docs/formulation.md §1): a credential that
    /// no leaf accepts counts only as a prerequisite, and those are in the closure. Overlap
    /// partners outside this set are left out on purpose: an overlap only constrains two
    /// credentials that both count, and a credential that counts is in the set.
    ///
    /// Credentials are read from the columns and side tables, not their documents (decoding
    /// tens of thousands of documents would cost more than the plan): they carry every field
    /// planning and plan reports read, but not `learningOutcomes`, `assessment`,
    /// `qualityAssurance`, `source`, `invented` or unknown fields, and competencies and
    /// languages come deduplicated in sorted order. ``catalogue()`` has the full records.
    public func candidateCatalogue(target: String, held: [String]) throws -> Catalogue {
        try read { db in
            var qualifications: [String: Qualification] = [:]
            var pending = [target]
            while let id = pending.popLast() {
                guard qualifications[id] == nil else { continue }
                for qualification in try Self.catalogue(qualifications: try Self.documents("qualification", ids: [id], db), db).qualifications {
                    qualifications[id] = qualification
                    pending += Self.qualificationReferences(qualification.requires)
                }
            }
            var credentials = LoadedCredentials()
            var named = Set(held)
            for qualification in qualifications.values {
                try Self.collectAcceptedCredentials(qualification.requires, into: &credentials, named: &named, db)
            }
            return try Self.completeCandidates(credentials, named: named, held: held, qualifications: qualifications, db)
        }
    }

    /// The rest of a candidate catalogue once the credentials `credits` leaves accept are in
    /// `credentials`: the named and held credentials, the prerequisite closure of everything,
    /// the side tables, every provider and the exchange rates.
    static func completeCandidates(
        _ loaded: LoadedCredentials, named: Set<String>, held: [String], qualifications found: [String: Qualification], _ db: Database
    ) throws -> Catalogue {
        var credentials = loaded
        var qualifications = found
        // Only for the message that a held id is a qualification, not a credential.
        for qualification in try Self.catalogue(qualifications: try Self.documents("qualification", ids: held, db), db).qualifications
        where qualifications[qualification.id] == nil {
            qualifications[qualification.id] = qualification
        }
        // Named credentials, then the prerequisite closure of everything, level by level.
        var frontier = Set(StoredText.lookupable(named.filter { !credentials.contains($0) }))
        for credential in credentials.list {
            for id in credential.prerequisites?.credentialIDs ?? [] where !credentials.contains(id) && StoredText.isExact(id) { frontier.insert(id) }
        }
        while !frontier.isEmpty {
            var next: Set<String> = []
            let ids = frontier.sorted()
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                for credential in try Self.credentialRows(where: "c.id IN (\(Self.marks(chunk.count)))", StatementArguments(chunk), db)
                where credentials.add(credential) {
                    for id in credential.prerequisites?.credentialIDs ?? []
                    where !credentials.contains(id) && !frontier.contains(id) && StoredText.isExact(id) {
                        next.insert(id)
                    }
                }
                start += 500
            }
            frontier = next
        }
        try Self.attachSideTables(to: &credentials, db)
        let settings = try Self.catalogue(providers: try Self.storedDocuments("provider", where: nil, db), db)
        return Catalogue(
            baseCurrency: settings.baseCurrency, exchangeRates: settings.exchangeRates, providers: settings.providers,
            credentials: credentials.list.sorted { $0.id < $1.id },
            qualifications: qualifications.keys.sorted().map { qualifications[$0]! })
    }

    static func marks(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ",") }

    static let credentialColumns = "c.id, c.providerId, c.title, c.kind, c.ects, c.hours, c.eqf, c.cost, c.currency, c.mode, c.accredited, c.weeks, c.prerequisites, c.excludes, c.offerings, CASE WHEN json_valid(c.document) THEN json_extract(c.document, '$.place') END, json_valid(c.document), CASE WHEN json_valid(c.document) THEN json_extract(c.document, '$.code') END, CASE WHEN json_valid(c.document) THEN json_extract(c.document, '$.isced') END, CASE WHEN json_valid(c.document) THEN json_extract(c.document, '$.escoSkills') END, CASE WHEN json_valid(c.document) THEN json_extract(c.document, '$.repeatable') END"

    /// Credentials built from their columns, without competencies and languages (``attachSideTables(to:_:)`` adds those).
    static func credentialRows(where condition: String, _ arguments: StatementArguments, _ db: Database) throws -> [Credential] {
        let sql = "SELECT \(credentialColumns) FROM credential c LEFT JOIN provider p ON p.id = c.providerId WHERE \(condition)"
        var credentials: [Credential] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let id: String = try row.decode(atIndex: 0)
            do {
                credentials.append(try credential(id: id, row))
            } catch is RowDecodingError {
                throw DamagedRecord(record: "credential \"\(id)\"", reason: "a column holds a value of the wrong type")
            }
        }
        return credentials
    }

    /// One credential from the columns of ``credentialColumns`` (StoredRecords reads them).
    private static func credential(id: String, _ row: Row) throws -> Credential {
        try StoredRecords.credential(StoredRecords.CredentialColumns(
            id: id, provider: try row.decode(atIndex: 1), title: try row.decode(atIndex: 2), kind: try row.decode(atIndex: 3),
            ects: try row.decode(atIndex: 4), hours: try row.decode(atIndex: 5), eqf: try row.decode(atIndex: 6),
            cost: try row.decode(atIndex: 7), currency: try row.decode(atIndex: 8), mode: try row.decode(atIndex: 9),
            accredited: try row.decode(atIndex: 10), weeks: try row.decode(atIndex: 11), prerequisites: try row.decode(atIndex: 12),
            excludes: try row.decode(atIndex: 13), offerings: try row.decode(atIndex: 14), place: try row.decode(atIndex: 15),
            documentIsJSON: try row.decode(atIndex: 16), code: try row.decode(atIndex: 17), isced: try row.decode(atIndex: 18),
            escoSkills: try row.decode(atIndex: 19), repeatable: try row.decode(atIndex: 20)))
    }

    /// Fills competencies and languages from their side tables, in chunks of ids.
    static func attachSideTables(to credentials: inout LoadedCredentials, _ db: Database) throws {
        let ids = credentials.list.map(\.id).sorted()
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let arguments = StatementArguments(chunk)
            for (table, column) in [("credentialCompetency", "competency"), ("credentialLanguage", "language")] {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT credentialId, \(column) FROM \(table) WHERE credentialId IN (\(marks(chunk.count))) ORDER BY credentialId, \(column)",
                    arguments: arguments)
                while let row = try rows.next() {
                    let id: String = try row.decode(atIndex: 0)
                    let value: String = try row.decode(atIndex: 1)
                    guard let position = credentials.position[id] else { continue }
                    if column == "competency" { credentials.list[position].competencies.append(value) } else { credentials.list[position].languages.append(value) }
                }
            }
            start += 500
        }
    }

    static func qualificationReferences(_ node: RequirementNode) -> [String] { StoredRecords.qualificationReferences(node) }

    /// Adds every stored credential some `credits` leaf of the tree accepts, and the ids
    /// `credential` leaves name.
    static func collectAcceptedCredentials(
        _ node: RequirementNode, into credentials: inout LoadedCredentials, named: inout Set<String>, _ db: Database
    ) throws {
        switch node.rule {
        case .credential(let id): named.insert(id)
        case .credits(_, let filter):
            let (condition, arguments) = acceptingCondition(filter)
            for credential in try credentialRows(where: condition, arguments, db) { credentials.add(credential) }
        case .count(_, let filter):
            // A count leaf accepts credentials without ECTS too.
            let (condition, arguments) = acceptingCondition(filter, needingCredits: false)
            for credential in try credentialRows(where: condition, arguments, db) { credentials.add(credential) }
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children):
            for child in children { try collectAcceptedCredentials(child, into: &credentials, named: &named, db) }
        case .maxCredits, .qualification:
            break
        }
    }

    /// The SQL condition on `credential c` joined with `provider p` that a `credits` leaf with
    /// this filter accepts: ECTS above zero and every given field, as `CredentialFilter.matches` reads it.
    /// The fields issue 17 added (code patterns and ranges, ECTS bounds, ISCED-F fields, ESCO
    /// skills, combinations) are left to the core's `matches`: the condition is wider, never narrower.
    ///
    /// `testedPerRow` asks for competencies through the side table's primary key for each row
    /// (`EXISTS`), for queries that visit few rows many times over; otherwise SQLite lists every
    /// credential with one of them once per statement, the better choice for one pass.
    ///
    /// `sideTableRowOf` names the competency of the side-table row `k` a query reads first
    /// (``MeasureOrder``): ECTS, EQF and kind are then tested on that row's copies, before the
    /// credential's own row is looked up, and a list of competencies that holds it needs no test.
    static func acceptingCondition(
        _ filter: CredentialFilter, needingCredits: Bool = true, testedPerRow: Bool = false, sideTableRowOf competency: String? = nil
    ) -> (String, StatementArguments) {
        let copied = competency == nil ? "c" : "k"
        var conditions = needingCredits ? ["\(copied).ects > 0"] : ["1"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        // Compared as stored keys are (StoredText); a value with a NUL matches nothing.
        func list(_ values: [String]) -> String {
            let keys = StoredText.lookupable(values)
            arguments += keys.map { $0 as (any DatabaseValueConvertible)? }
            return keys.isEmpty ? "NULL" : marks(keys.count)
        }
        if let ids = filter.ids { conditions.append("c.id IN (\(list(ids)))") }
        if let competencies = filter.competencies, !(competency.map { StoredText.lookupable(competencies).contains($0) } ?? false) {
            conditions.append(testedPerRow
                ? "EXISTS (SELECT 1 FROM credentialCompetency k WHERE k.credentialId = c.id AND k.competency IN (\(list(competencies))))"
                : "c.id IN (SELECT credentialId FROM credentialCompetency WHERE competency IN (\(list(competencies))))")
        }
        if let minimum = filter.minEQF { conditions.append("\(copied).eqf >= ?"); arguments.append(minimum) }
        if let maximum = filter.maxEQF { conditions.append("\(copied).eqf <= ?"); arguments.append(maximum) }
        if let kinds = filter.kinds { conditions.append("\(copied).kind IN (\(list(kinds.map(\.rawValue))))") }
        if let providers = filter.providers { conditions.append("c.providerId IN (\(list(providers)))") }
        if let accredited = filter.accredited {
            conditions.append("COALESCE(c.accredited, p.accredited, 0) = ?")
            arguments.append(accredited)
        }
        return (conditions.joined(separator: " AND "), StatementArguments(arguments))
    }

    // MARK: References of a document being imported

    /// The stored records a document may refer to: every provider, qualification and exchange
    /// rate (there are few), and of the credentials only those the document names, with the
    /// stored prerequisites they lead to (for cycles through stored credentials).
    static func recordsReferenced(by document: Catalogue, _ db: Database) throws -> Catalogue {
        var named: Set<String> = []
        for credential in document.credentials {
            named.formUnion(credential.prerequisites?.credentialIDs ?? [])
            named.formUnion(credential.excludes)
        }
        for qualification in document.qualifications { collectNamedCredentials(qualification.requires, into: &named) }

        var credentials: [StoredDocument] = []
        var seen = named
        var frontier = named.filter { document.credential($0) == nil }
        while !frontier.isEmpty {
            var next: Set<String> = []
            let found = try documents("credential", ids: Array(frontier), db)
            credentials += found
            for credential in try catalogue(credentials: found, db).credentials {
                for id in credential.prerequisites?.credentialIDs ?? [] where document.credential(id) == nil && seen.insert(id).inserted {
                    next.insert(id)
                }
            }
            frontier = next
        }
        return try catalogue(
            providers: try storedDocuments("provider", where: nil, db), credentials: credentials,
            qualifications: try storedDocuments("qualification", where: nil, db), db)
    }

    static func collectNamedCredentials(_ node: RequirementNode, into ids: inout Set<String>) {
        StoredRecords.collectNamedCredentials(node, into: &ids)
    }

    // MARK: Documents

    /// The stored documents of the given ids that exist, in chunks that stay under SQLite's
    /// limit on parameters. An id with a NUL character is never stored, so it finds nothing.
    static func documents(_ table: String, ids: [String], _ db: Database) throws -> [StoredDocument] {
        var found: [StoredDocument] = []
        let unique = Array(Set(StoredText.lookupable(ids))).sorted()
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            found += try storedDocuments(table, where: "id IN (\(marks(chunk.count)))", arguments: StatementArguments(chunk), db)
            start += 500
        }
        return found
    }

    /// The documents of `table` (provider, credential or qualification) whose rows meet
    /// `condition` (every row when `nil`), in id order.
    static func storedDocuments(
        _ table: String, where condition: String?, arguments: StatementArguments = [], _ db: Database
    ) throws -> [StoredDocument] {
        let sql = "SELECT id, document FROM \(table)" + (condition.map { " WHERE \($0)" } ?? "") + " ORDER BY id"
        var found: [StoredDocument] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let id: String = try row.decode(atIndex: 0)
            guard let text: String = try? row.decode(atIndex: 1) else {
                throw DamagedRecord(record: "\(table) \"\(id)\"", reason: "its stored document is missing")
            }
            found.append(StoredDocument(table: table, id: id, text: text))
        }
        return found
    }

    /// A catalogue of the given stored documents, with the stored base currency and rates.
    ///
    /// A document that is not valid JSON, or that the catalogue reader refuses, throws
    /// ``DamagedRecord`` naming its record: it was valid when imported, so the file has changed.
    static func catalogue(
        providers: [StoredDocument] = [], credentials: [StoredDocument] = [], qualifications: [StoredDocument] = [],
        _ db: Database
    ) throws -> Catalogue {
        let base = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'") ?? "EUR"
        var rates: [String: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT currency, rate FROM exchangeRate") {
            rates[try row.decode(atIndex: 0)] = try row.decode(atIndex: 1)
        }
        return try StoredRecords.catalogue(
            baseCurrency: base, exchangeRates: rates, providers: providers, credentials: credentials, qualifications: qualifications)
    }
}
