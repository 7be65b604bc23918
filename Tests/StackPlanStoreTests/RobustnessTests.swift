import Foundation
import GRDB
import Testing
@testable import StackPlanCore
@testable import StackPlanStore

/// What the store must do with bad input and faults (issue 11): never truncate or lose data,
/// never touch another program's file, and fail with an error that says what happened.
@Suite final class RobustnessTests {
    let directory: URL
    var path: String { directory.appendingPathComponent("store.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-robust-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The catalogue the SQL fixtures were made from.
    static let small = """
        {"format": "stackplan/1", "baseCurrency": "EUR", "exchangeRates": {"GBP": 1.17},
         "providers": [{"id": "p", "name": "Provider P", "country": "IE", "accredited": true},
                       {"id": "uk", "name": "Provider UK", "country": "UK"}],
         "credentials": [
           {"id": "a", "title": "Assessment basics", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "cost": 400, "mode": "online",
            "languages": ["en"], "competencies": ["assessment"]},
           {"id": "b", "title": "Bedside care", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "cost": 450, "mode": "blended",
            "languages": ["en", "ga"], "competencies": ["assessment", "palliative-care"], "prerequisites": {"credential": "a"}},
           {"id": "c", "title": "Care at the end of life", "provider": "p", "kind": "programme", "ects": 10, "eqf": 7, "cost": 900, "mode": "online",
            "languages": ["en"], "competencies": ["palliative-care"],
            "prerequisites": {"anyOf": [{"credential": "b"}, {"credential": "a"}]}, "excludes": ["a"], "weeks": 12,
            "offerings": [{"id": "2027-spring", "start": "2027-01-11", "weeks": 12, "seats": 30},
                          {"id": "2027-autumn", "start": "2027-09-13", "weeks": 12, "cost": 950, "seats": 0}]},
           {"id": "w", "title": "Wound care skills", "provider": "uk", "kind": "skill", "hours": 20, "eqf": 5, "cost": 120, "currency": "GBP",
            "mode": "in-person", "languages": ["en"], "competencies": ["wound-care"]}
         ],
         "qualifications": [{"id": "q", "title": "Certificate in Palliative Care", "provider": "p", "eqf": 7, "ects": 15,
           "requires": {"allOf": [{"credential": "c"}, {"credits": 5, "where": {"minEqf": 6}}]}}]}
        """

    func document(_ json: String) throws -> Catalogue { try CatalogueDocument.read(Data(json.utf8)) }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A store holding `small`, closed so that everything is in the main file (no WAL left).
    func storedSmall() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try document(Self.small))
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A database file built by running an SQL fixture, as `sqlite3 FILE < fixture` would.
    func database(fromFixture name: String) throws {
        let sql = try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        try queue.close()
    }

    func applicationID() throws -> Int32 {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try queue.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") ?? 0 }
    }

    func storeError(_ body: () throws -> Void) -> StoreError? {
        do { try body() } catch let error as StoreError { return error } catch { return nil }
        return nil
    }

    // MARK: Nothing truncated

    /// GRDB hands SQLite NUL-terminated text: an id with a NUL would be stored as its part
    /// before it and replace that record.
    @Test func nulInsideTextIsRefusedNotTruncated() throws {
        try storedSmall()
        let store = try CatalogueStore(path: path)
        var impostor = Credential(id: "a\u{0}x", title: "Impostor", provider: "p", kind: .module, ects: 5, eqf: 6)
        impostor.competencies = ["wound\u{0}care"]
        let titled = Credential(id: "new", title: "Title\u{0}tail", provider: "p", kind: .module, ects: 5, eqf: 6)
        let catalogue = Catalogue(baseCurrency: "EUR", exchangeRates: [:], providers: [], credentials: [impostor, titled], qualifications: [])
        #expect {
            try store.importCatalogue(catalogue, file: "nul.json")
        } throws: { error in
            let paths = Set((error as? InvalidDocument)?.errors.map(\.path) ?? [])
            return paths.isSuperset(of: ["$.credentials[0].id", "$.credentials[0].competencies[0]", "$.credentials[1].title"])
        }
        #expect(try store.credential("a")?.title == "Assessment basics")
        #expect(try store.counts().credentials == 4)
        // Lookups compare whole values: the part before a NUL must not find a record.
        #expect(try store.credential("a\u{0}x") == nil)
        #expect(try store.credentials(matching: CredentialQuery(search: "Assess\u{0}zzz")).isEmpty)
        #expect(try store.credentials(matching: CredentialQuery(competency: "wound-care\u{0}x")).isEmpty)
        #expect(try store.candidateCatalogue(target: "q\u{0}x", held: ["a\u{0}x"]).qualifications.isEmpty)
    }

