import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

@Suite struct LearnerImportTests {
    static let samples = [
        "elm3-edc-microcredential-annex1-unsigned.jsonld", "ob3-validator-complete.json", "clr2-simple-noproof.json",
        "dc4eu-cpd-medical-training-accreditation-SEAFORMEC.json",
    ]

    func allSamples() throws -> [WalletCredential] { try Self.samples.flatMap(Support.readSample) }

    /// A small catalogue that lists the Europass sample's credential id and offers the CLR's
    /// second achievement under the same title and provider.
    func catalogue() throws -> Catalogue {
        try CatalogueDocument.read(Data("""
            {"format": "stackplan/1",
             "providers": [{"id": "zed", "name": "University of Zed", "country": "IE"},
                           {"id": "exu", "name": "Example University", "country": "US"}],
             "credentials": [
               {"id": "zed-dmc", "title": "Creating digital micro-credentials", "provider": "zed", "kind": "module",
                "ects": 2, "eqf": 6, "mode": "online", "languages": ["en"], "competencies": ["develop-digital-content"],
                "identifiers": ["urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b"]},
               {"id": "exu-a2", "title": "ACHIEVEMENT 2", "provider": "exu", "kind": "skill", "hours": 8, "eqf": 4,
                "mode": "online", "languages": ["en"]},
               {"id": "other", "title": "Research skills", "provider": "exu", "kind": "module", "ects": 5, "eqf": 7,
                "mode": "online", "languages": ["en"], "competencies": ["research"]}
             ]}
            """.utf8))
    }

