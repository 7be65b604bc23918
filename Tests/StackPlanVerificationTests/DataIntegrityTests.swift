import Crypto
import Foundation
import StackPlanCore
import Testing
@testable import StackPlanVerification

/// Data Integrity proofs: the W3C vc-di-eddsa test vector (eddsa-rdfc-2022), and credentials
/// signed here with did:key.
@Suite struct DataIntegrityTests {
    static func vector(_ name: String) throws -> Data { try StatusAndTrustListTests.vector("vc-di-eddsa/\(name)") }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func theW3CVectorsIntermediateValuesMatch() throws {
        let document = try JSON.parse(try Self.vector("signedDataInt.json"))
        var proof = document.objectFields["proof"]!.objectFields
        proof["proofValue"] = nil
        proof["@context"] = document.objectFields["@context"]
        let canonicalProof = try CredentialVerifier.canonicalNQuads(.object(proof))
        #expect(canonicalProof == String(decoding: try Self.vector("proofCanonDataInt.txt"), as: UTF8.self))
        let hashes = try CredentialVerifier.signedHashes(document: document, proof: document.objectFields["proof"]!.objectFields, removing: "proofValue")
        #expect(Self.hex(hashes) == String(decoding: try Self.vector("combinedHashDataInt.txt"), as: UTF8.self))
    }

    @Test func theW3CVectorVerifiesWithItsKeyAndFailsWhenTampered() throws {
        let trust = try TrustList.read(try Self.vector("trust-list.json"))
        let verifier = CredentialVerifier(today: Day("2025-06-01")!, trustList: trust)
        let document = try JSON.parse(try Self.vector("signedDataInt.json"))
        let result = verifier.verify(document: document)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "DataIntegrityProof eddsa-rdfc-2022")

        var fields = document.objectFields
        fields["credentialSubject"] = .object(["id": .string("did:example:abcdefgh"), "alumniOf": .string("The School of Exampled")])
        let tampered = verifier.verify(document: .object(fields))
        #expect(tampered.outcome == .failed)

        // Without the trust list the https issuer's key is not available offline.
        #expect(CredentialVerifier(today: Day("2025-06-01")!).verify(document: document).problems
            == [.keyNotAvailableOffline(issuer: "https://vc.example/issuers/5678", key: "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")])
    }

    /// A credential signed here, as an issuer with a did:key would sign it.
    static func signed(_ credential: [String: JSON], key: Curve25519.Signing.PrivateKey, did: String) throws -> JSON {
        let proof: [String: JSON] = [
            "type": .string("DataIntegrityProof"), "cryptosuite": .string("eddsa-rdfc-2022"),
            "created": .string("2025-03-01T00:00:00Z"), "proofPurpose": .string("assertionMethod"),
            "verificationMethod": .string("\(did)#\(did.dropFirst(8))"),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "proofValue")
        var signedProof = proof
        signedProof["proofValue"] = .string("z" + Encodings.base58Encode(Array(try key.signature(for: hashes))))
        var document = credential
        document["proof"] = .object(signedProof)
        return .object(document)
    }

    @Test func aDidKeyIssuerNeedsNoTrustList() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let credential: [String: JSON] = [
            "@context": .array([.string("https://www.w3.org/ns/credentials/v2"), .string("https://www.w3.org/ns/credentials/examples/v2")]),
            "type": .array([.string("VerifiableCredential"), .string("ExampleCredential")]),
            "issuer": .string(did), "validFrom": .string("2025-03-01T00:00:00Z"),
            "credentialSubject": .object(["ects": .number(5), "course": .string("Wound care"), "tags": .array([.string("a"), .string("b")])]),
        ]
        let document = try Self.signed(credential, key: key, did: did)
        let verifier = CredentialVerifier(today: Day("2025-06-01")!)
        #expect(verifier.verify(document: document).outcome == .verified)

        // Reordering keys or array members that JSON-LD treats as a set changes nothing.
        var reordered = document.objectFields
        reordered["credentialSubject"] = .object(["tags": .array([.string("b"), .string("a")]), "course": .string("Wound care"), "ects": .number(5)])
        #expect(verifier.verify(document: .object(reordered)).outcome == .verified)

        var changed = document.objectFields
        changed["credentialSubject"] = .object(["ects": .number(50), "course": .string("Wound care"), "tags": .array([.string("a"), .string("b")])])
        #expect(verifier.verify(document: .object(changed)).outcome == .failed)
    }

    @Test func termsNoBundledContextDefinesMakeTheProofUncheckable() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        var credential: [String: JSON] = [
            "@context": .array([.string("https://www.w3.org/ns/credentials/v2")]),
            "type": .array([.string("VerifiableCredential")]),
            "issuer": .string(did),
            "credentialSubject": .object(["id": .string("did:example:1")]),
        ]
        let document = try Self.signed(credential, key: key, did: did)
        credential = document.objectFields
        credential["credentialSubject"] = .object(["id": .string("did:example:1"), "unknownTerm": .string("x")])
        let result = CredentialVerifier(today: Day("2025-06-01")!).verify(document: .object(credential))
        #expect(result.outcome == .unverifiable)
        #expect(result.summary.contains("do not define unknownTerm"))

        var unbundled = document.objectFields
        unbundled["@context"] = .array([.string("https://www.w3.org/ns/credentials/v2"), .string("https://example.org/private/v1")])
        #expect(CredentialVerifier(today: Day("2025-06-01")!).verify(document: .object(unbundled)).summary.contains("is not bundled"))
    }
}
