import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator

@Suite struct GeneratorTests {
    @Test func sameSeedGivesSameBytes() {
        let sizes = CatalogueGenerator.Sizes(credentials: 400, qualifications: 12)
        let first = CatalogueDocument.json(CatalogueGenerator.generate(sizes, seed: 7).catalogue).compactText
        let second = CatalogueDocument.json(CatalogueGenerator.generate(sizes, seed: 7).catalogue).compactText
        #expect(first == second)
    }
}