    @Test func everySampleIsAccountedFor() throws {
        let credentials = try allSamples()
        let result = LearnerImport(credentials: credentials, catalogue: try catalogue())
        #expect(result.entries.count == credentials.count)
        let outcomes = Dictionary(uniqueKeysWithValues: result.entries.map { ($0.credential.title ?? "", $0.outcome) })
        #expect(outcomes["Digital micro-credential creation"]
            == .matched(credential: "zed-dmc", how: "by identifier urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b"))
        #expect(outcomes["Achievement 2"] == .matched(credential: "exu-a2", how: "by title and provider"))
        #expect(outcomes["Achievement 1"] == .pending(missing: ["an EQF level", "ECTS or learning hours"]))
        #expect(outcomes["1EdTech University Degree"]
            == .pending(missing: ["an EQF level", "ECTS or learning hours (the credits it states are not ECTS)"]))
        let external = try #require(externalCredential(outcomes["Buen Quehacer del Médico (BQM) - Relación médico-paciente"]),
                                    "the accreditation is not an external credential")
        #expect(external.ects == nil && external.hours == 10 && external.eqf == 8)

        let profile = result.profile
        #expect(profile.held.map(\.catalogueID) == ["zed-dmc", "exu-a2", nil])
        #expect(profile.held[0].earned == Day("2022-12-31"))
        let pending = try #require(array(profile.extra["pending"]), "no pending list")
        #expect(pending.count == 2)
    }

    @Test func importedProfileReadsBackAsWritten() throws {
        let result = LearnerImport(credentials: try allSamples(), catalogue: try Support.bundledCatalogue())
        let data = LearnerDocument.json(result.profile).serialized()
        let reread = try LearnerDocument.read(data)
        #expect(reread == result.profile)
        #expect(LearnerDocument.problems(reread, in: try Support.bundledCatalogue()).isEmpty)
        // Nothing in the bundled catalogue lists these credentials: two externals, three pending.
        #expect(reread.held.count == 2)
        #expect(reread.held.allSatisfy { $0.catalogueID == nil })
        let elm = try #require(externalCredential(reread.held[0].source), "the Europass credential is not external")
        #expect(elm.title == "Digital micro-credential creation" && elm.ects == 2 && elm.eqf == 6 && elm.hours == 60)
        #expect(reread.held[0].extra["issuer"] == .string("University of Zed"))
        #expect(reread.held[0].extra["learningOutcomes"]
            == .array([.string("Communication, collaboration and creativity"), .string("Developing digital content")]))
        let pending = try #require(array(reread.extra["pending"]), "no pending list")
        #expect(pending.count == 3)
        let degree = try #require(object(pending.first), "the first pending entry is not an object")
        #expect(degree["title"] == .string("1EdTech University Degree"))
        #expect(degree["otherCredits"] == .array([
            .object(["value": .number(42), "at": .string("$.credentialSubject.creditsEarned")]),
            .object(["value": .number(36), "at": .string("$.credentialSubject.achievement.creditsAvailable")]),
        ]))
    }

    @Test func externalCredentialTakesTheCatalogueCompetenciesItStates() throws {
        // The ESCO skill "develop digital content" is a competency of the small catalogue.
        let catalogue = try catalogue()
        var credential = try #require(try Support.readSample("elm3-edc-microcredential-annex1-unsigned.jsonld").first)
        credential.identifiers = []
        let result = LearnerImport(credentials: [credential], catalogue: catalogue)
        let external = try #require(externalCredential(result.entries[0].outcome), "not external: \(result.entries[0].outcome)")
        #expect(external.competencies == ["develop-digital-content"])
        #expect(external.provider == "zed")
        #expect(!result.entries[0].notes.contains(LearnerImport.noCompetency))
    }

    @Test func factsThatDisagreeWithTheCatalogueAreNoted() throws {
        var credential = try #require(try Support.readSample("elm3-edc-microcredential-annex1-unsigned.jsonld").first)
        credential.ects = 3
        credential.earned = nil
        let result = LearnerImport(credentials: [credential], catalogue: try catalogue())
        #expect(result.entries[0].notes.contains("the document states 3 ECTS, the catalogue 2; the catalogue's figure counts"))
        #expect(result.entries[0].notes.contains(LearnerImport.noDate))
    }

    @Test func ambiguousIdentifiersMatchNothingAndSayWhy() throws {
        let catalogue = try CatalogueDocument.read(Data("""
            {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
             "credentials": [
               {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 2, "eqf": 6, "mode": "online", "languages": ["en"],
                "identifiers": "https://1edtech.edu/catalog/degree"},
               {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 2, "eqf": 6, "mode": "online", "languages": ["en"],
                "identifiers": ["HTTPS://1edtech.edu/catalog/degree/"]}]}
            """.utf8))
        let credential = try #require(try Support.readSample("ob3-validator-complete.json").first)
        let match = CatalogueMatcher(catalogue: catalogue).match(credential)
        #expect(match.credentialID == nil)
        #expect(match.explanation == "identifier https://1edtech.edu/catalog/degree is listed by several catalogue credentials (a, b)")
    }

    @Test func mergingKeepsTheProfileAndSkipsWhatItHolds() throws {
        let catalogue = try catalogue()
        let first = LearnerImport(credentials: try allSamples(), catalogue: catalogue)
        var existing = first.profile
        existing.id = "ana"
        existing.constraints.budget = 1500
        existing.held[0].earned = nil
        let second = LearnerImport(credentials: try allSamples(), catalogue: catalogue, merging: existing)
        #expect(second.profile.id == "ana")
        #expect(second.profile.constraints.budget == 1500)
        #expect(second.profile.held.count == first.profile.held.count)
        #expect(second.profile.extra["pending"] == first.profile.extra["pending"])
        #expect(second.entries.allSatisfy { if case .duplicate = $0.outcome { true } else { false } })
        // A date the profile lacked is filled in from the wallet.
        #expect(second.profile.held[0].earned == Day("2022-12-31"))
        #expect(second.report.contains("Already in the profile (5)"))
    }

    @Test func reportListsEveryOutcome() throws {
        let report = LearnerImport(credentials: try allSamples(), catalogue: try catalogue()).report
        #expect(report.hasPrefix("Read 5 credentials from 4 files."))
        #expect(report.contains("Matched to catalogue credentials (2)"))
        #expect(report.contains("External held credentials (1)"))
        #expect(report.contains("Not usable for planning yet, kept under \"pending\" (2)"))
        #expect(report.contains("pending[0]  1EdTech University Degree (1EdTech University): missing an EQF level; ECTS or learning hours (the credits it states are not ECTS)"))
        #expect(report.contains("from ob3-validator-complete.json $.credentialSubject.achievement"))
    }
}

// What a case holds, or nil: for `try #require`, so that a test that finds the wrong case fails
// instead of ending early.
private func externalCredential(_ outcome: LearnerImport.Entry.Outcome?) -> ExternalCredential? {
    if case .external(let credential)? = outcome { credential } else { nil }
}

private func externalCredential(_ source: HeldCredential.Source) -> ExternalCredential? {
    if case .external(let credential) = source { credential } else { nil }
}

private func array(_ json: JSON?) -> [JSON]? {
    if case .array(let items)? = json { items } else { nil }
}

private func object(_ json: JSON?) -> [String: JSON]? {
    if case .object(let fields)? = json { fields } else { nil }
}
