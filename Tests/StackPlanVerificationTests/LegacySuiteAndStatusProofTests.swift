import Crypto
import Foundation
import StackPlanCore
import Testing
@testable import StackPlanVerification

/// `EcdsaSecp256k1Signature2019`: a detached ES256K JWS over the RDFC-1.0 hashes of the proof
/// options and the document, as the legacy Linked Data Signatures suites sign.
@Suite struct EcdsaSecp256k1Signature2019Tests {
    static func vector(_ name: String) throws -> JSON { try JSON.parse(try StatusAndTrustListTests.vector("secp256k1-2019/\(name)")) }
    static var trustList: TrustList {
        get throws { try TrustList.read(try StatusAndTrustListTests.vector("secp256k1-2019/trust-list.json")) }
    }

    @Test(arguments: ["authMeSignedExample.json", "readme-verify-example.json"])
    func theSuitesOwnVectorsVerifyAndFailWhenTampered(name: String) throws {
        // The DIF suite's signed examples (security v2 context, whose definitions do not name the
        // suite's own type: its signers dropped it, and so does the check).
        let verifier = CredentialVerifier(today: Day("2025-06-01")!, trustList: try Self.trustList)
        let document = try Self.vector(name)
        let result = verifier.verify(document: document)
        #expect(result.signatureChecked, "\(result.summary)")
        #expect(result.method == "EcdsaSecp256k1Signature2019")
        // The document names no issuer, so a valid signature still speaks for no one.
        #expect(result.problems.count == 1)
        #expect(result.problems.allSatisfy { if case .keyNotTiedToIssuer = $0 { true } else { false } })

        var fields = document.objectFields
        fields["http://schema.org/action"] = .string("AuthenticateMf")
        let tampered = verifier.verify(document: .object(fields))
        #expect(tampered.outcome == .failed)
        #expect(tampered.problems.contains { if case .signatureMismatch = $0 { true } else { false } })

        // The proof's own options are signed too.
        var proof = document.objectFields["proof"]!.objectFields
        proof["challenge"] = .string("abd")
        fields = document.objectFields
        fields["proof"] = .object(proof)
        #expect(verifier.verify(document: .object(fields)).outcome == .failed)
    }

    @Test func withoutTheKeyTheVectorIsUnverifiable() throws {
        let result = CredentialVerifier(today: Day("2025-06-01")!).verify(document: try Self.vector("authMeSignedExample.json"))
        #expect(result.outcome == .unverifiable)
        #expect(result.problems == [.keyNotAvailableOffline(issuer: nil, key: "did:example:123#key-JUvpllMEYUZ2joO59UNui_XYDqxVqiFLLAJ8klWuPBw")])
    }

