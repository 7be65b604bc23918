import Foundation
import Testing
@testable import StackPlanCore

/// ``CandidateCut/possibleSignatures(firstAcceptedBy:limit:)``: a store reading a leaf in measure
/// order stops once every signature it names has its dominators, so it must name every signature
/// a credential can have (else the reading stops early and cuts a credential no dominator beats),
/// and should name no other (else the reading never stops).
@Suite struct CutSignatureTests {
    typealias F = Fixture

    static let specialist = ["palliative-care", "pain-management"]

    /// A diploma's tree as the generator writes them: electives and specialist credit on the same
    /// competencies at EQF 6+ and 7+, open accredited credit at 7+, and two caps on
    /// non-accredited credit.
    static func diploma(constraints: LearnerConstraints = LearnerConstraints()) -> CandidateCut {
        let qualification = F.qualification(ects: 60, .allOf([
            RequirementNode.credits(10, CredentialFilter(competencies: specialist, minEQF: 6)),
            RequirementNode.credits(10, CredentialFilter(competencies: specialist, minEQF: 7)),
            RequirementNode.credits(10, CredentialFilter(minEQF: 7, accredited: true)),
            RequirementNode(.maxCredits(5, CredentialFilter(accredited: false))),
            RequirementNode(.maxCredits(10, CredentialFilter(accredited: false))),
        ]))
        return CandidateCut(request: F.request(constraints: constraints), catalogue: F.catalogue([], [qualification]))!
    }

    @Test func theElectivesLeafCanHoldFourSignatures() throws {
        let cut = Self.diploma()
        let signatures = try #require(cut.possibleSignatures(firstAcceptedBy: 0))
        // EQF 6 accredited or not; EQF 7+ accredited (every leaf) or not (both caps, not the open leaf).
        #expect(Set(signatures) == [
            .init(leaves: 0b001, caps: 0b00), .init(leaves: 0b001, caps: 0b11),
            .init(leaves: 0b111, caps: 0b00), .init(leaves: 0b011, caps: 0b11),
        ])
        // Everything the specialist leaf accepts the electives leaf accepts first.
        #expect(cut.possibleSignatures(firstAcceptedBy: 1) == [])
        // The open leaf, after both competency leaves: accredited, so no cap.
        #expect(cut.possibleSignatures(firstAcceptedBy: 2) == [.init(leaves: 0b100, caps: 0b00)])
    }

    @Test func aLearnerWhoTakesOnlyAccreditedCreditMeetsNoCap() throws {
        let cut = Self.diploma(constraints: LearnerConstraints(accreditedOnly: true))
        let signatures = try #require(cut.possibleSignatures(firstAcceptedBy: 0))
        #expect(Set(signatures) == [.init(leaves: 0b001, caps: 0), .init(leaves: 0b111, caps: 0)])
    }

    @Test func unknownWhenALeafIsNeverComparedOrAFilterIsNotTheStores() {
        let counted = F.qualification(ects: 20, .allOf([
            RequirementNode.credits(10, CredentialFilter(minEQF: 6)),
            RequirementNode(.count(2, CredentialFilter(competencies: ["hand-hygiene"]))),
        ]))
        let cut = CandidateCut(request: F.request(), catalogue: F.catalogue([], [counted]))!
        #expect(cut.possibleSignatures(firstAcceptedBy: 0) == nil)
        #expect(cut.possibleSignatures(firstAcceptedBy: 1) == nil)

        let coded = F.qualification(ects: 20, .allOf([
            RequirementNode.credits(10, CredentialFilter(minEQF: 6)),
            RequirementNode.credits(10, CredentialFilter(codes: ["NURS*"])),
        ]))
        let codedCut = CandidateCut(request: F.request(), catalogue: F.catalogue([], [coded]))!
        #expect(codedCut.measure == nil)
        #expect(codedCut.possibleSignatures(firstAcceptedBy: 0) == nil)
    }

    /// Random trees of the filters a store says exactly, and random credentials: the signature of
    /// each credential, as the core's own `matches` finds it, is among those named for the first
    /// leaf accepting it.
    @Test func everyCredentialsSignatureIsNamed() throws {
        var generator = SplitMix64(seed: 41)
        let competencies = ["a", "b", "c", "d"], providers = ["p", "q", "r"]
        func subset<T>(_ values: [T]) -> [T]? {
            guard Bool.random(using: &generator) else { return nil }
            return values.filter { _ in Bool.random(using: &generator) }
        }
        func filter() -> CredentialFilter {
            var filter = CredentialFilter()
            filter.competencies = subset(competencies)
            filter.providers = Int.random(in: 0..<4, using: &generator) == 0 ? subset(providers) : nil
            filter.kinds = Int.random(in: 0..<4, using: &generator) == 0 ? subset(CredentialKind.allCases) : nil
            if Bool.random(using: &generator) { filter.minEQF = Int.random(in: 4...8, using: &generator) }
            if Int.random(in: 0..<3, using: &generator) == 0 { filter.maxEQF = Int.random(in: 5...8, using: &generator) }
            if Int.random(in: 0..<3, using: &generator) == 0 { filter.accredited = Bool.random(using: &generator) }
            return filter
        }
        var named = 0
        for _ in 0..<150 {
            var children = (0..<Int.random(in: 1...4, using: &generator)).map { _ in RequirementNode.credits(10, filter()) }
            children += (0..<Int.random(in: 0...2, using: &generator)).map { _ in RequirementNode(.maxCredits(10, filter())) }
            let constraints = LearnerConstraints(accreditedOnly: Int.random(in: 0..<4, using: &generator) == 0)
            let cut = try #require(CandidateCut(
                request: F.request(constraints: constraints),
                catalogue: F.catalogue([], [F.qualification(ects: 30, .allOf(children))],
                                       providers: providers.map { Provider(id: $0, name: $0, country: "IE", accredited: $0 != "r") })))
            let signatures = cut.leaves.indices.map { cut.possibleSignatures(firstAcceptedBy: $0, limit: 64) }
            for _ in 0..<60 {
                var credential = F.credential(
                    "c", eqf: Int.random(in: 1...8, using: &generator),
                    competencies: competencies.filter { _ in Bool.random(using: &generator) } + ["other"],
                    accredited: [nil, true, false].randomElement(using: &generator)!,
                    provider: providers.randomElement(using: &generator)!)
                credential.kind = CredentialKind.allCases.randomElement(using: &generator)!
                let catalogue = F.catalogue([credential], [], providers: providers.map { Provider(id: $0, name: $0, country: "IE", accredited: $0 != "r") })
                let item = CountableItem(credential: credential, in: catalogue, hoursPerECTS: 25)
                if constraints.accreditedOnly && !item.accredited { continue }
                guard let first = cut.leaves.firstIndex(where: { $0.filter.matches(item) }), let possible = signatures[first] else { continue }
                var signature = CandidateCut.Signature(leaves: 0, caps: 0)
                for (index, leaf) in cut.leaves.enumerated() where leaf.filter.matches(item) { signature.leaves |= Int64(1) << Int64(index) }
                for (index, cap) in cut.caps.enumerated() where cap.matches(item) { signature.caps |= Int64(1) << Int64(index) }
                #expect(possible.contains(signature), "\(signature) of \(credential) not in \(possible)")
                named += 1
            }
        }
        // The random trees must have had signatures to name, or this test would show nothing.
        #expect(named > 1000)
    }
}
