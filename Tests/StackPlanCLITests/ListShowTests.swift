import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `stackplan list` and `show` on the bundled catalogue: filters, competency counts, offerings,
/// and reading a database the user may not write.
@Suite(.serialized) final class ListShowTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    var database: String { directory.appendingPathComponent("test.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-list-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try? FileManager.default.removeItem(at: directory)
    }

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs the built `stackplan`; `asUnprivileged` runs it as user nobody when the tests run as
    /// root, for whom no file is read-only.
    func run(_ arguments: [String], environment extra: [String: String] = [:], asUnprivileged: Bool = false) throws -> Result {
        let executable = try #require(CommandLineTests.executable, "build the stackplan product first")
        let process = Process()
        if asUnprivileged && getuid() == 0 {
            let setpriv = "/usr/bin/setpriv"
            try #require(FileManager.default.isExecutableFile(atPath: setpriv), "running as root needs setpriv to drop privileges")
            process.executableURL = URL(fileURLWithPath: setpriv)
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = Self.repository
        var environment = ProcessInfo.processInfo.environment
        environment["STACKPLAN_DB"] = database
        environment.merge(extra) { $1 }
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

    func importBundled() throws {
        let imported = try run(["import", "data/catalogue.json"])
        #expect(imported.status == 0, "\(imported.error)")
    }

    /// The bundled catalogue's credentials, as JSON objects.
    func bundledCredentials() throws -> [[String: Any]] {
        let data = try Data(contentsOf: Self.repository.appendingPathComponent("data/catalogue.json"))
        let catalogue = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(catalogue["credentials"] as? [[String: Any]])
    }

    func listedIDs(_ arguments: [String]) throws -> [String] {
        let listed = try run(["list"] + arguments + ["--json"])
        #expect(listed.status == 0, "\(listed.error)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        return records.compactMap { $0["id"] as? String }
    }

    @Test func everyFilterFiltersOrIsRefused() throws {
        try importBundled()
        let credentials = try bundledCredentials()
        func expected(_ keep: ([String: Any]) -> Bool) -> [String] { credentials.filter(keep).compactMap { $0["id"] as? String }.sorted() }

        let modules = try listedIDs(["credentials", "--kind", "module"])
        #expect(!modules.isEmpty && modules == expected { $0["kind"] as? String == "module" })
        let palliative = try listedIDs(["credentials", "--competency", "palliative-care"])
        #expect(!palliative.isEmpty && palliative == expected { ($0["competencies"] as? [String])?.contains("palliative-care") == true })
        let both = try listedIDs(["credentials", "--competency", "dementia-care", "--kind", "programme", "--provider", "tcd"])
        #expect(!both.isEmpty && both == expected {
            ($0["competencies"] as? [String])?.contains("dementia-care") == true && $0["kind"] as? String == "programme" && $0["provider"] as? String == "tcd"
        })
        #expect(try listedIDs(["credentials", "--search", "PREVENCAO"]).contains("ucp-ipc-fund"))

        for arguments in [["qualifications", "--competency", "palliative-care"], ["qualifications", "--kind", "module"],
                          ["providers", "--kind", "module"], ["competencies", "--competency", "wound-care"]] {
            let refused = try run(["list"] + arguments)
            #expect(refused.status == 2, "\(arguments)")
            #expect(refused.error.contains("error: \(arguments[1]) does not apply to \(arguments[0])"), "\(refused.error)")
            #expect(refused.output.isEmpty)
        }
        let unknownKind = try run(["list", "credentials", "--kind", "course"])
        #expect(unknownKind.status != 0)
        #expect(unknownKind.error.contains("module"))
    }

    @Test func listCompetenciesCountsTheTagsInUse() throws {
        try importBundled()
        var counts: [String: Int] = [:]
        for credential in try bundledCredentials() {
            for tag in Set(credential["competencies"] as? [String] ?? []) { counts[tag, default: 0] += 1 }
        }
        let listed = try run(["list", "competencies", "--json"])
        #expect(listed.status == 0, "\(listed.error)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["competency"] as? String } == counts.keys.sorted())
        for row in rows { #expect(row["credentials"] as? Int == counts[row["competency"] as? String ?? ""]) }

        let text = try run(["list", "competencies"])
        #expect(text.output.contains("dementia-care"))
        #expect(text.output.hasSuffix("\(counts.count) competencies\n"))
    }

    @Test func showPrintsACredentialsOfferings() throws {
        try importBundled()
        let shown = try run(["show", "tcd-nu7812"])
        #expect(shown.status == 0, "\(shown.error)")
        let lines = shown.output.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("offering starts ends weeks fee seats"))
        // Its own weeks and fee where the offering sets them, else the credential's (12 weeks, 1185 EUR).
        #expect(lines.contains("2027-spring 2027-01-11 2027-04-04 12 1185 EUR 35"))
        #expect(lines.contains("2027-summer-intensive 2027-06-07 2027-07-18 6 1481.25 EUR 16"))
    }

    /// The trial's "attempt to write a readonly database": reading commands on a read-only
    /// file in a read-only folder.
    @Test func readingCommandsWorkOnAReadOnlyDatabase() throws {
        try importBundled()
        let before = try run(["list", "credentials"]).output
        // The learner beside the database: the unprivileged user may not read the checkout
        // (a clone in a folder of `mktemp -d` is its owner's alone).
        let learner = directory.appendingPathComponent("aoife.json").path
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("data/learners/aoife.json"), to: URL(fileURLWithPath: learner))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: learner)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)

        let listed = try run(["list", "credentials"], asUnprivileged: true)
        #expect(listed.status == 0, "\(listed.error)")
        #expect(listed.output == before)
        let shown = try run(["show", "tcd-pgcert-dementia"], asUnprivileged: true)
        #expect(shown.status == 0, "\(shown.error)")
        let plan = try run(["plan", "--target", "tcd-pgcert-dementia", "--learner", learner], asUnprivileged: true)
        #expect(plan.status == 0, "\(plan.error)")
        #expect(plan.output.hasPrefix("Plan for"))

        let imported = try run(["import", "data/catalogue.json"], asUnprivileged: true)
        #expect(imported.status != 0)
        #expect(imported.error.contains("read-only"), "\(imported.error)")
        #expect(!imported.error.contains("SQLite"))
    }

    @Test func busyTimeoutMustBeANumberOfSeconds() throws {
        try importBundled()
        let refused = try run(["list"], environment: ["STACKPLAN_BUSY_TIMEOUT": "soon"])
        #expect(refused.status == 2)
        #expect(refused.error.contains("STACKPLAN_BUSY_TIMEOUT"))
        #expect(try run(["list"], environment: ["STACKPLAN_BUSY_TIMEOUT": "0.5"]).status == 0)
    }
}
