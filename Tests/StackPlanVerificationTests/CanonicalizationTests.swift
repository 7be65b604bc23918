import Foundation
import Testing
@testable import StackPlanVerification

/// RDFC-1.0 against the W3C test suite's evaluation tests bundled in Vectors/rdfc10.
@Suite struct CanonicalizationTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        var number: String
        var name: String
        var input: String
        var expected: String
        var testDescription: String { "test\(number) \(name)" }
    }

    static let vectors: [Vector] = {
        guard let url = Bundle.module.url(forResource: "Vectors/rdfc10/vectors", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var vectors: [Vector] = []
        for block in text.components(separatedBy: "\n## ").dropFirst() {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
            let title = lines[0].split(separator: " ", maxSplits: 1)
            let body = lines.dropFirst()
            guard let arrow = body.firstIndex(of: "=>") else { continue }
            let input = body[..<arrow].map { "\($0)\n" }.joined()
            let expected = body[(arrow + 1)...].filter { !$0.isEmpty }.map { "\($0)\n" }.joined()
            vectors.append(Vector(number: String(title[0]), name: String(title.count > 1 ? title[1] : ""), input: input, expected: expected))
        }
        return vectors
    }()

    @Test func allVectorsAreBundled() {
        #expect(Self.vectors.count == 36)
    }

    @Test(arguments: vectors)
    func w3cVector(_ vector: Vector) throws {
        let quads = try NQuads.parse(vector.input)
        #expect(try RDFCanonicalizer.canonicalNQuads(quads) == vector.expected)
    }

    @Test func escapingFollowsCanonicalNQuads() throws {
        let quads = try NQuads.parse(#"<urn:ex:s> <urn:ex:p> "\u0008\u0009\u000a\u000b\u000c\u000d\u0022\u005c\u007f" ."#)
        #expect(try RDFCanonicalizer.canonicalNQuads(quads) == #"<urn:ex:s> <urn:ex:p> "\b\t\n\u000B\f\r\"\\\u007F" ."# + "\n")
    }

    @Test func aPoisonGraphIsRefusedNotHung() throws {
        // A large clique of indistinguishable blank nodes: every permutation is a candidate.
        var lines = ""
        for a in 0..<10 { for b in 0..<10 where a != b { lines += "_:n\(a) <urn:ex:p> _:n\(b) .\n" } }
        #expect(throws: RDFCanonicalizer.TooComplex.self) { try RDFCanonicalizer.canonicalNQuads(try NQuads.parse(lines)) }
    }
}
