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
}

extension CatalogueStore: ServiceRecordSource {}
