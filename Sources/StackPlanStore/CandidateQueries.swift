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
    /// - every credential a leaf of those trees can accept: by id for `credential` leaves and
    ///   `ids` filters, and for `credits` leaves those with ECTS > 0 passing the leaf's filter
    ///   on competency, EQF, kind, provider and accreditation (its own, else its provider's),
    ///   selected in SQL through the indexed columns and side tables;
    /// - the held credentials (and a qualification of the same id, for the error message that
    ///   says a qualification cannot be held);
    /// - the prerequisite closure of all these;
    /// - every provider, and the exchange rates.
    ///
    /// Nothing else can be a candidate of the model (docs/formulation.md §1): a credential that
    /// no leaf accepts counts only as a prerequisite, and those are in the closure. Overlap
    /// partners outside this set are left out on purpose: an overlap only constrains two
    /// credentials that both count, and a credential that counts is in the set.
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
            var ids = Set(held)
            for qualification in qualifications.values {
                try Self.collectAcceptedCredentials(qualification.requires, into: &ids, db)
            }
            // Only for the message that a held id is a qualification, not a credential.
            for qualification in try Self.decode(qualifications: try Self.documents("qualification", ids: held, db), db)
            where qualifications[qualification.id] == nil {
                qualifications[qualification.id] = qualification
            }
            var credentials: [String: JSON] = [:]
            var frontier = Array(ids)
            while !frontier.isEmpty {
                var next: [String] = []
                for text in try Self.documents("credential", ids: frontier, db) {
                    let document = try JSON.parse(Data(text.utf8))
                    guard case .object(let fields) = document, case .string(let id)? = fields["id"] else { continue }
                    credentials[id] = document
                    for id in Self.prerequisiteIDs(in: fields["prerequisites"]) where ids.insert(id).inserted { next.append(id) }
                }
                frontier = next
            }
            return try Self.catalogue(
                providers: try String.fetchAll(db, sql: "SELECT document FROM provider ORDER BY id").map { try JSON.parse(Data($0.utf8)) },
                credentials: credentials.keys.sorted().map { credentials[$0]! },
                qualifications: qualifications.keys.sorted().map { CatalogueDocument.json(qualifications[$0]!) }, db)
        }
    }

    /// The credential ids a stored prerequisite expression names, read from its JSON so that
    /// each document is decoded once, at the end.
    static func prerequisiteIDs(in expression: JSON?) -> [String] {
        switch expression {
        case .object(let fields)?:
            if case .string(let id)? = fields["credential"] { return [id] }
            return fields.values.flatMap { prerequisiteIDs(in: $0) }
        case .array(let elements)?: return elements.flatMap { prerequisiteIDs(in: $0) }
        default: return []
        }
    }

    static func qualificationReferences(_ node: RequirementNode) -> [String] {
        if case .qualification(let id) = node.rule { return [id] }
        return node.children.flatMap(qualificationReferences)
    }

    /// Adds the ids of every stored credential some leaf of the tree accepts.
    static func collectAcceptedCredentials(_ node: RequirementNode, into ids: inout Set<String>, _ db: Database) throws {
        switch node.rule {
        case .credential(let id): ids.insert(id)
        case .credits(_, let filter):
            ids.formUnion(try String.fetchAll(db, acceptedBy: filter))
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children):
            for child in children { try collectAcceptedCredentials(child, into: &ids, db) }
        case .maxCredits, .qualification:
            break
        }
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

extension String {
    /// Ids of the stored credentials a `credits` leaf with this filter accepts: ECTS above zero
    /// and every given field of the filter, as `CredentialFilter.matches` reads it.
    static func fetchAll(_ db: Database, acceptedBy filter: CredentialFilter) throws -> [String] {
        var conditions = ["c.ects > 0"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        func list(_ values: [String]) -> String {
            arguments += values.map { $0 as (any DatabaseValueConvertible)? }
            return Array(repeating: "?", count: values.count).joined(separator: ",")
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
        let sql = "SELECT c.id FROM credential c LEFT JOIN provider p ON p.id = c.providerId WHERE " + conditions.joined(separator: " AND ")
        return try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
    }
}