    /// Swift finds "é" and "e" + U+0301 equal, SQLite does not: validation would call the
    /// second the same record and the upsert would add a second row beside it.
    /// Swift compares "é" and "e" + combining accent as equal, SQLite does not: ids keep to the
    /// ASCII id rule, so neither form can become a key that Swift and SQLite see differently.
    @Test func keysOutsideTheIdRuleAreRefusedAndSearchIgnoresAccents() throws {
        let store = try CatalogueStore(path: path)
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        func catalogue(id: String, title: String) -> Catalogue {
            Catalogue(
                baseCurrency: "EUR", exchangeRates: [:], providers: [Provider(id: "p", name: "P", country: "PT")],
                credentials: [Credential(id: id, title: title, provider: "p", kind: .module, ects: 5, eqf: 6)], qualifications: [])
        }
        for id in [composed, decomposed] {
            #expect {
                try store.importCatalogue(catalogue(id: id, title: "Refused"))
            } throws: { error in
                (error as? InvalidDocument)?.errors.allSatisfy { $0.path == "$.credentials[0].id" } == true
            }
        }
        #expect(try store.counts().credentials == 0)
        try store.importCatalogue(catalogue(id: "cafe", title: composed))
        #expect(try store.credential(decomposed) == nil)
        #expect(try store.credentials(matching: CredentialQuery(search: "CAFE")).map(\.title) == [composed])
        #expect(try store.credentials(matching: CredentialQuery(search: decomposed)).map(\.title) == [composed])
    }

    // MARK: Cycles through stored records

    /// The cycle's smallest id is stored and not in the document: it was skipped before.
    @Test func cycleClosedByAStoredCredentialWithTheSmallerIdIsRefused() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try document("""
            {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}], "credentials": [
              {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
               "prerequisites": {"credential": "b"}},
              {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"]}]}
            """))
        let closing = try document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
               "prerequisites": {"credential": "a"}}]}
            """)
        #expect {
            try store.importCatalogue(closing, file: "closing.json")
        } throws: { error in
            guard let invalid = error as? InvalidDocument else { return false }
            return invalid.errors.map(\.path) == ["$.credentials[0].prerequisites"]
                && invalid.errors[0].message == "prerequisite cycle: b → a → b"
        }
        // What is stored still validates as one catalogue.
        #expect(CatalogueValidator.issues(in: try store.catalogue()).filter { $0.severity == .error }.isEmpty)
        #expect(try store.credential("b")?.prerequisites == nil)
    }

    // MARK: Other programs' files

    @Test func foreignDatabaseIsRefusedUntouched() throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me')")
        }
        try queue.close()
        let before = try bytes(path)
        for access in [CatalogueStore.Access.readWrite, .readOnly] {
            let error = storeError { _ = try CatalogueStore(path: path, access: access) }
            #expect(error == .notStackPlan(path: path))
            #expect(error?.kind == .damagedData)
            #expect(error?.description.contains(path) == true)
        }
        #expect(try bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func fileThatIsNotSQLiteIsRefusedUntouched() throws {
        let text = Data("name,title\nnot,a database\n".utf8)
        try text.write(to: URL(fileURLWithPath: path))
        let error = storeError { _ = try CatalogueStore(path: path) }
        #expect(error == .notStackPlan(path: path))
        #expect(try bytes(path) == text)
    }

    @Test func emptyFileBecomesAStackPlanDatabase() throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try document(Self.small))
        try store.close()
        #expect(try applicationID() == Schema.applicationID)
    }

    // MARK: Damaged files and records

    /// Overwrites the first bytes of the page holding `table`'s rows with garbage.
    func damagePage(of table: String) throws {
        let queue = try DatabaseQueue(path: path)
        let (page, size) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = ?", arguments: [table]) ?? 0,
             try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        try queue.close()
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64((page - 1) * size))
        try handle.write(contentsOf: Data(repeating: 0xEE, count: 64))
        try handle.close()
    }

    @Test func damagedPagesAreReportedOnOpeningForWriteAndOnReading() throws {
        try storedSmall()
        try damagePage(of: "credential")
        let opening = storeError { _ = try CatalogueStore(path: path) }
        #expect(opening == .damaged(path: path))
        #expect(opening?.kind == .damagedData)
        // Reading does not check the whole file first, but says the same when it meets the page.
        let reader = try CatalogueStore(path: path, access: .readOnly)
        let reading = storeError { _ = try reader.catalogue() }
        #expect(reading == .damaged(path: path))
    }

    @Test func damagedRecordIsNamed() throws {
        try storedSmall()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE credential SET document = '{\"id\": \"b\", \"title\": ' WHERE id = 'b'")
            try db.execute(sql: "UPDATE credential SET kind = 'lecture' WHERE id = 'c'")
            try db.execute(sql: "UPDATE provider SET document = '{\"id\": \"uk\"}' WHERE id = 'uk'")
        }
        try queue.close()
        let store = try CatalogueStore(path: path, access: .readOnly)
        let whole = storeError { _ = try store.catalogue() }
        #expect(whole == .damagedRecord(path: path, record: "credential \"b\"", reason: "its stored document is not valid JSON"))
        #expect(whole?.description.hasPrefix("record credential \"b\" in \(path) is damaged") == true)
        #expect(whole?.kind == .damagedData)
        // Records around it still read.
        #expect(try store.credential("a")?.title == "Assessment basics")
        // Planning reads columns, and the place from the document: a broken document is named there too,
        let planning = storeError { _ = try store.candidateCatalogue(target: "q", held: []) }
        #expect(planning == .damagedRecord(path: path, record: "credential \"b\"", reason: "its stored document is not valid JSON"))
        // and so is a column value no version of StackPlan wrote.
        let queue2 = try DatabaseQueue(path: path)
        try queue2.write { db in try db.execute(sql: "UPDATE credential SET document = '{\"id\": \"b\"}' WHERE id = 'b'") }
        try queue2.close()
        let column = storeError { _ = try CatalogueStore(path: path, access: .readOnly).candidateCatalogue(target: "q", held: []) }
        #expect(column == .damagedRecord(path: path, record: "credential \"c\"", reason: "its kind \"lecture\" or mode \"online\" is not one StackPlan knows"))
        // A document that is JSON but not a record.
        let provider = storeError { _ = try store.provider("uk") }
        #expect(provider?.description.hasPrefix("record provider \"uk\" in \(path) is damaged: its stored document cannot be read") == true)
    }

    // MARK: Locks, full disks, read-only files

    /// Holds the write lock of the database from another connection until `release` is signalled.
    func holdingWriteLock(release: DispatchSemaphore, _ body: () throws -> Void) throws {
        let holder = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? holder.inTransaction(.immediate) { _ in
                locked.signal()
                release.wait()
                return .commit
            }
            done.signal()
        }
        locked.wait()
        defer { done.wait(); try? holder.close() }
        try body()
    }

    @Test func secondWriterWaitsForTheLockThenFailsClearly() throws {
        try storedSmall()
        let store = try CatalogueStore(path: path, busyTimeout: 0.3)
        let update = try document(Self.small)
        let release = DispatchSemaphore(value: 0)
        try holdingWriteLock(release: release) {
            let start = Date()
            let error = storeError { try store.importCatalogue(update) }
            #expect(Date().timeIntervalSince(start) >= 0.25)
            #expect(error == .busy(path: path, waitedSeconds: 0.3))
            #expect(error?.kind == .busy)
            #expect(error?.description.contains("SQLite") == false)
            release.signal()
        }
    }

    @Test func secondWriterSucceedsWhenTheLockIsReleasedInTime() throws {
        try storedSmall()
        let store = try CatalogueStore(path: path, busyTimeout: 10)
        let update = try document(Self.small)
        let release = DispatchSemaphore(value: 0)
        try holdingWriteLock(release: release) {
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { release.signal() }
            let summary = try store.importCatalogue(update)
            #expect(summary.replaced == 7)
        }
    }

    @Test func fullDiskIsAnIOFailureAndWritesNothing() throws {
        try storedSmall()
        let store = try CatalogueStore(path: path)
        let writer = try #require(store.writer)
        // The file may not grow by a single page: as on a full disk, SQLite answers SQLITE_FULL.
        try writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
        }
        let bundled = try CatalogueDocument.read(try Data(contentsOf: StoreTests.repository.appendingPathComponent("data/catalogue.json")))
        let error = storeError { try store.importCatalogue(bundled) }
        #expect(error == .diskFull(path: path))
        #expect(error?.kind == .ioFailure)
        #expect(try store.counts() == CatalogueStore.Counts(providers: 2, credentials: 4, qualifications: 1))
    }

    @Test func readOnlyStoreWritesNothing() throws {
        try storedSmall()
        let before = try bytes(path)
        let store = try CatalogueStore(path: path, access: .readOnly)
        #expect(try store.catalogue() == (try document(Self.small)))
        let error = storeError { try store.importCatalogue(try document(Self.small)) }
        #expect(error == .openedReadOnly(path: path))
        try store.close()
        #expect(try bytes(path) == before)
    }

    @Test func readOnlyStoreDoesNotCreateAMissingDatabase() {
        let error = storeError { _ = try CatalogueStore(path: path, access: .readOnly) }
        #expect(error == .cannotOpen(path: path, reason: "no such file"))
        #expect(error?.kind == .ioFailure)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// Every SQLite failure becomes a store error of the right kind, in words, naming the file.
    @Test func sqliteFailuresAreClassifiedWithoutTheirCodes() throws {
        let expected: [(ResultCode, ErrorKind)] = [
            (.SQLITE_BUSY, .busy), (.SQLITE_LOCKED, .busy), (.SQLITE_FULL, .ioFailure), (.SQLITE_IOERR, .ioFailure),
            (.SQLITE_READONLY, .ioFailure), (.SQLITE_PERM, .ioFailure), (.SQLITE_CANTOPEN, .ioFailure),
            (.SQLITE_CORRUPT, .damagedData), (.SQLITE_NOTADB, .damagedData), (.SQLITE_MISUSE, .internalFault),
        ]
        for (code, kind) in expected {
            let error = StoreError.translating(DatabaseError(resultCode: code, message: "raw text"), path: "x.sqlite", busyTimeout: 7)
            let classified = try #require(error as? StoreError)
            #expect(classified.kind == kind, "\(code)")
            #expect(classified.description.contains("x.sqlite"))
            #expect(!classified.description.contains("SQLite error") && !classified.description.contains("\(code.rawValue)"), "\(classified)")
        }
    }

    // MARK: Migrations

    /// Every database the store made before application_id (schema v3) opens, is recognised,
    /// and reads back what was imported.
    @Test func databaseOfTheSchemaBeforeApplicationIDOpens() throws {
        try database(fromFixture: "stackplan-v3.sql")
        #expect(try applicationID() == 0)
        // Reading needs no upgrade, and a read-only store makes none.
        let reader = try CatalogueStore(path: path, access: .readOnly)
        #expect(try reader.catalogue() == (try document(Self.small)))
        try reader.close()
        #expect(try applicationID() == 0)

        let store = try CatalogueStore(path: path)
        #expect(try store.catalogue() == (try document(Self.small)))
        try store.close()
        #expect(try applicationID() == Schema.applicationID)
    }

    /// The v2 migration, in SQL, fills the planning columns from the stored documents as the
    /// store writes them on import.
    @Test func schemaV1IsMigratedBySQL() throws {
        try database(fromFixture: "stackplan-v1.sql")
        let store = try CatalogueStore(path: path, access: .readOnly)
        let expected = try document(Self.small)
        let candidates = try store.candidateCatalogue(target: "q", held: [])
        for credential in expected.credentials where candidates.credential(credential.id) != nil {
            #expect(candidates.credential(credential.id) == credential)
        }
        #expect(candidates.credential("c")?.offerings.count == 2)
        #expect(candidates.credential("b")?.prerequisites == .credential("a"))
        #expect(try store.catalogue() == expected)
        try store.close()
        // Migrated to the end by the read-only store's upgrade, as a fresh database would be.
        let queue = try DatabaseQueue(path: path)
        let applied = try queue.read { try Schema.migrator.appliedIdentifiers($0) }
        let columns = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, weeks, prerequisites, excludes, offerings FROM credential ORDER BY id")
        }
        try queue.close()
        #expect(applied == Set(Schema.migrator.migrations))
        #expect(columns.map { $0[1] as Int? } == [nil, nil, 12, nil])
        #expect(columns.map { $0[3] as String? } == [nil, nil, "[\"a\"]", nil])
    }

    @Test func databaseFromANewerVersionIsRefused() throws {
        try storedSmall()
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        try queue.close()
        let error = storeError { _ = try CatalogueStore(path: path) }
        #expect(error == .newerVersion(path: path))
    }

    // MARK: Listing

    @Test func everyFilterFilters() throws {
        try storedSmall()
        let store = try CatalogueStore(path: path, access: .readOnly)
        func ids(_ query: CredentialQuery) throws -> [String] { try store.credentials(matching: query).map(\.id) }
        #expect(try ids(CredentialQuery()) == ["a", "b", "c", "w"])
        #expect(try ids(CredentialQuery(competency: "palliative-care")) == ["b", "c"])
        #expect(try ids(CredentialQuery(kind: .module)) == ["a", "b"])
        #expect(try ids(CredentialQuery(provider: "uk")) == ["w"])
        #expect(try ids(CredentialQuery(competency: "assessment", kind: .module, search: "BEDSIDE")) == ["b"])
        #expect(try ids(CredentialQuery(search: "end of")) == ["c"])
        #expect(try store.qualifications(matching: QualificationQuery(search: "palliative")).map(\.id) == ["q"])
        #expect(try store.qualifications(matching: QualificationQuery(provider: "uk")).isEmpty)
        #expect(try store.providers(matching: ProviderQuery(search: "uk")).map(\.id) == ["uk"])
        #expect(try store.competencies() == [
            CompetencyCount(competency: "assessment", credentials: 2), CompetencyCount(competency: "palliative-care", credentials: 2),
            CompetencyCount(competency: "wound-care", credentials: 1),
        ])
        #expect(try store.competencies(matching: CredentialQuery(kind: .programme)) == [CompetencyCount(competency: "palliative-care", credentials: 1)])
        // Full records, as imported.
        #expect(try store.credential("c") == (try document(Self.small)).credential("c"))
    }

    @Test func searchIgnoresCaseAndAccents() throws {
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(try document("""
            {"format": "stackplan/1", "providers": [{"id": "ucp", "name": "Universidade Católica", "country": "PT"}], "credentials": [
              {"id": "ucp-ipc", "title": "Prevenção e Controlo de Infeção", "provider": "ucp", "kind": "module", "ects": 5, "eqf": 7,
               "mode": "online", "languages": ["pt"]}]}
            """))
        #expect(try store.credentials(matching: CredentialQuery(search: "prevencao")).map(\.id) == ["ucp-ipc"])
        #expect(try store.providers(matching: ProviderQuery(search: "catolica")).map(\.id) == ["ucp"])
        #expect(try store.credentials(matching: CredentialQuery(search: "dementia")).isEmpty)
    }
}
