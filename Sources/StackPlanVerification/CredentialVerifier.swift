import Foundation
import StackPlanCore

/// Checks credentials offline: the proof's signature, that its key speaks for the issuer,
/// the validity dates against a reference day, and `credentialStatus` against the status
/// lists supplied. Nothing is fetched; what cannot be checked is reported, never accepted.
public struct CredentialVerifier: Sendable {
    /// The day validity dates are judged on. Dates are compared by day, as written.
    public var today: Day {
        didSet { statusListChecks = Self.check(statusLists, today: today, trustList: trustList) }
    }
    public var trustList: TrustList {
        didSet { statusListChecks = Self.check(statusLists, today: today, trustList: trustList) }
    }
    public var statusLists: [StatusList] {
        didSet { statusListChecks = Self.check(statusLists, today: today, trustList: trustList) }
    }
    /// Each supplied status list's own verification, by its id: a list's bits count only when
    /// its proof was checked with its issuer's key.
    private var statusListChecks: [String: CredentialVerification]

    public init(today: Day, trustList: TrustList = TrustList(), statusLists: [StatusList] = []) {
        self.today = today
        self.trustList = trustList
        self.statusLists = statusLists
        statusListChecks = Self.check(statusLists, today: today, trustList: trustList)
    }

    /// Verifies status list credentials as credentials (proof, key, dates), without status
    /// lists of their own: a list's status is not looked up, so no list can vouch for itself.
    static func check(_ lists: [StatusList], today: Day, trustList: TrustList) -> [String: CredentialVerification] {
        // Returning at once for no lists also ends the recursion: the plain verifier has none.
        guard !lists.isEmpty else { return [:] }
        let plain = CredentialVerifier(today: today, trustList: trustList)
        var checks: [String: CredentialVerification] = [:]
        for list in lists {
            let result = switch list.secured {
            case .document(let document): plain.verify(document: document)
            case .jws(let token): plain.verify(jws: token)
            }
            checks[TrustList.comparable(list.id)] = result
        }
        return checks
    }

    /// What checking the status list `id` itself found, when it was supplied.
    public func statusListVerification(_ id: String) -> CredentialVerification? {
        statusListChecks[TrustList.comparable(id)]
    }

    /// The current day in UTC.
    public static var currentDay: Day {
        Day(ordinal: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// Signature algorithms of JWS this verifier checks.
    public static let algorithms = ["ES256", "ES256K", "ES384", "RS256", "PS256", "EdDSA"]

    // MARK: JWS

    /// A credential in a compact JWS: VC-JWT (the credential in the `vc` claim) or a JOSE-secured
    /// VCDM 2.0 credential (the payload is the credential).
    public func verify(jws token: String) -> CredentialVerification {
        var result = CredentialVerification()
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            result.problems.append(.malformedProof(path: "$", reason: "a compact JWS has three parts separated by dots"))
            return result
        }
        guard let headerBytes = Encodings.base64URLDecode(parts[0]), case .object(let header)? = try? JSON.parse(Data(headerBytes)) else {
            result.problems.append(.malformedProof(path: "$.header", reason: "the header is not base64url-encoded JSON"))
            return result
        }
        guard let payloadBytes = Encodings.base64URLDecode(parts[1]), case .object(let payload)? = try? JSON.parse(Data(payloadBytes)) else {
            result.problems.append(.malformedProof(path: "$.payload", reason: "the payload is not a base64url-encoded JSON object"))
            return result
        }
        let credential = payload["vc"] ?? .object(payload)
        result.issuer = Self.text(payload["iss"]) ?? Self.issuerID(credential)
        checkValidity(credential, into: &result)
        checkJWTDates(payload, into: &result)
        checkStatus(credential, into: &result)

        let algorithm = Self.text(header["alg"]) ?? ""
        result.method = "JWT \(algorithm)"
        if algorithm.isEmpty || algorithm == "none" {
            result.problems.append(.noProof)
            return result
        }
        guard Self.algorithms.contains(algorithm) else {
            result.problems.append(.unsupportedAlgorithm(algorithm))
            return result
        }
        if case .array(let critical)? = header["crit"], !critical.isEmpty {
            let names = critical.compactMap(Self.text).joined(separator: ", ")
            result.problems.append(.malformedProof(path: "$.header.crit", reason: "names header parameters this verifier does not process (\(names))"))
            return result
        }
        guard let signature = Encodings.base64URLDecode(parts[2]), !signature.isEmpty else {
            result.problems.append(.malformedProof(path: "$.signature", reason: "the signature is not base64url"))
            return result
        }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))

