import Foundation
import Testing

/// The `stackplan` command as a user runs it: output, exit codes, and the database on disk.
@Suite(.serialized) final class CommandLineTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built executable, next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("stackplan"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("stackplan"),
            repository.appendingPathComponent(".build/debug/stackplan"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    let directory: URL
    var database: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-cli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try #require(Self.executable, "build the stackplan product first")
        process.arguments = arguments
        process.currentDirectoryURL = Self.repository
        var environment = ProcessInfo.processInfo.environment
        environment["STACKPLAN_DB"] = database
        process.environment = environment
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), error: String(decoding: errorData, as: UTF8.self))
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

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
