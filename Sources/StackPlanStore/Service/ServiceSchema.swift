import GRDB

/// The service's tables: accounts and their roles, advisors' learners, bearer tokens (hashed),
/// saved plans with every version kept, learners' profiles, and the audit log of writes. Frozen once released,
/// as every migration is (Schema.swift).
enum ServiceSchema {
    static let migration = "v5: service accounts, saved plans, audit"

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE account (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('learner', 'advisor', 'regulator', 'editor', 'admin')),
                passwordHash TEXT NOT NULL,
                createdAt TEXT NOT NULL
            );
            CREATE TABLE advisorAssignment (
                advisorId INTEGER NOT NULL REFERENCES account(id),
                learnerId INTEGER NOT NULL REFERENCES account(id),
                PRIMARY KEY (advisorId, learnerId)
            );
            CREATE TABLE accessToken (
                selector TEXT PRIMARY KEY,
                accountId INTEGER NOT NULL REFERENCES account(id),
                verifierHash TEXT NOT NULL,
                expiresAt TEXT NOT NULL
            );
            CREATE TABLE savedPlan (
                id INTEGER PRIMARY KEY,
                ownerId INTEGER NOT NULL REFERENCES account(id),
                createdAt TEXT NOT NULL
            );
            CREATE TABLE savedPlanVersion (
                planId INTEGER NOT NULL REFERENCES savedPlan(id),
                version INTEGER NOT NULL CHECK (version >= 1),
                name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'agreed', 'enrolled', 'completed')),
                inputs TEXT NOT NULL,
                result TEXT NOT NULL,
                catalogueVersion TEXT NOT NULL,
                createdAt TEXT NOT NULL,
                createdBy INTEGER NOT NULL REFERENCES account(id),
                PRIMARY KEY (planId, version)
            );
            CREATE INDEX savedPlanOwner ON savedPlan(ownerId);
            CREATE TABLE learnerProfile (
                id INTEGER PRIMARY KEY,
                ownerId INTEGER NOT NULL REFERENCES account(id),
                document TEXT NOT NULL,
                updatedAt TEXT NOT NULL
            );
            CREATE INDEX learnerProfileOwner ON learnerProfile(ownerId);
            CREATE TABLE catalogueEdit (
                version INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                accountId INTEGER NOT NULL REFERENCES account(id),
                summary TEXT NOT NULL
            );
            CREATE TABLE auditEntry (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                accountId INTEGER REFERENCES account(id),
                action TEXT NOT NULL,
                subject TEXT NOT NULL
            );
            """)
    }

    static let retirementAndJobsMigration = "v6: retired records, service jobs"
    static let jobInstancesMigration = "v8: job instances"

    /// Retired catalogue records (kept, readable, no longer offered) and long jobs, so that a
    /// restart finds every job it had. Plain SQL that any SQL database reads the same way.
    static func createRetirementAndJobs(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE retiredRecord (
                kind TEXT NOT NULL CHECK (kind IN ('provider', 'credential', 'qualification')),
                recordId TEXT NOT NULL,
                retiredAt TEXT NOT NULL,
                accountId INTEGER NOT NULL REFERENCES account(id),
                PRIMARY KEY (kind, recordId)
            );
            CREATE TABLE serviceJob (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                ownerId INTEGER NOT NULL REFERENCES account(id),
                status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
                stage TEXT NOT NULL,
                progress TEXT,
                summary TEXT,
                error TEXT,
                files TEXT NOT NULL,
                createdAt TEXT NOT NULL,
                updatedAt TEXT NOT NULL
            );
            CREATE INDEX serviceJobOwner ON serviceJob(ownerId);
            CREATE INDEX serviceJobStatus ON serviceJob(status, updatedAt);
            """)
    }
}
