import Foundation
import Testing
@testable import StackPlanCore
@testable import StackPlanStore

/// Course codes, ISCED-F fields and ESCO skills survive the store: requirement filters read them,
/// and planning reads credentials from columns and the fields it needs from the document.
@Suite final class FilterFieldStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-filter-\(UUID()).sqlite").path

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func candidateCataloguesCarryCodesFieldsAndSkills() throws {
        let document = #"""
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [
           {"id": "bio", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
            "code": "BIOL 3120", "isced": ["0511"], "escoSkills": ["http://data.europa.eu/esco/skill/abc"]},
           {"id": "low", "title": "L", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"], "code": "BIOL 2100"}
         ],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 5,
           "requires": {"credits": 5, "where": {"codeRange": {"prefix": "BIOL", "from": 3000, "to": 3999}, "isced": "05"}}}]}
        """#
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try CatalogueDocument.read(Data(document.utf8)))
        let candidates = try store.candidateCatalogue(target: "q", held: [])
        let bio = try #require(candidates.credential("bio"))
        #expect(bio.code == "BIOL 3120")
        #expect(bio.isced == ["0511"])
        #expect(bio.escoSkills == ["http://data.europa.eu/esco/skill/abc"])
        let plan = try #require(try Planner(catalogue: candidates).plan(PlanRequest(target: "q", learner: LearnerProfile(), today: Day("2026-11-23"))).plan)
        #expect(plan.taken == ["bio"])
    }
}
