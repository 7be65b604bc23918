import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanGenerator

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic catalogue of the given size, for tests and benchmarks.",
        discussion: """
            The same sizes and seed always give a byte-identical file. Every record is marked "invented": \
            the catalogue is realistic in shape, not in content.
            """)

    @Option(parsing: .unconditional, help: "Number of credentials (20 to 2,000,000).", transform: FlagRanges.catalogueSize.count)
    var credentials: Int

    @Option(parsing: .unconditional, help: "Number of qualifications: a quarter of them make certificate → diploma → master ladders (3 each), the rest are professional certificates (default: credentials / 250, at least 4).",
            transform: FlagRanges.catalogueSize.count)
    var qualifications: Int?

    @Option(parsing: .unconditional, help: "Seed of the pseudo-random generator (default 1).", transform: SeedFlag.parse)
    var seed: UInt64 = 1

    @Option(help: "Write the catalogue to this file instead of standard output.")
    var output: String?

    @Option(help: "Also write four learner profiles into this directory (learner-1.json …); each names its target in \"goal\".")
    var learners: String?

    @Flag(help: "Indent the JSON (files are about twice as large).")
    var pretty = false

    var sizes: CatalogueGenerator.Sizes {
        CatalogueGenerator.Sizes(credentials: credentials, qualifications: qualifications ?? max(4, credentials / 250))
    }

    func validate() throws {
        if let problem = sizes.problem { throw ValidationError(problem) }
    }

    func run() throws {
        let counts: (providers: Int, credentials: Int, qualifications: Int), learnerProfiles: [LearnerProfile]
        if pretty {
            let generated = CatalogueGenerator.generate(sizes, seed: seed)
            let catalogue = generated.catalogue
            try writeOutput(CatalogueDocument.json(catalogue).prettyData(), to: output)
            counts = (catalogue.providers.count, catalogue.credentials.count, catalogue.qualifications.count)
            learnerProfiles = generated.learners
        } else {
            // Written as it is made: a million credentials held as values would take gigabytes.
            let file = try OutputFile(path: output)
            let written = try CatalogueGenerator.write(sizes, seed: seed) { try file.write($0) }
            try file.write("\n")
            try file.commit()
            counts = (written.providers, written.credentials, written.qualifications)
            learnerProfiles = written.learners
        }
        if let output {
            printError("\(output): \(plural(counts.providers, "provider")), \(plural(counts.credentials, "credential")), "
                + "\(plural(counts.qualifications, "qualification")) (seed \(seed))")
        }
        if let learners {
            do {
                try FileManager.default.createDirectory(atPath: learners, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(.invalidInput, "cannot create the folder \(learners): a file of that name is in the way, or it may not be written")
            }
            for learner in learnerProfiles {
                let path = (learners as NSString).appendingPathComponent("\(learner.id ?? "learner").json")
                try writeOutput(LearnerDocument.json(learner).prettyData(), to: path)
                if case .string(let goal)? = learner.extra["goal"] { printError("\(path): aims for \(goal)") }
            }
        }
    }
}
