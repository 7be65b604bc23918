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
        try database.read { db in
            var qualifications: [String: Qualification] = [:]
            var pending = [target]
            while let id = pending.popLast() {
                guard qualifications[id] == nil else { continue }
                for qualification in try Self.decode(qualifications: try Self.documents("qualification", ids: [id], db), db) {
                    qualifications[id] = qualification
                    pending += Self.qualificationReferences(qualification.requires)
                }
            }
            var credentials = LoadedCredentials()
            var named = Set(held)
            for qualification in qualifications.values {
                try Self.collectAcceptedCredentials(qualification.requires, into: &credentials, named: &named, db)
            }
            // Only for the message that a held id is a qualification, not a credential.
            for qualification in try Self.decode(qualifications: try Self.documents("qualification", ids: held, db), db)
            where qualifications[qualification.id] == nil {
                qualifications[qualification.id] = qualification
            }
            // Named credentials, then the prerequisite closure of everything, level by level.
            var frontier = named.filter { !credentials.contains($0) }
            for credential in credentials.list {
                for id in credential.prerequisites?.credentialIDs ?? [] where !credentials.contains(id) { frontier.insert(id) }
            }
            while !frontier.isEmpty {
                var next: Set<String> = []
                let ids = frontier.sorted()
                var start = 0
                while start < ids.count {
                    let chunk = Array(ids[start..<min(start + 500, ids.count)])
                    for credential in try Self.credentialRows(where: "c.id IN (\(Self.marks(chunk.count)))", StatementArguments(chunk), db)
                    where credentials.add(credential) {
                        for id in credential.prerequisites?.credentialIDs ?? [] where !credentials.contains(id) && !frontier.contains(id) {
                            next.insert(id)
                        }
                    }
                    start += 500
                }
                frontier = next
            }
            try Self.attachSideTables(to: &credentials, db)
            let base = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'") ?? "EUR"
            var rates: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT currency, rate FROM exchangeRate") { rates[row["currency"]] = row["rate"] }
            let providers = try Self.catalogue(
                providers: try String.fetchAll(db, sql: "SELECT document FROM provider ORDER BY id").map { try JSON.parse(Data($0.utf8)) },
                credentials: [], qualifications: [], db).providers
            return Catalogue(
                baseCurrency: base, exchangeRates: rates, providers: providers,
                credentials: credentials.list.sorted { $0.id < $1.id },
                qualifications: qualifications.keys.sorted().map { qualifications[$0]! })
        }
    }

    static func marks(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ",") }

    static let credentialColumns = "c.id, c.providerId, c.title, c.kind, c.ects, c.hours, c.eqf, c.cost, c.currency, c.mode, c.accredited, c.weeks, c.prerequisites, c.excludes, c.offerings, json_extract(c.document, '$.place')"

    /// Credentials built from their columns, without competencies and languages (``attachSideTables(to:_:)`` adds those).
    static func credentialRows(where condition: String, _ arguments: StatementArguments, _ db: Database) throws -> [Credential] {
        let sql = "SELECT \(credentialColumns) FROM credential c LEFT JOIN provider p ON p.id = c.providerId WHERE \(condition)"
        var credentials: [Credential] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let id: String = row[0]
            let kindName: String = row[3], modeName: String = row[9]
            guard let kind = CredentialKind(rawValue: kindName), let mode = DeliveryMode(rawValue: modeName) else {
                throw StoreError.corrupt("credential \(id) has kind \(kindName) and mode \(modeName)")
            }
            var credential = Credential(
                id: id, title: row[2], provider: row[1], kind: kind, ects: row[4], hours: row[5], eqf: row[6], cost: row[7],
                currency: row[8], weeks: row[11], mode: mode, languages: [], accredited: row[10])
            if let text: String = row[12] {
                guard let prerequisite = CatalogueDocument.prerequisite(try JSON.parse(Data(text.utf8))) else {
                    throw StoreError.corrupt("credential \(id) has unreadable prerequisites \(text)")
                }
                credential.prerequisites = prerequisite
            }
            if let text: String = row[13], case .array(let values) = try JSON.parse(Data(text.utf8)) {
                credential.excludes = values.compactMap { if case .string(let id) = $0 { return id } else { return nil } }
            }
            // Schedules need the dated runs; without them every credential would look self-paced.
            if let text: String = row[14], case .array(let values) = try JSON.parse(Data(text.utf8)) {
                credential.offerings = try values.enumerated().map { index, value in
                    guard let offering = CatalogueDocument.offering(value) else {
                        throw StoreError.corrupt("credential \(id) has an unreadable offering \(index)")
                    }
                    return offering
                }
            }
            // Where it is held decides whether a learner limited to some places can take it.
            if let text: String = row[15] {
                guard let place = CatalogueDocument.place(stored: text) else { throw StoreError.corrupt("credential \(id) has an unreadable place \(text)") }
                credential.place = place
            }
            credentials.append(credential)
        }
        return credentials
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
                    let id: String = row[0]
                    let value: String = row[1]
                    guard let position = credentials.position[id] else { continue }
                    if column == "competency" { credentials.list[position].competencies.append(value) } else { credentials.list[position].languages.append(value) }
                }
            }
            start += 500
        }
    }

    static func qualificationReferences(_ node: RequirementNode) -> [String] {
        if case .qualification(let id) = node.rule { return [id] }
        return node.children.flatMap(qualificationReferences)
    }

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
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children):
            for child in children { try collectAcceptedCredentials(child, into: &credentials, named: &named, db) }
        case .maxCredits, .qualification:
            break
        }
    }

    /// The SQL condition on `credential c` joined with `provider p` that a `credits` leaf with
    /// this filter accepts: ECTS above zero and every given field, as `CredentialFilter.matches` reads it.
    static func acceptingCondition(_ filter: CredentialFilter) -> (String, StatementArguments) {
        var conditions = ["c.ects > 0"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        func list(_ values: [String]) -> String {
            arguments += values.map { $0 as (any DatabaseValueConvertible)? }
            return marks(values.count)
        }
        if let ids = filter.ids { conditions.append("c.id IN (\(list(ids)))") }
        if let competencies = filter.competencies {
            conditions.append("c.id IN (SELECT credentialId FROM credentialCompetency WHERE competency IN (\(list(competencies))))")
        }
        if let minimum = filter.minEQF { conditions.append("c.eqf >= ?"); arguments.append(minimum) }
        if let maximum = filter.maxEQF { conditions.append("c.eqf <= ?"); arguments.append(maximum) }
        if let kinds = filter.kinds { conditions.append("c.kind IN (\(list(kinds.map(\.rawValue))))") }
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

        var credentials: [JSON] = []
        var seen = named
        var frontier = named.filter { document.credential($0) == nil }
        while !frontier.isEmpty {
            var next: Set<String> = []
            for credential in try decode(credentials: try documents("credential", ids: Array(frontier), db), db) {
                credentials.append(CatalogueDocument.json(credential))
                for id in credential.prerequisites?.credentialIDs ?? [] where document.credential(id) == nil && seen.insert(id).inserted {
                    next.insert(id)
                }
            }
            frontier = next
        }
        let texts = { (table: String) in try String.fetchAll(db, sql: "SELECT document FROM \(table) ORDER BY id") }
        return try catalogue(
            providers: try texts("provider").map { try JSON.parse(Data($0.utf8)) }, credentials: credentials,
            qualifications: try texts("qualification").map { try JSON.parse(Data($0.utf8)) }, db)
    }

    static func collectNamedCredentials(_ node: RequirementNode, into ids: inout Set<String>) {
        switch node.rule {
        case .credential(let id): ids.insert(id)
        case .credits(_, let filter), .maxCredits(_, let filter): ids.formUnion(filter.ids ?? [])
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children):
            for child in children { collectNamedCredentials(child, into: &ids) }
        case .qualification: break
        }
    }

    // MARK: Documents

    /// Stored documents of the given ids that exist, in chunks that stay under SQLite's limit on parameters.
    static func documents(_ table: String, ids: [String], _ db: Database) throws -> [String] {
        var texts: [String] = []
        let unique = Array(Set(ids)).sorted()
        var start = 0
        while start < unique.count {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            texts += try String.fetchAll(db, sql: "SELECT document FROM \(table) WHERE id IN (\(marks))", arguments: StatementArguments(chunk))
            start += 500
        }
        return texts
    }

    static func decode(credentials texts: [String], _ db: Database) throws -> [Credential] {
        try catalogue(providers: [], credentials: try texts.map { try JSON.parse(Data($0.utf8)) }, qualifications: [], db).credentials
    }

    static func decode(qualifications texts: [String], _ db: Database) throws -> [Qualification] {
        try catalogue(providers: [], credentials: [], qualifications: try texts.map { try JSON.parse(Data($0.utf8)) }, db).qualifications
    }

    /// A catalogue of the given stored documents, with the stored base currency and rates.
    static func catalogue(providers: [JSON], credentials: [JSON], qualifications: [JSON], _ db: Database) throws -> Catalogue {
        let base = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'") ?? "EUR"
        var rates: [String: JSON] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT currency, rate FROM exchangeRate") { rates[row["currency"]] = .number(row["rate"]) }
        let document: JSON = .object([
            "format": .string(Catalogue.formatName), "baseCurrency": .string(base), "exchangeRates": .object(rates),
            "providers": .array(providers), "credentials": .array(credentials), "qualifications": .array(qualifications),
        ])
        do {
            return try CatalogueDocument.read(document)
        } catch let invalid as InvalidDocument {
            throw StoreError.corrupt(invalid.description)
        }
    }
}

/// Credentials as they are loaded, each once, found by id.
struct LoadedCredentials {
    var list: [Credential] = []
    var position: [String: Int] = [:]

    func contains(_ id: String) -> Bool { position[id] != nil }

    /// Adds the credential unless one with its id is there; whether it was added.
    @discardableResult
    mutating func add(_ credential: Credential) -> Bool {
        guard position[credential.id] == nil else { return false }
        position[credential.id] = list.count
        list.append(credential)
        return true
    }
}
