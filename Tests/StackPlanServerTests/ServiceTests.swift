import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
@testable import StackPlanServer
import StackPlanStore
import Testing

/// Errors declare their HTTP status, and blocking work is bounded.
@Suite struct ServiceTests {
    @Test func everyErrorKindHasItsStatus() {
        let expected: [ErrorKind: Int] = [
            .invalidInput: 400, .notFound: 404, .conflict: 409, .noPlan: 422, .solverStopped: 503, .busy: 503,
            .damagedData: 500, .ioFailure: 500, .internalFault: 500,
        ]
        for kind in ErrorKind.allCases { #expect(APIProblem.status(for: kind).code == expected[kind], "\(kind)") }
    }

    struct Fault: ClassifiedError {
        var kind: ErrorKind
        var description: String { "SQLite error 11: database disk image is malformed at /secret/path" }
    }

    @Test func faultsOfTheServiceShowNoInternals() {
        for kind in [ErrorKind.damagedData, .ioFailure, .internalFault] {
            let problem = APIProblem.answering(Fault(kind: kind))
            #expect(problem.status.code == 500)
            #expect(!String(decoding: problem.json.serialized(), as: UTF8.self).contains("SQLite"))
        }
        let busy = APIProblem.answering(Fault(kind: .busy))
        #expect(busy.headers[.retryAfter] == "2")
        let unclassified = APIProblem.answering(CocoaError(.fileReadCorruptFile))
        #expect(unclassified.status.code == 500)
    }

    @Test func theQueueRunsAtMostItsSlotsAndRefusesBeyondItsWaitingLimit() async throws {
        let queue = BlockingWorkQueue(name: "solve", slots: 1, waitingLimit: 1)
        let gate = DispatchSemaphore(value: 0)
        let first = Task { try await queue.run { gate.wait(); return 1 } }
        while queue.load.running < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await queue.run { 2 } }
        while queue.load.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: BlockingWorkQueue.QueueFull.self) { try await queue.run { 3 } }
        let refused = APIProblem.answering(BlockingWorkQueue.QueueFull(name: "solve", slots: 1, waitingLimit: 1))
        #expect(refused.status == .tooManyRequests)
        #expect(refused.headers[.retryAfter] == "2")
        gate.signal()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        #expect(queue.load.running == 0 && queue.load.waiting == 0)
    }

    @Test func parallelPlansEqualTheirSequentialAnswers() async throws {
        let bodies = try ["ucp-pgdip-ipc", "ucp-pgcert-ipc", "tcd-pgcert-dementia", "uwe-pgcert-ap"].map {
            try PlanningRouteTests.sofia(target: $0)
        }
        try await Harness.withAPI { client in
            var sequential: [JSON] = []
            for body in bodies { sequential.append(try await client.post("/api/v1/plans", body).json) }
            let parallel = try await withThrowingTaskGroup(of: (Int, JSON).self) { group in
                for (index, body) in bodies.enumerated() {
                    group.addTask { (index, try await client.post("/api/v1/plans", body).json) }
                }
                var answers = [JSON](repeating: .null, count: bodies.count)
                for try await (index, json) in group { answers[index] = json }
                return answers
            }
            #expect(parallel == sequential)
        }
    }
}
