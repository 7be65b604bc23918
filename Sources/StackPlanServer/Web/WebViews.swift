import Foundation
import Mustache

/// The pages' Mustache templates and static files, read once from the target's resources
/// (`Resources/templates/*.mustache`, `Resources/static/*`).
struct WebViews: Sendable {
    let library: MustacheLibrary
    /// Static files by name: the style sheet and the small script.
    let files: [String: Data]
    /// Templates that could not be read or parsed: a build fault, logged at start.
    let faults: [String]

    static func load() -> WebViews {
        var library = MustacheLibrary()
        var files: [String: Data] = [:]
        var faults: [String] = []
        let manager = FileManager.default
        // Foundation takes a bundle with a top-level Resources folder for an old-style bundle whose
        // resource URL is that folder; elsewhere the resource URL is the bundle itself.
        let candidates = [Bundle.module.resourceURL, Bundle.module.resourceURL?.appendingPathComponent("Resources")].compactMap { $0 }
        guard let root = candidates.first(where: { manager.fileExists(atPath: $0.appendingPathComponent("templates").path) }) else {
            return WebViews(library: library, files: files, faults: ["the web pages' resources are missing"])
        }
        let templates = root.appendingPathComponent("templates")
        for name in ((try? manager.contentsOfDirectory(atPath: templates.path)) ?? []).sorted() where name.hasSuffix(".mustache") {
            let url = templates.appendingPathComponent(name)
            do {
                let text = try String(contentsOf: url, encoding: .utf8)
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                faults.append("template \(name) cannot be read: \(error)")
            }
        }
        let statics = root.appendingPathComponent("static")
        for name in (try? manager.contentsOfDirectory(atPath: statics.path)) ?? [] {
            if let data = manager.contents(atPath: statics.appendingPathComponent(name).path) { files[name] = data }
        }
        return WebViews(library: library, files: files, faults: faults)
    }

    func render(_ name: String, _ values: [String: Any]) -> String? {
        library.render(values, withTemplate: name)
    }
}
