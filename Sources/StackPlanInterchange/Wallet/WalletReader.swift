import Foundation
import StackPlanCore
import StackPlanVerification

/// Reads the credentials learners keep in digital wallets: European Digital Credentials (ELM 3
/// JSON-LD), Open Badges 3.0 and CLR 2.0 credentials, each as JSON or as a compact JWS/JWT, and
/// verifiable presentations holding any of them. The mapping is described in docs/interchange.md.
public enum WalletReader {
    /// Every achievement the document states. Throws ``InvalidDocument`` listing every malformed
    /// value with its JSON path; a document that is read holds at least one achievement.
    /// Each credential's proof, issuer key, dates and status are checked by `verifier`.
    public static func read(_ data: Data, file: String? = nil,
                            verifier: CredentialVerifier = CredentialVerifier(today: CredentialVerifier.currentDay)) throws -> [WalletCredential] {
        let parser = WalletParser(file: file, verifier: verifier)
        parser.readDocument(data)
        if parser.errors.isEmpty && parser.found.isEmpty {
            parser.error("$", "holds no achievement to import")
        }
        guard parser.errors.isEmpty else { throw InvalidDocument(file: file, issues: parser.errors) }
        return parser.found
    }
}

/// What a JWT's registered claims say about the credential in its payload.
struct JWTClaims {
    var id: String?
    var issued: Day?
    /// The compact JWS itself, whose signature covers the credential.
    var token: String?
}

/// Facts of a verifiable credential that its achievements inherit.
struct Envelope {
    var id: String?
    var name: String?
    var issuer: String?
    var issued: Day?
    var verification: CredentialVerification?
}

final class WalletParser {
    let file: String?
    let verifier: CredentialVerifier
    private(set) var errors: [ValidationIssue] = []
    var found: [WalletCredential] = []

    init(file: String?, verifier: CredentialVerifier) {
        self.file = file
        self.verifier = verifier
    }

    func error(_ path: String, _ message: String) {
        errors.append(ValidationIssue(path: path, message: message))
    }

    func readDocument(_ data: Data) {
        guard let text = String(data: data, encoding: .utf8) else {
            // The JSON reader finds the first byte that is not UTF-8, with its line and column.
            do {
                _ = try JSON.parse(data)
                error("$", "is not UTF-8 text")
            } catch {
                if case .invalidUTF8 = error.problem { self.error("$", "is not valid JSON: \(error)") } else { self.error("$", "is not UTF-8 text") }
            }
            return
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            error("$", "is empty")
            return
        }
        if let first = trimmed.first, !"{[\"".contains(first) {
            readJWT(trimmed, path: "$", format: nil)
            return
        }
        do {
            readValue(Located(try JSON.parse(data), path: "$"), format: nil)
        } catch {
            self.error("$", "is not valid JSON: \(error)")
        }
    }

    /// A credential as an object, a JWT string, or a list of either. `format` is set inside a
    /// CLR, whose achievements are reported as coming from the record.
    func readValue(_ node: Located, format: WalletCredential.Format?) {
        switch node.value {
        case .object: readCredential(node, jwt: nil, format: format)
        case .string(let token): readJWT(token.trimmingCharacters(in: .whitespacesAndNewlines), path: node.path, format: format)
        case .array: node.items.forEach { readValue($0, format: format) }
        default: error(node.path, "must be a credential (a JSON object) or a JWT, found \(node.value.typeName)")
        }
    }

