import Foundation
import StackPlanCore

/// Issuers whose keys the learner or regulator vouches for, read from a local file: for DID
/// methods and URLs that cannot be resolved offline (did:web, did:ebsi, https issuers).
///
/// ```json
/// {"issuers": [{"id": "did:web:ffomc.example", "name": "…", "accreditedBy": "UEMS-EACCME",
///               "keys": [{"id": "did:web:ffomc.example#key-1", "publicKeyJwk": {…}},
///                        {"id": "…#key-2", "publicKeyMultibase": "z6Mk…"}]}]}
/// ```
public struct TrustList: Sendable {
    public struct Issuer: Sendable {
        public var id: String
        public var name: String?
        public var accreditedBy: String?
        /// Each key's id and its JWK or multibase text, kept as read and decoded when used.
        var keys: [(id: String, source: KeySource)]
    }

    enum KeySource: Sendable {
        case jwk(JSON)
        case multibase(String)
    }

    public private(set) var issuers: [Issuer] = []

    public init() {}

    /// Reads a trust list; every malformed entry is reported with its JSON path.
    public static func read(_ data: Data, file: String? = nil) throws -> TrustList {
        var issues: [ValidationIssue] = []
        func problem(_ path: String, _ message: String) { issues.append(ValidationIssue(path: path, message: message)) }
        let root: JSON
        do {
            root = try JSON.parse(data)
        } catch {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "$", message: "is not valid JSON")])
        }
        var list = TrustList()
        guard case .array(let entries)? = root.objectFields["issuers"] else {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "$.issuers", message: "is required: a list of issuers with their keys")])
        }
        for (index, entry) in entries.enumerated() {
            let path = "$.issuers[\(index)]"
            let fields = entry.objectFields
            guard case .string(let id)? = fields["id"], !id.isEmpty else {
                problem("\(path).id", "is required: the issuer's DID or URL as its credentials name it")
                continue
            }
            var issuer = Issuer(id: id, keys: [])
            if case .string(let name)? = fields["name"] { issuer.name = name }
            if case .string(let body)? = fields["accreditedBy"] { issuer.accreditedBy = body }
            guard case .array(let keys)? = fields["keys"], !keys.isEmpty else {
                problem("\(path).keys", "is required: at least one public key (publicKeyJwk or publicKeyMultibase)")
                continue
            }
            for (keyIndex, key) in keys.enumerated() {
                let keyPath = "\(path).keys[\(keyIndex)]"
                let keyFields = key.objectFields
                let keyID = if case .string(let text)? = keyFields["id"] { text } else { "\(id)#key-\(keyIndex + 1)" }
                if let jwk = keyFields["publicKeyJwk"] {
                    if case .unusable(let why) = VerificationKey.jwk(jwk) {
                        problem("\(keyPath).publicKeyJwk", why)
                        continue
                    }
                    issuer.keys.append((keyID, .jwk(jwk)))
                } else if case .string(let text)? = keyFields["publicKeyMultibase"] {
                    guard VerificationKey.multikey(text) != nil else {
                        problem("\(keyPath).publicKeyMultibase", "is not a multibase Ed25519, P-256, P-384 or secp256k1 public key")
                        continue
                    }
                    issuer.keys.append((keyID, .multibase(text)))
                } else {
                    problem(keyPath, "needs \"publicKeyJwk\" or \"publicKeyMultibase\"")
                }
            }
            list.issuers.append(issuer)
        }
        guard issues.isEmpty else { throw InvalidDocument(file: file, issues: issues) }
        return list
    }

    /// The entry for an issuer id, compared without the difference of a trailing slash.
    func issuer(_ id: String?) -> Issuer? {
        guard let id else { return nil }
        let key = Self.comparable(id)
        return issuers.first { Self.comparable($0.id) == key }
    }

    /// The entry listing a key with this id.
    func issuer(owningKey keyID: String) -> Issuer? {
        issuers.first { $0.keys.contains { $0.id == keyID } }
    }

    static func comparable(_ id: String) -> String {
        var text = id.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The issuer's keys to try: the one named `keyID` (or its fragment) when given and listed,
    /// otherwise all of them.
    func keys(of issuer: Issuer, named keyID: String?) -> [VerificationKey] {
        var chosen = issuer.keys
        if let keyID {
            let fragment = keyID.split(separator: "#", omittingEmptySubsequences: false).last.map(String.init)
            let named = issuer.keys.filter { $0.id == keyID || ($0.id.hasSuffix("#\(fragment ?? "")") && keyID.hasPrefix("#")) }
            if !named.isEmpty { chosen = named }
        }
        return chosen.compactMap { id, source in
            switch source {
            case .jwk(let json):
                if case .key(let material) = VerificationKey.jwk(json) { return VerificationKey(id: id, material: material, controller: issuer.id) }
                return nil
            case .multibase(let text):
                return VerificationKey.multikey(text).map { VerificationKey(id: id, material: $0, controller: issuer.id) }
            }
        }
    }
}
