import Foundation
import StackPlanCore

/// How catalogue records are kept and read back, whichever database holds them: each record's
/// JSON document, plus the columns planning reads without decoding documents. The SQLite store
/// and the PostgreSQL store (StackPlanPostgres) share these rules, so that both read the same
/// records back the same way and name damaged ones the same way.
public enum StoredRecords {
    /// A catalogue of stored documents with the given base currency and exchange rates.
    ///
    /// A document that is not valid JSON, or that the catalogue reader refuses, throws
    /// ``DamagedRecord`` naming its record: it was valid when imported, so the database has changed.
    public static func catalogue(
        baseCurrency: String, exchangeRates: [String: Double],
        providers: [StoredDocument] = [], credentials: [StoredDocument] = [], qualifications: [StoredDocument] = []
    ) throws -> Catalogue {
        let lists = [("providers", providers), ("credentials", credentials), ("qualifications", qualifications)]
        var document: [String: JSON] = [
            "format": .string(Catalogue.formatName), "baseCurrency": .string(baseCurrency),
            "exchangeRates": .object(exchangeRates.mapValues(JSON.number)),
        ]
        for (key, stored) in lists {
            document[key] = .array(try stored.map { record in
                guard let value = try? JSON.parse(Data(record.text.utf8)) else {
                    throw DamagedRecord(record: record.name, reason: "its stored document is not valid JSON")
                }
                return value
            })
        }
        do {
            return try CatalogueDocument.read(JSON.object(document))
        } catch let invalid as InvalidDocument {
            // Name the record of the first problem: its path starts with the list and the index.
            for issue in invalid.errors {
                for (key, stored) in lists where issue.path.hasPrefix("$.\(key)[") {
                    let index = issue.path.dropFirst(key.count + 3).prefix { $0.isNumber }
                    if let position = Int(index), stored.indices.contains(position) {
                        throw DamagedRecord(record: stored[position].name, reason: "its stored document cannot be read (\(issue.message))")
                    }
                }
            }
            throw DamagedRecord(record: "settings", reason: "the stored base currency or exchange rates cannot be read")
        }
    }

    /// A credential's planning columns as stored, before they are read.
    public struct CredentialColumns: Sendable {
        public var id: String, provider: String, title: String, kind: String
        public var ects: Double?, hours: Double?, eqf: Int, cost: Double, currency: String?, mode: String, accredited: Bool?
        public var weeks: Int?
        /// JSON text of the prerequisite tree, the excluded ids and the offerings (`nil` when none).
        public var prerequisites: String?, excludes: String?, offerings: String?
        /// The document's `place`: a string as it is, an object as JSON text.
        public var place: String?
        /// Whether the whole stored document is valid JSON.
        public var documentIsJSON: Bool
        /// The document's `code`, and its `isced` and `escoSkills` lists as JSON text (`nil` when
        /// absent): they live in the document only, and requirement filters read them.
        public var code: String?, isced: String?, escoSkills: String?
        /// The document's `repeatable`: how many times the credential may be taken for credit.
        public var repeatable: Int64?
        /// The document's `competencies` and `languages` lists as JSON text, for a store that reads
        /// them from the document rather than from the side tables (`nil`: none given, left empty).
        /// Read as the side tables hold them: each once, in order.
        public var competencies: String?, languages: String?

        public init(id: String, provider: String, title: String, kind: String, ects: Double?, hours: Double?, eqf: Int, cost: Double,
                    currency: String?, mode: String, accredited: Bool?, weeks: Int?, prerequisites: String?, excludes: String?,
                    offerings: String?, place: String?, documentIsJSON: Bool,
                    code: String? = nil, isced: String? = nil, escoSkills: String? = nil, repeatable: Int64? = nil,
                    competencies: String? = nil, languages: String? = nil) {
            self.id = id; self.provider = provider; self.title = title; self.kind = kind
            self.ects = ects; self.hours = hours; self.eqf = eqf; self.cost = cost; self.currency = currency; self.mode = mode
            self.accredited = accredited; self.weeks = weeks; self.prerequisites = prerequisites; self.excludes = excludes
            self.offerings = offerings; self.place = place; self.documentIsJSON = documentIsJSON
            self.code = code; self.isced = isced; self.escoSkills = escoSkills; self.repeatable = repeatable
            self.competencies = competencies; self.languages = languages
        }
    }

