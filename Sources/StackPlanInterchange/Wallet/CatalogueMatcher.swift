import StackPlanCore

/// Finds the catalogue credential a wallet credential attests, if the catalogue has it.
///
/// Two ways, in this order, each of which must point at exactly one credential:
/// 1. by identifier: an id or URL the document gives for the achievement (achievement id,
///    learning specification id or identifier, alignment URL, credential id) is listed in a
///    catalogue credential's `identifiers` field;
/// 2. by title and provider: the titles agree and the issuer is the credential's provider
///    (its name or id), both compared without case, accents or punctuation.
public struct CatalogueMatcher: Sendable {
    public enum Match: Sendable, Equatable {
        case identifier(credential: String, identifier: String)
        case titleAndProvider(credential: String)
        case none(reason: String?)

        public var credentialID: String? {
            switch self {
            case .identifier(let id, _), .titleAndProvider(let id): id
            case .none: nil
            }
        }

        public var explanation: String {
            switch self {
            case .identifier(_, let identifier): "by identifier \(identifier)"
            case .titleAndProvider: "by title and provider"
            case .none(let reason): reason ?? "no catalogue credential has its identifiers, or its title and provider"
            }
        }
    }

    public let catalogue: Catalogue
    private let byIdentifier: [String: [String]]
    private let byTitle: [String: [String]]
    /// Providers by their normalised name and id, computed once rather than for every credential read.
    private let providersByKey: [String: [Provider]]

    public init(catalogue: Catalogue) {
        self.catalogue = catalogue
        var byIdentifier: [String: [String]] = [:]
        var byTitle: [String: [String]] = [:]
        for credential in catalogue.credentials {
            for identifier in Self.identifiers(of: credential) {
                byIdentifier[identifierKey(identifier), default: []].appendOnce(credential.id)
            }
            byTitle[normalised(credential.title), default: []].append(credential.id)
        }
        self.byIdentifier = byIdentifier
        self.byTitle = byTitle
        var providersByKey: [String: [Provider]] = [:]
        for provider in catalogue.providers {
            let keys = Set([normalised(provider.name), normalised(provider.id)])
            for key in keys { providersByKey[key, default: []].append(provider) }
        }
        self.providersByKey = providersByKey
    }

    /// The `identifiers` a catalogue credential lists (a string or an array of strings).
    public static func identifiers(of credential: Credential) -> [String] {
        switch credential.extra["identifiers"] {
        case .string(let identifier)?: [identifier]
        case .array(let values)?: values.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: []
        }
    }

    public func match(_ wallet: WalletCredential) -> Match {
        var ambiguity: String?
        for identifier in wallet.identifiers {
            let candidates = byIdentifier[identifierKey(identifier)] ?? []
            if candidates.count == 1 { return .identifier(credential: candidates[0], identifier: identifier) }
            if candidates.count > 1 && ambiguity == nil {
                ambiguity = "identifier \(identifier) is listed by several catalogue credentials (\(candidates.joined(separator: ", ")))"
            }
        }
        if let title = wallet.title, let issuer = wallet.issuer {
            let issuerKey = normalised(issuer)
            let candidates = (byTitle[normalised(title)] ?? []).filter { id in
                guard let credential = catalogue.credential(id) else { return false }
                return normalised(credential.provider) == issuerKey
                    || catalogue.provider(credential.provider).map { normalised($0.name) == issuerKey } ?? false
            }
            if candidates.count == 1 { return .titleAndProvider(credential: candidates[0]) }
            if candidates.count > 1 && ambiguity == nil {
                ambiguity = "its title and provider fit several catalogue credentials (\(candidates.joined(separator: ", ")))"
            }
        }
        return .none(reason: ambiguity)
    }

    /// The catalogue provider that is the issuer, by name or id.
    public func provider(named issuer: String?) -> Provider? {
        guard let issuer else { return nil }
        let found = providersByKey[normalised(issuer)] ?? []
        return found.count == 1 ? found[0] : nil
    }
}
