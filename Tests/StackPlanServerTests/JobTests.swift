import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanCPD
import StackPlanServer
import StackPlanStore
import Testing

/// CPD batches as jobs: progress as Server-Sent Events, results, cancellation, ownership.
@Suite struct JobTests {
    static func start(_ client: any TestClientProtocol, _ headers: HTTPFields, scheme: String, format: String, body: ByteBuffer) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/jobs/cpd-batch?scheme=\(scheme)&format=\(format)&asOf=2026-11-23", method: .post, headers: headers, body: body)
    }

    static func id(_ response: TestResponse) throws -> String { try #require(response.json["id"]?.stringValue) }

    @Test func aBatchRunsToTheEndWithProgressEventsAndResults() async throws {
        let world = try AccountTests.World.make()
        let batch = try Data(contentsOf: Harness.repository.appendingPathComponent("data/cpd-records/nmc-batch.csv"))
        try await world.withAPI { client in
            let rita = try await AccountTests.signIn(client, "rita")
            let started = try await Self.start(client, rita, scheme: "NMC", format: "csv", body: ByteBuffer(bytes: batch))
            #expect(started.status == .accepted, "\(started.text)")
            let id = try Self.id(started)
            // The stream ends when the job does.
            let events = try await client.execute(uri: "/api/v1/jobs/\(id)/events", method: .get, headers: rita)
            #expect(events.headers[.contentType] == "text/event-stream")
            #expect(events.text.contains("event: progress\ndata: "))
            #expect(events.text.contains("event: done\ndata: "))
            let job = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get, headers: rita)
            #expect(job.json["status"] == .string("done"))
            let records = job.json["summary"]?["records"]
            let results = try await client.execute(uri: "/api/v1/jobs/\(id)/results", method: .get, headers: rita)
            #expect(results.headers[.contentType] == "application/x-ndjson")
            let lines = results.text.split(separator: "\n")
            #expect(records == .number(Double(lines.count)) && !lines.isEmpty)
            let csv = try await client.execute(uri: "/api/v1/jobs/\(id)/results?format=csv", method: .get, headers: rita)
            #expect(csv.text.hasPrefix(BatchResult.csvHeader))
            // Someone else's job is not found; a learner may not start one.
            let ana = try await AccountTests.signIn(client, "ana")
            #expect(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get, headers: ana).status == .notFound)
            #expect(try await Self.start(client, ana, scheme: "NMC", format: "csv", body: ByteBuffer(bytes: batch)).status == .forbidden)
            let bad = try await client.execute(uri: "/api/v1/jobs/cpd-batch?format=xml", method: .post, headers: rita, body: ByteBuffer(bytes: batch))
            #expect(Set(bad.problemPaths) == ["query.scheme", "query.format"])
        }
    }

    @Test func aCancelledBatchStopsEarly() async throws {
        let world = try AccountTests.World.make()
        let book = try CPDSchemeBook.read(Data(contentsOf: Harness.repository.appendingPathComponent("data/cpd-schemes.json")))
        let scheme = try #require(book.scheme("NMC"))
        var records = try SyntheticRecords(scheme: scheme, catalogue: try world.store.catalogue(), cycleEnds: Day("2027-03-31")!, seed: 7)
        let total = 60_000
        var text = ""
        for number in 0..<total { text += records.jsonLine(number) + "\n" }
        let upload = ByteBuffer(string: text)
        try await world.withAPI { client in
            let rita = try await AccountTests.signIn(client, "rita")
            let started = try await Self.start(client, rita, scheme: "NMC", format: "jsonl", body: upload)
            let id = try Self.id(started)
            let cancelled = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .delete, headers: rita)
            #expect(cancelled.status == .accepted)
            let events = try await client.execute(uri: "/api/v1/jobs/\(id)/events", method: .get, headers: rita)
            #expect(events.text.contains("event: cancelled"))
            let job = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get, headers: rita)
            #expect(job.json["status"] == .string("cancelled"))
            let checked = job.json["summary"]?["records"]
            if case .number(let count)? = checked { #expect(Int(count) < total) } else { Issue.record("no summary: \(job.text)") }
            #expect(try await client.execute(uri: "/api/v1/jobs/\(id)/results", method: .get, headers: rita).status == .conflict)
        }
    }
}

/// Frontiers and alternatives as jobs, jobs kept in the database across restarts, and expiry.
@Suite struct PlanJobTests {
    static func waitForEnd(_ client: any TestClientProtocol, _ headers: HTTPFields, _ id: String) async throws -> TestResponse {
        // The event stream ends when the job does.
        try await client.execute(uri: "/api/v1/jobs/\(id)/events", method: .get, headers: headers)
    }

    static func costs(_ plans: [JSON]) -> [JSON?] { plans.map { $0["totals"]?["cost"] } }

    static func jsonLines(_ response: TestResponse) throws -> [JSON] {
        try response.text.split(separator: "\n").map { try JSON.parse(Data($0.utf8)) }
    }