    /// A VC 1.1 credential signed here with a secp256k1 did:key, the way EBSI issuers sign.
    static func signedCredential(key: TestSecp256k1Key, did: String, expires: String? = nil) throws -> [String: JSON] {
        var credential: [String: JSON] = [
            "@context": .array([.string("https://www.w3.org/2018/credentials/v1"), .string("https://www.w3.org/ns/credentials/examples/v2")]),
            "type": .array([.string("VerifiableCredential")]),
            "issuer": .string(did), "issuanceDate": .string("2024-12-01T00:00:00Z"),
            "credentialSubject": .object(["id": .string("did:example:doctor"), "hours": .number(10)]),
        ]
        if let expires { credential["expirationDate"] = .string(expires) }
        let proof: [String: JSON] = [
            "type": .string("EcdsaSecp256k1Signature2019"), "created": .string("2024-12-01T10:25:43Z"),
            "proofPurpose": .string("assertionMethod"), "verificationMethod": .string("\(did)#\(did.dropFirst(8))"),
        ]
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "jws")
        let header = TestKeys.b64(Array(#"{"alg":"ES256K","b64":false,"crit":["b64"]}"#.utf8))
        var signed = proof
        signed["jws"] = .string(header + ".." + TestKeys.b64(key.sign(Array((header + ".").utf8) + hashes)))
        credential["proof"] = .object(signed)
        return credential
    }

    @Test func aVC11CredentialSignedWithASecp256k1DidKey() throws {
        let key = TestSecp256k1Key()
        let did = TestKeys.didKey(codec: [0xE7, 0x01], key: key.compressed)
        #expect(did.hasPrefix("did:key:zQ3s"))
        let verifier = CredentialVerifier(today: Day("2025-06-01")!)
        let credential = try Self.signedCredential(key: key, did: did)
        let result = verifier.verify(document: .object(credential))
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "EcdsaSecp256k1Signature2019")

        var altered = credential
        altered["credentialSubject"] = .object(["id": .string("did:example:doctor"), "hours": .number(100)])
        #expect(verifier.verify(document: .object(altered)).outcome == .failed)

        let expired = try Self.signedCredential(key: key, did: did, expires: "2025-01-01T00:00:00Z")
        let late = verifier.verify(document: .object(expired))
        #expect(late.outcome == .failed)
        #expect(late.problems == [.expired(field: "expirationDate", on: Day("2025-01-01")!)])

        // Another key signing in the same DID's name fails; a JWS of another algorithm is malformed.
        var forged = credential
        var proof = credential["proof"]!.objectFields
        let other = TestSecp256k1Key()
        let hashes = try CredentialVerifier.signedHashes(document: .object(credential), proof: proof, removing: "jws")
        let header = TestKeys.b64(Array(#"{"alg":"ES256K","b64":false,"crit":["b64"]}"#.utf8))
        proof["jws"] = .string(header + ".." + TestKeys.b64(other.sign(Array((header + ".").utf8) + hashes)))
        forged["proof"] = .object(proof)
        #expect(verifier.verify(document: .object(forged)).outcome == .failed)
        proof["jws"] = .string(TestKeys.b64(Array(#"{"alg":"EdDSA","b64":false,"crit":["b64"]}"#.utf8)) + "..AAAA")
        forged["proof"] = .object(proof)
        #expect(verifier.verify(document: .object(forged)).problems
            == [.malformedProof(path: "$.proof.jws", reason: "must be a detached ES256K JWS with \"b64\": false")])
    }

    @Test func anUnknownIssuersProofIsUnverifiableNotFailed() throws {
        // The DC4EU pilot's professional-training example: an EBSI issuer whose key is only online.
        let document = try JSON.parse(Data("""
            {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
             "issuer": "did:ebsi:rpCTNQkBNHPhNHSqJhGXUhL3xWtL5Fst3EVb2A9PZGnuqJBWN", "issuanceDate": "2024-12-01",
             "credentialSubject": {"id": "did:example:doctor"},
             "proof": {"type": "EcdsaSecp256k1Signature2019", "created": "2024-12-01T10:25:43Z", "proofPurpose": "assertionMethod",
                       "verificationMethod": "did:ebsi:JhGXUhL3xWtL5Fst3EVb2A9PZGnuqJBWNrpCTNQkBNHPhNHSq#keys-1",
                       "proofValue": "ZaGPRyMuPW2X5yCWuLiQTjB3RPJWAyxgQLbDpzeXPuVfJfHAiz58DAdFfa9SkqZMVPxAQpic7ndSayn6RrxWE2mSmFU"}}
            """.utf8))
        let result = CredentialVerifier(today: Day("2025-06-01")!).verify(document: document)
        #expect(result.outcome == .unverifiable)
        #expect(result.problems == [.keyNotAvailableOffline(issuer: "did:ebsi:rpCTNQkBNHPhNHSqJhGXUhL3xWtL5Fst3EVb2A9PZGnuqJBWN",
                                                            key: "did:ebsi:JhGXUhL3xWtL5Fst3EVb2A9PZGnuqJBWNrpCTNQkBNHPhNHSq#keys-1")])
    }
}

/// A status list's bits count only when the list itself is verified and comes from the credential's issuer.
@Suite struct StatusListProofTests {
    static let key = Curve25519.Signing.PrivateKey()
    static var did: String { TestKeys.didKey(key.publicKey) }

    /// The vector list (bits 42 and 94567 set) as a VC-JWT by `issuer`, signed with `signer`.
    static func signedList(issuer: String, signer: Curve25519.Signing.PrivateKey, validUntil: String? = nil) throws -> StatusList {
        var list = try JSON.parse(try StatusAndTrustListTests.vector("status/revocation-list.json")).objectFields
        list["issuer"] = .string(issuer)
        if let validUntil { list["validUntil"] = .string(validUntil) }
        let token = try TestKeys.jws(header: ["alg": .string("EdDSA")], payload: .object(["iss": .string(issuer), "vc": .object(list)])) {
            try Array(signer.signature(for: $0))
        }
        return try StatusList.read(Data(token.utf8))
    }

