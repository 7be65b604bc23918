import Foundation
import MILP
import Testing
@testable import stackplan

/// The progress line: its wording, and at most a few updates a second.
struct ProgressReporterTests {
    /// A clock the test moves by hand, and the text the reporter showed.
    final class Recorder {
        var time = 100.0
        var shown: [String] = []
    }

    func reporter(_ recorder: Recorder, unit: String = "records", total: Int? = nil) -> ProgressReporter {
        ProgressReporter(unit: unit, total: total, interval: 0.25, clock: { recorder.time }, show: { recorder.shown.append($0) })
    }

    @Test func showsDoneOfTotalWithPercentAndRate() {
        let recorder = Recorder()
        let progress = reporter(recorder, total: 100_000)
        recorder.time += 2
        progress.advance(by: 12_000)
        #expect(recorder.shown == ["\r\u{1B}[K12,000 of 100,000 records (12%), 6,000 records/s"])
    }

    @Test func withoutATotalShowsTheCountAndRate() {
        let recorder = Recorder()
        let progress = reporter(recorder)
        recorder.time += 0.5
        progress.advance(by: 1_500)
        #expect(progress.line(at: recorder.time) == "1,500 records, 3,000 records/s")
    }

    @Test func aStageLineStandsAloneOrBeforeTheCount() {
        let recorder = Recorder()
        let progress = reporter(recorder, unit: "")
        progress.enter("planning toward ucp-msc-ipc")
        #expect(recorder.shown.last == "\r\u{1B}[Kplanning toward ucp-msc-ipc")
        let counting = reporter(Recorder(), unit: "files", total: 4)
        counting.enter("reading wallets")
        #expect(counting.line(at: 100) == "reading wallets: 0 of 4 files (0%)")
    }

    @Test func aSolveShowsItsBestPlanAndBoundWithinTheStage() {
        let recorder = Recorder()
        let progress = reporter(recorder, unit: "")
        progress.enter("planning toward ucp-pgdip-ipc")
        let options = progress.reportingSolves(SolveOptions())
        recorder.time += 1
        options.progress?(SolveProgress(bestObjective: 2400, bound: 2199.6, nodes: 1310))
        #expect(recorder.shown.last == "\r\u{1B}[Kplanning toward ucp-pgdip-ipc: best plan so far 2,400, bound 2,200, 1,310 nodes")
        // Before a solution is found, only the bound and the nodes; a new stage drops the old figures.
        #expect(ProgressReporter.solverDetail(SolveProgress(bestObjective: nil, bound: 12, nodes: 1)) == "bound 12, 1 node")
        progress.enter("diagnosing")
        #expect(progress.line(at: recorder.time) == "diagnosing")
    }

    @Test func updatesAtMostFourTimesASecond() {
        let recorder = Recorder()
        let progress = reporter(recorder)
        // 10,000 items over one second, one every 0.1 ms.
        for _ in 0..<10_000 {
            recorder.time += 0.0001
            progress.advance()
        }
        #expect(progress.done == 10_000)
        #expect(recorder.shown.count >= 4 && recorder.shown.count <= 5, "\(recorder.shown.count) updates")
    }

    @Test func finishClearsTheLineOnlyWhenOneWasShown() {
        let recorder = Recorder()
        let progress = reporter(recorder)
        progress.finish()
        #expect(recorder.shown.isEmpty)
        progress.advance()
        progress.finish()
        #expect(recorder.shown.last == "\r\u{1B}[K")
    }
}
