import Foundation
import Testing

/// Repeatable credentials on the calendar, as the commands show them.
extension CommandLineTests {
    /// The frontier's second plan takes "topics" twice (two runs): the change from the first
    /// plan names each taking, where it used to stop on the credential's second run.
    @Test func theFrontierNamesEachTakingOfARepeatedCredential() throws {
        let catalogue = try write("repeat.json", """
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE", "accredited": true}],
         "credentials": [
           {"id": "topics", "title": "Topics", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "cost": 100, "mode": "online", "languages": ["en"], "repeatable": 2},
           {"id": "block", "title": "Block", "provider": "p", "kind": "module", "ects": 10, "eqf": 7, "cost": 500, "mode": "online", "languages": ["en"]}],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 10,
           "requires": {"credits": 10, "where": {"ids": ["topics", "block"]}}}]}
        """)
        let learner = try write("learner.json", #"{"held": [], "hoursPerWeek": 100, "today": "2026-11-23"}"#)
        #expect(try run(["import", catalogue]).status == 0)
        let frontier = try run(["frontier", "--target", "q", "--learner", learner, "--start", "2026-11-30"])
        #expect(frontier.status == 0, "\(frontier.error)")
        #expect(frontier.output.contains("+topics, +topics[2], −block"), "\(frontier.output)")
        let plan = try run(["plan", "--target", "q", "--learner", learner, "--start", "2026-11-30", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        #expect(json["repeats"] as? [String: Int] == ["topics": 2])
        #expect((json["schedule"] as? [[String: Any]])?.count == 2)
    }

    /// A frontier with no plan at all (a budget below every fee) prints the diagnosis, planned on
    /// every candidate, and exits with 1; as JSON, the diagnosis too.
    @Test func aFrontierWithoutAnyPlanPrintsTheDiagnosis() throws {
        let catalogue = try write("frontier-none.json", """
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE", "accredited": true}],
         "credentials": [
           {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 10, "eqf": 7, "cost": 300, "mode": "online", "languages": ["en"]},
           {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 10, "eqf": 7, "cost": 400, "mode": "online", "languages": ["en"]}],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 10,
           "requires": {"credits": 10, "where": {"ids": ["a", "b"]}}}]}
        """)
        let learner = try write("poor.json", #"{"held": [], "hoursPerWeek": 20, "budget": 100, "today": "2026-11-23"}"#)
        #expect(try run(["import", catalogue]).status == 0)
        let frontier = try run(["frontier", "--target", "q", "--learner", learner, "--start", "2026-11-30"])
        #expect(frontier.status == 1, "\(frontier.error)")
        #expect(frontier.output.contains("300"), "the cheapest plan's fee: \(frontier.output)")
        let json = try run(["frontier", "--target", "q", "--learner", learner, "--start", "2026-11-30", "--json"])
        #expect(json.status == 1)
        let diagnosis = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(diagnosis["cause"] as? String == "budgetOrHours", "\(diagnosis)")
    }
}
