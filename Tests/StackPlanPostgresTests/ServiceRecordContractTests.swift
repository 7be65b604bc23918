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

    /// Retiring and restoring records: catalogue edits, audited, refused for unknown records and
    /// twice over; a retired provider's credentials are no longer offered.
    @Test(arguments: Backend.available)
    func retirementsAreCatalogueEditsAndHideProvidersCredentials(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let editor = try store.createAccount(name: "eve", role: .editor, passwordHash: "h", by: nil, now: now)
        let catalogue = try Samples.bundled()
        _ = try store.editCatalogue(catalogue, by: editor.id, now: now)
        let credential = try #require(catalogue.credentials.first)
        let provider = try #require(catalogue.providers.first { provider in
            provider.id != credential.provider && catalogue.credentials.contains { $0.provider == provider.id }
        })
        #expect(try store.retirements().isEmpty && store.unofferedCredentialIDs().isEmpty)

        #expect(try store.retire(.credential, id: credential.id, by: editor.id, now: now) == 2)
        #expect(try store.retire(.provider, id: provider.id, by: editor.id, now: now.addingTimeInterval(1)) == 3)
        #expect(throws: RetirementError.alreadyRetired(.credential, credential.id)) {
            try store.retire(.credential, id: credential.id, by: editor.id, now: now)
        }
        #expect(throws: RetirementError.unknownRecord(.qualification, "no-such")) {
            try store.retire(.qualification, id: "no-such", by: editor.id, now: now)
        }
        #expect(throws: RetirementError.unknownRecord(.credential, "nul\u{0}id")) {
            try store.retire(.credential, id: "nul\u{0}id", by: editor.id, now: now)
        }
        #expect(try store.retirements() == [
            Retirement(kind: .credential, id: credential.id, retiredAt: now, accountID: editor.id),
            Retirement(kind: .provider, id: provider.id, retiredAt: now.addingTimeInterval(1), accountID: editor.id),
        ])
        let ofProvider = Set(catalogue.credentials.filter { $0.provider == provider.id }.map(\.id))
        #expect(try store.unofferedCredentialIDs() == ofProvider.union([credential.id]))
        #expect(try store.catalogueEditCount() == 3)
        #expect(try store.auditEntries(limit: 1).first?.subject == "catalogue edit 3: retired provider \(provider.id)")
        // Retired records stay readable: saved plans name them.
        #expect(try store.credential(credential.id) != nil)

        #expect(try store.restore(.provider, id: provider.id, by: editor.id, now: now) == 4)
        #expect(throws: RetirementError.notRetired(.provider, provider.id)) {
            try store.restore(.provider, id: provider.id, by: editor.id, now: now)
        }
        #expect(throws: RetirementError.unknownRecord(.provider, "no-such")) {
            try store.restore(.provider, id: "no-such", by: editor.id, now: now)
        }
        #expect(try store.unofferedCredentialIDs() == [credential.id])
        #expect(try store.catalogueEditCount() == 4)
    }

    /// Jobs written as they change, listed per owner newest first, expired by age once finished,
    /// and the running ones marked interrupted when a service starts.
    @Test(arguments: Backend.available)
    func jobsPersistAndRunningOnesAreInterrupted(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let ana = try store.createAccount(name: "ana", role: .learner, passwordHash: "h", by: nil, now: now)
        let ben = try store.createAccount(name: "ben", role: .learner, passwordHash: "h", by: nil, now: now)
        func job(_ id: String, owner: Int64, at offset: TimeInterval) -> JobRecord {
            JobRecord(id: id, kind: "frontier", ownerID: owner, stage: "queued", files: "/jobs/\(id)",
                      createdAt: now.addingTimeInterval(offset), updatedAt: now.addingTimeInterval(offset))
        }
        let first = job("j1", owner: ana.id, at: 0), second = job("j2", owner: ana.id, at: 10), other = job("j3", owner: ben.id, at: 5)
        for record in [first, second, other] { try store.createJob(record) }
        #expect(try store.job("j1") == first)
        #expect(try store.job("none") == nil)
        #expect(try store.jobs(owner: ana.id) == [second, first])

        var finished = first
        finished.status = .done
        finished.stage = "done"
        finished.progress = .object(["done": .number(3), "total": .number(3)])
        finished.summary = .object(["points": .array([.number(1.5)])])
        finished.updatedAt = now.addingTimeInterval(20)
        try store.updateJob(finished)
        #expect(try store.job("j1") == finished)
        #expect(try store.jobs(finishedBefore: now.addingTimeInterval(21)) == [finished])
        #expect(try store.jobs(finishedBefore: now.addingTimeInterval(20)).isEmpty)

        // The service stopped while j2 and j3 ran: silent for longer than the lease, they are
        // returned as they were, and marked.
        let restart = now.addingTimeInterval(100)
        let interrupted = try store.interruptRunningJobs(of: nil, silentSince: now.addingTimeInterval(11), now: restart)
        #expect(Set(interrupted.map(\.id)) == ["j2", "j3"])
        #expect(interrupted.allSatisfy { $0.status == .running })
        let marked = try #require(try store.job("j2"))
        #expect(marked.status == .interrupted && marked.stage == "interrupted" && marked.updatedAt == restart)
        #expect(marked.failure == "the service stopped while the job ran: start it again")
        #expect(try store.interruptRunningJobs(of: nil, silentSince: restart, now: restart).isEmpty)
        #expect(try store.job("j1") == finished)
        // A job taken as interrupted keeps that state when its late instance writes to it.
        var late = try #require(try store.job("j2"))
        late.status = .done
        late.stage = "done"
        try store.updateJob(late)
        #expect(try store.job("j2")?.status == .interrupted)

        try store.deleteJob("j1")
        #expect(try store.job("j1") == nil)
        #expect(try store.jobs(owner: ana.id).map(\.id) == ["j2"])
    }

    /// Jobs of several instances on one database: each says its jobs are alive; a job another
    /// instance is asked to stop is flagged for its own instance, never deleted under it; a
    /// restart takes its own instance's running jobs as interrupted and leaves live instances' ones.
    @Test(arguments: Backend.available)
    func jobsBelongToTheInstanceThatRunsThem(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let ana = try store.createAccount(name: "ana", role: .learner, passwordHash: "h", by: nil, now: now)
        func job(_ id: String, on instance: String) -> JobRecord {
            JobRecord(id: id, kind: "frontier", ownerID: ana.id, stage: "planning", files: "/jobs/\(id)",
                      createdAt: now, updatedAt: now, instance: instance)
        }
        for record in [job("a1", on: "host-a:8080"), job("a2", on: "host-a:8080"), job("b1", on: "host-b:8080")] { try store.createJob(record) }
        #expect(try store.job("a1")?.instance == "host-a:8080")

        // Instance b asks a1 to stop: it is flagged and stays, still running on a.
        let flagged = try #require(try store.requestJobCancellation("a1", now: now.addingTimeInterval(1)))
        #expect(flagged.cancelRequested && flagged.stage == "cancelling" && flagged.status == .running)
        #expect(try store.job("a1")?.cancelRequested == true)
        // a's heartbeat: a1 must stop; a2 goes on; an id no longer stored must stop too.
        let later = now.addingTimeInterval(20)
        #expect(try store.keepJobsAlive(["a1", "a2", "gone"], now: later) == ["a1", "gone"])
        #expect(try store.job("a2")?.updatedAt == later)
        #expect(try store.keepJobsAlive([], now: later).isEmpty)

        // b restarts: its own running job is interrupted at once; a's, alive 20 s ago, stay.
        let restart = now.addingTimeInterval(25)
        let mine = try store.interruptRunningJobs(of: "host-b:8080", silentSince: restart.addingTimeInterval(-30), now: restart)
        #expect(mine.map(\.id) == ["b1"])
        #expect(try store.job("a2")?.status == .running)
        // A stopped job asked to stop is not flagged again.
        #expect(try store.requestJobCancellation("b1", now: restart) == nil)
        #expect(try store.requestJobCancellation("no-such", now: restart) == nil)
        // a falls silent (killed): once the lease has passed, its jobs are interrupted by whoever looks.
        let silentLong = later.addingTimeInterval(31)
        #expect(try store.interruptRunningJobs(of: nil, silentSince: later, now: silentLong).isEmpty)
        let swept = try store.interruptRunningJobs(of: nil, silentSince: later.addingTimeInterval(1), now: silentLong)
        #expect(swept.map(\.id) == ["a1", "a2"])
        #expect(try store.keepJobsAlive(["a2"], now: silentLong) == ["a2"])
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
