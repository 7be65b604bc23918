import Foundation
import Testing

/// `whatif` flags change only the scenario; a huge hours-per-ECTS figure is an input error.
@Suite(.serialized) final class EngineCommandTests {
    let cli: CLIHarness

    init() throws {
        cli = try CLIHarness()
    }

    func run(_ arguments: [String]) throws -> CLIHarness.Result { try cli.run(arguments) }

    @Test func whatIfWeeklyHoursChangeOnlyTheScenario() throws {
        #expect(try run(["import", "data/catalogue.json"]).status == 0)
        let result = try run(["whatif", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--hours-per-week", "12"])
        #expect(result.output.hasPrefix("What if: 12 hours a week"), "\(result.output)")
        #expect(!result.output.contains("nothing changes"))
        // The baseline keeps Sofia's 22 hours a week and its plan; the scenario's 12 reach no plan.
        #expect(result.output.contains("baseline: 2400 EUR"))
        #expect(result.output.contains("scenario: no plan"))
        #expect(result.status == 1)
    }

    @Test func hugeHoursPerECTSIsAnInputError() throws {
        #expect(try run(["import", "data/catalogue.json"]).status == 0)
        let result = try run(["plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--hours-per-ects", "1e308"])
        #expect(result.status == 2)
        #expect(result.error.contains("--hours-per-ects") && result.error.contains("out of range; give a number from 1 to 100"), "\(result.error)")
    }
}
