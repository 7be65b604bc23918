import Foundation
import Testing
@testable import stackplan

/// Every file the command line writes: put in place whole or not at all, devices and FIFOs
/// written through, never replaced; folders and missing folders refused as input errors.
@Suite(.serialized) final class OutputFileTests {
    let cli: CLIHarness

    init() throws {
        cli = try CLIHarness()
        try cli.importBundledCatalogue()
    }

    private func fileType(_ path: String) throws -> FileAttributeType? {
        try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
    }

    @Test func writesThroughAFIFOWithoutReplacingIt() throws {
        let fifo = cli.path("results.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader on the other end, as a shell's `cat fifo` would be.
        let received = ReceivedBytes()
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) { received.data = handle.readDataToEndOfFile() }
        }
        reader.start()
        let exported = try cli.run(["export", "catalogue", "--output", fifo])
        while !reader.isFinished { usleep(10_000) }
        #expect(exported.status == 0, "\(exported.error)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        let json = try JSONSerialization.jsonObject(with: received.data) as? [String: Any]
        #expect(json?["format"] as? String == "stackplan/1")
    }

    @Test func writesThroughACharacterDeviceWithoutReplacingIt() throws {
        // /dev/null is only ever opened for writing here: the writer never renames onto it.
        let exported = try cli.run(["export", "catalogue", "--output", "/dev/null"])
        #expect(exported.status == 0, "\(exported.error)")
        #expect(try fileType("/dev/null") == .typeCharacterSpecial)
        // A symbolic link to it is followed, and stays a link.
        let link = cli.path("null-link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")
        #expect(try cli.run(["export", "catalogue", "--output", link]).status == 0)
        #expect(try fileType(link) == .typeSymbolicLink)
        #expect(try fileType("/dev/null") == .typeCharacterSpecial)
    }

    @Test func aFullDeviceIsAnIOFailure() throws {
        let exported = try cli.run(["export", "catalogue", "--output", "/dev/full"])
        #expect(exported.status == 74)
        #expect(exported.error.contains("cannot write /dev/full"))
        let model = try cli.run(["plan", "--target", "ucc-profcert-ams", "--learner", "data/learners/marek.json", "--write-model", "/dev/full"])
        #expect(model.status == 74)
        #expect(!model.error.contains("model written"))
    }

    /// A full disk, simulated with a file-size limit: the old file is kept whole and nothing is left behind.
    @Test func aWriteThatFailsLeavesTheOldFile() throws {
        let target = try cli.write("catalogue.json", "old contents\n")
        let limited = "ulimit -f 100; trap '' XFSZ; exec \"$0\" \"$@\""
        let exported = try cli.runShell(limited, ["export", "catalogue", "--output", target])
        #expect(exported.status == 74, "\(exported.error)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old contents\n")
        let model = cli.path("model.lp")
        let planned = try cli.runShell(limited, ["plan", "--target", "ucp-msc-ipc", "--learner", "data/learners/sofia.json", "--write-model", model])
        #expect(planned.status == 74, "\(planned.error)")
        #expect(planned.error.contains("cannot write \(model)"))
        #expect(!FileManager.default.fileExists(atPath: model))
        let left = try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).filter { $0.contains(".stackplan-") }
        #expect(left.isEmpty)
    }

    @Test func aFolderOrAMissingFolderIsAnInputError() throws {
        let folder = cli.path("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let missing = cli.path("no-such-folder/out.json")
        let cases: [[String]] = [
            ["export", "catalogue", "--output"],
            ["export", "plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--output"],
            ["graph", "--target", "ucp-pgdip-ipc", "--output"],
            ["plan", "--target", "ucc-profcert-ams", "--learner", "data/learners/marek.json", "--write-model"],
            ["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-03-31", "--count", "3", "--output"],
            ["generate", "--credentials", "40", "--output"],
        ]
        for arguments in cases {
            for path in [folder, missing] {
                let result = try cli.run(arguments + [path])
                #expect(result.status == 2, "\(arguments) \(path): \(result.error)")
                #expect(result.error.contains(path), "\(arguments): \(result.error)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: cli.path("no-such-folder")))
    }

    @Test func aSymbolicLinkIsFollowedToItsTarget() throws {
        let target = try cli.write("real.json", "old\n")
        let link = cli.path("link.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
        let exported = try cli.run(["export", "catalogue", "--output", link])
        #expect(exported.status == 0, "\(exported.error)")
        #expect(try fileType(link) == .typeSymbolicLink)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("stackplan/1"))
    }

    @Test func everyOutputFlagWritesAWholeFile() throws {
        let outputs: [([String], String)] = [
            (["export", "plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--format", "json", "--output"], "plan.json"),
            (["graph", "--target", "ucp-pgdip-ipc", "--output"], "graph.dot"),
            (["learner", "import", "Tests/StackPlanInterchangeTests/Samples/ob3-validator-complete.json", "--output"], "learner.json"),
            (["cpd", "generate", "--scheme", "NMC", "--cycle-ends", "2027-03-31", "--count", "3", "--output"], "records.jsonl"),
            (["cpd", "check", "--batch", "data/cpd-records/nmc-batch.csv", "--scheme", "NMC", "--output"], "results.csv"),
        ]
        for (arguments, name) in outputs {
            let path = cli.path(name)
            let result = try cli.run(arguments + [path])
            #expect(result.status == 0 || (name == "results.csv" && result.status == 2), "\(arguments): \(result.error)")
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(written.hasSuffix("\n"), "\(name)")
        }
    }

    // MARK: the writer itself

    @Test func commitsOnlyWhenAsked() throws {
        let path = try cli.write("kept.txt", "kept\n")
        do {
            let file = try OutputFile(path: path)
            try file.write("replaced\n")
            // Dropped without commit, as when an error stops the command.
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept\n")
        let file = try OutputFile(path: path)
        try file.write("replaced\n")
        try file.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "replaced\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).filter { $0.contains(".stackplan-") }.isEmpty)
    }

    @Test func keepsTheOldFilesPermissions() throws {
        let path = try cli.write("script.sh", "old\n")
        #expect(chmod(path, 0o640) == 0)
        try writeOutput("new\n", to: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o640)
    }

    @Test func refusesAFolderWithItsKind() throws {
        #expect(throws: CommandFailure.self) { try OutputFile(path: self.cli.directory.path) }
        do {
            _ = try OutputFile(path: cli.directory.path)
        } catch let failure as CommandFailure {
            #expect(failure.kind == .invalidInput)
        }
    }
}

private final class ReceivedBytes: @unchecked Sendable {
    var data = Data()
}
