import Foundation
import StackPlanCore

/// Text the database cannot hold or compare exactly.
///
/// SQLite's C interface, as GRDB uses it, passes text as NUL-terminated strings both ways: a
/// NUL character (U+0000) inside a value would silently cut it short, so that `"a\u{0}x"`
/// would be stored (and looked up) as `"a"` and replace that record. Documents are stored as
/// JSON, where NUL is escaped, but ids, names, titles and tags are also bound as columns, and
/// lookups bind ids: those must never contain one.
///
/// SQLite compares keys byte by byte, while Swift compares strings by canonical equivalence
/// ("é" as one character equals "e" plus a combining accent). Keys (ids, tags, codes) are
/// therefore stored in Unicode normalization form C, where the two agree: an upsert then
/// replaces exactly the record that validation saw as the same.
enum StoredText {
    /// Whether `text` is stored and compared exactly as it is (U+0000 is the only scalar whose
    /// UTF-8 has a zero byte).
    static func isExact(_ text: String) -> Bool { !text.utf8.contains(0) }

    /// Whether `text` can be a key: exact, and in normalization form C.
    static func isKey(_ text: String) -> Bool {
        isExact(text) && (isASCII(text) || text.utf8.elementsEqual(text.precomposedStringWithCanonicalMapping.utf8))
    }

    /// The ids to look up: stored keys are in form C, so a lookup is too (it then finds what
    /// Swift's comparison would); an id with a NUL can never be stored and finds nothing.
    static func lookupable<S: Sequence>(_ ids: S) -> [String] where S.Element == String {
        ids.filter(isExact).map { isASCII($0) ? $0 : $0.precomposedStringWithCanonicalMapping }
    }

    /// ASCII text is in every normalization form: nearly every id and tag, and Foundation's
    /// normalization was a tenth of an import's time at a million credentials.
    static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

    /// Every value of `document` bound to a column that would be cut short, or a key that
    /// SQLite would compare differently from the validation, by JSON path.
    static func problems(in document: Catalogue) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        // The path is only spelled out for a problem: most documents have none.
        func check(_ text: String?, _ path: @autoclosure () -> String, key: Bool = true) {
            guard let text else { return }
            if !isExact(text) {
                issues.append(ValidationIssue(
                    path: path(), message: "contains a NUL character (U+0000), which the database cannot store exactly; remove it"))
            } else if key && !isKey(text) {
                issues.append(ValidationIssue(
                    path: path(),
                    message: "is not in Unicode normalization form C (an accent is a separate combining character); write it precomposed"))
            }
        }
        check(document.baseCurrency, "$.baseCurrency")
        for currency in document.exchangeRates.keys.sorted() { check(currency, "$.exchangeRates") }
        for (index, provider) in document.providers.enumerated() {
            func path() -> String { "$.providers[\(index)]" }
            check(provider.id, "\(path()).id")
            check(provider.name, "\(path()).name", key: false)
            check(provider.country, "\(path()).country")
        }
        for (index, credential) in document.credentials.enumerated() {
            func path() -> String { "$.credentials[\(index)]" }
            check(credential.id, "\(path()).id")
            check(credential.provider, "\(path()).provider")
            check(credential.title, "\(path()).title", key: false)
            check(credential.currency, "\(path()).currency")
            for (position, competency) in credential.competencies.enumerated() { check(competency, "\(path()).competencies[\(position)]") }
            for (position, language) in credential.languages.enumerated() { check(language, "\(path()).languages[\(position)]") }
            // Held in JSON columns, which escape NUL, but compared with stored ids by lookups.
            for (position, id) in credential.excludes.enumerated() { check(id, "\(path()).excludes[\(position)]") }
            for id in credential.prerequisites?.credentialIDs ?? [] { check(id, "\(path()).prerequisites") }
        }
        for (index, qualification) in document.qualifications.enumerated() {
            func path() -> String { "$.qualifications[\(index)]" }
            check(qualification.id, "\(path()).id")
            check(qualification.provider, "\(path()).provider")
            check(qualification.title, "\(path()).title", key: false)
        }
        return issues
    }
}
