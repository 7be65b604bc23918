import StackPlanCore

/// Text the database cannot hold exactly.
///
/// SQLite's C interface, as GRDB uses it, passes text as NUL-terminated strings both ways: a
/// NUL character (U+0000) inside a value would silently cut it short, so that `"a\u{0}x"`
/// would be stored (and looked up) as `"a"` and replace that record. Documents are stored as
/// JSON, where NUL is escaped, but ids, names, titles and tags are also bound as columns, and
/// lookups bind ids: those must never contain one.
enum StoredText {
    /// Whether `text` is stored and compared exactly as it is.
    static func isExact(_ text: String) -> Bool { !text.unicodeScalars.contains("\u{0}") }

    /// Keeps the ids that can exist in the database: one with a NUL never can, and binding it
    /// would compare only its part before the NUL.
    static func lookupable<S: Sequence>(_ ids: S) -> [String] where S.Element == String { ids.filter(isExact) }

    /// Every value of `document` bound to a column that would be cut short, by JSON path.
    static func problems(in document: Catalogue) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        func check(_ text: String?, _ path: String, record: String? = nil) {
            guard let text, !isExact(text) else { return }
            issues.append(ValidationIssue(
                path: path, record: record,
                message: "contains a NUL character (U+0000), which the database cannot store exactly; remove it"))
        }
        check(document.baseCurrency, "$.baseCurrency")
        for currency in document.exchangeRates.keys.sorted() { check(currency, "$.exchangeRates") }
        for (index, provider) in document.providers.enumerated() {
            let path = "$.providers[\(index)]"
            check(provider.id, "\(path).id")
            check(provider.name, "\(path).name")
            check(provider.country, "\(path).country")
        }
        for (index, credential) in document.credentials.enumerated() {
            let path = "$.credentials[\(index)]"
            check(credential.id, "\(path).id")
            check(credential.provider, "\(path).provider")
            check(credential.title, "\(path).title")
            check(credential.currency, "\(path).currency")
            for (position, competency) in credential.competencies.enumerated() { check(competency, "\(path).competencies[\(position)]") }
            for (position, language) in credential.languages.enumerated() { check(language, "\(path).languages[\(position)]") }
            // Held in JSON columns, which escape NUL, but compared with stored ids by lookups.
            for (position, id) in credential.excludes.enumerated() { check(id, "\(path).excludes[\(position)]") }
            for id in credential.prerequisites?.credentialIDs ?? [] { check(id, "\(path).prerequisites") }
        }
        for (index, qualification) in document.qualifications.enumerated() {
            let path = "$.qualifications[\(index)]"
            check(qualification.id, "\(path).id")
            check(qualification.provider, "\(path).provider")
            check(qualification.title, "\(path).title")
        }
        return issues
    }
}
