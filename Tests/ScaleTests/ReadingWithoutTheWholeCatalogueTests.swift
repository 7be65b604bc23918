import Foundation
import GRDB
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator
@testable import StackPlanStore

/// What `list`, `show` and a learner's `validate` read: only the rows they show or the records a
/// document names, never the whole catalogue. A damaged record none of them names shows it: a
/// reader of the whole catalogue would stop at it.
@Suite struct ReadingWithoutTheWholeCatalogueTests {
    static func damagedStore() throws -> (CatalogueStore, String, Catalogue) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-reading-\(UUID()).sqlite").path
        let store = try CatalogueStore(path: path)
        let catalogue = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 400, qualifications: 8), seed: 11).catalogue
        try store.importCatalogue(catalogue)
        // The last credential's stored document is cut short, as a damaged file would have it.
        let damaged = try #require(catalogue.credentials.map(\.id).max())
        try store.write { db in try db.execute(sql: "UPDATE credential SET document = '{\"id\": ' WHERE id = ?", arguments: [damaged]) }
        return (store, path, catalogue)
    }

    @Test func showListAndValidateReadOnlyWhatTheyShow() throws {
        let (store, path, catalogue) = try Self.damagedStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let damaged = try #require(catalogue.credentials.map(\.id).max())
        // Reading everything meets the damage: the reads below would too if they read everything.
        #expect(throws: StoreError.self) { try store.catalogue() }

        // show QUALIFICATION: the qualification, those it refers to and the credentials its tree names.
        let diploma = try #require(catalogue.qualifications.first { $0.id.hasSuffix("-pgdip") })
        let shown = try store.records(qualifications: [diploma.id], expandingQualifications: true)
        #expect(shown.qualification(diploma.id) != nil)
        var named: Set<String> = []
        CatalogueStore.credentialLeafIDs(diploma.requires, into: &named)
        for id in named { #expect(shown.credential(id) != nil) }
        #expect(shown.credentials.count < 20)

        // validate LEARNER: only the records the profile names.
        let held = catalogue.credentials[0].id
        let forProfile = try store.records(credentials: [held, "no-such-id"], qualifications: [held], providers: [catalogue.providers[0].id])
        #expect(forProfile.credentials.map(\.id) == [held])
        #expect(forProfile.providers.count == 1)

        // list credentials: the columns, a row at a time; --json and show PROVIDER's count, without the damaged provider's records.
        var listed = 0
        try store.forEachCredentialListing { _ in listed += 1 }
        #expect(listed == catalogue.credentials.count)
        let provider = try #require(catalogue.providers.first { provider in
            catalogue.credentials.contains { $0.provider == provider.id } && !damaged.hasPrefix(provider.id + "-")
        })
        var streamed: [Credential] = []
        try store.forEachCredential(matching: CredentialQuery(provider: provider.id)) { streamed.append($0) }
        #expect(streamed.map(\.id) == catalogue.credentials.filter { $0.provider == provider.id }.map(\.id).sorted())
        #expect(try store.countCredentials(matching: CredentialQuery(provider: provider.id)) == streamed.count)
    }

    /// `list credentials --json` reads documents a batch at a time: the same records, in the same order, as reading them at once.
    @Test func streamedCredentialsEqualTheListReadAtOnce() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-reading-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 1500, qualifications: 8), seed: 2).catalogue)
        for query in [CredentialQuery(), CredentialQuery(kind: .module), CredentialQuery(search: "care"), CredentialQuery(provider: "nowhere")] {
            var streamed: [Credential] = []
            try store.forEachCredential(matching: query) { streamed.append($0) }
            #expect(streamed == (try store.credentials(matching: query)))
            #expect(try store.countCredentials(matching: query) == streamed.count)
        }
    }
}