        let resolver = KeyResolver(trustList: trustList)
        let keyID = Self.text(header["kid"])
        var candidates: [VerificationKey]
        if let jwk = header["jwk"] {
            switch VerificationKey.jwk(jwk) {
            case .key(let material):
                candidates = [VerificationKey(id: keyID ?? "the JWT header's jwk", material: material, controller: nil)]
            case .unusable(let why):
                result.problems.append(.unusableKey(key: "the JWT header's jwk", reason: why))
                return result
            }
        } else {
            switch resolver.resolve(keyID: keyID, issuer: result.issuer) {
            case .keys(let keys): candidates = keys
            case .unusable(let problem):
                result.key = keyID
                result.problems.append(problem)
                return result
            }
        }
        guard let key = candidates.first(where: { $0.verifies(signature: signature, message: signingInput, algorithm: algorithm) }) else {
            let named = candidates.first?.id ?? keyID ?? "?"
            result.key = named
            result.problems.append(.signatureMismatch(method: result.method ?? algorithm, key: named))
            return result
        }
        result.signatureChecked = true
        result.key = key.id
        // A key that verifies but could be anyone's (a header jwk, another DID's key) is the
        // issuer's only through its own DID or the trust list.
        if !resolver.isTied(key, to: result.issuer) {
            result.problems.append(.keyNotTiedToIssuer(key: key.id, issuer: result.issuer))
        }
        vouch(for: result.issuer, into: &result)
        return result
    }

    /// The trust list's name and accrediting body for the issuer, when it lists the issuer.
    func vouch(for issuer: String?, into result: inout CredentialVerification) {
        guard let entry = trustList.issuer(issuer) else { return }
        result.trustedName = entry.name
        result.accreditedBy = entry.accreditedBy
    }

    // MARK: Validity and status

    /// `validFrom`/`validUntil` (VCDM 2.0), `issuanceDate`/`expirationDate` (VCDM 1.1).
    func checkValidity(_ credential: JSON, into result: inout CredentialVerification) {
        let fields = credential.objectFields
        for (field, isStart) in [("validFrom", true), ("issuanceDate", true), ("validUntil", false), ("expirationDate", false)] {
            guard let value = fields[field] else { continue }
            guard let text = Self.text(value), let day = Self.day(text) else {
                result.problems.append(.unreadableDate(field: field, value: Self.text(value) ?? value.typeName))
                continue
            }
            if isStart && today < day { result.problems.append(.notYetValid(field: field, from: day)) }
            if !isStart && today > day { result.problems.append(.expired(field: field, on: day)) }
        }
    }

    /// A JWT's `nbf` and `exp` (seconds since 1970). Figures past the year 9999, such as
    /// milliseconds written where seconds belong, are reported rather than converted.
    func checkJWTDates(_ payload: [String: JSON], into result: inout CredentialVerification) {
        for (field, isStart) in [("nbf", true), ("exp", false)] {
            guard let value = payload[field] else { continue }
            guard case .number(let seconds) = value, seconds.isFinite, abs(seconds) < 253_402_300_800 else {
                let shown = if case .number(let number) = value { String(format: "%.0f", number) } else { value.typeName }
                result.problems.append(.unreadableDate(field: field, value: shown + " (expected seconds since 1970)"))
                continue
            }
            let day = Day(ordinal: Int((seconds / 86_400).rounded(.down)))
            if isStart && today < day { result.problems.append(.notYetValid(field: field, from: day)) }
            if !isStart && today > day { result.problems.append(.expired(field: field, on: day)) }
        }
    }

    /// Records each `credentialStatus` entry and checks it against a supplied status list.
    func checkStatus(_ credential: JSON, into result: inout CredentialVerification) {
        guard let status = credential.objectFields["credentialStatus"] else { return }
        let entries: [JSON] = if case .array(let list) = status { list } else { [status] }
        for entry in entries {
            let fields = entry.objectFields
            let listID = Self.text(fields["statusListCredential"])
            let index: Int? = switch fields["statusListIndex"] {
            case .string(let text)?: Int(text)
            case .number(let number)? where number >= 0 && number < 1e12 && number.rounded() == number: Int(number)
            default: nil
            }
            var recorded = CredentialVerification.Status(
                type: Self.text(fields["type"]), purpose: Self.text(fields["statusPurpose"]), list: listID, index: index, check: .notChecked)
            if let listID, let index, let list = statusLists.first(where: { TrustList.comparable($0.id) == TrustList.comparable(listID) }),
               let bit = list.isSet(index) {
                // The bit is read only from a list whose own proof holds and whose issuer is the
                // credential's: otherwise anyone could revoke, or clear, any credential.
                if let listCheck = statusListVerification(list.id), !listCheck.isVerified {
                    recorded.check = .unverifiable
                    result.problems.append(.statusListNotVerified(list: listID, reason: listCheck.summary))
                } else if !Self.sameIssuer(list.issuer, result.issuer) {
                    recorded.check = .unverifiable
                    result.problems.append(.statusListFromAnotherIssuer(list: listID, listIssuer: list.issuer, issuer: result.issuer))
                } else {
                    recorded.check = bit ? .set : .clear
                    if bit { result.problems.append(.statusSet(purpose: recorded.purpose ?? list.purpose ?? "revocation", list: listID, index: index)) }
                }
            }
            result.statuses.append(recorded)
        }
    }

    static func sameIssuer(_ lhs: String?, _ rhs: String?) -> Bool {
        guard let lhs, let rhs else { return false }
        return TrustList.comparable(lhs) == TrustList.comparable(rhs)
    }

    // MARK: Reading values

    static func text(_ value: JSON?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    /// The credential's `issuer`: a URL or DID, or an object with `id`.
    static func issuerID(_ credential: JSON) -> String? {
        let issuer = credential.objectFields["issuer"]
        return text(issuer) ?? text(issuer?.objectFields["id"])
    }

    /// The day of a `YYYY-MM-DD` date or an ISO 8601 date-time, as written.
    static func day(_ text: String) -> Day? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let rest = trimmed.dropFirst(10)
        guard rest.isEmpty || rest.first == "T" || rest.first == "t" || rest.first == " " else { return nil }
        return Day(String(trimmed.prefix(10)))
    }
}
