import Foundation
import GRDB
import StackPlanCore

/// Which credentials to list: each field given narrows the list, `nil` leaves it open.
public struct CredentialQuery: Sendable, Equatable {
    /// Only this provider's credentials (its id, exactly).
    public var provider: String?
    /// Only credentials tagged with this competency (exactly, as in the catalogue).
    public var competency: String?
    /// Only credentials of this kind.
    public var kind: CredentialKind?
    /// Only credentials whose id or title contains this text, ignoring case and accents
    /// ("prevencao" finds "Prevenção"). Empty text matches everything.
    public var search: String?

    public init(provider: String? = nil, competency: String? = nil, kind: CredentialKind? = nil, search: String? = nil) {
        self.provider = provider
        self.competency = competency
        self.kind = kind
        self.search = search
    }
}

/// Which qualifications to list: each field given narrows the list.
public struct QualificationQuery: Sendable, Equatable {
    /// Only this provider's qualifications (its id, exactly).
    public var provider: String?
    /// Only qualifications whose id or title contains this text, ignoring case and accents.
    public var search: String?

    public init(provider: String? = nil, search: String? = nil) {
        self.provider = provider
        self.search = search
    }
}

/// Which providers to list: each field given narrows the list.
public struct ProviderQuery: Sendable, Equatable {
    /// Only the provider with this id.
    public var id: String?
    /// Only providers whose id or name contains this text, ignoring case and accents.
    public var search: String?

    public init(id: String? = nil, search: String? = nil) {
        self.id = id
        self.search = search
    }
}

/// A competency tag and how many credentials carry it.
public struct CompetencyCount: Sendable, Equatable {
    public var competency: String
    public var credentials: Int

    public init(competency: String, credentials: Int) {
        self.competency = competency
        self.credentials = credentials
    }
}

/// Reading records one by one or by filters, for listing and showing: full records as
/// imported, in id order, filtered in SQL through the indexed columns and side tables.
extension CatalogueStore {
    /// The stored credential with this id, or `nil`.
    public func credential(_ id: String) throws -> Credential? {
        try read { db in try Self.catalogue(credentials: try Self.documents("credential", ids: [id], db), db).credentials.first }
    }

    /// The stored qualification with this id, or `nil`.
    public func qualification(_ id: String) throws -> Qualification? {
        try read { db in try Self.catalogue(qualifications: try Self.documents("qualification", ids: [id], db), db).qualifications.first }
    }

    /// The stored provider with this id, or `nil`.
    public func provider(_ id: String) throws -> Provider? {
        try read { db in try Self.catalogue(providers: try Self.documents("provider", ids: [id], db), db).providers.first }
    }

    /// The currency of every stored cost without its own: the stored catalogue's base currency
    /// (EUR while nothing is stored).
    public func baseCurrency() throws -> String {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'baseCurrency'") ?? "EUR" }
    }

    /// The credentials that meet every filter of `query`, in id order.
    public func credentials(matching query: CredentialQuery = CredentialQuery()) throws -> [Credential] {
        guard let (condition, arguments) = Self.condition(query) else { return [] }
        return try read { db in
            try Self.catalogue(credentials: try Self.storedDocuments("credential", where: condition, arguments: arguments, db), db).credentials
        }
    }

    /// How many credentials meet every filter of `query`, counted in SQL.
    public func countCredentials(matching query: CredentialQuery = CredentialQuery()) throws -> Int {
        guard let (condition, arguments) = Self.condition(query) else { return 0 }
        return try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM credential WHERE \(condition)", arguments: arguments) ?? 0 }
    }

    /// The qualifications that meet every filter of `query`, in id order.
    public func qualifications(matching query: QualificationQuery = QualificationQuery()) throws -> [Qualification] {
        var conditions = ["1"]
        var arguments: [String] = []
        if let provider = query.provider { conditions.append("providerId = ?"); arguments.append(provider.precomposedStringWithCanonicalMapping) }
        if let search = query.search { conditions.append("(\(Self.matches)(id, ?) OR \(Self.matches)(title, ?))"); arguments += [search, search] }
        guard arguments.allSatisfy(StoredText.isExact) else { return [] }
        return try read { db in
            try Self.catalogue(
                qualifications: try Self.storedDocuments("qualification", where: conditions.joined(separator: " AND "), arguments: StatementArguments(arguments), db),
                db).qualifications
        }
    }

    /// The providers that meet every filter of `query`, in id order.
    public func providers(matching query: ProviderQuery = ProviderQuery()) throws -> [Provider] {
        var conditions = ["1"]
        var arguments: [String] = []
        if let id = query.id { conditions.append("id = ?"); arguments.append(id.precomposedStringWithCanonicalMapping) }
        if let search = query.search { conditions.append("(\(Self.matches)(id, ?) OR \(Self.matches)(name, ?))"); arguments += [search, search] }
        guard arguments.allSatisfy(StoredText.isExact) else { return [] }
        return try read { db in
            try Self.catalogue(
                providers: try Self.storedDocuments("provider", where: conditions.joined(separator: " AND "), arguments: StatementArguments(arguments), db),
                db).providers
        }
    }

    /// The competency tags in use, each with the number of credentials carrying it, in tag
    /// order. Only credentials that meet `query` count; a `competency` in it keeps only the
    /// tags of credentials carrying that one.
    public func competencies(matching query: CredentialQuery = CredentialQuery()) throws -> [CompetencyCount] {
        guard let (condition, arguments) = Self.condition(query) else { return [] }
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT cc.competency, COUNT(*) FROM credentialCompetency cc
                WHERE cc.credentialId IN (SELECT id FROM credential WHERE \(condition))
                GROUP BY cc.competency ORDER BY cc.competency
                """, arguments: arguments).map { row in
                CompetencyCount(competency: try row.decode(atIndex: 0), credentials: try row.decode(atIndex: 1))
            }
        }
    }

    /// The SQL condition on `credential` rows that `query` asks for; `nil` when a filter holds
    /// text no stored value can contain (a NUL character), so that nothing can match.
    static func condition(_ query: CredentialQuery) -> (String, StatementArguments)? {
        var conditions = ["1"]
        var arguments: [String] = []
        // Stored keys are in normalization form C (StoredText): so are the keys looked up.
        if let provider = query.provider { conditions.append("providerId = ?"); arguments.append(provider.precomposedStringWithCanonicalMapping) }
        if let competency = query.competency {
            conditions.append("id IN (SELECT credentialId FROM credentialCompetency WHERE competency = ?)")
            arguments.append(competency.precomposedStringWithCanonicalMapping)
        }
        if let kind = query.kind { conditions.append("kind = ?"); arguments.append(kind.rawValue) }
        if let search = query.search { conditions.append("(\(matches)(id, ?) OR \(matches)(title, ?))"); arguments += [search, search] }
        guard arguments.allSatisfy(StoredText.isExact) else { return nil }
        return (conditions.joined(separator: " AND "), StatementArguments(arguments))
    }

    /// The SQL function of text search: `stackplanMatches(text, needle)` is 1 when `text`
    /// contains `needle` ignoring case and accents. SQLite's own LIKE folds ASCII letters only.
    static let matches = "stackplanMatches"

    static let matchesFunction = DatabaseFunction(matches, argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let needle = String.fromDatabaseValue(values[1]) else { return false }
        return needle.isEmpty || text.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
    }
}
