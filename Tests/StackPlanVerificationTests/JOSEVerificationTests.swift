import _CryptoExtras
import Crypto
import Foundation
import StackPlanCore
import Testing
@testable import StackPlanVerification

@Suite struct JOSEVerificationTests {
    let verifier = CredentialVerifier(today: Day("2025-06-01")!)

    /// The token with one character of the payload changed (still valid base64url).
    static func tampered(_ token: String) -> String {
        var parts = token.split(separator: ".").map(String.init)
        var payload = Array(parts[1])
        let index = payload.count / 2
        payload[index] = payload[index] == "A" ? "B" : "A"
        parts[1] = String(payload)
        return parts.joined(separator: ".")
    }

    @Test func ed25519DidKeyVerifiesAndTamperingFails() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let token = try TestKeys.jws(header: ["alg": .string("EdDSA"), "kid": .string("\(did)#\(did.dropFirst(8))")],
                                     payload: TestKeys.payload(issuer: did)) { try Array(key.signature(for: $0)) }
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "JWT EdDSA")
        #expect(result.key?.hasPrefix(did) == true)

        let broken = verifier.verify(jws: Self.tampered(token))
        #expect(broken.outcome == .failed)
        #expect(broken.problems.contains { if case .signatureMismatch = $0 { true } else { false } })
    }

    @Test func es256DidKeyWithoutKidUsesTheIssuersKey() throws {
        let key = P256.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let token = try TestKeys.jws(header: ["alg": .string("ES256")], payload: TestKeys.payload(issuer: did)) {
            Array(try key.signature(for: SHA256.hash(data: $0)).rawRepresentation)
        }
        #expect(verifier.verify(jws: token).outcome == .verified)
        #expect(verifier.verify(jws: Self.tampered(token)).outcome == .failed)
    }

    @Test func es256KWithDidJWKAndWithDidKey() throws {
        let key = TestSecp256k1Key()
        let did = TestKeys.didJWK(key.jwk)
        let token = TestKeys.jws(header: ["alg": .string("ES256K"), "kid": .string("\(did)#0")], payload: TestKeys.payload(issuer: did)) {
            key.sign($0)
        }
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(verifier.verify(jws: Self.tampered(token)).outcome == .failed)

        let didKey = TestKeys.didKey(codec: [0xE7, 0x01], key: key.compressed)
        let compressedToken = TestKeys.jws(header: ["alg": .string("ES256K")], payload: TestKeys.payload(issuer: didKey)) { key.sign($0) }
        #expect(verifier.verify(jws: compressedToken).outcome == .verified)
    }

    @Test(arguments: ["RS256", "PS256"])
    func rsaKeysFromTheTrustList(algorithm: String) throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let issuer = "https://university.example/issuers/1"
        let trust = try TrustList.read(TestKeys.json(.object(["issuers": .array([.object([
            "id": .string(issuer), "name": .string("Example University"), "accreditedBy": .string("A3ES"),
            "keys": .array([.object(["id": .string("\(issuer)#rsa"), "publicKeyJwk": try TestKeys.jwk(key.publicKey)])]),
        ])])])).data)
        let padding: _RSA.Signing.Padding = algorithm == "PS256" ? .PSS : .insecurePKCS1v1_5
        let token = try TestKeys.jws(header: ["alg": .string(algorithm), "kid": .string("\(issuer)#rsa")], payload: TestKeys.payload(issuer: issuer)) {
            Array(try key.signature(for: SHA256.hash(data: $0), padding: padding).rawRepresentation)
        }
        let trusted = CredentialVerifier(today: Day("2025-06-01")!, trustList: trust)
        let result = trusted.verify(jws: token)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.accreditedBy == "A3ES")
        #expect(trusted.verify(jws: Self.tampered(token)).outcome == .failed)
        // Without the trust list there is no key.
        let offline = verifier.verify(jws: token)
        #expect(offline.outcome == .unverifiable)
        #expect(offline.summary.contains("issuer key not available offline"))
    }

    @Test func aJWKInTheHeaderVerifiesButDoesNotSpeakForAnUnrelatedIssuer() throws {
        let key = P256.Signing.PrivateKey()
        let token = try TestKeys.jws(header: ["alg": .string("ES256"), "jwk": TestKeys.jwk(key.publicKey)],
                                     payload: TestKeys.payload(issuer: "https://university.example")) {
            Array(try key.signature(for: SHA256.hash(data: $0)).rawRepresentation)
        }
        let result = verifier.verify(jws: token)
        #expect(result.signatureChecked)
        #expect(result.outcome == .unverifiable)
        #expect(result.problems.contains { if case .keyNotTiedToIssuer = $0 { true } else { false } })

        // The same key as the issuer's did:jwk is the issuer's own.
        let did = TestKeys.didJWK(TestKeys.jwk(key.publicKey))
        let own = try TestKeys.jws(header: ["alg": .string("ES256"), "jwk": TestKeys.jwk(key.publicKey)], payload: TestKeys.payload(issuer: did)) {
            Array(try key.signature(for: SHA256.hash(data: $0)).rawRepresentation)
        }
        #expect(verifier.verify(jws: own).outcome == .verified)
    }

    @Test func anotherDIDsKeyIsNotTheIssuers() throws {
        let key = Curve25519.Signing.PrivateKey()
        let other = TestKeys.didKey(key.publicKey)
        let token = try TestKeys.jws(header: ["alg": .string("EdDSA"), "kid": .string(other)],
                                     payload: TestKeys.payload(issuer: "did:web:university.example")) { try Array(key.signature(for: $0)) }
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .unverifiable)
        #expect(result.problems.contains { if case .keyNotTiedToIssuer = $0 { true } else { false } })
    }

    @Test func unknownIssuerIsUnverifiableNotAccepted() throws {
        let key = P256.Signing.PrivateKey()
        let token = try TestKeys.jws(header: ["alg": .string("ES256"), "kid": .string("did:web:unknown.example#key-1")],
                                     payload: TestKeys.payload(issuer: "did:web:unknown.example")) {
            Array(try key.signature(for: SHA256.hash(data: $0)).rawRepresentation)
        }
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .unverifiable)
        #expect(result.problems == [.keyNotAvailableOffline(issuer: "did:web:unknown.example", key: "did:web:unknown.example#key-1")])
        #expect(result.summary.hasPrefix("unverifiable: issuer key not available offline"))
    }

    @Test func expiredAndNotYetValidCredentialsFail() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let expired = try TestKeys.jws(header: ["alg": .string("EdDSA")],
                                       payload: TestKeys.payload(issuer: did, credential: ["expirationDate": .string("2025-05-31T23:59:59Z")])) {
            try Array(key.signature(for: $0))
        }
        let result = verifier.verify(jws: expired)
        #expect(result.outcome == .failed)
        #expect(result.problems == [.expired(field: "expirationDate", on: Day("2025-05-31")!)])
        // On the day it expires it is still valid.
        #expect(CredentialVerifier(today: Day("2025-05-31")!).verify(jws: expired).outcome == .verified)

        let exp = try TestKeys.jws(header: ["alg": .string("EdDSA")], payload: TestKeys.payload(issuer: did, extra: ["exp": .number(1_700_000_000)])) {
            try Array(key.signature(for: $0))
        }
        #expect(verifier.verify(jws: exp).problems == [.expired(field: "exp", on: Day("2023-11-14")!)])

        let future = try TestKeys.jws(header: ["alg": .string("EdDSA")],
                                      payload: TestKeys.payload(issuer: did, credential: ["validFrom": .string("2026-01-01")])) {
            try Array(key.signature(for: $0))
        }
        #expect(verifier.verify(jws: future).problems == [.notYetValid(field: "validFrom", from: Day("2026-01-01")!)])
    }

    @Test func millisecondTimestampsAreReportedNotConverted() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let token = try TestKeys.jws(header: ["alg": .string("EdDSA")], payload: TestKeys.payload(issuer: did, extra: ["exp": .number(1.8e18)])) {
            try Array(key.signature(for: $0))
        }
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .failed)
        #expect(result.summary.contains("exp"))
    }

    @Test func unsignedAndUnsupportedTokens() throws {
        let none = TestKeys.jws(header: ["alg": .string("none")], payload: TestKeys.payload(issuer: "did:web:x")) { _ in [] }
        #expect(verifier.verify(jws: none).problems == [.noProof])
        let hs = TestKeys.jws(header: ["alg": .string("HS256")], payload: TestKeys.payload(issuer: "did:web:x")) { _ in [1, 2, 3] }
        #expect(verifier.verify(jws: hs).problems == [.unsupportedAlgorithm("HS256")])
        #expect(verifier.verify(jws: "a.b").outcome == .failed)
    }

    @Test func aKeyOfAnotherTypeThanTheAlgorithmNeverVerifies() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        // Header claims ES256, key is Ed25519.
        let token = try TestKeys.jws(header: ["alg": .string("ES256")], payload: TestKeys.payload(issuer: did)) { try Array(key.signature(for: $0)) }
        #expect(verifier.verify(jws: token).outcome == .failed)
    }
}

extension [UInt8] {
    var data: Data { Data(self) }
}
