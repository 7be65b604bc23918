import Foundation
import StackPlanCore
import StackPlanStore

/// The service's own records (accounts, tokens, assignments, saved plans, audit) behind one
/// protocol, beside ``CatalogueSource``: the SQLite store fills it today, PostgreSQL later.
/// Every write is audited by the store in the transaction that makes it.
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
    func addPlanVersion(planID: Int64, content: PlanVersionContent, by actor: Int64, now: Date) throws -> SavedPlanVersion
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

    // Jobs: each state change is written as it happens, so that a restart finds every job.
    func createJob(_ job: JobRecord) throws
    /// Writes status, stage, progress, summary, failure and `updatedAt` over the stored job.
    func updateJob(_ job: JobRecord) throws
    func job(_ id: String) throws -> JobRecord?
    /// An account's jobs, newest first.
    func jobs(owner: Int64) throws -> [JobRecord]
    /// Finished (done, failed, cancelled, interrupted) jobs last changed before `date`.
    func jobs(finishedBefore date: Date) throws -> [JobRecord]
    func deleteJob(_ id: String) throws
    /// Marks the jobs still `running` as `interrupted` and returns them as they were (run at start).
    func interruptRunningJobs(now: Date) throws -> [JobRecord]
}

extension CatalogueStore: ServiceRecordSource {}
