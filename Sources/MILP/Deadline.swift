import Foundation

/// The moment by which a whole computation must end: model building, every solve, every stage.
///
/// A time limit given per solve lets a command with many solves (lexicographic stages, a
/// tie-break, a diagnosis) run for many times its limit. A deadline is fixed once, when the
/// command starts, and copied into every solve's ``SolveOptions``: each solve gets what is left,
/// and once it has passed every solve returns ``SolveStatus/timeLimit`` at once, without GLPK.
public struct Deadline: Sendable {
    /// Where the time is read from: the system's monotonic clock, or a test's own.
    public struct Clock: Sendable {
        /// Seconds since an arbitrary, fixed origin; never goes backwards.
        public let now: @Sendable () -> Double

        /// Creates a clock from a reading function (a test's hand-moved clock, say).
        public init(now: @escaping @Sendable () -> Double) {
            self.now = now
        }

        /// The system's monotonic clock, which wall-clock changes do not move.
        public static let monotonic = Clock { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    }

    /// The clock reading at which the time is up; `nil` for a deadline that never comes.
    private let end: Double?
    private let clock: Clock

    /// A deadline `seconds` from now on `clock`; `nil` seconds for none.
    public init(seconds: Double?, clock: Clock = .monotonic) {
        self.clock = clock
        if let seconds, seconds.isFinite {
            end = clock.now() + max(0, seconds)
        } else {
            end = nil
        }
    }

    /// A deadline that never comes.
    public static let never = Deadline(seconds: nil)

    /// Seconds left (zero once passed); `nil` when there is no deadline.
    public var remainingSeconds: Double? {
        end.map { max(0, $0 - clock.now()) }
    }

    /// Whether the time is up.
    public var hasPassed: Bool {
        guard let end else { return false }
        return clock.now() >= end
    }

    /// The smaller of `limit` and the time left: what one solve may take.
    public func limiting(_ limit: Double?) -> Double? {
        guard let left = remainingSeconds else { return limit }
        return min(limit ?? left, left)
    }
}
