import Crypto
import Foundation
import StackPlanCore
import Testing
@testable import StackPlanVerification

/// 1EdTech's signed samples, which its validator reports valid, verify offline with the bundled
/// contexts; a copy with one byte changed fails.
///
/// They were signed under the Open Badges 3.0.3 context as served today, whose
/// `AchievementSubject.achievement` is `vocab.html#achievement`; an earlier revision of the same
/// URL said `#achievement-0` and was the one bundled until these tests.
@Suite struct BundledContextTests {
    static func document(_ name: String) throws -> JSON { try JSON.parse(try StatusAndTrustListTests.vector(name)) }
    static func text(_ name: String) throws -> String { String(decoding: try StatusAndTrustListTests.vector(name), as: UTF8.self) }
    static let trustList = Result { try TrustList.read(try StatusAndTrustListTests.vector("samples/clr20-trust-list.json")) }
    static var verifier: CredentialVerifier { get throws { CredentialVerifier(today: Day("2025-06-01")!, trustList: try trustList.get()) } }

    /// The canonical N-Quads of the document without its proof.
    static func canonical(_ document: JSON) throws -> String {
        var fields = document.objectFields
        fields["proof"] = nil
        return try CredentialVerifier.canonicalNQuads(.object(fields))
    }

    @Test func theValidatorsSignedCLRVerifies() throws {
        let result = try Self.verifier.verify(document: try Self.document("samples/clr20-simple.json"))
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "DataIntegrityProof eddsa-rdfc-2022")
        #expect(result.key == "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
    }

    @Test func theBadgeInsideTheCLRVerifiesWithItsOwnProof() throws {
        let record = try Self.document("samples/clr20-simple.json")
        let badge = try #require(record.objectFields["credentialSubject"]?.objectFields["verifiableCredential"].flatMap {
            if case .array(let items) = $0 { items.first } else { nil }
        })
        let result = try Self.verifier.verify(document: badge)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.key == "https://example.com/issuers/876543#z6MkvREVgsHx7Ppae68vCoByy73ZD4aMSJiPML2cryVL8JAx")
    }

    @Test func theValidatorsDidKeyBadgeVerifies() throws {
        let document = try Self.document("samples/ob30-simple-did-key-method.json")
        // Its signature holds; nothing but a trust list ties the did:key to the badge's urn:uuid issuer.
        let alone = CredentialVerifier(today: Day("2025-06-01")!).verify(document: document)
        #expect(alone.signatureChecked, "\(alone.summary)")
        #expect(alone.problems.count == 1)
        #expect(alone.problems.allSatisfy { if case .keyNotTiedToIssuer = $0 { true } else { false } }, "\(alone.summary)")
        let key = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        let trust = try TrustList.read(Data("""
            {"issuers": [{"id": "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164", "name": "Andy F. Miller (1EdTech's test issuer)",
                          "keys": [{"id": "did:key:\(key)#\(key)", "publicKeyMultibase": "\(key)"}]}]}
            """.utf8))
        let trusted = CredentialVerifier(today: Day("2025-06-01")!, trustList: trust).verify(document: document)
        #expect(trusted.outcome == .verified, "\(trusted.summary)")
    }

    @Test(arguments: [
        ("samples/clr20-simple.json", "\"Achievement 2\"", "\"Achievement 3\""),
        ("samples/clr20-simple.json", "isParentOf", "isParentOg"),
        ("samples/clr20-simple.json", "Teamwork Badge", "Teamwork Badgf"),
        ("samples/ob30-simple-did-key-method.json", "\"test 1\"", "\"test 2\""),
        ("samples/ob30-simple-did-key-method.json", "07:38:00-08:00", "07:38:01-08:00"),
    ])
    func aCopyWithOneByteChangedFails(name: String, from: String, to: String) throws {
        let text = try Self.text(name)
        #expect(text.contains(from))
        let altered = try JSON.parse(Data(text.replacingOccurrences(of: from, with: to).utf8))
        let key = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        let trust = try TrustList.read(Data("""
            {"issuers": [{"id": "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164", "name": "test issuer",
                          "keys": [{"id": "did:key:\(key)#\(key)", "publicKeyMultibase": "\(key)"}]},
                         {"id": "https://example.edu/issuers/565049", "name": "test university",
                          "keys": [{"id": "https://example.edu/issuers/565049#\(key)", "publicKeyMultibase": "\(key)"}]}]}
            """.utf8))
        let result = CredentialVerifier(today: Day("2025-06-01")!, trustList: trust).verify(document: altered)
        #expect(result.outcome == .failed, "\(result.summary)")
        #expect(result.problems.contains { if case .signatureMismatch = $0 { true } else { false } }, "\(result.summary)")
    }

    @Test func theOpenBadgesContextIsTheRevisionServedToday() throws {
        let quads = try Self.canonical(try Self.document("samples/ob30-simple-did-key-method.json"))
        #expect(quads.contains("<https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement> <urn:uuid:35258e6f-4c05-4215-8ada-38a5a5b80510>"))
        #expect(!quads.contains("#achievement-0"))
        let context = try #require(BundledContexts.context("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")?.objectFields)
        #expect(context["inLanguage"] != nil && context["awardedDate"] != nil && context["jti"] != nil)
    }

    /// 1EdTech's Open Badges implementation guide, "Linked Data Proof Test Vector for Open Badges
    /// 3.0": the published hashes of its canonical document and proof options.
    @Test func theImplementationGuidesTestVectorHashes() throws {
        let credential = try JSON.parse(Data("""
            {"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
             "id": "http://example.com/credentials/3527", "type": ["VerifiableCredential", "OpenBadgeCredential"],
             "issuer": {"id": "https://example.edu/issuers/565049", "type": ["Profile"], "url": "https://www.imsglobal.org", "name": "Example Corp"},
             "validFrom": "2010-01-01T00:00:00Z", "name": "Teamwork Badge",
             "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "type": ["AchievementSubject"],
               "achievement": {"id": "https://example.com/achievements/21st-century-skills/teamwork", "type": ["Achievement"],
                 "criteria": {"narrative": "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."},
                 "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
                 "name": "Teamwork"}}}
            """.utf8))
        let proof: [String: JSON] = [
            "type": .string("DataIntegrityProof"), "created": .string("2010-01-01T19:23:24Z"),
            "verificationMethod": .string("https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"),
            "cryptosuite": .string("eddsa-rdfc-2022"), "proofPurpose": .string("assertionMethod"),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: credential, proof: proof, removing: "proofValue")
        #expect(hashes.map { String(format: "%02x", $0) }.joined() == "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
                + "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773")
    }

    @Test func theCLRsTermsAreReadWithTheCLRContext() throws {
        let quads = try Self.canonical(try Self.document("samples/clr20-simple.json"))
        #expect(quads.contains("<https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential>"))
        #expect(quads.contains("<https://purl.imsglobal.org/spec/vc/clr/vocab.html#AssociationType> \"isParentOf\""))
        #expect(quads.contains("<https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019>"))
        // The embedded badge is part of the record's dataset, with its own proof in a graph of its own.
        #expect(quads.contains("<http://example.com/credentials/3527> <https://w3id.org/security#proof> _:"))
    }

    @Test func everyBundledContextLoads() {
        for url in BundledContexts.files.keys {
            #expect(BundledContexts.context(url) != nil, "\(url)")
        }
    }
}

