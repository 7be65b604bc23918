import Foundation
import Testing

/// The `stackplan` command as a user runs it: output, exit codes, and the database on disk.
@Suite(.serialized) final class CommandLineTests {
    static var repository: URL { CLIHarness.repository }
    static var executable: URL? { CLIHarness.executable }
    typealias Result = CLIHarness.Result

    /// The scratch folder and database, and the runner, shared with the other command-line suites.
    let cli: CLIHarness
    var directory: URL { cli.directory }
    var database: String { cli.database }

    init() throws { cli = try CLIHarness() }

    func run(_ arguments: [String]) throws -> Result { try cli.run(arguments) }

    func write(_ name: String, _ text: String) throws -> String { try cli.write(name, text) }

    @Test func importThenPlanOnTheBundledData() throws {
        let imported = try run(["import", "data/catalogue.json"])
        #expect(imported.status == 0, "\(imported.error)")
        let plan = try run(["plan", "--target", "tcd-pgcert-dementia", "--learner", "data/learners/aoife.json", "--json"])
        #expect(plan.status == 0, "\(plan.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "optimal")
        #expect((json["credentials"] as? [String])?.isEmpty == false)
        #expect((json["totals"] as? [String: Any])?["cost"] != nil)
        #expect(json["applied"] is [String: String])
    }

    @Test func badCatalogueIsRefusedWholeAndNamed() throws {
        _ = try run(["import", "data/catalogue.json"])
        let before = try run(["list", "credentials"]).output
        let bad = try write("bad.json", """
        {"format": "stackplan/1", "providers": [],
         "credentials": [
           {"id": "fine", "title": "Fine", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]},
           {"id": "wrong", "title": "Wrong", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 12, "mode": "online", "languages": ["en"]}
         ]}
        """)
        let validated = try run(["validate", bad])
        #expect(validated.status == 2)
        #expect(validated.output.contains("$.credentials[1].eqf (credential \"wrong\")"))
        let imported = try run(["import", bad])
        #expect(imported.status == 2)
        #expect(imported.error.contains("bad.json: $.credentials[1].eqf"))
        #expect(try run(["list", "credentials"]).output == before)
        #expect(try run(["show", "fine"]).status == 4)
    }

    @Test func exitCodesTellWhatHappened() throws {
        #expect(try run(["list"]).status == 2)  // no database yet
        _ = try run(["import", "data/catalogue.json"])
        let unreachable = try run(["plan", "--target", "ucp-msc-ipc", "--learner", "data/learners/sofia.json"])
        #expect(unreachable.status == 1)
        #expect(unreachable.output.contains("No plan"))
        #expect(try run(["plan", "--target", "no-such-award", "--learner", "data/learners/sofia.json"]).status == 4)
        #expect(try run(["plan", "--target", "ucp-msc-ipc"]).status == 64)
        #expect(try run(["plan", "--target", "ucp-msc-ipc", "--learner", "data/learners/sofia.json", "--objective", "speed"]).status == 64)
        let missing = try run(["plan", "--target", "ucp-msc-ipc", "--learner", directory.appendingPathComponent("nobody.json").path])
        #expect(missing.status == 2 && missing.error.contains("nobody.json"))
    }

    @Test func writesTheModelInLPFormat() throws {
        _ = try run(["import", "data/catalogue.json"])
        let path = directory.appendingPathComponent("model.lp").path
        let plan = try run(["plan", "--target", "ucc-profcert-ams", "--learner", "data/learners/marek.json", "--write-model", path])
        #expect(plan.status == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("Minimize") && text.contains("Subject To"))
    }
}
