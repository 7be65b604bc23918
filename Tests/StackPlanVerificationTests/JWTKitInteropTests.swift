import _CryptoExtras
import Crypto
import Foundation
import JWTKit
import StackPlanCore
import Testing
@testable import StackPlanVerification

/// Tokens signed by jwt-kit, an independent JOSE implementation, must verify here: the
/// signing input, base64url and signature encodings are then not only agreeing with themselves.
@Suite struct JWTKitInteropTests {
    struct VCClaims: JWTPayload {
        struct Credential: Codable {
            var type: [String]
            var issuer: String
            var issuanceDate: String
        }

        var iss: String
        var vc: Credential

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    let verifier = CredentialVerifier(today: Day("2025-06-01")!)

    func claims(_ issuer: String) -> VCClaims {
        VCClaims(iss: issuer, vc: .init(type: ["VerifiableCredential", "OpenBadgeCredential"], issuer: issuer, issuanceDate: "2025-01-01"))
    }

    @Test func es256() async throws {
        let key = P256.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let keys = await JWTKeyCollection().add(ecdsa: try ECDSA.PrivateKey<P256>(backing: key), kid: JWKIdentifier(string: did))
        let token = try await keys.sign(claims(did))
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "JWT ES256")
    }

    @Test func eddsa() async throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        let keys = await JWTKeyCollection().add(eddsa: EdDSA.PrivateKey(backing: key))
        let token = try await keys.sign(claims(did))
        #expect(verifier.verify(jws: token).outcome == .verified)
    }

    @Test(arguments: ["RS256", "PS256"])
    func rsa(algorithm: String) async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let did = TestKeys.didJWK(try TestKeys.jwk(key.publicKey))
        let collection = JWTKeyCollection()
        let wrapped = try Insecure.RSA.PrivateKey(backing: key)
        if algorithm == "PS256" {
            await collection.add(pss: wrapped, digestAlgorithm: .sha256)
        } else {
            await collection.add(rsa: wrapped, digestAlgorithm: .sha256)
        }
        let token = try await collection.sign(claims(did))
        let result = verifier.verify(jws: token)
        #expect(result.outcome == .verified, "\(result.summary)")
        #expect(result.method == "JWT \(algorithm)")
    }
}
