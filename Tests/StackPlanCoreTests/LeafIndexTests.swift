import Foundation
import Testing
@testable import StackPlanCore

/// `RequirementTree.leaves(accepting:)` finds an item's leaves through indices; it must agree
/// with asking every leaf, exceptions included.
@Suite struct LeafIndexTests {
    typealias F = Fixture

    @Test func indexedLeavesAgreeWithAskingEveryLeaf() {
        var generator = SeededGenerator(seed: 7)
        let ids = (0..<12).map { "c\($0)" }
        for _ in 0..<40 {
            let credentials = ids.map { id in
                F.credential(id, ects: Double(Int.random(in: 0...6, using: &generator)), eqf: Int.random(in: 5...7, using: &generator),
                             competencies: Bool.random(using: &generator) ? ["care"] : [])
            }
            var children: [RequirementNode] = ids.shuffled(using: &generator).prefix(5).map { .credential($0) }
            children.append(.credits(10, CredentialFilter(competencies: ["care"])))
            children.append(.credits(5, CredentialFilter(minEQF: 7)))
            children.append(RequirementNode(.anyOf([.credential(ids[0]), .credential(ids[1]), .credits(3)])))
            let qualification = F.qualification(.allOf(children))
            let catalogue = F.catalogue(credentials, [qualification])
            let plain = RequirementTree(qualification, in: catalogue)
            let paths = plain.leafIndices.map { plain.nodes[$0].path }
            let exceptions = [
                AdvisorException(.substitute(old: ids.randomElement(using: &generator)!, new: ids.randomElement(using: &generator)!), qualification: "q", origin: "test"),
                AdvisorException(.apply(item: ids.randomElement(using: &generator)!, path: paths.randomElement(using: &generator)!), qualification: "q", origin: "test"),
                AdvisorException(.waive(path: paths.randomElement(using: &generator)!), qualification: "q", origin: "test"),
            ]
            for tree in [plain, RequirementTree(qualification, in: catalogue, exceptions: exceptions)] {
                for credential in credentials {
                    let item = CountableItem(credential: credential, in: catalogue, hoursPerECTS: 25)
                    let asked = tree.leafIndices.filter { tree.accepts(tree.nodes[$0], item) }
                    #expect(tree.leaves(accepting: item) == asked)
                }
            }
        }
    }
}
