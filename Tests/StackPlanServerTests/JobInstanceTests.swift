import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
@testable import StackPlanServer
import StackPlanStore
import Testing

/// Jobs when several instances serve one database: a job belongs to the instance that runs it.
/// Asked to stop through another instance it is flagged and stopped by its own at its next
/// heartbeat, never deleted under it; a silent instance's jobs are taken as interrupted once
/// the lease has passed, by whichever instance beats first; a live instance's jobs are left alone.
@Suite struct JobInstanceTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-jobs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A board as an instance named `instance` has it; its own heartbeat thread is made slow so
    /// that the test beats it, at the times it chooses.
    static func board(_ instance: String, _ store: CatalogueStore, folder: String) -> JobBoard {
        JobBoard(limit: 4, folder: folder, records: store, retention: 3600, instance: instance, heartbeat: 3600, lease: 30)
    }

    static func owner(_ store: CatalogueStore, _ name: String) throws -> Int64 {
        try #require(try store.account(named: name)).id
    }

    @Test func aJobStoppedThroughAnotherInstanceIsStoppedByItsOwnAndNotDeletedUnderIt() throws {
        let world = try AccountTests.World.make()
        let folder = try Self.folder()
        let first = Self.board("host-a:8080", world.store, folder: folder)
        let second = Self.board("host-b:8080", world.store, folder: folder)
        let (job, cancellation) = try first.admit(kind: "frontier", owner: try Self.owner(world.store, "ben"), stage: "planning")
        #expect(try world.store.job(job.id)?.instance == "host-a:8080")
        FileManager.default.createFile(atPath: JobBoard.Files(job).jsonLines, contents: Data("{}\n".utf8))

        // Asked to stop on the second instance: flagged, kept with its partial results.
        let stored = try #require(try second.job(job.id))
        guard case .cancelling(let flagged) = try second.stop(stored) else {
            Issue.record("a job running on another instance was deleted")
            return
        }
        #expect(flagged.stage == "cancelling" && flagged.status == .running)
        #expect(try world.store.job(job.id) != nil)
        #expect(FileManager.default.fileExists(atPath: JobBoard.Files(job).jsonLines))
        #expect(!cancellation.isCancelled)

        // The first instance's heartbeat hears of it and stops the solve; the job ends cancelled.
        first.beat(now: Date())
        #expect(cancellation.isCancelled)
        first.finish(job.id) { record, _ in record.status = .done }
        let ended = try #require(try world.store.job(job.id))
        #expect(ended.status == .cancelled && ended.stage == "cancelled")
        #expect(!FileManager.default.fileExists(atPath: JobBoard.Files(job).jsonLines))

        // Finished, it is deleted through either instance.
        guard case .deleted = try second.stop(ended) else {
            Issue.record("a finished job was not deleted")
            return
        }
        #expect(try world.store.job(job.id) == nil)
    }

    @Test func aSilentInstancesJobsAreInterruptedAndALiveOnesAreLeftAlone() throws {
        let world = try AccountTests.World.make()
        let folder = try Self.folder()
        let owner = try Self.owner(world.store, "ben")
        let live = Self.board("host-a:8080", world.store, folder: folder)
        let watcher = Self.board("host-b:8080", world.store, folder: folder)
        let (running, cancellation) = try live.admit(kind: "frontier", owner: owner, stage: "planning")
        // A job of an instance killed a minute ago, with a partial result file.
        let killedAt = Date().addingTimeInterval(-60)
        let orphan = JobRecord(id: "00000000000000aa", kind: "frontier", ownerID: owner, stage: "planning",
                               files: (folder as NSString).appendingPathComponent("stackplan-job-00000000000000aa"),
                               createdAt: killedAt, updatedAt: killedAt, instance: "host-c:8080")
        try world.store.createJob(orphan)
        FileManager.default.createFile(atPath: JobBoard.Files(orphan).jsonLines, contents: Data("{}\n".utf8))

        // A new instance starting leaves the live instance's job alone and takes the silent one's.
        #expect(try recoverJobs(records: world.store, instance: "host-d:8080", retention: 3600, lease: 30) == 1)
        #expect(try world.store.job(orphan.id)?.status == .interrupted)
        #expect(!FileManager.default.fileExists(atPath: JobBoard.Files(orphan).jsonLines))
        #expect(try world.store.job(running.id)?.status == .running)

        // Forty seconds on, the live instance has beaten: its job stays; had it not, the watcher
        // would take it as interrupted, and the live instance would stop its solve at its next beat.
        let later = Date().addingTimeInterval(40)
        live.beat(now: later)
        watcher.beat(now: later.addingTimeInterval(1))
        #expect(try world.store.job(running.id)?.status == .running)
        #expect(!cancellation.isCancelled)
        watcher.beat(now: later.addingTimeInterval(31))
        #expect(try world.store.job(running.id)?.status == .interrupted)
        live.beat(now: later.addingTimeInterval(32))
        #expect(cancellation.isCancelled)
        // Its late end does not overwrite what the store says of it.
        live.finish(running.id) { record, _ in record.status = .done }
        #expect(try world.store.job(running.id)?.status == .interrupted)
    }

    @Test func deletingThroughTheAPIAJobAnotherInstanceRunsAsksItToStop() async throws {
        let world = try AccountTests.World.make()
        let folder = try Self.folder()
        let elsewhere = Self.board("host-a:8080", world.store, folder: folder)
        let (job, cancellation) = try elsewhere.admit(kind: "frontier", owner: try Self.owner(world.store, "ben"), stage: "planning")
        var configuration = Harness.configuration
        configuration.jobFolder = folder
        configuration.instance = "host-b:8080"
        // The other board never beats in this test: a lease that outlasts it, however slow the machine.
        configuration.jobLease = 3600
        try await world.withAPI(configuration) { client in
            let ben = try await AccountTests.signIn(client, "ben")
            let deleted = try await client.execute(uri: "/api/v1/jobs/\(job.id)", method: .delete, headers: ben)
            #expect(deleted.status == .accepted, "\(deleted.text)")
            #expect(deleted.json["stage"] == .string("cancelling") && deleted.json["status"] == .string("running"))
            let shown = try await client.execute(uri: "/api/v1/jobs/\(job.id)", method: .get, headers: ben)
            #expect(shown.status == .ok && shown.json["status"] == .string("running"))
        }
        elsewhere.beat(now: Date())
        #expect(cancellation.isCancelled)
    }
}