/// Numbers become literals as JSON-LD 1.1's "Object to RDF Conversion" writes them.
@Suite struct NumberLiteralTests {
    static func quads(_ value: String, type: String?) throws -> String {
        let typing = type.map { #", "@type": "\#($0)""# } ?? ""
        let document = try JSON.parse(Data("""
            {"@context": {"v": {"@id": "https://example.org/v"\(typing)}}, "@id": "https://example.org/s", "v": \(value)}
            """.utf8))
        return try CredentialVerifier.canonicalNQuads(document)
    }

    @Test func anIntegralNumberKeepsIntegerFormUnderAnyDatatypeButDouble() throws {
        let float = "http://www.w3.org/2001/XMLSchema#float"
        // Open Badges 3.0 types creditsAvailable as xsd:float; signers write 36 as "36".
        #expect(try Self.quads("36", type: float).contains(#""36"^^<\#(float)>"#))
        #expect(try Self.quads("-0.0", type: nil).contains(#""0"^^<http://www.w3.org/2001/XMLSchema#integer>"#))
        #expect(try Self.quads("36", type: "http://www.w3.org/2001/XMLSchema#double").contains(#""3.6E1"^^"#))
        #expect(try Self.quads("4.5", type: float).contains(#""4.5E0"^^<\#(float)>"#))
        #expect(try Self.quads("4.5", type: nil).contains(#""4.5E0"^^<http://www.w3.org/2001/XMLSchema#double>"#))
    }

    @Test func jsonLiteralsWriteNumbersAsECMAScriptDoes() {
        let cases: [(Double, String)] = [
            (1e-7, "1e-7"), (1e-6, "0.000001"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (-0.0, "0"),
            (1.5e300, "1.5e+300"), (0.1, "0.1"), (100, "100"), (12.5, "12.5"), (-2.5e-8, "-2.5e-8"), (5e-324, "5e-324"),
        ]
        for (number, expected) in cases {
            #expect(RDFWriter.ecmaScriptNumber(number) == expected, "\(number)")
        }
    }
}
