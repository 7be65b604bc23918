import Crypto
import Foundation
import StackPlanCore
import Testing
@testable import StackPlanVerification

/// European Digital Credentials (ELM 3, Europass) name the context
/// `http://data.europa.eu/snb/model/context/edc-ap`; with it bundled, their Data Integrity proofs
/// are checked offline over the credential's ELM statements.
@Suite struct EuropassContextTests {
    static let sampleName = "samples/elm3-edc-microcredential-annex1-unsigned.jsonld"
    static func sample() throws -> [String: JSON] { try JSON.parse(try StatusAndTrustListTests.vector(sampleName)).objectFields }

    static let elm = "http://data.europa.eu/snb/model/elm/"

    @Test func theCommissionsSampleExpandsWithEveryTermDefined() throws {
        let nQuads = try CredentialVerifier.canonicalNQuads(.object(try Self.sample()))
        let credential = "<urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b>"
        #expect(nQuads.contains("\(credential) <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <\(Self.elm)EuropeanDigitalCredential> ."))
        #expect(nQuads.contains("\(credential) <\(Self.elm)credentialProfiles> <http://data.europa.eu/snb/credential/e34929035b> ."))
        // The credit points, an xsd:string as the context says (which N-Quads writes plain).
        #expect(nQuads.contains("<urn:epass:creditPoint:1> <\(Self.elm)point> \"2\" ."))
        #expect(nQuads.contains("\"Micro-Credential\"@en"))
    }

    /// The sample signed here as its issuer would sign it, with a key the trust list names for
    /// `urn:epass:org:1`.
    static func signed(key: Curve25519.Signing.PrivateKey) throws -> (document: JSON, trust: TrustList) {
        var credential = try sample()
        credential["@context"] = .array([.string("https://www.w3.org/2018/credentials/v1"), .string("http://data.europa.eu/snb/model/context/edc-ap"),
                                         .string("https://w3id.org/security/suites/ed25519-2020/v1")])
        let multibase = "z" + Encodings.base58Encode([0xED, 0x01] + Array(key.publicKey.rawRepresentation))
        let method = "https://uniz.edu/keys#\(multibase)"
        let proof: [String: JSON] = [
            "type": .string("Ed25519Signature2020"), "created": .string("2023-01-02T00:00:00Z"),
            "proofPurpose": .string("assertionMethod"), "verificationMethod": .string(method),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "proofValue")
        var signedProof = proof
        signedProof["proofValue"] = .string("z" + Encodings.base58Encode(Array(try key.signature(for: hashes))))
        credential["proof"] = .object(signedProof)
        let trust = try TrustList.read(Data("""
            {"issuers": [{"id": "urn:epass:org:1", "name": "University of Zaragoza (sample issuer)",
                          "keys": [{"id": "\(method)", "publicKeyMultibase": "\(multibase)"}]}]}
            """.utf8))
        return (.object(credential), trust)
    }

    @Test func aEuropeanDigitalCredentialWithAnEd25519ProofVerifies() throws {
        let (document, trust) = try Self.signed(key: Curve25519.Signing.PrivateKey())
        let result = CredentialVerifier(today: Day("2024-06-01")!, trustList: trust).verify(document: document)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "Ed25519Signature2020")
    }

    @Test(arguments: [("\"point\":\"2\"", "\"point\":\"3\""), ("Micro-Credential\"", "Micro-Credentiak\""), ("\"notation\":\"C012\"", "\"notation\":\"C013\"")])
    func changingAnELMStatementFailsTheProof(from: String, to: String) throws {
        let (document, trust) = try Self.signed(key: Curve25519.Signing.PrivateKey())
        let text = String(decoding: document.serialized(pretty: false), as: UTF8.self)
        #expect(text.contains(from))
        let altered = try JSON.parse(Data(text.replacingOccurrences(of: from, with: to).utf8))
        let result = CredentialVerifier(today: Day("2024-06-01")!, trustList: trust).verify(document: altered)
        #expect(result.outcome == .failed, "\(result.summary)")
        #expect(result.problems.contains { if case .signatureMismatch = $0 { true } else { false } }, "\(result.summary)")
    }
}
