import StackPlanCore
import StackPlanStore

/// What the service reads from the stored catalogue: the seam a PostgreSQL store (issue 15)
/// will fill in beside the SQLite one. Every method may block on the database, so the routes
/// call them off the event loop (``BlockingWorkQueue``).
public protocol CatalogueSource: Sendable {
    func credentials(matching query: CredentialQuery) throws -> [Credential]
    func qualifications(matching query: QualificationQuery) throws -> [Qualification]
    func providers(matching query: ProviderQuery) throws -> [Provider]
    func competencies(matching query: CredentialQuery) throws -> [CompetencyCount]
    func credential(_ id: String) throws -> Credential?
    func qualification(_ id: String) throws -> Qualification?
    func provider(_ id: String) throws -> Provider?
    func baseCurrency() throws -> String
    /// The whole catalogue, for the tools that may look at any record (exceptions, compare, CPD).
    func catalogue() throws -> Catalogue
    /// Only what planning toward one qualification can use (docs/performance.md).
    func candidateCatalogue(target: String, held: [String]) throws -> Catalogue
    func counts() throws -> CatalogueStore.Counts
}

extension CatalogueStore: CatalogueSource {}
