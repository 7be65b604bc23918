import _CryptoExtras
import BigInt
import Crypto
import Foundation
import StackPlanCore
@testable import StackPlanVerification

/// Keys generated per test run, and compact JWS built from them, so that every algorithm is
/// exercised end to end: sign here, verify through the public API.
enum TestKeys {
    static func b64(_ bytes: some Sequence<UInt8>) -> String { Encodings.base64URLEncode(bytes) }

    static func json(_ value: JSON) -> [UInt8] { Array(value.serialized(pretty: false)) }

    /// `header.payload.signature` with `sign` applied to the signing input.
    static func jws(header: [String: JSON], payload: JSON, sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let input = b64(json(.object(header))) + "." + b64(json(payload))
        return input + "." + b64(try sign(Array(input.utf8)))
    }

    static func didKey(codec: [UInt8], key: [UInt8]) -> String { "did:key:z" + Encodings.base58Encode(codec + key) }

    static func didKey(_ key: Curve25519.Signing.PublicKey) -> String { didKey(codec: [0xED, 0x01], key: Array(key.rawRepresentation)) }
    static func didKey(_ key: P256.Signing.PublicKey) -> String { didKey(codec: [0x80, 0x24], key: Array(key.compressedRepresentation)) }

    static func didJWK(_ jwk: JSON) -> String { "did:jwk:" + b64(json(jwk)) }

    static func jwk(_ key: P256.Signing.PublicKey) -> JSON {
        let raw = Array(key.rawRepresentation)
        return .object(["kty": .string("EC"), "crv": .string("P-256"), "x": .string(b64(raw[0..<32])), "y": .string(b64(raw[32...]))])
    }

    static func jwk(_ key: Curve25519.Signing.PublicKey) -> JSON {
        .object(["kty": .string("OKP"), "crv": .string("Ed25519"), "x": .string(b64(key.rawRepresentation))])
    }

    static func jwk(_ key: _RSA.Signing.PublicKey) throws -> JSON {
        let components = try key.getKeyPrimitives()
        return .object(["kty": .string("RSA"), "n": .string(b64(components.modulus)), "e": .string(b64(components.publicExponent))])
    }

    /// A VC-JWT payload (VCDM 1.1) for an Open Badge from `issuer`.
    static func payload(issuer: String, extra: [String: JSON] = [:], credential: [String: JSON] = [:]) -> JSON {
        var vc: [String: JSON] = [
            "@context": .array([.string("https://www.w3.org/2018/credentials/v1")]),
            "type": .array([.string("VerifiableCredential"), .string("OpenBadgeCredential")]),
            "issuer": .object(["id": .string(issuer), "name": .string("Test University")]),
            "issuanceDate": .string("2025-03-01T00:00:00Z"),
            "credentialSubject": .object(["achievement": .object(["id": .string("urn:test:a1"), "name": .string("Wound care")])]),
        ]
        vc.merge(credential) { $1 }
        var fields: [String: JSON] = ["iss": .string(issuer), "nbf": .number(1_740_787_200), "vc": .object(vc)]
        fields.merge(extra) { $1 }
        return .object(fields)
    }
}

/// secp256k1 signing for tests only (production verifies, never signs).
struct TestSecp256k1Key {
    let secret: BigUInt
    let point: Secp256k1.Point

    init() {
        var secret: BigUInt
        repeat { secret = BigUInt(Data((0..<32).map { _ in UInt8.random(in: 0...255) })) } while secret == 0 || secret >= Secp256k1.n
        self.secret = secret
        point = Secp256k1.Jacobian(Secp256k1.generator).multiplied(by: secret).affine!
    }

    static func bytes32(_ value: BigUInt) -> [UInt8] {
        let data = Array(value.serialize())
        return [UInt8](repeating: 0, count: 32 - data.count) + data
    }

    var compressed: [UInt8] { [point.y[bitAt: 0] ? 3 : 2] + Self.bytes32(point.x) }
    var jwk: JSON {
        .object(["kty": .string("EC"), "crv": .string("secp256k1"), "x": .string(TestKeys.b64(Self.bytes32(point.x))),
                 "y": .string(TestKeys.b64(Self.bytes32(point.y)))])
    }

    func sign(_ message: [UInt8]) -> [UInt8] {
        let z = BigUInt(Data(SHA256.hash(data: message))) % Secp256k1.n
        while true {
            let k = BigUInt(Data((0..<32).map { _ in UInt8.random(in: 0...255) })) % Secp256k1.n
            guard k > 0, let r = Secp256k1.Jacobian(Secp256k1.generator).multiplied(by: k).affine?.x, r % Secp256k1.n > 0 else { continue }
            let s = (k.inverse(Secp256k1.n)! * (z + (r % Secp256k1.n) * secret)) % Secp256k1.n
            guard s > 0 else { continue }
            return Self.bytes32(r % Secp256k1.n) + Self.bytes32(s)
        }
    }
}
