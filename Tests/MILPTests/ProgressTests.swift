import Foundation
import Synchronization
import Testing
@testable import MILP

@Suite struct ProgressTests {
    /// A knapsack the search must branch on: progress reports come with bounds no better than
    /// what the optimum proves, and the last best solution equals the optimum found.
    @Test func branchAndBoundReportsItsBestSolutionAndBound() throws {
        var random = UInt64(7)
        func next() -> Double {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Double((random >> 33) % 97 + 3)
        }
        let items = (0..<40).map { _ in (value: next(), weight: next()) }
        var model = Model(name: "knapsack")
        let take = items.indices.map { model.addBinary("take\($0)") }
        model.add(LinearExpression(terms: zip(items.map(\.weight), take)) <= items.map(\.weight).reduce(0, +) / 3)
        model.maximize(LinearExpression(terms: zip(items.map(\.value), take)))

        let reports = Mutex<[SolveProgress]>([])
        var options = SolveOptions(presolve: false)
        options.progress = { report in reports.withLock { $0.append(report) } }
        let solution = try model.solve(options)
        #expect(solution.status == .optimal)
        let optimum = try #require(solution.objectiveValue)
        let seen = reports.withLock { $0 }
        #expect(!seen.isEmpty)
        // Maximising: every bound proven lies at or above the optimum, every solution found at or below.
        for report in seen {
            if let bound = report.bound { #expect(bound >= optimum - 1e-6) }
            if let best = report.bestObjective { #expect(best <= optimum + 1e-6) }
        }
        #expect(seen.map(\.nodes) == seen.map(\.nodes).sorted())
    }
}
