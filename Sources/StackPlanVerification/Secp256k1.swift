import BigInt
import Foundation

/// ECDSA verification on secp256k1 (ES256K, did:key `zQ3s…` keys), which swift-crypto does
/// not offer. Only verification is needed at run time: no secret ever passes through here, so
/// the arithmetic need not be constant-time.
enum Secp256k1 {
    static let p = BigUInt("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", radix: 16)!
    static let n = BigUInt("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", radix: 16)!
    static let generator = Point(
        x: BigUInt("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", radix: 16)!,
        y: BigUInt("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", radix: 16)!)

    /// An affine point on the curve y² = x³ + 7 (mod p).
    struct Point: Equatable {
        var x: BigUInt
        var y: BigUInt

        var isOnCurve: Bool {
            x < p && y < p && (y * y) % p == (x * x * x + 7) % p
        }
    }

    /// A public key from its SEC 1 encoding: compressed (33 bytes) or uncompressed (65 bytes).
    static func publicKey(sec1 bytes: [UInt8]) -> Point? {
        if bytes.count == 65, bytes[0] == 4 {
            let point = Point(x: BigUInt(Data(bytes[1..<33])), y: BigUInt(Data(bytes[33..<65])))
            return point.isOnCurve ? point : nil
        }
        guard bytes.count == 33, bytes[0] == 2 || bytes[0] == 3 else { return nil }
        let x = BigUInt(Data(bytes[1...]))
        guard x < p else { return nil }
        // p ≡ 3 (mod 4), so a square root is a^((p+1)/4).
        let square = (x * x * x + 7) % p
        var y = square.power((p + 1) / 4, modulus: p)
        guard (y * y) % p == square else { return nil }
        if (y[bitAt: 0] ? 3 : 2) != bytes[0] { y = p - y }
        return Point(x: x, y: y)
    }

    /// A public key from a JWK's `x` and `y` (32 bytes each).
    static func publicKey(x: [UInt8], y: [UInt8]) -> Point? {
        guard x.count == 32, y.count == 32 else { return nil }
        let point = Point(x: BigUInt(Data(x)), y: BigUInt(Data(y)))
        return point.isOnCurve ? point : nil
    }

    /// Whether `signature` (r‖s, 64 bytes, as JOSE writes it) signs the SHA-256 `digest` under `key`.
    static func isValidSignature(_ signature: [UInt8], digest: [UInt8], key: Point) -> Bool {
        guard signature.count == 64, digest.count == 32 else { return false }
        let r = BigUInt(Data(signature[0..<32])), s = BigUInt(Data(signature[32..<64]))
        guard r > 0, r < n, s > 0, s < n, let inverse = s.inverse(n) else { return false }
        let z = BigUInt(Data(digest)) % n
        let u1 = (z * inverse) % n, u2 = (r * inverse) % n
        let sum = Jacobian(generator).multiplied(by: u1).adding(Jacobian(key).multiplied(by: u2))
        guard let point = sum.affine else { return false }
        return point.x % n == r
    }

    /// Points in Jacobian coordinates (X/Z², Y/Z³), so that adding needs no modular inverse.
    struct Jacobian {
        var x: BigUInt
        var y: BigUInt
        var z: BigUInt

        static let infinity = Jacobian(x: 1, y: 1, z: 0)

        init(x: BigUInt, y: BigUInt, z: BigUInt) {
            self.x = x
            self.y = y
            self.z = z
        }

        init(_ point: Point) {
            self.init(x: point.x, y: point.y, z: 1)
        }

        var isInfinity: Bool { z.isZero }

        var affine: Point? {
            guard !isInfinity, let inverse = z.inverse(p) else { return nil }
            let inverse2 = (inverse * inverse) % p
            return Point(x: (x * inverse2) % p, y: (y * inverse2 % p * inverse) % p)
        }

        static func sub(_ a: BigUInt, _ b: BigUInt) -> BigUInt { a >= b ? (a - b) % p : (p - (b - a) % p) % p }

        func doubled() -> Jacobian {
            guard !isInfinity, !y.isZero else { return .infinity }
            let y2 = (y * y) % p
            let s = (4 * x * y2) % p
            let m = (3 * x * x) % p
            let x3 = Self.sub(m * m % p, (2 * s) % p)
            let y3 = Self.sub(m * Self.sub(s, x3) % p, (8 * y2 * y2) % p)
            return Jacobian(x: x3, y: y3, z: (2 * y * z) % p)
        }

        func adding(_ other: Jacobian) -> Jacobian {
            if isInfinity { return other }
            if other.isInfinity { return self }
            let z1z1 = (z * z) % p, z2z2 = (other.z * other.z) % p
            let u1 = (x * z2z2) % p, u2 = (other.x * z1z1) % p
            let s1 = (y * z2z2 % p * other.z) % p, s2 = (other.y * z1z1 % p * z) % p
            if u1 == u2 { return s1 == s2 ? doubled() : .infinity }
            let h = Self.sub(u2, u1), r = Self.sub(s2, s1)
            let h2 = (h * h) % p, h3 = (h2 * h) % p
            let u1h2 = (u1 * h2) % p
            let x3 = Self.sub(Self.sub((r * r) % p, h3), (2 * u1h2) % p)
            let y3 = Self.sub(r * Self.sub(u1h2, x3) % p, (s1 * h3) % p)
            return Jacobian(x: x3, y: y3, z: (h * z % p * other.z) % p)
        }

        func multiplied(by scalar: BigUInt) -> Jacobian {
            var result = Jacobian.infinity
            for bit in stride(from: scalar.bitWidth - 1, through: 0, by: -1) {
                result = result.doubled()
                if scalar[bitAt: bit] { result = result.adding(self) }
            }
            return result
        }
    }
}
