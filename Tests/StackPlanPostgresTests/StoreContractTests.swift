import Foundation
import Testing
import StackPlanCore
import StackPlanGenerator
@testable import StackPlanPostgres
import StackPlanStore

/// The store's contract, the same on SQLite and PostgreSQL: imports all or nothing, records read
/// back as imported, listing and the planner's candidates, the service's records.
@Suite struct StoreContractTests {
    @Test(arguments: Backend.available)
    func importedCatalogueReadsBackEqual(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let catalogue = try Samples.bundled()
        let summary = try database.store.importCatalogues([(catalogue, "catalogue.json")])[0]
        #expect(summary.credentials == catalogue.credentials.count && summary.replaced == 0)
        let stored = try database.store.catalogue()
        #expect(stored.credentials.map(\.id) == catalogue.credentials.map(\.id).sorted())
        for credential in catalogue.credentials { #expect(stored.credential(credential.id) == credential) }
        for qualification in catalogue.qualifications { #expect(stored.qualification(qualification.id) == qualification) }
        #expect(stored.exchangeRates == catalogue.exchangeRates)
        #expect(try database.store.counts() == CatalogueStore.Counts(
            providers: catalogue.providers.count, credentials: catalogue.credentials.count, qualifications: catalogue.qualifications.count))
        #expect(try database.store.baseCurrency() == catalogue.baseCurrency)
    }

    @Test(arguments: Backend.available)
    func failedImportChangesNothing(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        try _ = database.store.importCatalogues([(try Samples.bundled(), nil)])
        let before = try database.store.catalogue()
        // A valid new provider and credential, an update of a stored record, and one bad reference
        // (in the second of two documents): none of it may be written.
        let good = try Samples.document("""
            {"format": "stackplan/1", "providers": [{"id": "newp", "name": "New", "country": "NL"}],
             "credentials": [{"id": "new-course", "title": "New", "provider": "newp", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["nl"]}]}
            """)
        let bad = try Samples.document("""
            {"format": "stackplan/1", "providers": [],
             "credentials": [
               {"id": "tcd-nu7812", "title": "Renamed", "provider": "tcd", "kind": "programme", "ects": 10, "eqf": 7, "mode": "online", "languages": ["en"]},
               {"id": "broken", "title": "Broken", "provider": "newp", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["nl"],
                "prerequisites": {"credential": "does-not-exist"}}]}
            """)
        let error = try #require(throws: InvalidDocument.self) { try database.store.importCatalogues([(good, "good.json"), (bad, "bad.json")]) }
        #expect(error.file == "bad.json")
        #expect(error.errors.map(\.path) == ["$.credentials[1].prerequisites.credential"])
        #expect(try database.store.catalogue() == before)
        #expect(try database.store.credential("new-course") == nil)
    }

    @Test(arguments: Backend.available)
    func importUpsertsByIDAndCountsReplacedRecords(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let bundled = try Samples.bundled()
        try _ = database.store.importCatalogues([(bundled, nil)])
        let update = try Samples.document("""
            {"format": "stackplan/1", "providers": [],
             "credentials": [
               {"id": "tcd-nu7812", "title": "Renamed\\tmodule \\\\ with a tab", "provider": "tcd", "kind": "programme", "ects": 10, "eqf": 7, "mode": "online",
                "languages": ["en", "ga"], "competencies": ["dementia-care"]},
               {"id": "tcd-extra", "title": "Extra\\nline", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
                "prerequisites": {"credential": "tcd-nu7813"}}]}
            """)
        let summary = try database.store.importCatalogues([(update, nil)])[0]
        #expect(summary.replaced == 1)
        let renamed = try #require(try database.store.credential("tcd-nu7812"))
        #expect(renamed.title == "Renamed\tmodule \\ with a tab")
        #expect(renamed.languages == ["en", "ga"] && renamed.competencies == ["dementia-care"])
        #expect(try database.store.credential("tcd-extra")?.title == "Extra\nline")
        #expect(try database.store.counts().credentials == bundled.credentials.count + 1)
        // A document in another base currency is refused while credentials are stored.
        var other = update
        other.baseCurrency = "GBP"
        let error = try #require(throws: InvalidDocument.self) { try database.store.importCatalogues([(other, nil)]) }
        #expect(error.errors.map(\.path) == ["$.baseCurrency"])
    }

