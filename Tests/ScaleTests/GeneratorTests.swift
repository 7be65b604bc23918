import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator

@Suite struct GeneratorTests {
    static let sizes = CatalogueGenerator.Sizes(credentials: 2000, qualifications: 20)

    func text(_ output: CatalogueGenerator.Output) -> String { CatalogueDocument.json(output.catalogue).compactText }

    @Test func sameSeedGivesSameBytes() {
        let first = CatalogueGenerator.generate(Self.sizes, seed: 7)
        let second = CatalogueGenerator.generate(Self.sizes, seed: 7)
        #expect(text(first) == text(second))
        #expect(first.learners == second.learners)
    }

    @Test func otherSeedGivesOtherCatalogue() {
        #expect(text(CatalogueGenerator.generate(Self.sizes, seed: 7)) != text(CatalogueGenerator.generate(Self.sizes, seed: 8)))
    }

    /// A fixed seed's first values, so that a change of the generator's arithmetic shows.
    @Test func splitMixKnownAnswers() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        var dice = SplitMix64(seed: 42)
        let rolls = (0..<1000).map { _ in dice.int(in: 1...6) }
        #expect(Set(rolls) == Set(1...6))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func generatedCatalogueIsValidWithTheAskedSizes(seed: UInt64) throws {
        let output = CatalogueGenerator.generate(Self.sizes, seed: seed)
        let catalogue = output.catalogue
        #expect(catalogue.credentials.count == Self.sizes.credentials)
        #expect(catalogue.qualifications.count == Self.sizes.qualifications)
        let errors = CatalogueValidator.issues(in: catalogue).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        // And it reads back from its own text unchanged.
        let reread = try CatalogueDocument.read(Data(text(output).utf8))
        #expect(reread == catalogue)
        for learner in output.learners {
            #expect(LearnerDocument.problems(learner, in: catalogue).isEmpty)
            guard case .string(let goal)? = learner.extra["goal"] else { Issue.record("no goal"); continue }
            #expect(catalogue.qualification(goal) != nil)
        }
    }

    @Test func distributionsLookLikeACatalogue() {
        let catalogue = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 5000, qualifications: 40), seed: 1).catalogue
        let ects = catalogue.credentials.compactMap(\.ects)
        #expect(Double(ects.filter { (1...15).contains($0) }.count) / Double(ects.count) > 0.8)
        #expect(ects.max() == 59)
        #expect(Set(catalogue.credentials.map(\.eqf)) == Set(4...8))
        #expect(catalogue.credentials.contains { $0.prerequisites != nil })
        #expect(catalogue.credentials.contains { !$0.excludes.isEmpty })
        #expect(Set(catalogue.credentials.map(\.mode)) == Set(DeliveryMode.allCases))
        // Ladders: a master requires its diploma, which requires its certificate.
        let master = catalogue.qualifications.first { $0.id.hasSuffix("-msc") }
        #expect(master?.ects == 90)
        if let master, case .allOf(let parts) = master.requires.rule, case .qualification(let diploma) = parts[0].rule {
            #expect(catalogue.qualification(diploma)?.ects == 60)
        } else {
            Issue.record("a master without its diploma")
        }
    }

    @Test func sizesThatCannotBeMadeAreRefused() {
        #expect(CatalogueGenerator.Sizes(credentials: 10, qualifications: 4).problem != nil)
        #expect(CatalogueGenerator.Sizes(credentials: 100, qualifications: 400).problem != nil)
        #expect(CatalogueGenerator.Sizes(credentials: 1000, qualifications: 20).problem == nil)
    }
}

/// `stackplan generate` writes the catalogue as it makes it, a thousand credentials at a time.
@Suite struct StreamedGeneratorTests {
    @Test(arguments: [(UInt64(1), 2000, 20), (UInt64(5), 20, 0), (UInt64(9), 3500, 4)])
    func writtenTextIsTheWholeCataloguesText(seed: UInt64, credentials: Int, qualifications: Int) throws {
        let sizes = CatalogueGenerator.Sizes(credentials: credentials, qualifications: qualifications)
        let whole = CatalogueGenerator.generate(sizes, seed: seed)
        var pieces: [String] = []
        let written = try CatalogueGenerator.write(sizes, seed: seed) { pieces.append($0) }
        #expect(pieces.joined() == CatalogueDocument.json(whole.catalogue).compactText)
        #expect(written.learners == whole.learners)
        #expect(written.credentials == credentials && written.qualifications == qualifications)
        #expect(written.providers == whole.catalogue.providers.count)
        // Pieces of a thousand credentials at most, not the catalogue in one.
        #expect(pieces.count > credentials / 1000)
    }

    /// A writer that fails stops the generator with its error.
    @Test func aFailingWriterStopsIt() {
        struct Full: Error {}
        #expect(throws: Full.self) {
            try CatalogueGenerator.write(CatalogueGenerator.Sizes(credentials: 2000, qualifications: 8), seed: 1) { _ in throw Full() }
        }
    }
}
