import Foundation
import MILP
#if canImport(Glibc)
import Glibc
#endif

/// Shows how far long work has come, on one line of standard error that rewrites itself:
/// items done (of how many, when known), the rate, or a free-form stage such as "solving".
///
/// Only for a person watching: when standard error is not a terminal (a log, a pipe, a test)
/// nothing is shown at all, so redirected output stays exactly as before. Updates are
/// throttled to a few a second, so that reporting costs nothing next to the work.
final class ProgressReporter {
    /// What is counted, plural: "records", "files".
    let unit: String
    /// How many there are in all, when known.
    let total: Int?
    /// The shortest time between two updates, in seconds.
    let interval: Double
    private(set) var done = 0
    private(set) var stage: String?
    /// A figure that changes within the stage, such as a solver's best plan and bound.
    private(set) var detail: String?
    private let now: () -> Double
    private let show: (String) -> Void
    private let started: Double
    private var lastShown: Double?
    /// Whether a line is on the screen and must be cleared at the end.
    private var showing = false

    /// - Parameters:
    ///   - clock: seconds from any fixed point (injected by tests).
    ///   - show: writes a piece of text as it is, without a line break (injected by tests).
    init(unit: String, total: Int? = nil, interval: Double = 0.25, clock: @escaping () -> Double = ProgressReporter.monotonicSeconds,
         show: @escaping (String) -> Void) {
        self.unit = unit
        self.total = total
        self.interval = interval
        self.now = clock
        self.show = show
        self.started = clock()
    }

    /// A reporter on standard error when it is a terminal; `nil` when it is not.
    static func forStandardError(unit: String, total: Int? = nil) -> ProgressReporter? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        return ProgressReporter(unit: unit, total: total) { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Counts `count` more items done; shows the line when the last update is old enough.
    func advance(by count: Int = 1) {
        done += count
        let time = now()
        if let lastShown, time - lastShown < interval { return }
        render(at: time)
    }

    /// Names what is happening now, shown at once (stages change seldom).
    func enter(_ stage: String) {
        self.stage = stage
        detail = nil
        render(at: now())
    }

    /// Replaces the stage's changing figure; shown when the last update is old enough.
    func note(_ detail: String) {
        self.detail = detail
        let time = now()
        if let lastShown, time - lastShown < interval { return }
        render(at: time)
    }

    /// Clears the line, so that what is printed next starts clean.
    func finish() {
        guard showing else { return }
        show("\r\u{1B}[K")
        showing = false
    }

    private func render(at time: Double) {
        lastShown = time
        showing = true
        show("\r\u{1B}[K" + line(at: time))
    }

    /// The text of the line at `time`, such as "12,000 of 100,000 records (12%), 8,000 records/s".
    func line(at time: Double) -> String {
        var parts: [String] = []
        if let stage { parts.append(stage) }
        if let detail { parts.append(detail) }
        if done > 0 || total != nil {
            var count = "\(Self.grouped(done))"
            if let total, total > 0 {
                count += " of \(Self.grouped(total)) \(unit) (\(min(100, done * 100 / total))%)"
            } else {
                count += " \(unit)"
            }
            let elapsed = time - started
            if elapsed >= 0.001 && done > 0 { count += ", \(Self.grouped(Int((Double(done) / elapsed).rounded()))) \(unit)/s" }
            parts.append(count)
        }
        return parts.joined(separator: ": ")
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}

extension ProgressReporter {
    /// A solver's progress for the line: "best plan so far 2,400, bound 2,200, 310 nodes".
    static func solverDetail(_ progress: SolveProgress) -> String {
        var parts: [String] = []
        if let best = progress.bestObjective { parts.append("best plan so far \(figure(best))") }
        if let bound = progress.bound { parts.append("bound \(figure(bound))") }
        parts.append("\(grouped(progress.nodes)) node\(progress.nodes == 1 ? "" : "s")")
        return parts.joined(separator: ", ")
    }

    private static func figure(_ value: Double) -> String {
        // Objectives are fees, hours or days: whole figures read best; a huge one stays in exponent form.
        abs(value) < 1e15 ? grouped(Int(value.rounded())) : "\(value)"
    }

    /// The solve options of `options`, reporting the solver's progress on this line.
    func reportingSolves(_ options: SolveOptions) -> SolveOptions {
        var options = options
        // GLPK calls back on the thread that solves, which is the command's own.
        nonisolated(unsafe) let reporter = self
        options.progress = { progress in reporter.note(ProgressReporter.solverDetail(progress)) }
        return options
    }
}
