import StackPlanCore

/// What checking one credential's proof, issuer key, validity dates and status found.
///
/// The outcome is `verified` only when a proof was checked with a key that speaks for the
/// issuer and nothing failed; `unverifiable` says why nothing could be checked offline
/// (never a silent acceptance); `failed` says what is wrong.
public struct CredentialVerification: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case verified, unverifiable, failed
    }

    /// Why a credential is not verified. Failures mean the credential is wrong (a signature
    /// that does not match, an expired or revoked credential); the rest mean it could not be
    /// checked here.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The document carries no proof or signature at all.
        case noProof
        /// No key for the issuer (or the proof's key id) is known without going online.
        case keyNotAvailableOffline(issuer: String?, key: String?)
        /// The key that verified the signature is not tied to the issuer: it came with the
        /// token itself, or belongs to another DID, and the trust list does not list it.
        case keyNotTiedToIssuer(key: String, issuer: String?)
        case unsupportedAlgorithm(String)
        case unsupportedProof(String)
        /// A key was found but cannot be used (a malformed JWK, an unsupported curve).
        case unusableKey(key: String, reason: String)
        /// The proof is malformed: a value at `path` is missing or wrong.
        case malformedProof(path: String, reason: String)
        /// The signature does not match the signed content: the credential was altered, or
        /// signed with another key.
        case signatureMismatch(method: String, key: String)
        case notYetValid(field: String, from: Day)
        case expired(field: String, on: Day)
        /// A status list the learner supplied has this credential's bit set.
        case statusSet(purpose: String, list: String, index: Int)
        /// A validity date cannot be read.
        case unreadableDate(field: String, value: String)
        /// The status list the learner supplied for this credential is not itself verified
        /// (no proof, an unknown key, a broken signature), so its bits are not trusted.
        case statusListNotVerified(list: String, reason: String)
        /// The status list is signed by someone other than the credential's issuer.
        case statusListFromAnotherIssuer(list: String, listIssuer: String?, issuer: String?)

        /// Whether the problem shows the credential to be wrong, rather than unchecked.
        public var isFailure: Bool {
            switch self {
            case .signatureMismatch, .notYetValid, .expired, .statusSet, .malformedProof, .unreadableDate: true
            default: false
            }
        }

        public var description: String {
            switch self {
            case .noProof:
                "no proof: the credential carries no signature to check"
            case .keyNotAvailableOffline(let issuer, let key):
                "issuer key not available offline" + (key.map { " (\($0))" } ?? issuer.map { " (issuer \($0))" } ?? "")
                    + ": add the issuer and its keys to a trust list"
            case .keyNotTiedToIssuer(let key, let issuer):
                "the signature is valid, but nothing ties its key \(key) to the issuer\(issuer.map { " \($0)" } ?? ""): list the key under the issuer in a trust list"
            case .unsupportedAlgorithm(let name):
                "signature algorithm \(name) is not supported (ES256, ES256K, ES384, RS256, PS256 and EdDSA are)"
            case .unsupportedProof(let name):
                "proof type \(name) is not supported"
            case .unusableKey(let key, let reason):
                "key \(key) cannot be used: \(reason)"
            case .malformedProof(let path, let reason):
                "malformed proof at \(path): \(reason)"
            case .signatureMismatch(let method, let key) where method.hasPrefix("JWT"):
                "the \(method) signature does not match the content for key \(key): the credential was altered or signed with another key"
            case .signatureMismatch(let method, let key):
                "the \(method) signature does not match the content for key \(key): the credential was altered, signed with another key, or signed against other versions of its JSON-LD contexts"
            case .notYetValid(let field, let from):
                "not valid until \(from) (\(field))"
            case .expired(let field, let day):
                "expired on \(day) (\(field))"
            case .statusSet(let purpose, let list, let index):
                "\(purpose == "suspension" ? "suspended" : purpose == "revocation" ? "revoked" : "status \"\(purpose)\" set") by status list \(list) (index \(index))"
            case .unreadableDate(let field, let value):
                "\(field) \"\(value)\" is not a date"
            case .statusListNotVerified(let list, let reason):
                "its status cannot be trusted: status list \(list) is not verified (\(reason))"
            case .statusListFromAnotherIssuer(let list, let listIssuer, let issuer):
                "its status cannot be trusted: status list \(list) is issued by \(listIssuer ?? "no stated issuer"), not by the credential's issuer \(issuer ?? "(none stated)")"
            }
        }
    }

    /// A `credentialStatus` entry as the credential states it, and what a local status list said.
    public struct Status: Sendable, Equatable {
        public enum Check: String, Sendable {
            /// No status list for it was given; it is not looked up online.
            case notChecked = "not-checked"
            /// The supplied status list has the bit clear.
            case clear
            /// The supplied status list has the bit set (revoked, suspended, …).
            case set
            /// A status list was supplied, but its own proof or issuer did not check out: its bit is not read.
            case unverifiable
        }

        public var type: String?
        public var purpose: String?
        public var list: String?
        public var index: Int?
        public var check: Check

        public init(type: String?, purpose: String?, list: String?, index: Int?, check: Check) {
            self.type = type
            self.purpose = purpose
            self.list = list
            self.index = index
            self.check = check
        }
    }

    /// The proof method: `JWT ES256`, `Ed25519Signature2020`, `DataIntegrityProof eddsa-rdfc-2022`.
    public var method: String?
    /// The id of the key the proof names or was checked with.
    public var key: String?
    /// The issuer's id as the credential states it.
    public var issuer: String?
    /// The issuer's name and accrediting body, when a trust list vouches for the issuer.
    public var trustedName: String?
    public var accreditedBy: String?
    public var problems: [Problem] = []
    public var statuses: [Status] = []
    /// Whether a signature was checked and matched.
    public var signatureChecked = false

    public init() {}

    public var outcome: Outcome {
        if problems.contains(where: \.isFailure) { return .failed }
        if !problems.isEmpty || !signatureChecked { return .unverifiable }
        return .verified
    }

    public var isVerified: Bool { outcome == .verified }

    /// One line: `verified (JWT ES256, key did:key:z6Mk…)`, `unverifiable: …`, `failed: …`.
    public var summary: String {
        switch outcome {
        case .verified:
            let how = [method, key.map { "key \($0)" }].compactMap { $0 }.joined(separator: ", ")
            let accredited = accreditedBy.map { "; issuer accredited by \($0)" } ?? ""
            return "verified" + (how.isEmpty ? "" : " (\(how))") + accredited
        case .unverifiable, .failed:
            let shown = outcome == .failed ? problems.filter(\.isFailure) : problems
            let reasons = shown.isEmpty ? "no signature was checked" : shown.map(\.description).joined(separator: "; ")
            return "\(outcome.rawValue): \(reasons)" + (method.map { " [\($0)]" } ?? "")
        }
    }

    /// The result as the profile's `verification` field and `learner import --json` write it.
    public var json: JSON {
        var fields: [String: JSON] = ["result": .string(outcome.rawValue)]
        fields["method"] = method.map(JSON.string)
        fields["key"] = key.map(JSON.string)
        fields["issuer"] = issuer.map(JSON.string)
        fields["trustedName"] = trustedName.map(JSON.string)
        fields["accreditedBy"] = accreditedBy.map(JSON.string)
        if !problems.isEmpty {
            let shown = outcome == .failed ? problems.filter(\.isFailure) : problems
            fields["why"] = .array(shown.map { .string($0.description) })
        }
        if !statuses.isEmpty {
            fields["status"] = .array(statuses.map { status in
                var entry: [String: JSON] = ["check": .string(status.check.rawValue)]
                entry["type"] = status.type.map(JSON.string)
                entry["purpose"] = status.purpose.map(JSON.string)
                entry["list"] = status.list.map(JSON.string)
                entry["index"] = status.index.map { .number(Double($0)) }
                return .object(entry)
            })
        }
        return .object(fields)
    }
}
