import Foundation
import Hummingbird
import HummingbirdTesting
import MILP
import StackPlanCore
@testable import StackPlanServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A synchronous solve stops when its client closes the connection, freeing its slot.
@Suite struct DisconnectTests {
    @Test func aCancelledDeadlinePassesAtOnce() {
        let cancellation = SolveCancellation()
        let deadline = cancellation.deadline(seconds: 600)
        #expect(!deadline.hasPassed)
        cancellation.cancel()
        #expect(deadline.hasPassed)
        #expect(deadline.remainingSeconds == 0)
        #expect(cancellation.deadline(seconds: nil).hasPassed)
    }

    /// Opens a TCP connection to the server, sends `request` whole, and returns the socket.
    static func send(_ request: String, port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let bytes = Array(request.utf8)
        try #require(bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) } == bytes.count)
        return socket
    }

    static func solves(_ client: any TestClientProtocol) async throws -> JSON {
        try #require(try await client.get("/api/v1/health").json["solves"])
    }

    @Test func aSolveStopsWhenItsClientHangsUp() async throws {
        let app = buildApplication(Harness.configuration, catalogue: Harness.store, records: Harness.store)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // A thousand alternatives by duration: a search of about a minute on this catalogue.
            let body = try PlanningRouteTests.sofia([
                "k": .number(1000), "objectives": .array([.string("duration"), .string("cost")]), "maxHours": .number(9000),
                "timeLimit": .number(600),
            ])
            let text = String(decoding: body.serialized(pretty: false), as: UTF8.self)
            let socket = try Self.send(
                "POST /api/v1/alternatives HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(text.utf8.count)\r\n\r\n\(text)",
                port: port)
            var started = false
            // Generous waits: beside the whole suite on two cores, reading and building take a while.
            for _ in 0..<600 where !started {
                started = try await Self.solves(client)["running"] == .number(1)
                if !started { try await Task.sleep(for: .milliseconds(100)) }
            }
            try #require(started)
            try await Task.sleep(for: .milliseconds(500))
            close(socket)
            let hungUp = ContinuousClock.now
            var freed = false
            while !freed && ContinuousClock.now - hungUp < .seconds(180) {
                let solves = try await Self.solves(client)
                freed = solves["running"] == .number(0) && solves["abandoned"] == .number(1)
                if !freed { try await Task.sleep(for: .milliseconds(100)) }
            }
            // Freed and counted as abandoned: stopped by the hang-up, long before the search's own
            // ten minutes (which would end it uncounted).
            #expect(freed)
        }
    }
}
