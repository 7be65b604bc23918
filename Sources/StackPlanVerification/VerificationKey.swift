import _CryptoExtras
import Crypto
import Foundation
import StackPlanCore

/// A public key a proof can be checked against, with the name it is known by (a DID URL, a
/// trust list entry, or the JWT header it came in) and the DID or URL that controls it.
struct VerificationKey {
    enum Material {
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case secp256k1(Secp256k1.Point)
        case rsa(_RSA.Signing.PublicKey)

        var name: String {
            switch self {
            case .ed25519: "Ed25519"
            case .p256: "P-256"
            case .p384: "P-384"
            case .secp256k1: "secp256k1"
            case .rsa: "RSA"
            }
        }
    }

    var id: String
    var material: Material
    /// The DID or URL the key belongs to; a proof made with it speaks for this issuer.
    var controller: String?

    /// Whether `signature` signs `message` with the JOSE algorithm `algorithm`. A key of another
    /// type than the algorithm names never verifies.
    func verifies(signature: [UInt8], message: [UInt8], algorithm: String) -> Bool {
        switch (algorithm, material) {
        case ("EdDSA", .ed25519(let key)), ("Ed25519", .ed25519(let key)):
            return key.isValidSignature(signature, for: message)
        case ("ES256", .p256(let key)):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
        case ("ES384", .p384(let key)):
            guard let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA384.hash(data: message))
        case ("ES256K", .secp256k1(let point)):
            return Secp256k1.isValidSignature(signature, digest: Array(SHA256.hash(data: message)), key: point)
        case ("RS256", .rsa(let key)):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        case ("PS256", .rsa(let key)):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: message), padding: .PSS)
        default:
            return false
        }
    }

    // MARK: Reading keys

    /// Multicodec codes of the public keys did:key and `publicKeyMultibase` carry.
    enum Multicodec: UInt64 {
        case ed25519 = 0xED
        case secp256k1 = 0xE7
        case p256 = 0x1200
        case p384 = 0x1201
    }

    /// A key from a multibase multicodec string (`z6Mk…` Ed25519, `zDn…` P-256, `zQ3s…` secp256k1).
    static func multikey(_ text: String) -> Material? {
        guard let bytes = Encodings.multibaseDecode(text), let (code, rest) = Encodings.varint(bytes),
              let codec = Multicodec(rawValue: code) else { return nil }
        let key = Array(rest)
        switch codec {
        case .ed25519: return (try? Curve25519.Signing.PublicKey(rawRepresentation: key)).map(Material.ed25519)
        case .p256: return (try? P256.Signing.PublicKey(compressedRepresentation: key)).map(Material.p256)
        case .p384: return (try? P384.Signing.PublicKey(compressedRepresentation: key)).map(Material.p384)
        case .secp256k1: return Secp256k1.publicKey(sec1: key).map(Material.secp256k1)
        }
    }

    /// Why a JWK cannot be used, or its key.
    enum JWKReading {
        case key(Material)
        case unusable(String)
    }

    /// A public JSON Web Key (RFC 7517): `OKP`/`Ed25519`, `EC` P-256, P-384 or secp256k1, `RSA`.
    static func jwk(_ json: JSON) -> JWKReading {
        guard case .object(let fields) = json else { return .unusable("a JWK must be a JSON object") }
        func text(_ key: String) -> String? { if case .string(let value)? = fields[key] { value } else { nil } }
        func bytes(_ key: String) -> [UInt8]? { text(key).flatMap { Encodings.base64URLDecode($0) } }
        switch (text("kty"), text("crv")) {
        case ("OKP", "Ed25519"):
            guard let x = bytes("x"), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else {
                return .unusable("its \"x\" is not a 32-byte Ed25519 public key")
            }
            return .key(.ed25519(key))
        case ("EC", "P-256"):
            guard let x = bytes("x"), let y = bytes("y"), let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else {
                return .unusable("its \"x\" and \"y\" are not a P-256 point")
            }
            return .key(.p256(key))
        case ("EC", "P-384"):
            guard let x = bytes("x"), let y = bytes("y"), let key = try? P384.Signing.PublicKey(rawRepresentation: x + y) else {
                return .unusable("its \"x\" and \"y\" are not a P-384 point")
            }
            return .key(.p384(key))
        case ("EC", "secp256k1"):
            guard let x = bytes("x"), let y = bytes("y"), let point = Secp256k1.publicKey(x: x, y: y) else {
                return .unusable("its \"x\" and \"y\" are not a secp256k1 point")
            }
            return .key(.secp256k1(point))
        case ("RSA", _):
            guard let n = bytes("n"), let e = bytes("e") else { return .unusable("an RSA key needs \"n\" and \"e\"") }
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                return .unusable("its \"n\" and \"e\" are not an RSA public key of 2048 bits or more")
            }
            return .key(.rsa(key))
        case (let type?, let curve):
            return .unusable("key type \(type)\(curve.map { " on curve \($0)" } ?? "") is not supported")
        case (nil, _):
            return .unusable("it has no \"kty\"")
        }
    }
}
