import Foundation
import StackPlanCore

/// The JSON-LD contexts bundled with StackPlan, by URL. Nothing is fetched: a document whose
/// context is not here cannot have its Data Integrity proof checked, and says so.
enum BundledContexts {
    /// URL → file name under Resources/contexts.
    static let files: [String: String] = [
        "https://www.w3.org/ns/credentials/v2": "credentials-v2",
        "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2",
        "https://www.w3.org/2018/credentials/v1": "credentials-v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3",
        "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-2020-v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-context-2.0.1",
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json": "clr-v2p0-context",
        "https://w3id.org/security/v1": "security-v1",
        "https://w3id.org/security/v2": "security-v2",
    ]

    private static let cache: [String: JSON] = {
        var loaded: [String: JSON] = [:]
        for (url, name) in files {
            guard let file = Bundle.module.url(forResource: "Resources/contexts/\(name)", withExtension: "jsonld"),
                  let data = try? Data(contentsOf: file), let json = try? JSON.parse(data) else { continue }
            loaded[url] = json
        }
        return loaded
    }()

    /// The `@context` value of the context document at `url`, if bundled.
    static func context(_ url: String) -> JSON? {
        cache[url]?.objectFields["@context"]
    }
}
