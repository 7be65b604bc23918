import Foundation
import StackPlanCore

/// What a front end reads from the stored catalogue, whichever database holds it: the SQLite
/// ``CatalogueStore`` or the PostgreSQL store (StackPlanPostgres). Every method may block on
/// the database, so a server calls them off its event loop (on threads of its own, never on
/// Swift concurrency's cooperative threads).
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
    /// The candidates of one plan request, cut as ``CandidateCut`` allows (CandidateCutQueries.swift).
    func candidateCatalogue(for request: PlanRequest) throws -> CandidateLoad
    func counts() throws -> CatalogueStore.Counts
}

extension CatalogueSource {
    /// A source that cannot cut reads every candidate.
    public func candidateCatalogue(for request: PlanRequest) throws -> CandidateLoad {
        let held = request.learner.held.compactMap(\.catalogueID)
        return CandidateLoad(catalogue: try candidateCatalogue(target: request.target, held: held), cut: nil, examined: 0, kept: 0)
    }
}

/// Loading catalogue documents, all or nothing: every document is validated against what is
/// stored and the documents before it, and if any has an error (``InvalidDocument``) none is written.
public protocol CatalogueImporting: CatalogueSource {
    func importCatalogues(_ documents: [(catalogue: Catalogue, file: String?)]) throws -> [CatalogueStore.ImportSummary]
    /// Where the records go, as messages name it: a file path, or a database URL without its password.
    var location: String { get }
}

/// The service's own records (accounts, tokens, assignments, saved plans, profiles, catalogue
/// edits, audit) behind one protocol, beside ``CatalogueSource``. Every write is audited by the
/// store in the transaction that makes it.
public protocol ServiceRecordSource: Sendable {
    func accountCount() throws -> Int
    func createAccount(name: String, role: AccountRole, passwordHash: String, by actor: Int64?, now: Date) throws -> Account
    func account(named name: String) throws -> Account?
    func account(id: Int64) throws -> Account?
    func assign(learner: Int64, toAdvisor advisor: Int64, by actor: Int64, now: Date) throws
    func assignedLearners(advisor: Int64) throws -> [Int64]
    func storeToken(_ token: StoredToken, now: Date) throws
    func token(selector: String) throws -> StoredToken?
    func deleteToken(selector: String, by actor: Int64, now: Date) throws
    func createSavedPlan(owner: Int64, content: PlanVersionContent, by actor: Int64, now: Date) throws -> SavedPlanVersion
    /// Adds the next version of a saved plan. With `expecting`, the version the change was made
    /// from: when another version has been added since, nothing is written and
    /// ``ServiceRecordError/staleVersion(plan:expected:latest:)`` (a conflict) is thrown.
    func addPlanVersion(planID: Int64, expecting: Int?, content: PlanVersionContent, by actor: Int64, now: Date) throws -> SavedPlanVersion
    func savedPlanVersions(_ planID: Int64) throws -> [SavedPlanVersion]
    func latestSavedPlans(owners: [Int64]) throws -> [SavedPlanVersion]
    func saveProfile(_ document: JSON, owner: Int64, id: Int64?, by actor: Int64, now: Date) throws -> StoredProfile
    func profile(_ id: Int64) throws -> StoredProfile?
    func profiles(owners: [Int64]) throws -> [StoredProfile]
    func editCatalogue(_ document: Catalogue, by actor: Int64, now: Date) throws -> (summary: CatalogueStore.ImportSummary, version: Int)
    func catalogueEditCount() throws -> Int
    func auditEntries(limit: Int) throws -> [AuditEntry]
    func catalogueVersion() throws -> String

    // Retirement: retired records stay stored and readable, and are offered to no new plan or list.
    /// Retires a record as a catalogue edit; returns the edit's number. Unknown: notFound; retired already: conflict.
    func retire(_ kind: CatalogueRecordKind, id: String, by actor: Int64, now: Date) throws -> Int
    /// Offers a retired record again, as a catalogue edit; returns its number.
    func restore(_ kind: CatalogueRecordKind, id: String, by actor: Int64, now: Date) throws -> Int
    func retirements() throws -> [Retirement]
    /// Credentials retired, and every credential of a retired provider.
    func unofferedCredentialIDs() throws -> Set<String>

    // Jobs: each state change is written as it happens, so that a restart finds every job. A
    // job belongs to the instance that runs it (`JobRecord.instance`), which says every few
    // seconds that it is alive; a job whose instance has gone quiet is taken as interrupted.
    func createJob(_ job: JobRecord) throws
    /// Writes status, stage, progress, summary, failure and `updatedAt` over the stored job while
    /// it is `running` there; one already taken as interrupted keeps its state.
    func updateJob(_ job: JobRecord) throws
    func job(_ id: String) throws -> JobRecord?
    /// An account's jobs, newest first.
    func jobs(owner: Int64) throws -> [JobRecord]
    /// Finished (done, failed, cancelled, interrupted) jobs last changed before `date`.
    func jobs(finishedBefore date: Date) throws -> [JobRecord]
    func deleteJob(_ id: String) throws
    /// Refreshes `updatedAt` of the running jobs among `ids` and returns those of `ids` their
    /// instance must stop: asked to stop elsewhere, no longer running, or gone.
    func keepJobsAlive(_ ids: [String], now: Date) throws -> Set<String>
    /// Asks whichever instance runs job `id` to stop it (stage "cancelling"); nil if it does not run.
    func requestJobCancellation(_ id: String, now: Date) throws -> JobRecord?
    /// Marks as `interrupted` the running jobs of `instance` (it restarted) and those silent since
    /// `silentSince` (their instance stopped), and returns them as they were.
    func interruptRunningJobs(of instance: String?, silentSince: Date, now: Date) throws -> [JobRecord]
}

extension CatalogueStore: CatalogueImporting, ServiceRecordSource {
    public var location: String { path }
}

/// A fingerprint of a catalogue's content and its retired records (FNV-1a over its stackplan/1
/// document, then one line per retirement), the same for the same records in any store: saved
/// plans record it, so that a re-plan can tell the catalogue has changed since, a retirement
/// (which leaves the records themselves as they were) included.
public func catalogueFingerprint(_ catalogue: Catalogue, retired: [Retirement]) -> String {
    var data = CatalogueDocument.data(catalogue)
    // Sorted here rather than trusted from the query: PostgreSQL's collation may order ids
    // differently from SQLite's, and the same records must give the same fingerprint.
    let lines = retired.map { "\nretired \($0.kind.rawValue) \($0.id)" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    for line in lines { data.append(contentsOf: line.utf8) }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
}

/// The last catalogue fingerprint a store computed, by the catalogue's revision: a counter in
/// the `setting` table that every import, edit, retirement and restoration raises in its own
/// transaction. Fingerprinting reads the whole catalogue (seconds at 100,000 credentials),
/// while saving a plan or showing the planning page needs the version every time; with the
/// memo only the first request after a change pays for it.
public final class CatalogueVersionMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var memo: (revision: String, version: String)?

    public init() {}

    /// The key of the revision counter in `setting`.
    public static let revisionKey = "catalogueRevision"

    /// The fingerprint for `revision`, computed by `fingerprint` unless known. `revision` must be
    /// read before `fingerprint` reads the catalogue: a change committed in between then gives a
    /// newer revision at the next call, never an old fingerprint filed under a new revision.
    public func version(revision: String, _ fingerprint: () throws -> String) rethrows -> String {
        if let memo = lock.withLock({ memo }), memo.revision == revision { return memo.version }
        let version = try fingerprint()
        lock.withLock { memo = (revision, version) }
        return version
    }
}
