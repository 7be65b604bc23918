import Foundation
import GRDB
import Testing
@testable import StackPlanCore
@testable import StackPlanGenerator
@testable import StackPlanStore

/// The SQLite store reads a leaf whose signatures are known in measure order and stops where the
/// cut begins (MeasureOrder, docs/formulation.md §5.3). What it keeps must be what reading the
/// whole leaf keeps: the same candidates, for every generated learner and both measures.
@Suite struct MeasureOrderTests {
    static func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-order-\(UUID()).sqlite").path
    }

    /// Two stores of one catalogue, the second without the measure-order indexes (as a database
    /// before migration v10), so that it reads every leaf whole.
    static func stores(_ catalogue: Catalogue) throws -> (ordered: CatalogueStore, whole: CatalogueStore, paths: [String]) {
        let paths = [scratch(), scratch()]
        for path in paths { try CatalogueStore(path: path).importCatalogue(catalogue) }
        let queue = try DatabaseQueue(path: paths[1])
        try queue.write { db in
            try db.execute(sql: "DROP INDEX \(MeasureOrder.feeIndex); DROP INDEX \(MeasureOrder.hoursIndex)")
        }
        try queue.close()
        return (try CatalogueStore(path: paths[0]), try CatalogueStore(path: paths[1]), paths)
    }

    @Test func orderedReadingKeepsWhatReadingTheWholeLeafKeeps() throws {
        let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 4000, qualifications: 32), seed: 23)
        let (ordered, whole, paths) = try Self.stores(generated.catalogue)
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        var examinedInOrder = 0, examinedWhole = 0, compared = 0
        for learner in generated.learners {
            let goal = try #require(SubCatalogueTests.goal(of: learner))
            for objectives in [[Objective.cost], [.workload], [.cost, .ects]] {
                for accreditedOnly in [false, true] {
                    var request = PlanRequest(target: goal, learner: learner, objectives: objectives)
                    if accreditedOnly { request.constraints.accreditedOnly = true }
                    let a = try ordered.candidateCatalogue(for: request), b = try whole.candidateCatalogue(for: request)
                    #expect(a.catalogue.credentials.map(\.id) == b.catalogue.credentials.map(\.id), "\(goal) \(objectives)")
                    #expect(a.catalogue == b.catalogue)
                    examinedInOrder += a.examined
                    examinedWhole += b.examined
                    compared += 1
                }
            }
        }
        // Reading in order must have stopped early somewhere, or this test would show nothing.
        #expect(examinedInOrder < examinedWhole, "\(examinedInOrder) rows read in order, \(examinedWhole) whole, \(compared) requests")
    }

    /// The ordered reading finds a learner's languages in the index entry's list, the whole
    /// reading in the side table: both as `Eligibility` compares them, exactly. A value that is
    /// not a language code ("EN", "english") matches no credential either way.
    @Test(arguments: [["en"], ["de", "fr"], ["EN"], ["english"], ["en", "EN"], [String]()])
    func aLearnersLanguagesMatchAsEligibilityComparesThem(languages: [String]) throws {
        let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 2000, qualifications: 16), seed: 29)
        let (ordered, whole, paths) = try Self.stores(generated.catalogue)
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        var kept = 0
        for learner in generated.learners {
            let goal = try #require(SubCatalogueTests.goal(of: learner))
            var request = PlanRequest(target: goal, learner: learner, objectives: [.cost])
            request.constraints.languages = languages
            let a = try ordered.candidateCatalogue(for: request), b = try whole.candidateCatalogue(for: request)
            #expect(a.catalogue == b.catalogue, "\(goal) \(languages)")
            kept += a.catalogue.credentials.count
        }
        // Learners of English have electives to choose from; the others at least their named modules.
        if languages.contains("en") { #expect(kept > 100, "\(kept)") }
    }

    /// A signature the filters allow but no credential has: the reading never sees it reach its
    /// dominators, so it reads the leaf to its end, and still keeps what the whole reading keeps.
    @Test func aSignatureNoCredentialHasReadsTheLeafToItsEnd() throws {
        // Every elective is accredited: the cap on non-accredited credit never applies, though the
        // filters allow it.
        let electives = (0..<30).map { index in
            Credential(id: "elective-\(index)", title: "Elective \(index)", provider: "uni", kind: .module, ects: 5, eqf: 7,
                       cost: 100 + Double(index), competencies: ["wound-care"])
        }
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.allOf([
                RequirementNode(.credits(20, CredentialFilter(competencies: ["wound-care"]))),
                RequirementNode(.maxCredits(5, CredentialFilter(accredited: false))),
            ])))
        let catalogue = Catalogue(
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: electives, qualifications: [qualification])
        let (ordered, whole, paths) = try Self.stores(catalogue)
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        let request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: [.cost])
        let a = try ordered.candidateCatalogue(for: request), b = try whole.candidateCatalogue(for: request)
        #expect(a.examined == electives.count)
        #expect(a.catalogue == b.catalogue)
        // D = ⌈20/5⌉ + ⌈30/5⌉ = 10 sure dominators: the ten cheapest are kept.
        #expect(a.catalogue.credentials.map(\.id) == electives.prefix(10).map(\.id).sorted())
    }

    /// Fees are ordered in the base currency as stored: when an import changes a rate, every
    /// stored fee is reckoned again, or the order would no longer be the fees' order. Here the
    /// pound falls from 1.5 to 0.5 euros, so the cheapest electives become the ones in pounds.
    @Test func aNewRateReordersTheStoredFees() throws {
        let euros = (0..<12).map { index in
            Credential(id: "eur-\(index)", title: "Elective \(index)", provider: "uni", kind: .module, ects: 10, eqf: 7,
                       cost: 300 + Double(index), competencies: ["wound-care"])
        }
        let pounds = (0..<12).map { index in
            Credential(id: "gbp-\(index)", title: "Elective \(index) (UK)", provider: "uni", kind: .module, ects: 10, eqf: 7,
                       cost: 400 + Double(index), currency: "GBP", competencies: ["wound-care"])
        }
        let qualification = Qualification(
            id: "pgcert", title: "Certificate", provider: "uni", eqf: 7, ects: 30,
            requires: RequirementNode(.credits(30, CredentialFilter(competencies: ["wound-care"]))))
        let catalogue = Catalogue(
            baseCurrency: "EUR", exchangeRates: ["GBP": 1.5],
            providers: [Provider(id: "uni", name: "University", country: "IE", accredited: true)],
            credentials: euros + pounds, qualifications: [qualification])
        let (ordered, whole, paths) = try Self.stores(catalogue)
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        let request = PlanRequest(target: "pgcert", learner: LearnerProfile(), objectives: [.cost])
        #expect(try ordered.candidateCatalogue(for: request).catalogue.credentials.allSatisfy { $0.id.hasPrefix("eur") })

        let cheaperPound = Catalogue(baseCurrency: "EUR", exchangeRates: ["GBP": 0.5], providers: [], credentials: [], qualifications: [])
        for store in [ordered, whole] { try store.importCatalogue(cheaperPound) }
        let a = try ordered.candidateCatalogue(for: request), b = try whole.candidateCatalogue(for: request)
        #expect(a.catalogue == b.catalogue)
        // Read in order (stale fees would have been out of order, and the leaf read whole).
        #expect(a.examined < euros.count + pounds.count, "\(a.examined) read")
        #expect(a.catalogue.credentials.allSatisfy { $0.id.hasPrefix("gbp") }, "\(a.catalogue.credentials.map(\.id))")
        let queue = try DatabaseQueue(path: paths[0])
        defer { try? queue.close() }
        let fees = try queue.read { db in
            (try Double.fetchOne(db, sql: "SELECT fee FROM credential WHERE id = 'gbp-0'"),
             try Double.fetchAll(db, sql: "SELECT fee FROM credentialCompetency WHERE credentialId = 'gbp-0'"))
        }
        #expect(fees.0 == 200 && fees.1 == [200])
        let plan = try #require(try Planner(catalogue: a.catalogue).plan(request).plan)
        #expect(plan.taken == ["gbp-0", "gbp-1", "gbp-2"])
    }

    /// What makes reading in order cheap: every range is read from a covering index, a leaf's
    /// competency rows joined to the credential's entry in its measure index by that index's
    /// whole key, so that no row of the credential table (with its document) is visited. SQLite
    /// chooses the plan; this holds it to the intended one for every generated learner.
    @Test func orderedRangesReadCoveringIndexesOnly() throws {
        let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 4000, qualifications: 32), seed: 23)
        let path = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try CatalogueStore(path: path)
        try store.importCatalogue(generated.catalogue)
        var joined = 0, plain = 0
        for learner in generated.learners {
            let goal = try #require(SubCatalogueTests.goal(of: learner))
            for objectives in [[Objective.cost], [.workload]] {
                let cut = try #require(CandidateCut(request: PlanRequest(target: goal, learner: learner, objectives: objectives),
                                                    catalogue: generated.catalogue))
                let plans: [(sql: String, plan: [String])] = try store.read { db in
                    var statements: [String] = []
                    db.trace(options: .statement) { event in
                        if case .statement(let statement) = event, statement.sql.hasPrefix("SELECT c.id"), statement.sql.contains("INDEXED BY") {
                            statements.append(statement.sql)
                        }
                    }
                    defer { db.trace(options: [], nil) }
                    _ = try CatalogueStore.cutCandidateIDs(cut, db)
                    db.trace(options: [], nil)
                    return try Set(statements).sorted().map { sql in
                        let count = sql.filter { $0 == "?" }.count
                        let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql,
                                                    arguments: StatementArguments(Array(repeating: DatabaseValue.null, count: count)))
                        return (sql, rows.map { $0["detail"] as String? ?? "" })
                    }
                }
                for (sql, plan) in plans {
                    let index = objectives == [.cost] ? "fee" : "hours"
                    #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)\n\(sql)")
                    // The learner's languages are read from the index entry, not looked up in their side table.
                    #expect(!plan.contains { $0.contains("credentialLanguage") }, "\(plan)\n\(sql)")
                    // Each range is one EQF and one ECTS level of its index, read in its order:
                    // a range over either, or a sort, would read and sort far more than the cut needs.
                    #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)\n\(sql)")
                    if sql.contains("FROM credentialCompetency k INDEXED BY") {
                        joined += 1
                        #expect(plan.contains { $0.hasPrefix("SEARCH k USING COVERING INDEX competencyOrderBy") && $0.contains("(competency=? AND eqf=? AND ects=?") },
                                "\(plan)\n\(sql)")
                        #expect(plan.contains { $0.contains("SEARCH c USING COVERING INDEX credentialOrderBy") && $0.contains("(eqf=? AND ects=? AND \(index)=? AND id=?)") },
                                "\(plan)\n\(sql)")
                        // The learner's modes are tested on the side-table row, before its credential is looked up.
                        if cut.constraints.modes != nil { #expect(sql.contains("k.mode IN") && !sql.contains("c.mode IN"), "\(sql)") }
                        if cut.constraints.languages != nil { #expect(sql.contains("instr(k.languages"), "\(sql)") }
                    } else {
                        plain += 1
                        if cut.constraints.languages != nil { #expect(sql.contains("instr(c.languages"), "\(sql)") }
                        #expect(plan.contains { $0.hasPrefix("SEARCH c USING COVERING INDEX credentialOrderBy") && $0.contains("(eqf=? AND ects=?") },
                                "\(plan)\n\(sql)")
                    }
                }
            }
        }
        // Both kinds of range must have been seen, or this test would show nothing.
        #expect(joined > 0 && plain > 0, "\(joined) competency ranges, \(plain) credential ranges")
    }

    /// A database made before migration v11 (without the credential's languages as a column,
    /// nor the kind, mode and languages beside its competencies, that the ordered reading tests)
    /// gets them from its credentials when it is next opened to write, and then gives every
    /// learner the candidates a fresh import gives.
    @Test func aDatabaseMadeBeforeTheOrderedReadingFiltersReadsAsAFreshImport() throws {
        let generated = CatalogueGenerator.generate(CatalogueGenerator.Sizes(credentials: 1500, qualifications: 16), seed: 5)
        let fresh = Self.scratch(), older = Self.scratch()
        defer { for path in [fresh, older] { try? FileManager.default.removeItem(atPath: path) } }
        try CatalogueStore(path: fresh).importCatalogue(generated.catalogue)
        let queue = try DatabaseQueue(path: older)
        try Schema.migrator.migrate(queue, upTo: Schema.measureOrderMigration)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS fresh", arguments: [fresh])
            try db.inTransaction {
                try db.execute(sql: """
                    DELETE FROM setting;
                    INSERT INTO setting SELECT * FROM fresh.setting;
                    INSERT INTO exchangeRate SELECT * FROM fresh.exchangeRate;
                    INSERT INTO provider SELECT * FROM fresh.provider;
                    INSERT INTO credential (id, providerId, title, kind, ects, hours, eqf, cost, currency, mode, accredited, document,
                            weeks, prerequisites, excludes, offerings, fee)
                        SELECT id, providerId, title, kind, ects, hours, eqf, cost, currency, mode, accredited, document,
                            weeks, prerequisites, excludes, offerings, fee FROM fresh.credential;
                    INSERT INTO credentialCompetency (credentialId, competency, eqf, ects, fee, hours)
                        SELECT credentialId, competency, eqf, ects, fee, hours FROM fresh.credentialCompetency;
                    INSERT INTO credentialLanguage SELECT * FROM fresh.credentialLanguage;
                    INSERT INTO referencedCredential SELECT * FROM fresh.referencedCredential;
                    INSERT INTO qualification SELECT * FROM fresh.qualification;
                    """)
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE fresh")
        }
        try queue.close()

        let migrated = try CatalogueStore(path: older), imported = try CatalogueStore(path: fresh)
        let mismatched = try migrated.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM credentialCompetency k JOIN credential c ON c.id = k.credentialId
                    WHERE k.kind IS NOT c.kind OR k.mode IS NOT c.mode OR k.languages IS NOT c.languages
                """)
        }
        #expect(mismatched == 0)
        // Each credential's languages, as the column holds them, are those of its side table.
        let stored = try migrated.read { db in try Row.fetchAll(db, sql: "SELECT id, languages FROM credential ORDER BY id") }
        let languages = Dictionary(uniqueKeysWithValues: generated.catalogue.credentials.map { ($0.id, Set($0.languages)) })
        #expect(stored.count == generated.catalogue.credentials.count)
        for row in stored {
            let id: String = row["id"], list: String? = row["languages"]
            let words = Set((list ?? "").split(separator: " ").map(String.init))
            #expect(list?.hasPrefix(" ") == true && list?.hasSuffix(" ") == true && words == languages[id], "\(id): \(list ?? "NULL")")
        }
        var read = 0
        for learner in generated.learners {
            let goal = try #require(SubCatalogueTests.goal(of: learner))
            for objectives in [[Objective.cost], [.workload]] {
                let request = PlanRequest(target: goal, learner: learner, objectives: objectives)
                let a = try migrated.candidateCatalogue(for: request), b = try imported.candidateCatalogue(for: request)
                #expect(a.catalogue == b.catalogue, "\(goal) \(objectives)")
                #expect(a.examined == b.examined)
                read += a.examined
            }
        }
        #expect(read > 0)
    }
}