    static func credential(index: Int) throws -> String {
        let status = JSON.object(["type": .string("BitstringStatusListEntry"), "statusPurpose": .string("revocation"),
                                  "statusListIndex": .string(String(index)), "statusListCredential": .string("https://university.example/status/3")])
        return try TestKeys.jws(header: ["alg": .string("EdDSA")], payload: TestKeys.payload(issuer: did, credential: ["credentialStatus": status])) {
            try Array(key.signature(for: $0))
        }
    }

    @Test func aListSignedByTheIssuerIsRead() throws {
        let verifier = CredentialVerifier(today: Day("2025-06-01")!, statusLists: [try Self.signedList(issuer: Self.did, signer: Self.key)])
        let revoked = verifier.verify(jws: try Self.credential(index: 94_567))
        #expect(revoked.outcome == .failed)
        #expect(revoked.statuses.first?.check == .set)
        let fine = verifier.verify(jws: try Self.credential(index: 43))
        #expect(fine.outcome == .verified)
        #expect(fine.statuses.first?.check == .clear)
    }

    @Test func anUnsignedListIsNeverTrusted() throws {
        // The vector file carries no proof: its set bit neither revokes nor its clear bit vouches.
        let unsigned = try StatusList.read(try StatusAndTrustListTests.vector("status/revocation-list.json"))
        let verifier = CredentialVerifier(today: Day("2025-06-01")!, statusLists: [unsigned])
        for index in [94_567, 43] {
            let result = verifier.verify(jws: try Self.credential(index: index))
            #expect(result.outcome == .unverifiable, "\(result.summary)")
            #expect(result.statuses.first?.check == .unverifiable)
            #expect(result.summary.contains("status list https://university.example/status/3 is not verified (unverifiable: no proof"))
        }
        #expect(verifier.statusListVerification("https://university.example/status/3")?.outcome == .unverifiable)
    }

    @Test func anAlteredListIsNeverTrusted() throws {
        let list = try Self.signedList(issuer: Self.did, signer: Self.key)
        guard case .jws(let token) = list.secured else { Issue.record("expected a JWS"); return }
        // Re-encode the payload with every bit cleared, keeping the signature.
        let parts = token.split(separator: ".").map(String.init)
        var payload = try JSON.parse(Data(try #require(Encodings.base64URLDecode(parts[1])))).objectFields
        var vc = payload["vc"]!.objectFields
        var subject = vc["credentialSubject"]!.objectFields
        subject["encodedList"] = .string("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
        vc["credentialSubject"] = .object(subject)
        payload["vc"] = .object(vc)
        let altered = parts[0] + "." + TestKeys.b64(TestKeys.json(.object(payload))) + "." + parts[2]
        let verifier = CredentialVerifier(today: Day("2025-06-01")!, statusLists: [try StatusList.read(Data(altered.utf8))])
        let result = verifier.verify(jws: try Self.credential(index: 94_567))
        #expect(result.outcome == .unverifiable)
        #expect(result.statuses.first?.check == .unverifiable)
        #expect(result.summary.contains("does not match the content"))
    }

    @Test func aListFromAnotherIssuerOrExpiredIsNotTrusted() throws {
        let stranger = Curve25519.Signing.PrivateKey()
        let foreign = try Self.signedList(issuer: TestKeys.didKey(stranger.publicKey), signer: stranger)
        let result = CredentialVerifier(today: Day("2025-06-01")!, statusLists: [foreign]).verify(jws: try Self.credential(index: 94_567))
        #expect(result.outcome == .unverifiable)
        #expect(result.problems.contains(.statusListFromAnotherIssuer(
            list: "https://university.example/status/3", listIssuer: TestKeys.didKey(stranger.publicKey), issuer: Self.did)))

        let stale = try Self.signedList(issuer: Self.did, signer: Self.key, validUntil: "2025-03-01T00:00:00Z")
        let late = CredentialVerifier(today: Day("2025-06-01")!, statusLists: [stale]).verify(jws: try Self.credential(index: 94_567))
        #expect(late.outcome == .unverifiable)
        #expect(late.summary.contains("expired on 2025-03-01"))
    }
}
