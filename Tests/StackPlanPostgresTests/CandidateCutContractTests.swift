import Foundation
import Testing
import StackPlanCore
import StackPlanGenerator
@testable import StackPlanPostgres
import StackPlanStore

/// The candidate cut (migration v7, `referencedCredential`) and the catalogue's fingerprint, the
/// same on SQLite and PostgreSQL.
@Suite struct CandidateCutContractTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// Every row of `referencedCredential` as the store holds it.
    static func referenced(_ database: ScratchDatabase) throws -> Set<String> {
        let sqlite = database.store as? CatalogueStore, postgres = database.store as? PostgresStore
        let tables = try #require(try sqlite?.exportTables() ?? postgres?.exportTables())
        let table = try #require(tables.first { $0.name == "referencedCredential" })
        return Set(table.rows.compactMap { row in if case .text(let id)? = row.first { id } else { nil } })
    }

    static func references(of credentials: [Credential]) -> Set<String> {
        var ids: Set<String> = []
        for credential in credentials {
            ids.formUnion(credential.prerequisites?.credentialIDs ?? [])
            ids.formUnion(credential.excludes)
        }
        return ids
    }

    /// The table holds what the credentials name (nested prerequisites and overlaps), is rebuilt
    /// by every import and added to by a catalogue edit.
    @Test(arguments: Backend.available)
    func referencedCredentialsFollowImportsAndEdits(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let bundled = try Samples.bundled()
        _ = try database.store.importCatalogues([(bundled, nil)])
        let expected = Self.references(of: bundled.credentials)
        #expect(expected.count > 5)
        #expect(try Self.referenced(database) == expected)

        // An import that drops every reference empties the table.
        let unlinked = bundled.credentials.map { credential in
            var plain = credential
            plain.prerequisites = nil
            plain.excludes = []
            return plain
        }
        let plain = Catalogue(baseCurrency: bundled.baseCurrency, exchangeRates: bundled.exchangeRates, providers: bundled.providers,
                              credentials: unlinked, qualifications: bundled.qualifications)
        _ = try database.store.importCatalogues([(plain, nil)])
        #expect(try Self.referenced(database).isEmpty)

        // An edit naming credentials deep in a prerequisite expression and as an overlap: noted at once.
        let editor = try database.store.createAccount(name: "eve", role: .editor, passwordHash: "h", by: nil, now: now)
        var edited = unlinked[0]
        edited.prerequisites = .allOf([.credential(unlinked[1].id), .anyOf([.credential(unlinked[2].id), .atLeast(1, [.credential(unlinked[3].id)])])])
        edited.excludes = [unlinked[4].id]
        _ = try database.store.editCatalogue(Catalogue(
            baseCurrency: bundled.baseCurrency, exchangeRates: bundled.exchangeRates, providers: [], credentials: [edited], qualifications: []),
            by: editor.id, now: now)
        #expect(try Self.referenced(database) == Set(unlinked[1...4].map(\.id)))
    }

    /// The plan on a backend's cut candidates, planning again uncut when the cut does not cover the request.
    static func planCut(_ store: any CatalogueSource, _ request: PlanRequest) throws -> (outcome: PlanOutcome, load: CandidateLoad) {
        let load = try store.candidateCatalogue(for: request)
        var planner = Planner(catalogue: load.catalogue)
        planner.cut = load.cut
        do {
            return (try planner.plan(request), load)
        } catch is CandidateCut.Uncovered {
            let uncut = try store.candidateCatalogue(target: request.target, held: request.learner.held.compactMap(\.catalogueID))
            return (try Planner(catalogue: uncut).plan(request), load)
        }
    }

    /// `candidateCatalogue(for:)` on both backends reads the same candidates (the same query in
    /// each database's terms) and gives the same plans, for every generated learner under each
    /// objective, and each cut leaves something out.
    @Test(.needsPostgres) func cutCandidatesGiveTheSamePlansOnBothBackends() throws {
        let generated = CatalogueGenerator.generate(.init(credentials: 3_000, qualifications: 24), seed: 19)
        let sqlite = try ScratchDatabase(.sqlite)
        let postgres = try ScratchDatabase(.postgres)
        for database in [sqlite, postgres] { try _ = database.store.importCatalogues([(generated.catalogue, nil)]) }
        var candidates = 0, read = 0
        for learner in generated.learners {
            guard case .string(let goal)? = learner.extra["goal"] else {
                Issue.record("a generated learner without a goal")
                continue
            }
            // The last two in calendar time, where groups share their runs too.
            for (objectives, scheduled) in [([Objective.cost], false), ([.workload], false), ([.cost, .ects], false), ([.duration, .cost], true), ([.cost], true)] {
                var request = PlanRequest(target: goal, learner: learner, objectives: objectives)
                if scheduled { request.schedule = ScheduleSettings(start: Day("2027-01-04")!, hoursPerWeek: 20) }
                let (expected, sqliteLoad) = try Self.planCut(sqlite.store, request)
                let (found, postgresLoad) = try Self.planCut(postgres.store, request)
                #expect(postgresLoad.catalogue.credentials.map(\.id) == sqliteLoad.catalogue.credentials.map(\.id),
                        "candidates kept toward \(goal) by \(objectives)")
                switch (expected, found) {
                case (.planned(let a), .planned(let b)):
                    #expect(a.objectiveValues.count == b.objectiveValues.count
                            && zip(a.objectiveValues, b.objectiveValues).allSatisfy { abs($0 - $1) < 1e-6 }, "\(goal) by \(objectives)")
                case (.infeasible(let a), .infeasible(let b)):
                    #expect(a.cause == b.cause && a.unmet == b.unmet, "\(goal) by \(objectives)")
                default:
                    Issue.record("SQLite: \(expected), PostgreSQL: \(found) toward \(goal) by \(objectives)")
                }
                candidates += try sqlite.store.candidateCatalogue(target: goal, held: learner.held.compactMap(\.catalogueID)).credentials.count
                read += sqliteLoad.catalogue.credentials.count
            }
        }
        // How many rows each store looked at is its own affair (SQLite reads broad leaves in
        // measure order and stops early); what it keeps is the contract, and the cut must keep less.
        #expect(read < candidates, "read \(read) of \(candidates)")
    }

    /// The catalogue version is computed once per revision of the catalogue, and every change
    /// (an import, an edit, a retirement), made through this store or another on the same
    /// database (a second instance, the command line), gives the fingerprint of what is stored.
    @Test(arguments: Backend.available)
    func theCatalogueVersionFollowsEveryChangeWhoeverMakesIt(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let other: any CatalogueImporting & ServiceRecordSource
        if backend == .postgres { other = try PostgresStore(url: database.address) } else { other = try CatalogueStore(path: database.address) }
        defer { (other as? PostgresStore)?.close() }
        _ = try store.importCatalogues([(try Samples.bundled(), nil)])
        func expectCurrent(_ note: Comment) throws {
            let expected = catalogueFingerprint(try store.catalogue(), retired: try store.retirements())
            #expect(try store.catalogueVersion() == expected, note)
            #expect(try other.catalogueVersion() == expected, note)
        }
        try expectCurrent("after the import")
        let imported = try store.catalogueVersion()
        #expect(try store.catalogueVersion() == imported)

        // Imported through the other store: this one sees the change.
        _ = try other.importCatalogues([(try Samples.document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "memo-one", "title": "One more", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}]}
            """), nil)])
        try expectCurrent("after an import through another store")
        #expect(try store.catalogueVersion() != imported)

        let editor = try store.createAccount(name: "eve", role: .editor, passwordHash: "h", by: nil, now: now)
        let beforeEdit = try store.catalogueVersion()
        _ = try other.editCatalogue(try Samples.document("""
            {"format": "stackplan/1", "providers": [], "credentials": [
              {"id": "memo-one", "title": "One more, renamed", "provider": "tcd", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}]}
            """), by: editor.id, now: now)
        try expectCurrent("after an edit")
        #expect(try store.catalogueVersion() != beforeEdit)

        let beforeRetirement = try store.catalogueVersion()
        _ = try other.retire(.credential, id: "memo-one", by: editor.id, now: now)
        try expectCurrent("after a retirement")
        #expect(try store.catalogueVersion() != beforeRetirement)
    }

    /// Retiring a credential or a qualification changes the fingerprint saved plans record
    /// (the records themselves are unchanged), and restoring it gives the former one back; both
    /// backends give the same fingerprint for the same records.
    @Test(arguments: Backend.available)
    func retirementsChangeTheCatalogueVersion(_ backend: Backend) throws {
        let database = try ScratchDatabase(backend)
        let store = database.store
        let bundled = try Samples.bundled()
        _ = try store.importCatalogues([(bundled, nil)])
        let editor = try store.createAccount(name: "eve", role: .editor, passwordHash: "h", by: nil, now: now)
        let original = try store.catalogueVersion()
        #expect(original == catalogueFingerprint(try store.catalogue(), retired: []))

        let credential = try #require(bundled.credentials.first).id
        _ = try store.retire(.credential, id: credential, by: editor.id, now: now)
        let withCredential = try store.catalogueVersion()
        #expect(withCredential != original)
        let qualification = try #require(bundled.qualifications.first).id
        _ = try store.retire(.qualification, id: qualification, by: editor.id, now: now)
        let withBoth = try store.catalogueVersion()
        #expect(withBoth != withCredential && withBoth != original)

        _ = try store.restore(.credential, id: credential, by: editor.id, now: now)
        _ = try store.restore(.qualification, id: qualification, by: editor.id, now: now)
        #expect(try store.catalogueVersion() == original)
        // Whichever store holds them, the same records and retirements give the same fingerprint.
        let retired = [Retirement(kind: .qualification, id: qualification, retiredAt: now, accountID: 1),
                       Retirement(kind: .credential, id: credential, retiredAt: now, accountID: 1)]
        #expect(catalogueFingerprint(bundled, retired: retired) == catalogueFingerprint(bundled, retired: retired.reversed()))
    }
}
