import Foundation
import GRDB
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator
@testable import StackPlanStore

/// A catalogue file imported a batch of credentials at a time (`importStreaming`) must leave the
/// database exactly as importing the whole document does, and must write nothing (answering `nil`,
/// so that the caller imports it whole and reports) for any document with something to report,
/// including what only shows across batches.
@Suite struct StreamedImportTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-stream-\(name)-\(UUID())").path
    }

    static func file(_ catalogue: Catalogue) throws -> String {
        let path = temporary("doc") + ".json"
        try Data(CatalogueDocument.json(catalogue).compactText.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every table a catalogue import writes, row by row.
    static func contents(_ store: CatalogueStore) throws -> [String] {
        try store.read { db in
            var rows: [String] = []
            for sql in [
                "SELECT key, value FROM setting WHERE key IN ('baseCurrency', 'format') ORDER BY key",
                "SELECT currency, rate FROM exchangeRate ORDER BY currency",
                "SELECT * FROM provider ORDER BY id", "SELECT * FROM credential ORDER BY id",
                "SELECT * FROM credentialCompetency ORDER BY credentialId, competency",
                "SELECT * FROM credentialLanguage ORDER BY credentialId, language",
                "SELECT * FROM qualification ORDER BY id", "SELECT * FROM referencedCredential ORDER BY id",
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
            ] {
                rows += try Row.fetchAll(db, sql: sql).map(\.description)
            }
            return rows
        }
    }

    static let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 6000, qualifications: 24), seed: 5).catalogue

    @Test func aStreamedImportWritesWhatAWholeImportWrites() throws {
        // The generator's own streamed text, as `stackplan generate` writes it.
        let path = Self.temporary("generated") + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = ""
        _ = try CatalogueGenerator.write(CatalogueGenerator.Sizes(credentials: 6000, qualifications: 24), seed: 5) { text += $0 }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))

        let streamedPath = Self.temporary("streamed"), wholePath = Self.temporary("whole")
        defer { for path in [streamedPath, wholePath] { try? FileManager.default.removeItem(atPath: path) } }
        let streamed = try CatalogueStore(path: streamedPath), whole = try CatalogueStore(path: wholePath)
        // Batches of 700: several batches, references across them, and the indexes rebuilt at the end.
        let summary = try #require(try streamed.importStreaming(path: path, batchSize: 700))
        let expected = try whole.importCatalogue(Self.generated)
        #expect(summary == expected)
        #expect(try Self.contents(streamed) == Self.contents(whole))

        // Again into the full database: every record replaced.
        let again = try #require(try streamed.importStreaming(path: path, batchSize: 700))
        #expect(again.replaced == again.providers + again.credentials + again.qualifications)
        #expect(try Self.contents(streamed) == Self.contents(whole))
    }

    /// Into a database that does not exist yet the pages are written once, in rollback-journal
    /// mode; the database must then hold what an import into an open store writes, and be in
    /// write-ahead-log mode like any other. One that exists is not new: nothing is written.
    @Test func aNewDatabaseHoldsWhatAnImportIntoAnOpenStoreWrites() throws {
        let path = try Self.file(Self.generated)
        let newPath = Self.temporary("new"), openPath = Self.temporary("open")
        defer { for file in [path, newPath, openPath] { try? FileManager.default.removeItem(atPath: file) } }
        // Batches of 700: several batches, and the indexes dropped and rebuilt (6,000 credentials).
        let summary = try #require(try CatalogueStore.importStreaming(
            path: path, intoNewDatabase: newPath, busyTimeout: 5, batchSize: 700))
        let open = try CatalogueStore(path: openPath)
        #expect(try open.importStreaming(path: path, batchSize: 700) == summary)
        let new = try CatalogueStore(path: newPath)
        #expect(try Self.contents(new) == Self.contents(open))
        #expect(try new.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(!FileManager.default.fileExists(atPath: newPath + "-journal"))

        // No longer new: nothing is imported, nothing changes.
        #expect(try CatalogueStore.importStreaming(path: try Self.file(Self.small()), intoNewDatabase: newPath) == nil)
        #expect(try Self.contents(new) == Self.contents(open))
    }

    /// A document with something to report leaves the new database made but empty (the caller
    /// then imports it whole, which reports every problem and writes nothing).
    @Test func aProblemLeavesTheNewDatabaseEmpty() throws {
        var catalogue = Self.small()
        var credential = catalogue.credentials[35]
        credential.excludes = ["nowhere"]
        catalogue.upsert(credential)
        let path = try Self.file(catalogue), database = Self.temporary("new-problem")
        defer { for file in [path, database] { try? FileManager.default.removeItem(atPath: file) } }
        #expect(try CatalogueStore.importStreaming(path: path, intoNewDatabase: database, busyTimeout: 5, batchSize: 10) == nil)
        let store = try CatalogueStore(path: database)
        #expect(try store.counts() == CatalogueStore.Counts(providers: 0, credentials: 0, qualifications: 0))
        #expect(throws: InvalidDocument.self) { try store.importCatalogue(catalogue) }
    }

    /// A credential may name one later in the document, in a later batch.
    @Test func aForwardReferenceAcrossBatchesIsAccepted() throws {
        var catalogue = Self.small()
        var first = catalogue.credentials[0]
        first.prerequisites = .credential(catalogue.credentials[catalogue.credentials.count - 1].id)
        catalogue.upsert(first)
        let path = try Self.file(catalogue)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let storePath = Self.temporary("forward")
        defer { try? FileManager.default.removeItem(atPath: storePath) }
        let store = try CatalogueStore(path: storePath)
        let summary = try #require(try store.importStreaming(path: path, batchSize: 10))
        #expect(summary.credentials == catalogue.credentials.count)
    }

    /// Forty credentials of one provider, without references, and a qualification naming two.
    static func small() -> Catalogue {
        let credentials = (0..<40).map { index in
            Credential(id: "course-\(index < 10 ? "0" : "")\(index)", title: "Course \(index)", provider: "uni", kind: .module, ects: 5, eqf: 7,
                       cost: 100, competencies: ["wound-care"])
        }
        let qualification = Qualification(
            id: "cert", title: "Certificate", provider: "uni", eqf: 7, ects: 20,
            requires: RequirementNode(.allOf([
                RequirementNode(.credential("course-00")), RequirementNode(.credential("course-39")),
                RequirementNode(.credits(10, CredentialFilter(competencies: ["wound-care"]))),
            ])))
        return Catalogue(providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
                         credentials: credentials, qualifications: [qualification])
    }

    /// Each of these has a problem that only shows across batches of 10 (or in the document's
    /// last bytes): the streamed import writes nothing and answers `nil`; the whole import reports it.
    @Test(arguments: ["missing reference", "cycle", "duplicate", "qualification names nothing", "truncated", "bad last record"])
    func aProblemAcrossBatchesWritesNothing(_ problem: String) throws {
        var catalogue = Self.small()
        var text: String?
        switch problem {
        case "missing reference":
            var credential = catalogue.credentials[35]
            credential.excludes = ["nowhere"]
            catalogue.upsert(credential)
        case "cycle":
            var early = catalogue.credentials[2], late = catalogue.credentials[33]
            early.prerequisites = .credential(late.id)
            late.prerequisites = .credential(early.id)
            catalogue.upsert(early)
            catalogue.upsert(late)
        case "duplicate":
            var copy = catalogue.credentials[3]
            copy.title = "Another course"
            catalogue.append(copy)
        case "qualification names nothing":
            catalogue.upsert(Qualification(
                id: "diploma", title: "Diploma", provider: "uni", eqf: 7, ects: 20, requires: RequirementNode(.credential("course-99"))))
        case "truncated":
            text = String(CatalogueDocument.json(catalogue).compactText.dropLast())
        default:
            let whole = CatalogueDocument.json(catalogue).compactText
            // The last credential's title a number: found only when the last batch is read.
            text = whole.replacingOccurrences(of: "\"title\":\"Course 39\"", with: "\"title\":39")
            #expect(text != whole)
        }
        let path = Self.temporary("problem") + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data((text ?? CatalogueDocument.json(catalogue).compactText).utf8).write(to: URL(fileURLWithPath: path))

        let storePath = Self.temporary("problem-store")
        defer { try? FileManager.default.removeItem(atPath: storePath) }
        let store = try CatalogueStore(path: storePath)
        try store.importCatalogue(Catalogue(providers: [Provider(id: "other", name: "Other", country: "FR")]))
        let before = try Self.contents(store)
        #expect(try store.importStreaming(path: path, batchSize: 10) == nil)
        #expect(try Self.contents(store) == before)
        // The whole document's reading and import find it.
        #expect(throws: InvalidDocument.self) {
            try store.importCatalogue(try CatalogueDocument.read(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
    }
}
