import Foundation

/// Two stages of a long job on two cores: a producer on a thread of its own makes items that
/// the calling thread consumes, in order, at most `depth` items ahead of it.
///
/// A streamed import reads and validates the next batch of credentials while SQLite writes the
/// last one: about as much time goes to each, so on two cores the import takes the longer of the
/// two rather than their sum.
///
/// Whichever side fails first ends both: an error of the producer reaches the consumer after
/// the items made before it; an error of the consumer stops the producer at its next item. The
/// producer's thread has always ended when ``run(depth:produce:consume:)`` returns or throws, so
/// nothing it uses (a mapped file, say) outlives the call.
enum ReadAhead {
    /// Runs `produce` on a thread of its own, calling `consume` on this thread with each item it
    /// hands to `emit`, in the order emitted; returns what `produce` returns. Throws the first
    /// error of either side.
    static func run<Item: Sendable, Result>(
        depth: Int,
        produce: @escaping @Sendable (_ emit: (Item) throws -> Void) throws -> Result,
        consume: (Item) throws -> Void
    ) throws -> Result {
        let channel = Channel<Item>(depth: max(depth, 1))
        let outcome = Outcome<Result>()
        let ended = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.set(Swift.Result<Result, any Error>(catching: { try produce { try channel.put($0) } }))
            channel.finish()
            ended.signal()
        }
        // The core's readers recurse through a document's nesting: the main thread's stack size.
        thread.stackSize = 8 << 20
        thread.start()
        do {
            while let item = try channel.take() { try consume(item) }
        } catch {
            channel.stop()
            ended.wait()
            throw error
        }
        ended.wait()
        return try outcome.get()
    }

    /// The items between the two threads, and whether either side is done.
    private final class Channel<Item>: @unchecked Sendable {
        // Every field is read and written under `condition`'s lock.
        private let condition = NSCondition()
        private var items: [Item] = []
        private var finished = false
        private var stopped = false
        private let depth: Int

        init(depth: Int) { self.depth = depth }

        /// Hands an item over, waiting while `depth` are waiting already; throws once the
        /// consumer has stopped.
        func put(_ item: Item) throws {
            condition.lock()
            defer { condition.unlock() }
            while items.count >= depth && !stopped { condition.wait() }
            guard !stopped else { throw ConsumerStopped() }
            items.append(item)
            condition.broadcast()
        }

        /// The next item, waiting for one; `nil` once the producer has ended and every item is taken.
        func take() throws -> Item? {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty && !finished { condition.wait() }
            guard !items.isEmpty else { return nil }
            // At most `depth` items wait: taking the first moves as many.
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }

        /// The producer has ended: no more items will come.
        func finish() {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        /// The consumer has failed: the producer's next `put` throws.
        func stop() {
            condition.lock()
            stopped = true
            items.removeAll()
            condition.broadcast()
            condition.unlock()
        }
    }

    /// What the producer returned or threw; set on its thread before the semaphore that the
    /// consumer waits on is signalled, read after.
    private final class Outcome<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Swift.Result<Value, any Error>?

        func set(_ result: Swift.Result<Value, any Error>) { lock.withLock { self.result = result } }

        func get() throws -> Value {
            guard let result = lock.withLock({ self.result }) else { throw ConsumerStopped() }
            return try result.get()
        }
    }

    /// The producer's `emit` after the consumer failed: the producer ends with it, and the
    /// consumer's own error is the one thrown.
    struct ConsumerStopped: Error {}
}