    @Test(arguments: Backend.available)
    func listingFiltersAndSearchesIgnoringCaseAndAccents(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let bundled = try Samples.bundled()
        try _ = database.store.importCatalogues([(bundled, nil)])
        let store = database.store
        let searched = try store.credentials(matching: CredentialQuery(search: "PREVENCAO"))
        #expect(!searched.isEmpty)
        #expect(searched.map(\.id) == bundled.credentials.filter {
            StoredRecords.matches($0.id, "PREVENCAO") || StoredRecords.matches($0.title, "PREVENCAO")
        }.map(\.id).sorted())
        let ucp = try store.credentials(matching: CredentialQuery(provider: "ucp"))
        #expect(!ucp.isEmpty && ucp.allSatisfy { $0.provider == "ucp" })
        let modules = try store.credentials(matching: CredentialQuery(kind: .module))
        #expect(modules.count == bundled.credentials.filter { $0.kind == .module }.count)
        let competencies = try store.competencies(matching: CredentialQuery())
        let tags = Dictionary(grouping: bundled.credentials.flatMap { Set($0.competencies) }, by: { $0 }).mapValues(\.count)
        #expect(competencies == tags.keys.sorted().map { CompetencyCount(competency: $0, credentials: tags[$0]!) })
        #expect(try store.qualifications(matching: QualificationQuery(provider: "ucp")).allSatisfy { $0.provider == "ucp" })
        #expect(try store.providers(matching: ProviderQuery(id: "tcd")).map(\.id) == ["tcd"])
        #expect(try store.credentials(matching: CredentialQuery(search: "a\u{0}b")).isEmpty)
        #expect(try store.provider("no-such-provider") == nil)
    }

    /// Candidates carry code, ISCED-F fields and ESCO skills (read from the document), and a
    /// `count` leaf takes credentials without ECTS, which a `credits` leaf leaves out.
    @Test(arguments: Backend.available)
    func candidatesCarryFilterFieldsAndCountLeavesTakeCredentialsWithoutECTS(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        _ = try database.store.importCatalogues([(try Samples.document(#"""
            {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
             "credentials": [
               {"id": "bio", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["ga", "en", "ga"],
                "competencies": ["zoonoses", "anatomy", "zoonoses"],
                "code": "BIOL 3120", "isced": ["0511"], "escoSkills": ["http://data.europa.eu/esco/skill/abc"]},
               {"id": "talk", "title": "T", "provider": "p", "kind": "module", "hours": 3, "eqf": 6, "mode": "online", "languages": ["en"]}
             ],
             "qualifications": [
               {"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 5,
                "requires": {"allOf": [{"credits": 5, "where": {"isced": "05"}}, {"count": 1, "where": {"minEqf": 6}}]}},
               {"id": "r", "title": "R", "provider": "p", "eqf": 7, "ects": 5, "requires": {"credits": 5, "where": {"minEqf": 6}}}
             ]}
            """#), nil)])
        let candidates = try database.store.candidateCatalogue(target: "q", held: [])
        let bio = try #require(candidates.credential("bio"))
        #expect(bio.code == "BIOL 3120" && bio.isced == ["0511"] && bio.escoSkills == ["http://data.europa.eu/esco/skill/abc"])
        // Competencies and languages as the side tables hold them (PostgreSQL reads them from the document): each once, in order.
        #expect(bio.competencies == ["anatomy", "zoonoses"] && bio.languages == ["en", "ga"])
        #expect(candidates.credentials.map(\.id) == ["bio", "talk"])
        #expect(try database.store.candidateCatalogue(target: "r", held: []).credentials.map(\.id) == ["bio"])
    }

    /// Each backend's candidate sub-catalogue equals the SQLite store's, on a generated
    /// catalogue with every kind of credit filter, for every qualification.
    @Test(.needsPostgres) func candidateCataloguesAgreeAcrossBackends() throws {
        let generated = CatalogueGenerator.generate(.init(credentials: 3_000, qualifications: 24), seed: 15)
        let sqlite = try ScratchDatabase(.sqlite)
        let postgres = try ScratchDatabase(.postgres)
        for database in [sqlite, postgres] { try _ = database.store.importCatalogues([(generated.catalogue, nil)]) }
        let held = generated.learners.first?.held.compactMap(\.catalogueID) ?? []
        #expect(!generated.catalogue.qualifications.isEmpty)
        for qualification in generated.catalogue.qualifications {
            let expected = try sqlite.store.candidateCatalogue(target: qualification.id, held: held)
            let found = try postgres.store.candidateCatalogue(target: qualification.id, held: held)
            #expect(found == expected, "candidates toward \(qualification.id)")
        }
        #expect(try postgres.store.catalogue() == (try sqlite.store.catalogue()))
        #expect(try postgres.store.catalogueVersion() == (try sqlite.store.catalogueVersion()))
    }
}
