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

@Suite struct OpenBadgeDataIntegrityTests {
    static let verifier = CredentialVerifier(today: Day("2025-06-01")!)

    static func badge(issuer: String, achievement: String) -> [String: JSON] {
        [
            "@context": .array([.string("https://www.w3.org/ns/credentials/v2"), .string("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")]),
            "id": .string("urn:uuid:1b7e6c1e-0000-4000-8000-000000000001"),
            "type": .array([.string("VerifiableCredential"), .string("OpenBadgeCredential")]),
            "issuer": .object(["id": .string(issuer), "type": .array([.string("Profile")]), "name": .string("Example University")]),
            "validFrom": .string("2025-03-01T00:00:00Z"),
            "name": .string(achievement),
            "credentialSubject": .object([
                "type": .array([.string("AchievementSubject")]),
                "achievement": .object([
                    "id": .string("https://example.edu/achievements/wound-care"),
                    "type": .array([.string("Achievement")]),
                    "name": .string(achievement),
                    "criteria": .object(["narrative": .string("Pass the assessment")]),
                    "creditsAvailable": .number(5),
                    "alignment": .array([.object(["type": .array([.string("Alignment")]), "targetName": .string("ECTS"),
                                                  "targetUrl": .string("http://data.europa.eu/snb/education-credit/6fcec5c5af")])]),
                ]),
            ]),
        ]
    }

    @Test func anOpenBadgeSignedWithDidKeyVerifies() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let document = try DataIntegrityTests.signed(Self.badge(issuer: did, achievement: "Wound care"), key: key, did: did)
        let result = Self.verifier.verify(document: document)
        #expect(result.outcome == .verified, "\(result.summary)")

        var tampered = document.objectFields
        tampered["name"] = .string("Wound care (advanced)")
        #expect(Self.verifier.verify(document: .object(tampered)).outcome == .failed)
    }

    @Test func ed25519Signature2018DetachedJWSOverVC11() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let credential: [String: JSON] = [
            "@context": .array([.string("https://www.w3.org/2018/credentials/v1"), .string("https://www.w3.org/ns/credentials/examples/v2")]),
            "type": .array([.string("VerifiableCredential")]),
            "issuer": .string(did), "issuanceDate": .string("2024-01-01T00:00:00Z"),
            "credentialSubject": .object(["id": .string("did:example:learner"), "course": .string("Infection prevention")]),
        ]
        let proof: [String: JSON] = [
            "type": .string("Ed25519Signature2018"), "created": .string("2024-01-01T00:00:00Z"),
            "proofPurpose": .string("assertionMethod"), "verificationMethod": .string("\(did)#\(did.dropFirst(8))"),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "jws")
        let header = TestKeys.b64(Array(#"{"alg":"EdDSA","b64":false,"crit":["b64"]}"#.utf8))
        let signature = try key.signature(for: Array((header + ".").utf8) + hashes)
        var signedProof = proof
        signedProof["jws"] = .string(header + ".." + TestKeys.b64(signature))
        var document = credential
        document["proof"] = .object(signedProof)
        let result = Self.verifier.verify(document: .object(document))
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "Ed25519Signature2018")

        document["issuanceDate"] = .string("2024-01-02T00:00:00Z")
        #expect(Self.verifier.verify(document: .object(document)).outcome == .failed)
    }
}

@Suite struct Ed25519Signature2020Tests {
    @Test func aVC11CredentialWithAnEd25519Signature2020Proof() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let credential: [String: JSON] = [
            "@context": .array([.string("https://www.w3.org/2018/credentials/v1"), .string("https://w3id.org/security/suites/ed25519-2020/v1"),
                                .string("https://www.w3.org/ns/credentials/examples/v2")]),
            "type": .array([.string("VerifiableCredential")]),
            "issuer": .string(did), "issuanceDate": .string("2024-01-01T00:00:00Z"),
            "credentialSubject": .object(["id": .string("did:example:learner"), "hours": .number(10.5)]),
        ]
        let proof: [String: JSON] = [
            "type": .string("Ed25519Signature2020"), "created": .string("2024-01-01T00:00:00Z"),
            "proofPurpose": .string("assertionMethod"), "verificationMethod": .string("\(did)#\(did.dropFirst(8))"),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "proofValue")
        var signedProof = proof
        signedProof["proofValue"] = .string("z" + Encodings.base58Encode(Array(try key.signature(for: hashes))))
        var document = credential
        document["proof"] = .object(signedProof)
        let verifier = CredentialVerifier(today: Day("2025-06-01")!)
        #expect(verifier.verify(document: .object(document)).outcome == .verified)
        document["credentialSubject"] = .object(["id": .string("did:example:learner"), "hours": .number(105)])
        #expect(verifier.verify(document: .object(document)).outcome == .failed)
    }

    @Test func doublesAreWrittenInCanonicalForm() {
        #expect(RDFWriter.canonicalDouble(10.5) == "1.05E1")
        #expect(RDFWriter.canonicalDouble(0.001) == "1.0E-3")
        #expect(RDFWriter.canonicalDouble(-2.5e30) == "-2.5E30")
    }
}

@Suite struct HostileJSONLDTests {
    @Test func deepDocumentsAndLongPrefixChainsAreRefusedNotCrashed() throws {
        var nested = JSON.string("x")
        for _ in 0..<200 { nested = .object(["https://example.org/p": nested]) }
        #expect(throws: JSONLDProcessor.Unsupported.self) { try CredentialVerifier.canonicalNQuads(nested) }

        var terms: [String: JSON] = [:]
        for index in 0..<5000 { terms["t\(index)"] = .string("t\(index + 1):x") }
        terms["t5000"] = .string("https://example.org/")
        let document = JSON.object(["@context": .object(terms), "t0": .string("v")])
        #expect(throws: JSONLDProcessor.Unsupported.self) { try CredentialVerifier.canonicalNQuads(document) }
    }
}

@Suite struct ECDSADataIntegrityTests {
    @Test(arguments: [false, true])
    func ecdsaRdfc2019WithP256AndP384(p384: Bool) throws {
        let did: String
        let sign: ([UInt8]) throws -> [UInt8]
        if p384 {
            let key = P384.Signing.PrivateKey()
            did = TestKeys.didKey(codec: [0x81, 0x24], key: Array(key.publicKey.compressedRepresentation))
            sign = { Array(try key.signature(for: SHA384.hash(data: $0)).rawRepresentation) }
        } else {
            let key = P256.Signing.PrivateKey()
            did = TestKeys.didKey(key.publicKey)
            sign = { Array(try key.signature(for: SHA256.hash(data: $0)).rawRepresentation) }
        }
        let credential = OpenBadgeDataIntegrityTests.badge(issuer: did, achievement: "Wound care")
        let proof: [String: JSON] = [
            "type": .string("DataIntegrityProof"), "cryptosuite": .string("ecdsa-rdfc-2019"), "created": .string("2025-03-01T00:00:00Z"),
            "proofPurpose": .string("assertionMethod"), "verificationMethod": .string("\(did)#\(did.dropFirst(8))"),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "proofValue", sha384: p384)
        var signedProof = proof
        signedProof["proofValue"] = .string("z" + Encodings.base58Encode(try sign(hashes)))
        var document = credential
        document["proof"] = .object(signedProof)
        let verifier = CredentialVerifier(today: Day("2025-06-01")!)
        let result = verifier.verify(document: .object(document))
        #expect(result.outcome == .verified, "\(result.summary)")
        document["validFrom"] = .string("2025-03-02T00:00:00Z")
        #expect(verifier.verify(document: .object(document)).outcome == .failed)
    }
}
