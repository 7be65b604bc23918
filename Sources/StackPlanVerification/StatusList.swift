import Foundation
import StackPlanCore

/// A status list credential supplied as a local file (W3C Bitstring Status List, or its
/// predecessor StatusList2021): the compressed bitstring in which each credential that points
/// at this list owns one bit. Status lists are never fetched.
///
/// A list is itself a credential, and its bits are trusted only once its own proof is checked
/// (``CredentialVerifier`` does so): an unsigned or altered list could revoke anything, or
/// clear a revoked credential.
public struct StatusList: Sendable {
    /// The list credential as read: a JSON document with an embedded proof, or a compact JWS.
    enum Secured: Sendable {
        case document(JSON)
        case jws(String)
    }

    /// The list credential's id; credentials name it in `credentialStatus.statusListCredential`.
    public var id: String
    public var purpose: String?
    /// The list credential's issuer as it states it.
    public var issuer: String?
    let bits: [UInt8]
    let secured: Secured

    /// Reads a status list credential (JSON, or the payload of a JWT) and decodes its `encodedList`.
    public static func read(_ data: Data, file: String? = nil) throws -> StatusList {
        func invalid(_ path: String, _ message: String) -> InvalidDocument {
            InvalidDocument(file: file, issues: [ValidationIssue(path: path, message: message)])
        }
        var root: JSON
        let secured: Secured
        var tokenIssuer: String?
        if let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
           let first = text.first, first != "{" {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let payload = Encodings.base64URLDecode(parts[1]), let json = try? JSON.parse(Data(payload)) else {
                throw invalid("$", "is neither a JSON status list credential nor a JWT holding one")
            }
            root = json
            if case .string(let issuer)? = root.objectFields["iss"] { tokenIssuer = issuer }
            if let vc = root.objectFields["vc"] { root = vc }
            secured = .jws(text)
        } else {
            guard let json = try? JSON.parse(data) else { throw invalid("$", "is not valid JSON") }
            root = json
            secured = .document(json)
        }
        guard case .string(let id)? = root.objectFields["id"] else {
            throw invalid("$.id", "is required: the status list's URL, which credentials name in statusListCredential")
        }
        var subject = root.objectFields["credentialSubject"] ?? .null
        if case .array(let subjects) = subject, let first = subjects.first { subject = first }
        guard case .string(let encoded)? = subject.objectFields["encodedList"] else {
            throw invalid("$.credentialSubject.encodedList", "is required: the GZIP-compressed, base64url-encoded bitstring")
        }
        // Bitstring Status List uses multibase base64url (`u…`); StatusList2021 plain base64url.
        let compressed = encoded.hasPrefix("u") ? Encodings.multibaseDecode(encoded) ?? Encodings.base64URLDecode(encoded)
            : Encodings.base64URLDecode(encoded)
        guard let compressed, let bits = try? Inflate.gunzip(compressed) else {
            throw invalid("$.credentialSubject.encodedList", "is not a GZIP-compressed bitstring in base64url")
        }
        var purpose: String?
        if case .string(let text)? = subject.objectFields["statusPurpose"] { purpose = text }
        return StatusList(id: id, purpose: purpose, issuer: CredentialVerifier.issuerID(root) ?? tokenIssuer, bits: bits, secured: secured)
    }

    /// Bit `index`, counted from the most significant bit of the first byte; `nil` past the end.
    public func isSet(_ index: Int) -> Bool? {
        guard index >= 0, index / 8 < bits.count else { return nil }
        return bits[index / 8] & (0x80 >> UInt8(index % 8)) != 0
    }

    public var count: Int { bits.count * 8 }
}
