import Foundation
import Testing
@testable import StackPlanStore

/// The two threads of a streamed import: what the reading thread makes reaches the writing
/// thread in order, never more than `depth` ahead, and a failure on either side ends both.
@Suite struct ReadAheadTests {
    /// Counts items made but not yet consumed, from both threads.
    final class Ahead: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting = 0
        private(set) var most = 0
        private(set) var made = 0

        func make() { lock.withLock { waiting += 1; made += 1; most = max(most, waiting) } }
        func consume() { lock.withLock { waiting -= 1 } }
        var count: Int { lock.withLock { made } }
    }

    struct Refused: Error, Equatable { var item: Int }

    @Test func itemsArriveInOrderAndAtMostDepthAhead() throws {
        let ahead = Ahead()
        var consumed: [Int] = []
        let result = try ReadAhead.run(depth: 2, produce: { emit in
            for item in 0..<1000 {
                ahead.make()
                try emit(item)
            }
            return "done"
        }, consume: { item in
            consumed.append(item)
            ahead.consume()
            // A slow consumer: the producer must wait rather than run ahead.
            if item % 100 == 0 { Thread.sleep(forTimeInterval: 0.002) }
        })
        #expect(result == "done")
        #expect(consumed == Array(0..<1000))
        // `depth` waiting, one being handed over, and one made before its `emit` waits.
        #expect(ahead.most <= 4, "\(ahead.most) made ahead")
    }

    @Test func theProducersErrorComesAfterWhatItMadeBefore() {
        var consumed: [Int] = []
        #expect(throws: Refused(item: 5)) {
            try ReadAhead.run(depth: 3, produce: { emit in
                for item in 0..<5 { try emit(item) }
                throw Refused(item: 5)
            }, consume: { consumed.append($0) })
        }
        #expect(consumed == [0, 1, 2, 3, 4])
    }

    @Test func theConsumersErrorStopsTheProducer() {
        let ahead = Ahead()
        #expect(throws: Refused(item: 10)) {
            try ReadAhead.run(depth: 2, produce: { emit in
                for item in 0..<1_000_000 {
                    ahead.make()
                    try emit(item)
                }
            }, consume: { item in
                if item == 10 { throw Refused(item: 10) }
            })
        }
        // The producer has ended by the time `run` throws, a few items past the failure.
        let made = ahead.count
        #expect(made < 20, "\(made) made")
        Thread.sleep(forTimeInterval: 0.01)
        #expect(ahead.count == made)
    }
}
