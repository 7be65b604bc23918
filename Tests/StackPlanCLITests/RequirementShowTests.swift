import Foundation
import Testing

/// `stackplan show` and `plan` on a qualification with issue 17's constructs: counting scopes
/// are named, free electives and count leaves described.
@Suite(.serialized) final class RequirementShowTests {
    let directory: URL
    var database: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-requirements-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try #require(CommandLineTests.executable, "build the stackplan product first")
        process.arguments = arguments + ["--db", database]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func scopesPoolsAndCountsAreShownAndPlanned() throws {
        let catalogue = directory.appendingPathComponent("catalogue.json")
        try Data(#"""
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [
           {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"], "cost": 100, "code": "BIOL 3100"},
           {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"], "cost": 100, "code": "BIOL 3200"}],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 10, "requires": {"allOf": [
           {"count": 2, "where": {"codeRange": {"prefix": "BIOL", "from": 3000, "to": 3999}}, "scope": "major", "label": "Major"},
           {"credits": 0, "label": "Electives"}]}}]}
        """#.utf8).write(to: catalogue)
        #expect(try run(["import", catalogue.path]).status == 0)
        let shown = try run(["show", "q"])
        #expect(shown.output.contains("each credential counts toward one requirement in each counting scope (major and the rest)"), "\(shown.output)")
        #expect(shown.output.contains("requires.allOf[0]  Major: at least 2 credentials coded BIOL 3000–3999 [counting scope major]"))
        #expect(shown.output.contains("requires.allOf[1]  Electives: free electives"))
        let learner = directory.appendingPathComponent("learner.json")
        try Data(#"{"held": [], "today": "2026-11-23"}"#.utf8).write(to: learner)
        let planned = try run(["plan", "--target", "q", "--learner", learner.path])
        #expect(planned.status == 0)
        #expect(planned.output.contains("✓ requires.allOf[0]  Major: at least 2 credentials coded BIOL 3000–3999 [counting scope major] — 2 credentials: a, b"), "\(planned.output)")
        // Applying a and b to the pool as well is allowed, not needed: only its line is sure.
        #expect(planned.output.contains("✓ requires.allOf[1]  Electives: free electives"))
    }
}