    @Test func aFrontierJobFindsWhatTheFrontierRouteAnswersPointByPoint() async throws {
        let world = try AccountTests.World.make()
        try await world.withAPI { client in
            let ana = try await AccountTests.signIn(client, "ana")
            let body = try PlanningRouteTests.sofia(["limit": .number(4)])
            let direct = try await client.post("/api/v1/frontier", body)
            #expect(direct.status == .ok, "\(direct.text.prefix(300))")
            let plans = direct.json["plans"]?.arrayItems ?? []
            #expect(!plans.isEmpty)
            // Four asked for, and Sofia's frontier has three: the whole of it.
            let frontierEnd = direct.json["end"]
            #expect(frontierEnd == .string("complete"))
            #expect(try await client.post("/api/v1/jobs/frontier", body).status == .unauthorized)
            let started = try await client.execute(uri: "/api/v1/jobs/frontier", method: .post, headers: ana, body: Harness.body(body))
            #expect(started.status == .accepted, "\(started.text)")
            #expect(started.json["kind"] == .string("frontier"))
            let id = try JobTests.id(started)
            let events = try await Self.waitForEnd(client, ana, id)
            #expect(events.text.contains("\"total\":4"), "\(events.text.prefix(400))")
            #expect(events.text.contains("event: done\ndata: "))
            let results = try await client.execute(uri: "/api/v1/jobs/\(id)/results", method: .get, headers: ana)
            let found = try Self.jsonLines(results)
            #expect(Self.costs(found) == Self.costs(plans))
            #expect(found.map { $0["credentials"] } == plans.map { $0["credentials"] })
            let csv = try await client.execute(uri: "/api/v1/jobs/\(id)/results?format=csv", method: .get, headers: ana)
            let rows = csv.text.split(separator: "\n")
            #expect(rows.first == "rank,cost,hours,ects,completes,credentials")
            #expect(rows.count == plans.count + 1)
            let job = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get, headers: ana)
            #expect(job.json["summary"]?["plans"] == .number(Double(plans.count)))
            // The same end as the frontier answered directly.
            #expect(job.json["summary"]?["end"] != nil && job.json["summary"]?["end"] == frontierEnd)
            let mine = try await client.execute(uri: "/api/v1/jobs", method: .get, headers: ana)
            #expect(mine.json.arrayItems.map { $0["id"] } == [.string(id)])
            // A finished job is deleted with its results.
            #expect(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .delete, headers: ana).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get, headers: ana).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/jobs/\(id)/results", method: .get, headers: ana).status == .notFound)
            // Without hours per week there is no frontier.
            var unscheduled = body.objectFields
            unscheduled["schedule"] = .bool(false)
            let refused = try await client.execute(uri: "/api/v1/jobs/frontier", method: .post, headers: ana, body: Harness.body(.object(unscheduled)))
            #expect(refused.status == .badRequest)
        }
    }

    @Test func anAlternativesJobFindsWhatTheAlternativesRouteAnswers() async throws {
        let world = try AccountTests.World.make()
        try await world.withAPI { client in
            let ben = try await AccountTests.signIn(client, "ben")
            let body = try PlanningRouteTests.sofia(["k": .number(3)])
            let direct = try await client.post("/api/v1/alternatives", body)
            let started = try await client.execute(uri: "/api/v1/jobs/alternatives", method: .post, headers: ben, body: Harness.body(body))
            #expect(started.status == .accepted)
            let id = try JobTests.id(started)
            #expect(try await Self.waitForEnd(client, ben, id).text.contains("event: done"))
            let found = try Self.jsonLines(try await client.execute(uri: "/api/v1/jobs/\(id)/results", method: .get, headers: ben))
            #expect(found.map { $0["credentials"] } == (direct.json["plans"]?.arrayItems ?? []).map { $0["credentials"] })
            #expect(found.count == 3)
        }
    }

    @Test func jobsOutliveARestartAndExpireWithTheirFiles() async throws {
        let world = try AccountTests.World.make()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-jobs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Harness.configuration
        configuration.jobFolder = folder
        let holder = Holder()
        try await world.withAPI(configuration) { client in
            let ben = try await AccountTests.signIn(client, "ben")
            let started = try await client.execute(uri: "/api/v1/jobs/alternatives", method: .post, headers: ben,
                                                   body: Harness.body(try PlanningRouteTests.sofia(["k": .number(2)])))
            let id = try JobTests.id(started)
            _ = try await Self.waitForEnd(client, ben, id)
            holder.id = id
        }
        let done = try #require(holder.id)
        // A job the stopped service left running, with a partial result file.
        let owner = try #require(try world.store.account(named: "ben")).id
        let stale = JobRecord(id: "0123456789abcdef", kind: "frontier", ownerID: owner, stage: "planning",
                              files: (folder as NSString).appendingPathComponent("stackplan-job-0123456789abcdef"),
                              createdAt: Date(), updatedAt: Date(), instance: "restarted")
        try world.store.createJob(stale)
        FileManager.default.createFile(atPath: stale.files + ".jsonl", contents: Data("{}\n".utf8))
        #expect(try recoverJobs(records: world.store, instance: "restarted", retention: 3600) == 1)
        #expect(!FileManager.default.fileExists(atPath: stale.files + ".jsonl"))
        // A new service on the same database.
        try await world.withAPI(configuration) { client in
            let ben = try await AccountTests.signIn(client, "ben")
            let kept = try await client.execute(uri: "/api/v1/jobs/\(done)", method: .get, headers: ben)
            #expect(kept.json["status"] == .string("done"))
            let results = try await client.execute(uri: "/api/v1/jobs/\(done)/results", method: .get, headers: ben)
            #expect(results.text.split(separator: "\n").count == 2)
            let interrupted = try await client.execute(uri: "/api/v1/jobs/\(stale.id)", method: .get, headers: ben)
            #expect(interrupted.json["status"] == .string("interrupted"))
            #expect(try await Self.waitForEnd(client, ben, stale.id).text.contains("event: interrupted"))
            #expect(try await client.execute(uri: "/api/v1/jobs/\(stale.id)/results", method: .get, headers: ben).status == .conflict)
        }
        // Expired: the job and its files are gone.
        #expect(FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("stackplan-job-\(done).jsonl")))
        _ = try recoverJobs(records: world.store, instance: "restarted", retention: 60, now: Date().addingTimeInterval(120))
        #expect(try world.store.job(done) == nil)
        #expect(try world.store.job(stale.id) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    final class Holder: @unchecked Sendable { var id: String? }
}