    /// One credential from its planning columns; its competencies and languages only when the
    /// columns carry them (else the side tables add them).
    public static func credential(_ columns: CredentialColumns) throws -> Credential {
        let record = "credential \"\(columns.id)\""
        guard let kind = CredentialKind(rawValue: columns.kind), let mode = DeliveryMode(rawValue: columns.mode) else {
            throw DamagedRecord(record: record, reason: "its kind \"\(columns.kind)\" or mode \"\(columns.mode)\" is not one StackPlan knows")
        }
        var credential = Credential(
            id: columns.id, title: columns.title, provider: columns.provider, kind: kind,
            ects: columns.ects, hours: columns.hours, eqf: columns.eqf,
            cost: columns.cost, currency: columns.currency, weeks: columns.weeks,
            mode: mode, languages: [], accredited: columns.accredited)
        func json(_ text: String?, _ column: String) throws -> JSON? {
            guard let text else { return nil }
            guard let value = try? JSON.parse(Data(text.utf8)) else {
                throw DamagedRecord(record: record, reason: "its \(column) column is not valid JSON")
            }
            return value
        }
        if let value = try json(columns.prerequisites, "prerequisites") {
            guard let prerequisite = CatalogueDocument.prerequisite(value) else {
                throw DamagedRecord(record: record, reason: "its prerequisites column cannot be read")
            }
            credential.prerequisites = prerequisite
        }
        if let value = try json(columns.excludes, "excludes") {
            guard case .array(let values) = value else { throw DamagedRecord(record: record, reason: "its excludes column is not a list") }
            credential.excludes = values.compactMap { if case .string(let id) = $0 { return id } else { return nil } }
        }
        // Schedules need the dated runs; without them every credential would look self-paced.
        if let value = try json(columns.offerings, "offerings") {
            guard case .array(let values) = value else { throw DamagedRecord(record: record, reason: "its offerings column is not a list") }
            credential.offerings = try values.enumerated().map { index, value in
                guard let offering = CatalogueDocument.offering(value) else {
                    throw DamagedRecord(record: record, reason: "its offering \(index) cannot be read")
                }
                return offering
            }
        }
        // Where it is held decides whether a learner limited to some places can take it; the place
        // lives in the document only, so a damaged document is named rather than read as "no place".
        guard columns.documentIsJSON else { throw DamagedRecord(record: record, reason: "its stored document is not valid JSON") }
        if let text = columns.place {
            guard let place = CatalogueDocument.place(stored: text) else {
                throw DamagedRecord(record: record, reason: "its place \(text) cannot be read")
            }
            credential.place = place
        }
        func strings(_ text: String?, _ field: String) throws -> [String] {
            guard let value = try json(text, field) else { return [] }
            guard case .array(let values) = value else { throw DamagedRecord(record: record, reason: "its \(field) is not a list") }
            return values.compactMap { if case .string(let text) = $0 { text } else { nil } }
        }
        credential.code = columns.code
        credential.isced = try strings(columns.isced, "isced")
        credential.escoSkills = try strings(columns.escoSkills, "escoSkills")
        // As written to the side tables (CatalogueStore.writeCredentials): each once, sorted.
        credential.competencies = Set(try strings(columns.competencies, "competencies")).sorted()
        credential.languages = Set(try strings(columns.languages, "languages")).sorted()
        // How often it may be taken for credit lives in the document only: a whole number in range, else once.
        if let times = columns.repeatable {
            guard InputLimits.repeats.contains(Int(clamping: times)) else { throw DamagedRecord(record: record, reason: "its repeatable \(times) is out of range") }
            credential.repeatable = Int(times)
        }
        return credential
    }

