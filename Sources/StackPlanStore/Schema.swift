import GRDB

/// The database's schema, as SQL migrations, and how a StackPlan database is told apart from
/// any other SQLite file.
///
/// Migrations are plain SQL on purpose: a migration runs against a database written by some
/// earlier version, so it must not depend on how today's code reads or writes records (it
/// would then change meaning whenever that code changes). Each one is frozen once released.
enum Schema {
    /// `PRAGMA application_id` of every StackPlan database: "SPLN" in ASCII. Databases made
    /// before it was set are recognised by their migrations table instead.
    static let applicationID: Int32 = 0x5350_4C4E

    /// The first migration, present in every StackPlan database whatever its age.
    static let firstMigration = "v1: catalogue"

    /// The last migration that changes what reading needs: a read-only store can read a
    /// database migrated this far, even when later migrations are pending.
    static let readableMigration = "v3: planning index"

    /// The migration that adds `referencedCredential`; without it a plan's candidates are read uncut.
    static let referencedMigration = "v7: referenced credentials"
    static let coveringCompetencyMigration = "v9: covering competency index"
    /// The migration that adds the indexes a plan's cut reads leaves through in fee or hours order.
    static let measureOrderMigration = "v10: measure order indexes"
    /// The migration that gives the credential its languages as a column, copies its kind, mode
    /// and languages beside its competencies, and puts them in the indexes of the ordered reading.
    static let orderedReadingFiltersMigration = "v11: ordered reading filters"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(firstMigration) { db in
            try db.execute(sql: """
                CREATE TABLE "setting" ("key" TEXT PRIMARY KEY NOT NULL, "value" TEXT NOT NULL);
                CREATE TABLE "exchangeRate" ("currency" TEXT PRIMARY KEY NOT NULL, "rate" DOUBLE NOT NULL CHECK ("rate" > 0));
                CREATE TABLE "provider" (
                    "id" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "country" TEXT NOT NULL,
                    "accredited" BOOLEAN NOT NULL, "document" TEXT NOT NULL);
                CREATE TABLE "credential" (
                    "id" TEXT PRIMARY KEY NOT NULL, "providerId" TEXT NOT NULL REFERENCES "provider"("id"),
                    "title" TEXT NOT NULL, "kind" TEXT NOT NULL, "ects" DOUBLE, "hours" DOUBLE, "eqf" INTEGER NOT NULL,
                    "cost" DOUBLE NOT NULL, "currency" TEXT, "mode" TEXT NOT NULL, "accredited" BOOLEAN,
                    "document" TEXT NOT NULL);
                CREATE INDEX "credential_on_providerId" ON "credential"("providerId");
                CREATE TABLE "credentialCompetency" (
                    "credentialId" TEXT NOT NULL REFERENCES "credential"("id") ON DELETE CASCADE,
                    "competency" TEXT NOT NULL, PRIMARY KEY ("credentialId", "competency"));
                CREATE INDEX "credentialCompetency_on_competency" ON "credentialCompetency"("competency");
                CREATE TABLE "credentialLanguage" (
                    "credentialId" TEXT NOT NULL REFERENCES "credential"("id") ON DELETE CASCADE,
                    "language" TEXT NOT NULL, PRIMARY KEY ("credentialId", "language"));
                CREATE INDEX "credentialLanguage_on_language" ON "credentialLanguage"("language");
                CREATE TABLE "qualification" (
                    "id" TEXT PRIMARY KEY NOT NULL, "providerId" TEXT NOT NULL REFERENCES "provider"("id"),
                    "title" TEXT NOT NULL, "eqf" INTEGER NOT NULL, "ects" DOUBLE NOT NULL, "document" TEXT NOT NULL);
                CREATE INDEX "qualification_on_providerId" ON "qualification"("providerId");
                """)
        }
        // Planning reads credentials from columns and side tables, never decoding their documents:
        // these are the fields it needs that v1 kept only in the document. They are copied out of
        // the stored JSON by SQLite itself; empty lists are NULL, as imports write them.
        migrator.registerMigration("v2: planning columns") { db in
            try db.execute(sql: """
                ALTER TABLE "credential" ADD COLUMN "weeks" INTEGER;
                ALTER TABLE "credential" ADD COLUMN "prerequisites" TEXT;
                ALTER TABLE "credential" ADD COLUMN "excludes" TEXT;
                ALTER TABLE "credential" ADD COLUMN "offerings" TEXT;
                UPDATE "credential" SET
                    "weeks" = json_extract("document", '$.weeks'),
                    "prerequisites" = CASE WHEN json_type("document", '$.prerequisites') = 'object'
                        THEN json_extract("document", '$.prerequisites') END,
                    "excludes" = CASE WHEN json_array_length("document", '$.excludes') > 0
                        THEN json_extract("document", '$.excludes') END,
                    "offerings" = CASE WHEN json_array_length("document", '$.offerings') > 0
                        THEN json_extract("document", '$.offerings') END;
                """)
        }
        // A covering index of what planning reads, led by EQF: a broad credit requirement
        // ("accredited, EQF 7+") then scans this index instead of every row with its document.
        migrator.registerMigration(readableMigration) { db in
            try db.execute(sql: """
                CREATE INDEX credentialPlanning ON credential(eqf, accredited, ects, kind, providerId, id, title, hours, cost,
                    currency, mode, weeks, prerequisites, excludes)
                """)
        }
        // Marks the file as StackPlan's, so that a later open can refuse other programs' databases
        // before writing anything to them.
        migrator.registerMigration("v4: application id") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        }
        // The service's own tables (issue 13): Service/ServiceSchema.swift.
        migrator.registerMigration(ServiceSchema.migration, migrate: ServiceSchema.create)
        migrator.registerMigration(ServiceSchema.retirementAndJobsMigration, migrate: ServiceSchema.createRetirementAndJobs)
        // Every credential some stored credential names in its prerequisites or overlaps: a plan's
        // candidate query cuts a credential only when nothing names it (CandidateCut), and finding
        // that out from the JSON columns at query time would read every prerequisite there is.
        migrator.registerMigration(referencedMigration) { db in
            try db.execute(sql: """
                CREATE TABLE "referencedCredential" ("id" TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                INSERT OR IGNORE INTO "referencedCredential" ("id")
                    SELECT j."value" FROM "credential" c, json_tree(c."prerequisites") j
                        WHERE c."prerequisites" IS NOT NULL AND j."key" = 'credential' AND j."type" = 'text'
                    UNION SELECT j."value" FROM "credential" c, json_each(c."excludes") j
                        WHERE c."excludes" IS NOT NULL AND j."type" = 'text';
                """)
        }
        // Jobs belong to the instance that runs them (several serve one PostgreSQL database): only
        // it stops them, and a job is taken as interrupted when its instance restarts or goes quiet.
        migrator.registerMigration(ServiceSchema.jobInstancesMigration) { db in
            try db.execute(sql: """
                ALTER TABLE serviceJob ADD COLUMN instance TEXT NOT NULL DEFAULT '';
                ALTER TABLE serviceJob ADD COLUMN cancelRequested INTEGER NOT NULL DEFAULT 0;
                """)
        }
        // A requirement's competency filter asks which credentials carry a competency: with the
        // credential's id in the index, the answer comes from the index alone, without a visit to
        // each side-table row (at a million credentials, 72,628 rows for one leaf's three
        // competencies; plans there 1.98 → 1.23 s and 5.4 → 3.56 s, docs/performance.md).
        migrator.registerMigration(coveringCompetencyMigration) { db in
            try db.execute(sql: """
                DROP INDEX "credentialCompetency_on_competency";
                CREATE INDEX "credentialCompetency_on_competency" ON "credentialCompetency"("competency", "credentialId");
                """)
        }
        // The cut reads a leaf one EQF level and ECTS level at a time in fee (in the base
        // currency, stored as `fee`) or hours order, and stops once each group it can hold has its sure dominators
        // (MeasureOrder, docs/formulation.md §5.3): a few hundred index entries where the whole
        // leaf was read before (268,844 rows for learner 4 at a million credentials). A leaf
        // with competencies is read through its competencies' side-table rows, which therefore
        // carry the columns that order them; each credential index also holds every column the
        // reading tests, so the rows it passes over are never visited.
        migrator.registerMigration(measureOrderMigration) { db in
            try db.execute(sql: """
                ALTER TABLE credential ADD COLUMN fee DOUBLE;
                ALTER TABLE credentialCompetency ADD COLUMN eqf INTEGER;
                ALTER TABLE credentialCompetency ADD COLUMN ects DOUBLE;
                ALTER TABLE credentialCompetency ADD COLUMN fee DOUBLE;
                ALTER TABLE credentialCompetency ADD COLUMN hours DOUBLE;
                """)
            try MeasureOrder.refreshFees(db)
            try db.execute(sql: """
                UPDATE credentialCompetency SET (eqf, ects, hours) =
                    (SELECT c.eqf, c.ects, c.hours FROM credential c WHERE c.id = credentialCompetency.credentialId);
                CREATE INDEX "credentialByFee" ON credential(eqf, ects, fee, id, currency, accredited, kind, providerId, mode, prerequisites, excludes);
                CREATE INDEX "credentialByHours" ON credential(eqf, ects, hours, id, currency, accredited, kind, providerId, mode, prerequisites, excludes);
                CREATE INDEX "competencyByFee" ON credentialCompetency(competency, eqf, ects, fee, credentialId);
                CREATE INDEX "competencyByHours" ON credentialCompetency(competency, eqf, ects, hours, credentialId);
                """)
        }
        // The ordered reading passed over many rows it then refused, each at the price of a
        // lookup: a leaf read through its competencies' side-table rows looked up every row's
        // credential to test its kind (an earlier leaf of the same competencies takes modules:
        // learner 2 at a million credentials, two rows in three) or mode, and every row was
        // looked up in the language side table (learner 1 reads English only: more than half
        // refused). The credential's languages are now a column of its own, as a list a test
        // can search (" de en "; language codes are two letters), and the side table carries
        // the kind, mode and languages; the order indexes hold them all, so these tests are made
        // on the index entry and only rows that pass them are looked up. The competency order
        // indexes lead with the competency and hold the credential's id: they answer what v9's
        // index did, which is dropped (an import then builds one index of 1.5 million entries
        // fewer at a million credentials).
        migrator.registerMigration(orderedReadingFiltersMigration) { db in
            try db.execute(sql: """
                ALTER TABLE credential ADD COLUMN languages TEXT;
                UPDATE credential SET languages =
                    (SELECT ' ' || group_concat(l.language, ' ') || ' ' FROM credentialLanguage l WHERE l.credentialId = credential.id);
                ALTER TABLE credentialCompetency ADD COLUMN kind TEXT;
                ALTER TABLE credentialCompetency ADD COLUMN mode TEXT;
                ALTER TABLE credentialCompetency ADD COLUMN languages TEXT;
                UPDATE credentialCompetency SET (kind, mode, languages) =
                    (SELECT c.kind, c.mode, c.languages FROM credential c WHERE c.id = credentialCompetency.credentialId);
                DROP INDEX "credentialByFee";
                DROP INDEX "credentialByHours";
                DROP INDEX "competencyByFee";
                DROP INDEX "competencyByHours";
                DROP INDEX "credentialCompetency_on_competency";
                CREATE INDEX "\(MeasureOrder.feeIndex)" ON credential(eqf, ects, fee, id, currency, accredited, kind, providerId, mode, prerequisites, excludes, languages);
                CREATE INDEX "\(MeasureOrder.hoursIndex)" ON credential(eqf, ects, hours, id, currency, accredited, kind, providerId, mode, prerequisites, excludes, languages);
                CREATE INDEX "\(MeasureOrder.competencyFeeIndex)" ON credentialCompetency(competency, eqf, ects, fee, credentialId, kind, mode, languages);
                CREATE INDEX "\(MeasureOrder.competencyHoursIndex)" ON credentialCompetency(competency, eqf, ects, hours, credentialId, kind, mode, languages);
                """)
        }
        return migrator
    }

    /// What an existing file holds, found without writing to it.
    enum Contents: Equatable {
        /// No tables at all: a new or empty database, which the store may set up.
        case empty
        /// A StackPlan database, with the migrations it has been through.
        case stackPlan(applied: Set<String>)
        /// Tables of some other program's.
        case foreign
    }

    static func contents(_ db: Database) throws -> Contents {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        let applied = tables.contains("grdb_migrations")
            ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
        if applicationID == Self.applicationID { return .stackPlan(applied: applied) }
        guard applicationID == 0 else { return .foreign }
        if tables.isEmpty { return .empty }
        return applied.contains(firstMigration) ? .stackPlan(applied: applied) : .foreign
    }
}
