import Foundation
import StackPlanCore

/// Finds the public keys a proof may have been made with, offline: did:key and did:jwk are
/// decoded from the identifier itself; every other DID method and URL only through the trust list.
struct KeyResolver {
    let trustList: TrustList

    enum Resolution {
        /// Keys to try; a signature that one of them verifies is the issuer's when `tied`.
        case keys([VerificationKey])
        case unusable(Problem)

        typealias Problem = CredentialVerification.Problem
    }

    /// The DID of a DID URL (`did:key:z6Mk…#z6Mk…` → `did:key:z6Mk…`).
    static func did(of keyID: String) -> String {
        String(keyID.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    /// Keys of a self-describing DID (did:key, did:jwk), or `nil` for other identifiers.
    static func selfDescribing(_ keyID: String) -> Resolution? {
        let did = did(of: keyID)
        if did.hasPrefix("did:key:") {
            let multibase = String(did.dropFirst("did:key:".count))
            guard let material = VerificationKey.multikey(multibase) else {
                return .unusable(.unusableKey(key: keyID, reason: "not an Ed25519, P-256 or secp256k1 did:key"))
            }
            return .keys([VerificationKey(id: keyID.contains("#") ? keyID : "\(did)#\(multibase)", material: material, controller: did)])
        }
        if did.hasPrefix("did:jwk:") {
            guard let bytes = Encodings.base64URLDecode(did.dropFirst("did:jwk:".count)), let json = try? JSON.parse(Data(bytes)) else {
                return .unusable(.unusableKey(key: keyID, reason: "a did:jwk must hold a base64url-encoded JSON Web Key"))
            }
            switch VerificationKey.jwk(json) {
            case .key(let material): return .keys([VerificationKey(id: keyID.contains("#") ? keyID : "\(did)#0", material: material, controller: did)])
            case .unusable(let why): return .unusable(.unusableKey(key: keyID, reason: why))
            }
        }
        return nil
    }

    /// The keys for a proof that names `keyID` (a JWT `kid`, a proof's `verificationMethod`)
    /// on a credential from `issuer`. A relative key id (`#key-1`) is taken within the issuer.
    func resolve(keyID: String?, issuer: String?) -> Resolution {
        var keyID = keyID
        if let relative = keyID, relative.hasPrefix("#"), let issuer { keyID = issuer + relative }
        if let keyID, let resolved = Self.selfDescribing(keyID) { return resolved }
        if let keyID, let owner = trustList.issuer(owningKey: keyID) {
            return .keys(trustList.keys(of: owner, named: keyID))
        }
        if let keyID, let entry = trustList.issuer(Self.did(of: keyID)) {
            let keys = trustList.keys(of: entry, named: keyID)
            if !keys.isEmpty { return .keys(keys) }
        }
        if keyID == nil, let issuer, let resolved = Self.selfDescribing(issuer) { return resolved }
        if let entry = trustList.issuer(issuer) {
            let keys = trustList.keys(of: entry, named: keyID)
            if !keys.isEmpty { return .keys(keys) }
        }
        return .unusable(.keyNotAvailableOffline(issuer: issuer, key: keyID))
    }

    /// Whether a key may speak for `issuer`: it is the issuer's own DID key, or the trust list
    /// lists it under the issuer. Without a stated issuer there is nothing to tie it to.
    func isTied(_ key: VerificationKey, to issuer: String?) -> Bool {
        guard let issuer else { return false }
        if let controller = key.controller, TrustList.comparable(controller) == TrustList.comparable(issuer) { return true }
        if case .keys(let own)? = Self.selfDescribing(issuer), own.contains(where: { $0.sameMaterial(as: key) }) { return true }
        guard let entry = trustList.issuer(issuer) else { return false }
        return trustList.keys(of: entry, named: nil).contains { $0.sameMaterial(as: key) }
    }
}

extension VerificationKey {
    /// Whether two keys are the same public key, however they were written.
    func sameMaterial(as other: VerificationKey) -> Bool {
        switch (material, other.material) {
        case (.ed25519(let a), .ed25519(let b)): a.rawRepresentation == b.rawRepresentation
        case (.p256(let a), .p256(let b)): a.rawRepresentation == b.rawRepresentation
        case (.p384(let a), .p384(let b)): a.rawRepresentation == b.rawRepresentation
        case (.secp256k1(let a), .secp256k1(let b)): a == b
        case (.rsa(let a), .rsa(let b)): a.derRepresentation == b.derRepresentation
        default: false
        }
    }
}
