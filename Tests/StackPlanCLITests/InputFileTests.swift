import Foundation
import Testing

/// Every file input is read to its end, whatever it is: a pipe, /dev/stdin, `-`.
@Suite(.serialized) final class InputFileTests {
    let cli: CLIHarness

    init() throws {
        cli = try CLIHarness()
        try cli.importBundledCatalogue()
    }

    @Test func aLearnerProfileComesThroughAPipe() throws {
        let profile = try Data(contentsOf: CLIHarness.repository.appendingPathComponent("data/learners/sofia.json"))
        let fromFile = try cli.run(["plan", "--target", "ucp-pgdip-ipc", "--learner", "data/learners/sofia.json", "--json"])
        #expect(fromFile.status == 0, "\(fromFile.error)")
        for name in ["/dev/stdin", "-"] {
            let piped = try cli.run(["plan", "--target", "ucp-pgdip-ipc", "--learner", name, "--json"], input: profile)
            #expect(piped.status == 0, "\(name): \(piped.error)")
            #expect(piped.output == fromFile.output, "\(name)")
        }
    }

    @Test func otherInputsComeThroughAPipeToo() throws {
        let record = try Data(contentsOf: CLIHarness.repository.appendingPathComponent("data/cpd-records/nmc-nurse.json"))
        let checked = try cli.run(["cpd", "check", "/dev/stdin"], input: record)
        #expect(checked.status == 1, "\(checked.error)")
        #expect(checked.output.contains("NMC-0001"))
        let catalogue = try Data(contentsOf: CLIHarness.repository.appendingPathComponent("data/catalogue.json"))
        let validated = try cli.run(["lint", "/dev/stdin", "--json"], input: catalogue)
        #expect(validated.status == 0 || validated.status == 1, "\(validated.error)")
        #expect(validated.output.hasPrefix("{"))
    }

    @Test func aFolderOrAMissingFileIsAnInputErrorNamingIt() throws {
        for path in [cli.directory.path, cli.path("nobody.json")] {
            let result = try cli.run(["plan", "--target", "ucp-pgdip-ipc", "--learner", path])
            #expect(result.status == 2)
            #expect(result.error.contains(path))
        }
    }
}
