import Foundation
import GRDB
import Testing
@testable import StackPlanCore
@testable import StackPlanStore

/// What the faster import and the candidate queries must keep: references and cycles through
/// stored records, the replaced count, and databases made before the planning columns.
@Suite struct ScaleStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-scale-\(UUID()).sqlite").path

    func document(_ json: String) throws -> Catalogue { try CatalogueDocument.read(Data(json.utf8)) }

    static let chain = """
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE", "accredited": true}],
         "credentials": [
           {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"]},
           {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
            "prerequisites": {"credential": "a"}},
           {"id": "c", "title": "C", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
            "prerequisites": {"anyOf": [{"credential": "b"}, {"credential": "a"}]}, "excludes": ["a"], "weeks": 4}
         ],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 10,
           "requires": {"allOf": [{"credential": "c"}, {"credits": 5, "where": {"minEqf": 6}}]}}]}
        """

    @Test func cycleThroughStoredCredentialsIsFound() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try document(Self.chain))
        // a now requires c, which requires b (stored), which requires a: a cycle only the stored records close.
        let update = try document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
               "prerequisites": {"credential": "c"}}]}
            """)
        #expect {
            try store.importCatalogue(update, file: "cycle.json")
        } throws: { error in
            guard let invalid = error as? InvalidDocument else { return false }
            return invalid.errors.contains { $0.message.contains("prerequisite cycle") }
        }
        #expect(try store.catalogue().credential("a")?.prerequisites == nil)
    }

    @Test func unknownReferencesAreStillErrors() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try document(Self.chain))
        let update = try document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "d", "title": "D", "provider": "nobody", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
               "excludes": ["zz"]}]}
            """)
        #expect {
            try store.importCatalogue(update)
        } throws: { error in
            guard let invalid = error as? InvalidDocument else { return false }
            return Set(invalid.errors.map(\.path)) == ["$.credentials[0].provider", "$.credentials[0].excludes[0]"]
        }
    }

    @Test func replacedCountsEachDocument() throws {
        let store = try CatalogueStore(path: path)
        let first = try document(Self.chain)
        let summaries = try store.importCatalogues([(first, "one.json"), (first, "two.json")])
        #expect(summaries.map(\.replaced) == [0, 5])
        #expect(try store.counts() == CatalogueStore.Counts(providers: 1, credentials: 3, qualifications: 1))
    }

    @Test func candidateCatalogueCarriesWhatPlanningReads() throws {
        let store = try CatalogueStore(path: path)
        let whole = try document(Self.chain)
        try store.importCatalogue(whole)
        let sub = try store.candidateCatalogue(target: "q", held: [])
        for credential in whole.credentials {
            let loaded = try #require(sub.credential(credential.id))
            #expect(loaded == credential)
        }
        #expect(sub.qualification("q") == whole.qualification("q"))
    }

    /// A database made before the planning columns gets them filled from the documents.
    @Test func olderDatabaseIsMigrated() throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v1: catalogue")
        let catalogue = try document(Self.chain)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO provider (id, name, country, accredited, document) VALUES ('p', 'P', 'IE', 1, ?)",
                           arguments: [CatalogueDocument.json(catalogue.providers[0]).compactText])
            for credential in catalogue.credentials {
                try db.execute(sql: """
                    INSERT INTO credential (id, providerId, title, kind, ects, hours, eqf, cost, currency, mode, accredited, document)
                    VALUES (?, 'p', ?, 'module', 5, NULL, ?, 0, NULL, 'online', NULL, ?)
                    """, arguments: [credential.id, credential.title, credential.eqf, CatalogueDocument.json(credential).compactText])
                try db.execute(sql: "INSERT INTO credentialLanguage (credentialId, language) VALUES (?, 'en')", arguments: [credential.id])
            }
            try db.execute(sql: "INSERT INTO qualification (id, providerId, title, eqf, ects, document) VALUES ('q', 'p', 'Q', 7, 10, ?)",
                           arguments: [CatalogueDocument.json(catalogue.qualifications[0]).compactText])
        }
        try queue.close()
        let store = try CatalogueStore(path: path)
        let sub = try store.candidateCatalogue(target: "q", held: [])
        #expect(sub.credential("c")?.prerequisites == .anyOf([.credential("b"), .credential("a")]))
        #expect(sub.credential("c")?.excludes == ["a"])
        #expect(sub.credential("c")?.weeks == 4)
        #expect(sub.credential("b")?.prerequisites == .credential("a"))
    }
}
