import Foundation

/// The byte encodings credentials use for keys and signatures: base64url (JOSE), base58btc and
/// multibase (did:key, Data Integrity), and multicodec's unsigned varint prefixes.
enum Encodings {
    /// base64url without padding (RFC 4648 §5), as JOSE writes it; padding is tolerated.
    static func base64URLDecode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var base64 = ""
        base64.reserveCapacity(text.utf8.count + 3)
        for character in text.unicodeScalars {
            switch character {
            case "-": base64.append("+")
            case "_": base64.append("/")
            case "+", "/": return nil
            case "=": continue
            default:
                guard character.isASCII, character.properties.isAlphabetic || ("0"..."9").contains(character) else { return nil }
                base64.unicodeScalars.append(character)
            }
        }
        guard base64.count % 4 != 1 else { return nil }
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64).map { [UInt8]($0) }
    }

    static func base64URLEncode<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static let base58Alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Bitcoin's base58 alphabet. Input length is bounded by the callers (keys and signatures),
    /// and the quadratic conversion stays cheap at those sizes.
    static func base58Decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        guard text.utf8.count <= 512 else { return nil }
        var bytes: [UInt8] = []
        var leadingZeros = 0
        var seenOther = false
        for character in text.utf8 {
            guard let digit = base58Alphabet.firstIndex(of: character) else { return nil }
            if digit == 0 && !seenOther { leadingZeros += 1; continue }
            seenOther = true
            var carry = digit
            for index in bytes.indices.reversed() {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: leadingZeros) + bytes
    }

    static func base58Encode(_ bytes: [UInt8]) -> String {
        var digits: [Int] = []
        let leadingZeros = bytes.prefix { $0 == 0 }.count
        for byte in bytes.dropFirst(leadingZeros) {
            var carry = Int(byte)
            for index in digits.indices.reversed() {
                carry += digits[index] << 8
                digits[index] = carry % 58
                carry /= 58
            }
            while carry > 0 {
                digits.insert(carry % 58, at: 0)
                carry /= 58
            }
        }
        let text = [UInt8](repeating: base58Alphabet[0], count: leadingZeros) + digits.map { base58Alphabet[$0] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Multibase: `z` base58btc, `u` base64url (no padding). Other bases are not used by the
    /// formats StackPlan reads.
    static func multibaseDecode(_ text: String) -> [UInt8]? {
        guard let prefix = text.first else { return nil }
        let body = text.dropFirst()
        switch prefix {
        case "z": return base58Decode(body)
        case "u": return base64URLDecode(body)
        default: return nil
        }
    }

    /// An unsigned LEB128 varint (multicodec prefixes) and the bytes after it.
    static func varint(_ bytes: [UInt8]) -> (value: UInt64, rest: ArraySlice<UInt8>)? {
        var value: UInt64 = 0
        for (index, byte) in bytes.prefix(9).enumerated() {
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte & 0x80 == 0 { return (value, bytes[(index + 1)...]) }
        }
        return nil
    }
}
