import Foundation
import Testing
import StackPlanCore
@testable import StackPlanPostgres
import StackPlanStore

/// Accounts, tokens, saved plans, profiles, catalogue edits and the audit log, the same on both backends.
@Suite struct ServiceRecordContractTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available)
    func accountsTokensAndAssignments(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        #expect(try store.accountCount() == 0)
        let ana = try store.createAccount(name: "ana", role: .learner, passwordHash: "hash-a", by: nil, now: now)
        let ben = try store.createAccount(name: "ben", role: .advisor, passwordHash: "hash-b", by: ana.id, now: now)
        #expect(try store.account(named: "ana") == ana && store.account(id: ben.id) == ben)
        #expect(try store.account(named: "nobody") == nil)
        #expect(throws: ServiceRecordError.duplicateAccount("ana")) {
            try store.createAccount(name: "ana", role: .admin, passwordHash: "x", by: nil, now: now)
        }
        #expect(try store.accountCount() == 2)
        try store.assign(learner: ana.id, toAdvisor: ben.id, by: ben.id, now: now)
        try store.assign(learner: ana.id, toAdvisor: ben.id, by: ben.id, now: now)
        #expect(try store.assignedLearners(advisor: ben.id) == [ana.id])
        let token = StoredToken(selector: "sel1", accountID: ana.id, verifierHash: "vh", expiresAt: now.addingTimeInterval(3600))
        try store.storeToken(token, now: now)
        #expect(try store.token(selector: "sel1") == token)
        // Storing a token removes the expired ones.
        try store.storeToken(StoredToken(selector: "sel2", accountID: ben.id, verifierHash: "v2", expiresAt: now), now: now.addingTimeInterval(7200))
        #expect(try store.token(selector: "sel1") == nil)
        try store.deleteToken(selector: "sel2", by: ben.id, now: now)
        #expect(try store.token(selector: "sel2") == nil)
        let audit = try store.auditEntries(limit: 100)
        #expect(audit.map(\.action) == ["sign out", "sign in", "sign in", "assign learner", "assign learner", "create account", "create account"])
        #expect(audit.last?.accountID == ana.id && audit.last?.at == now)
        #expect(try store.auditEntries(limit: 2).count == 2)
    }

    @Test(arguments: Backend.available)
    func savedPlansAreVersionedAndStaleVersionsConflict(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let ana = try store.createAccount(name: "ana", role: .learner, passwordHash: "h", by: nil, now: now)
        let first = try store.createSavedPlan(owner: ana.id, content: Samples.content("route"), by: ana.id, now: now)
        #expect(first.version == 1 && first.ownerID == ana.id)
        let second = try store.addPlanVersion(planID: first.planID, expecting: 1, content: Samples.content("route", 2), by: ana.id, now: now)
        #expect(second.version == 2)
        // A change made from version 1 after version 2 was saved: a conflict, nothing written.
        #expect(throws: ServiceRecordError.staleVersion(plan: first.planID, expected: 1, latest: 2)) {
            try store.addPlanVersion(planID: first.planID, expecting: 1, content: Samples.content("late"), by: ana.id, now: now)
        }
        #expect(ServiceRecordError.staleVersion(plan: 1, expected: 1, latest: 2).kind == .conflict)
        #expect(throws: ServiceRecordError.unknownPlan(999)) {
            try store.addPlanVersion(planID: 999, expecting: nil, content: Samples.content("x"), by: ana.id, now: now)
        }
        let versions = try store.savedPlanVersions(first.planID)
        #expect(versions == [first, second])
        let other = try store.createSavedPlan(owner: ana.id, content: Samples.content("other"), by: ana.id, now: now)
        #expect(try store.latestSavedPlans(owners: [ana.id]) == [other, second])
        #expect(try store.latestSavedPlans(owners: []).isEmpty)
    }

    /// Writers on several threads (and, on PostgreSQL, through two stores as two instances would):
    /// every write kept once, numbered without gaps; of writers from one version, one wins.
    @Test(arguments: Backend.available)
    func concurrentVersionWritesAreNeitherLostNorDuplicated(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        // On PostgreSQL, a second store on the same database, as a second instance would have.
        let second: any ServiceRecordSource
        if backend == .postgres { second = try PostgresStore(url: database.address) } else { second = database.store }
        let ana = try database.store.createAccount(name: "ana", role: .learner, passwordHash: "h", by: nil, now: now)
        let plan = try database.store.createSavedPlan(owner: ana.id, content: Samples.content("p"), by: ana.id, now: now)
        let stores: [any ServiceRecordSource] = [database.store, second]
        let writers = 8, each = 6
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for number in 0..<each {
                _ = try? stores[writer % 2].addPlanVersion(planID: plan.planID, expecting: nil, content: Samples.content("w\(writer)", number), by: ana.id, now: now)
            }
        }
        let versions = try database.store.savedPlanVersions(plan.planID)
        #expect(versions.map(\.version) == Array(1...(1 + writers * each)))
        let written = Set(versions.dropFirst().map { $0.content.name + String(decoding: $0.content.inputs.serialized(pretty: false), as: UTF8.self) })
        #expect(written.count == writers * each)
        // Eight edits of the same version at once: exactly one is saved, the others conflict.
        let latest = versions.count
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                _ = try stores[writer % 2].addPlanVersion(planID: plan.planID, expecting: latest, content: Samples.content("race\(writer)"), by: ana.id, now: now)
                outcomes.record(saved: true)
            } catch {
                outcomes.record(saved: false, conflict: (error as? ServiceRecordError).map { $0.kind == .conflict } ?? false)
            }
        }
        #expect(outcomes.saved == 1 && outcomes.conflicts == writers - 1)
        #expect(try database.store.savedPlanVersions(plan.planID).count == latest + 1)
    }

    @Test(arguments: Backend.available)
    func profilesAndCatalogueEdits(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let ana = try store.createAccount(name: "ana", role: .learner, passwordHash: "h", by: nil, now: now)
        let editor = try store.createAccount(name: "eve", role: .editor, passwordHash: "h", by: nil, now: now)
        let profile = try store.saveProfile(.object(["name": .string("Ana")]), owner: ana.id, id: nil, by: ana.id, now: now)
        let replaced = try store.saveProfile(.object(["name": .string("Ana B")]), owner: ana.id, id: profile.id, by: ana.id, now: now)
        #expect(try store.profile(profile.id) == replaced)
        #expect(try store.profiles(owners: [ana.id]) == [replaced])
        #expect(throws: ServiceRecordError.unknownProfile(profile.id)) {
            try store.saveProfile(.object([:]), owner: editor.id, id: profile.id, by: editor.id, now: now)
        }
        #expect(try store.catalogueEditCount() == 0)
        let edit = try store.editCatalogue(try Samples.bundled(), by: editor.id, now: now)
        #expect(edit.version == 1 && edit.summary.replaced == 0)
        let again = try store.editCatalogue(try Samples.bundled(), by: editor.id, now: now)
        #expect(again.version == 2 && again.summary.replaced == again.summary.providers + again.summary.credentials + again.summary.qualifications)
        #expect(try store.catalogueEditCount() == 2)
        #expect(try store.auditEntries(limit: 1).first?.subject.hasPrefix("catalogue edit 2:") == true)
    }
}

/// Outcomes counted across threads.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var saved = 0
    private(set) var conflicts = 0

    func record(saved wasSaved: Bool, conflict: Bool = false) {
        lock.withLock {
            if wasSaved { saved += 1 }
            if conflict { conflicts += 1 }
        }
    }
}
