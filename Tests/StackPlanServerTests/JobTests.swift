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
