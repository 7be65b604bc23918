import Foundation
import Testing

/// The advisor commands' new options as a user gives them: several targets to compare, nearest's
/// limits, and export's exceptions and calendar.
@Suite(.serialized) final class AdvisorCommandLineTests {
    let cli: CLIHarness

    init() throws {
        cli = try CLIHarness()
        #expect(try run(["import", "data/catalogue.json"]).status == 0)
    }

    func run(_ arguments: [String]) throws -> CLIHarness.Result { try cli.run(arguments) }

    @Test func compareTakesSeveralTargetsAndOtherCommandsRefuseThem() throws {
        let compared = try run(["compare", "--target", "ucp-pgcert-ipc", "--target", "ucd-profcert-ipc", "--learner", "data/learners/sofia.json"])
        #expect(compared.status == 0)
        #expect(compared.output.hasPrefix("2 plans toward 2 qualifications, side by side\n"))
        #expect(compared.output.contains("  qualification   ucp-pgcert-ipc  ucd-profcert-ipc"))
        let alternatives = try run(["alternatives", "--target", "ucp-pgcert-ipc", "--target", "ucd-profcert-ipc", "--learner", "data/learners/sofia.json"])
        #expect(alternatives.status == 2)
        #expect(alternatives.error.contains("--target: give one qualification (only plan and compare take several)"))
    }

    /// `plan` with several targets: one set of credentials for all, each credential's goals named.
    @Test func planMeetsSeveralGoalsAtOnce() throws {
        let arguments = ["plan", "--target", "ucp-pgcert-ipc", "--target", "ucd-profcert-ipc", "--learner", "data/learners/sofia.json"]
        let planned = try run(arguments)
        #expect(planned.status == 0, "\(planned.error)")
        #expect(planned.output.hasPrefix("Plan for 2 goals: "))
        #expect(planned.output.contains("Toward "))
        let json = try run(arguments + ["--json"])
        #expect(json.status == 0, "\(json.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["targets"] as? [String] == ["ucp-pgcert-ipc", "ucd-profcert-ipc"])
        let credentials = try #require(object["credentials"] as? [String])
        let countsToward = try #require(object["countsToward"] as? [String: [String]])
        #expect(!credentials.isEmpty)
        #expect((object["goals"] as? [Any])?.count == 2)
        // Every credential counted toward some goal names it.
        for goals in countsToward.values { #expect(goals.allSatisfy { ["ucp-pgcert-ipc", "ucd-profcert-ipc"].contains($0) }) }
        // The same goals from the profile, with no --target.
        let profile = try String(contentsOf: CLIHarness.repository.appendingPathComponent("data/learners/sofia.json"), encoding: .utf8)
        let withGoals = profile.replacingOccurrences(of: "{", with: #"{"goals": ["ucp-pgcert-ipc", "ucd-profcert-ipc"], "#, options: [], range: profile.range(of: "{"))
        let fromProfile = try run(["plan", "--learner", try cli.write("goals.json", withGoals), "--json"])
        #expect(fromProfile.status == 0, "\(fromProfile.error)")
        #expect(fromProfile.output == json.output)
        let repeated = try run(["plan", "--target", "ucp-pgcert-ipc", "--target", "ucp-pgcert-ipc", "--learner", "data/learners/sofia.json"])
        #expect(repeated.status == 2)
        #expect(repeated.error.contains("goal \"ucp-pgcert-ipc\" is given twice"))
    }

    /// One target, several objectives side by side, as docs/advisor.md shows them.
    @Test func compareShowsObjectivesSideBySide() throws {
        let compared = try run(["compare", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--by", "cost", "--by", "workload,cost"])
        #expect(compared.status == 0, "\(compared.error)")
        #expect(compared.output.hasPrefix("2 plans for Diploma de Pós-Graduação em Prevenção e Controlo de Infeção (ucp-pgdip-ipc), side by side\n"))
        #expect(compared.output.contains("  cost EUR        2400                 3062.50 (+662.50)"))
    }

    @Test func nearestLeavesLevelsOutWhenAsked() throws {
        let ranked = try run(["nearest", "--learner", "data/learners/aoife.json", "--min-eqf", "7"])
        #expect(ranked.status == 0)
        #expect(ranked.output.contains("Left out by level: tvi-hwt-cert, vives-pg-wound."))
        #expect(!ranked.output.contains("  tvi-hwt-cert"))
        let refused = try run(["nearest", "--learner", "data/learners/aoife.json", "--min-eqf", "9"])
        #expect(refused.status == 64 || refused.status == 2)
        #expect(refused.error.contains("--min-eqf must be an EQF level from 1 to 8"))
    }

    @Test func exportPlanCarriesExceptionsAndTheCalendar() throws {
        let page = try run(["export", "plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json",
                            "--waive", "requires.allOf[2]", "--exception-note", "research done at work"])
        #expect(page.status == 0)
        #expect(page.output.contains("## Exceptions to the rules\n\n- requires.allOf[2] waived (`--waive requires.allOf[2]`): research done at work\n"))
        #expect(page.output.contains("- Weekly hours: 22 h a week, starting 2027-01-04\n"))
        let rows = try run(["export", "plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--format", "csv"])
        #expect(rows.output.hasPrefix("role,id,title,provider,providerName,ects,eqf,hours,cost,currency,costInBaseCurrency,mode,languages,accredited,earned,countsToward,reason,source,start,end\r\n"))
    }
}
