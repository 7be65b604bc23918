import Foundation
import Testing

/// Runs the built `stackplan` in a scratch folder of its own, with its own database.
final class CLIHarness {
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

    /// Runs `stackplan ARGUMENTS` from the repository's root, with `input` on standard input.
    func run(_ arguments: [String], input: Data? = nil) throws -> Result {
        try runExecutable(try #require(Self.executable, "build the stackplan product first"), arguments, input: input)
    }

    /// Runs `/bin/sh -c SCRIPT` with "$0" the stackplan executable: for resource limits.
    func runShell(_ script: String, _ arguments: [String]) throws -> Result {
        let executable = try #require(Self.executable, "build the stackplan product first")
        return try runExecutable(URL(fileURLWithPath: "/bin/sh"), ["-c", script, executable.path] + arguments, input: nil)
    }

    private func runExecutable(_ executable: URL, _ arguments: [String], input: Data?) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.repository
        var environment = ProcessInfo.processInfo.environment
        environment["STACKPLAN_DB"] = database
        process.environment = environment
        let output = Pipe(), error = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        // Feed standard input in the background: the command may fill its output pipe before it has read it all.
        let feeder = Thread {
            if let input { standardInput.fileHandleForWriting.write(input) }
            try? standardInput.fileHandleForWriting.close()
        }
        feeder.start()
        // Read both pipes at once, so that neither fills up while the other is read.
        let errorData = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorData.data = error.fileHandleForReading.readDataToEndOfFile() }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), error: String(decoding: errorData.data, as: UTF8.self))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Imports the bundled catalogue into the scratch database.
    func importBundledCatalogue() throws {
        let imported = try run(["import", "data/catalogue.json"])
        #expect(imported.status == 0, "\(imported.error)")
    }
}

/// Bytes filled in on another thread, read after it is done.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
