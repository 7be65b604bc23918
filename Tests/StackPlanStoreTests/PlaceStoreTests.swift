import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanStore

/// Places survive the store: planning reads credentials from columns, not documents.
@Suite final class PlaceStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-place-\(UUID()).sqlite").path

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func candidateCataloguesCarryPlaces() throws {
        let document = #"""
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [
           {"id": "cork", "title": "C", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "blended", "languages": ["en"],
            "place": {"country": "IE", "city": "Cork"}, "offerings": [{"start": "2027-01-11", "place": {"country": "IE", "city": "Dublin"}}]},
           {"id": "web", "title": "W", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "blended", "languages": ["en"], "place": "online"},
           {"id": "plain", "title": "P", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "blended", "languages": ["en"]}
         ],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 15,
           "requires": {"allOf": [{"credential": "cork"}, {"credential": "web"}, {"credential": "plain"}]}}]}
        """#
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try CatalogueDocument.read(Data(document.utf8)))
        let candidates = try store.candidateCatalogue(target: "q", held: [])
        #expect(candidates.credential("cork")?.place == .at(Locality(country: "IE", city: "Cork")))
        #expect(candidates.credential("cork")?.offerings.first?.place == .at(Locality(country: "IE", city: "Dublin")))
        #expect(candidates.credential("web")?.place == .online)
        #expect(candidates.credential("plain")?.place == nil)
    }
}