    func readJWT(_ token: String, path: String, format: WalletCredential.Format?) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            error(path, "is neither JSON nor a compact JWS/JWT (three base64url parts separated by dots); found \(parts.count) part\(parts.count == 1 ? "" : "s")")
            return
        }
        guard let headerData = Self.base64URLDecode(parts[0]), case .object? = try? JSON.parse(headerData) else {
            error(path, "is not a JWT: its header (the first part) is not base64url-encoded JSON")
            return
        }
        guard let payloadData = Self.base64URLDecode(parts[1]) else {
            error(path, "is not a JWT: its payload (the second part) is not base64url")
            return
        }
        let payloadPath = "\(path).payload"
        let payload: JSON
        do {
            payload = try JSON.parse(payloadData)
        } catch {
            self.error(payloadPath, "the JWT payload is not valid JSON: \(error)")
            return
        }
        let root = Located(payload, path: payloadPath)
        guard root.isObject else {
            error(payloadPath, "the JWT payload must be a JSON object, found \(payload.typeName)")
            return
        }
        var claims = JWTClaims(id: root["jti"]?.string)
        claims.token = token
        for key in ["nbf", "iat", "exp"] {
            guard let node = root[key] else { continue }
            guard case .number(let seconds) = node.value else {
                error(node.path, "must be a NumericDate (seconds since 1970), found \(node.value.typeName)")
                continue
            }
            guard let day = Self.day(numericDate: seconds) else {
                error(node.path, Self.numericDateRangeMessage(seconds))
                continue
            }
            if key != "exp", claims.issued == nil { claims.issued = day }
        }
        // VC-JWT (VCDM 1.1) carries the credential in `vc`; VC-JOSE (VCDM 2.0) makes the payload the credential.
        if let credential = root["vc"] {
            guard credential.isObject else {
                error(credential.path, "must be a credential object, found \(credential.value.typeName)")
                return
            }
            readCredential(credential, jwt: claims, format: format)
        } else {
            readCredential(root, jwt: claims, format: format)
        }
    }

    /// The dates a wallet document may state, as profiles and CPD records hold them.
    static let days = InputLimits.days

    /// The NumericDates read: seconds from the first to the end of the last of ``days``.
    static let numericDateRange = Double(days.lowerBound.ordinal) * 86_400 ... Double(days.upperBound.ordinal + 1) * 86_400 - 1

    /// The day a NumericDate (seconds since 1970-01-01 UTC) falls on; `nil` outside ``numericDateRange``.
    static func day(numericDate seconds: Double) -> Day? {
        guard numericDateRange.contains(seconds) else { return nil }
        // Within the range the quotient is below 100,000 in size: the conversion cannot trap.
        return Day(ordinal: Int((seconds / 86_400).rounded(.down)))
    }

    static func numericDateRangeMessage(_ seconds: Double) -> String {
        let shown = formatted(seconds)
        if numericDateRange.contains(seconds / 1000) {
            return "\(shown) is out of range: a NumericDate counts seconds since 1970, and this looks like milliseconds (\(Self.day(numericDate: seconds / 1000)!) if it were); write \(formatted((seconds / 1000).rounded(.down)))"
        }
        return "\(shown) is out of range: a NumericDate counts seconds since 1970 and must lie within \(formatted(numericDateRange.lowerBound)) … \(formatted(numericDateRange.upperBound)) (\(days.lowerBound) to \(days.upperBound))"
    }

    static func base64URLDecode<S: StringProtocol>(_ text: S) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.isEmpty, base64.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=") }) else {
            return nil
        }
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }

    func readCredential(_ node: Located, jwt: JWTClaims?, format: WalletCredential.Format?) {
        let types = node.types
        if types.contains("VerifiablePresentation") {
            guard let credentials = node["verifiableCredential"] else {
                error("\(node.path).verifiableCredential", "is required: a presentation without credentials holds nothing to import")
                return
            }
            readValue(credentials, format: format)
        } else if types.contains("ClrCredential") {
            readCLR(node, envelope: envelope(node, jwt: jwt))
        } else if types.contains("OpenBadgeCredential") || types.contains("AchievementCredential") {
            readOpenBadge(node, envelope: envelope(node, jwt: jwt), format: format ?? .openBadges)
        } else if types.contains("ProfessionalTrainingCredential")
                    || (!types.contains("EuropeanDigitalCredential") && looksLikeProfessionalTraining(node)) {
            readProfessionalTraining(node, envelope: envelope(node, jwt: jwt))
        } else if types.contains("EuropeanDigitalCredential") || looksLikeEuropass(node) {
            readEuropass(node, envelope: envelope(node, jwt: jwt))
        } else {
            let known = "EuropeanDigitalCredential, ProfessionalTrainingCredential, OpenBadgeCredential, AchievementCredential, ClrCredential or VerifiablePresentation"
            if types.isEmpty {
                error("\(node.path).type", "is required: name the credential type (\(known))")
            } else {
                error("\(node.path).type", "names no credential type StackPlan reads (found \(types.joined(separator: ", "))); expected \(known)")
            }
        }
    }

    /// ELM profiles issued outside Europass may not name `EuropeanDigitalCredential`; their
    /// claims or the ELM context still give them away.
    func looksLikeEuropass(_ node: Located) -> Bool {
        let subjects = node["credentialSubject"]?.items ?? []
        let claimKeys = ["hasClaim", "achievements", "learningAchievement", "authorizationClaims"]
        if subjects.contains(where: { subject in claimKeys.contains { subject[$0] != nil } }) { return true }
        let contexts = node["@context"]?.items.compactMap(\.string) ?? []
        return contexts.contains { $0.contains("data.europa.eu/snb") }
    }

    /// The credential-level facts: id, name, issuer, and the date of award (`awardedDate`,
    /// ELM's `issued`, VCDM 1.1 `issuanceDate`, VCDM 2.0 `validFrom`, then the JWT's `nbf`/`iat`).
    func envelope(_ node: Located, jwt: JWTClaims?) -> Envelope {
        var envelope = Envelope(id: node["id"]?.string ?? jwt?.id, name: node["name"]?.text)
        envelope.issuer = organisationName(node["issuer"])
        for key in ["awardedDate", "issued", "issuanceDate", "validFrom"] {
            guard let field = node[key] else { continue }
            let day = date(field)
            if envelope.issued == nil { envelope.issued = day }
        }
        if envelope.issued == nil { envelope.issued = jwt?.issued }
        envelope.verification = jwt?.token.map(verifier.verify(jws:)) ?? verifier.verify(document: node.value)
        return envelope
    }

    func newCredential(format: WalletCredential.Format, path: String, envelope: Envelope) -> WalletCredential {
        var credential = WalletCredential(file: file, format: format, path: path)
        credential.credentialID = envelope.id
        credential.issuer = envelope.issuer
        credential.earned = envelope.issued
        credential.verification = envelope.verification
        return credential
    }
}

extension Array where Element: Equatable {
    /// Appends the element unless it is already there, keeping first-seen order.
    mutating func appendOnce(_ element: Element) {
        if !contains(element) { append(element) }
    }
}