    /// The planning columns weeks, prerequisites, excludes and offerings of a credential, as stored.
    public static func planningColumns(_ credential: Credential) -> (weeks: Int?, prerequisites: String?, excludes: String?, offerings: String?) {
        (credential.weeks, credential.prerequisites.map { CatalogueDocument.json($0).compactText },
         credential.excludes.isEmpty ? nil : JSON.array(credential.excludes.map(JSON.string)).compactText,
         credential.offerings.isEmpty ? nil : JSON.array(credential.offerings.map(CatalogueDocument.json)).compactText)
    }

    /// The qualifications a requirement tree refers to.
    public static func qualificationReferences(_ node: RequirementNode) -> [String] {
        if case .qualification(let id) = node.rule { return [id] }
        return node.children.flatMap(qualificationReferences)
    }

    /// The credential ids a requirement tree names, in `credential` leaves and credit filters.
    public static func collectNamedCredentials(_ node: RequirementNode, into ids: inout Set<String>) {
        switch node.rule {
        case .credential(let id): ids.insert(id)
        case .credits(_, let filter), .count(_, let filter), .maxCredits(_, let filter): ids.formUnion(filter.ids ?? [])
        case .allOf(let children), .anyOf(let children), .atLeast(_, let children):
            for child in children { collectNamedCredentials(child, into: &ids) }
        case .qualification: break
        }
    }

    /// The ids named by `credential` leaves only (the candidate cut never drops them); iterative,
    /// as a tree read from a document may be deep.
    public static func collectCredentialLeafIDs(_ node: RequirementNode, into ids: inout Set<String>) {
        var pending = [node]
        while let node = pending.popLast() {
            if case .credential(let id) = node.rule { ids.insert(id) }
            pending += node.children
        }
    }

    /// Every value of `document` that the databases cannot store or compare exactly (a NUL
    /// character, a key not in normalization form C), by JSON path.
    public static func textProblems(in document: Catalogue) -> [ValidationIssue] { StoredText.problems(in: document) }

    /// The ids to look up as keys are stored (form C); ids no key can equal are left out.
    public static func lookupable<S: Sequence>(_ ids: S) -> [String] where S.Element == String { StoredText.lookupable(ids) }

    /// Whether `text` is stored and compared exactly as it is (no NUL character).
    public static func isExact(_ text: String) -> Bool { StoredText.isExact(text) }

    /// Whether `text` contains `needle` ignoring case and accents, as listing searches match.
    public static func matches(_ text: String, _ needle: String) -> Bool {
        needle.isEmpty || text.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
    }
}

/// One stored record's JSON document.
public struct StoredDocument: Sendable {
    public var table: String
    public var id: String
    public var text: String

    public init(table: String, id: String, text: String) {
        self.table = table
        self.id = id
        self.text = text
    }

    /// As messages name records: `credential "tcd-nu7812"`.
    public var name: String { "\(table) \"\(id)\"" }
}

/// A stored record that cannot be read back; each store turns it into its own error naming the database.
public struct DamagedRecord: Error, Sendable {
    public var record: String
    public var reason: String

    public init(record: String, reason: String) {
        self.record = record
        self.reason = reason
    }
}

/// Credentials as they are loaded, each once, found by id.
public struct LoadedCredentials: Sendable {
    public var list: [Credential] = []
    public var position: [String: Int] = [:]

    public init() {}

    public func contains(_ id: String) -> Bool { position[id] != nil }

    /// Adds the credential unless one with its id is there; whether it was added.
    @discardableResult
    public mutating func add(_ credential: Credential) -> Bool {
        guard position[credential.id] == nil else { return false }
        position[credential.id] = list.count
        list.append(credential)
        return true
    }
}
