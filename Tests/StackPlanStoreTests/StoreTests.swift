import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanStore

@Suite final class StoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-\(UUID()).sqlite").path

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func bundled() throws -> Catalogue {
        try CatalogueDocument.read(try Data(contentsOf: Self.repository.appendingPathComponent("data/catalogue.json")))
    }

    func small(_ json: String) throws -> Catalogue { try CatalogueDocument.read(Data(json.utf8)) }

    @Test func importedCatalogueReadsBackEqual() throws {
        let store = try CatalogueStore(path: path)
        let catalogue = try bundled()
        let summary = try store.importCatalogue(catalogue)
        #expect(summary.credentials == catalogue.credentials.count && summary.replaced == 0)
        let stored = try store.catalogue()
        #expect(Set(stored.credentials.map(\.id)) == Set(catalogue.credentials.map(\.id)))
        for credential in catalogue.credentials { #expect(stored.credential(credential.id) == credential) }
        for qualification in catalogue.qualifications { #expect(stored.qualification(qualification.id) == qualification) }
        #expect(stored.exchangeRates == catalogue.exchangeRates)
    }

    @Test func failedImportChangesNothing() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try bundled())
        let before = try store.catalogue()
        let beforeCounts = try store.counts()
        // A valid new provider and credential, an update of a stored record, and one bad reference:
        // none of it may be written.
        let document = try small("""
        {"format": "stackplan/1", "providers": [{"id": "newp", "name": "New", "country": "NL"}],
         "credentials": [
           {"id": "new-course", "title": "New", "provider": "newp", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["nl"]},
           {"id": "tcd-nu7812", "title": "Renamed", "provider": "tcd", "kind": "programme", "ects": 10, "eqf": 7, "mode": "online", "languages": ["en"]},
           {"id": "broken", "title": "Broken", "provider": "newp", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["nl"],
            "prerequisites": {"credential": "does-not-exist"}}
         ]}
        """)
        #expect {
            try store.importCatalogue(document, file: "update.json")
        } throws: { error in
            guard let invalid = error as? InvalidDocument else { return false }
            return invalid.file == "update.json"
                && invalid.errors.count == 1
                && invalid.errors[0].path == "$.credentials[2].prerequisites.credential"
        }
        #expect(try store.counts() == beforeCounts)
        #expect(try store.catalogue() == before)
        #expect(try store.catalogue().credential("tcd-nu7812")?.title != "Renamed")
    }

    @Test func importUpsertsByIdAndResolvesStoredReferences() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try bundled())
        // The second document refers to a stored provider and a stored credential.
        let update = try small("""
        {"format": "stackplan/1", "providers": [],
         "credentials": [
           {"id": "tcd-nu7812", "title": "Renamed module", "provider": "tcd", "kind": "programme", "ects": 10, "eqf": 7, "mode": "online", "languages": ["en"]},
           {"id": "tcd-extra", "title": "Extra", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
            "prerequisites": {"credential": "tcd-nu7813"}}
         ]}
        """)
        let summary = try store.importCatalogue(update)
        #expect(summary.replaced == 1)
        let stored = try store.catalogue()
        #expect(stored.credential("tcd-nu7812")?.title == "Renamed module")
        #expect(stored.credential("tcd-extra") != nil)
        #expect(try store.counts().credentials == (try bundled()).credentials.count + 1)
    }

    @Test func differentBaseCurrencyIsRefused() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try bundled())
        let pounds = try small("""
        {"format": "stackplan/1", "baseCurrency": "GBP", "providers": [{"id": "x", "name": "X", "country": "UK"}], "credentials": []}
        """)
        #expect(throws: InvalidDocument.self) { try store.importCatalogue(pounds) }
        #expect(try store.catalogue().provider("x") == nil)
    }

    @Test func unwritableDatabaseIsAClearError() {
        #expect(throws: StoreError.self) { try CatalogueStore(path: "/nonexistent-dir/sub/stackplan.sqlite") }
    }
}
