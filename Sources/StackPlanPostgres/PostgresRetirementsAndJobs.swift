import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// Retired catalogue records and the service's long jobs, kept as the SQLite store keeps them
/// (Service/ServiceJobs.swift): the same tables, texts and answers, so that a service behaves
/// the same on either database and `stackplan migrate` copies them row for row.
extension PostgresStore {
    // MARK: retirement

    public func retire(_ kind: CatalogueRecordKind, id: String, by actor: Int64, now: Date) throws -> Int {
        try transaction { connection in
            // A catalogue edit: numbered under the catalogue's write lock, as editCatalogue is.
            try await Self.lockCatalogue(connection)
            guard try await Self.recordExists(kind, id: id, connection) else { throw RetirementError.unknownRecord(kind, id) }
            var binds = Binds()
            // The key decides between two instances retiring the same record at once.
            let inserted = try await connection.rows("""
                INSERT INTO "retiredRecord" ("kind", "recordId", "retiredAt", "accountId")
                VALUES (\(binds.add(kind.rawValue)), \(binds.add(id)), \(binds.add(Self.text(now))), \(binds.add(actor)))
                ON CONFLICT DO NOTHING RETURNING "recordId"
                """, binds)
            guard !inserted.isEmpty else { throw RetirementError.alreadyRetired(kind, id) }
            return try await Self.recordEdit(connection, summary: "retired \(kind.rawValue) \(id)", actor: actor, now: now)
        }
    }

    public func restore(_ kind: CatalogueRecordKind, id: String, by actor: Int64, now: Date) throws -> Int {
        try transaction { connection in
            try await Self.lockCatalogue(connection)
            var binds = Binds()
            // Text no key can hold (a NUL) is never retired; PostgreSQL would refuse it as a parameter.
            let deleted = StoredRecords.isExact(id) ? try await connection.rows("""
                DELETE FROM "retiredRecord" WHERE "kind" = \(binds.add(kind.rawValue)) AND "recordId" = \(binds.add(id)) RETURNING "recordId"
                """, binds) : []
            guard !deleted.isEmpty else {
                throw try await Self.recordExists(kind, id: id, connection) ? RetirementError.notRetired(kind, id) : RetirementError.unknownRecord(kind, id)
            }
            return try await Self.recordEdit(connection, summary: "restored \(kind.rawValue) \(id)", actor: actor, now: now)
        }
    }

    /// Whether the catalogue holds the record (its table is named as its kind).
    static func recordExists(_ kind: CatalogueRecordKind, id: String, _ connection: PostgresConnection) async throws -> Bool {
        guard StoredRecords.isExact(id) else { return false }
        var binds = Binds()
        return try await connection.count("SELECT count(*) FROM \(quoted(kind.rawValue)) WHERE \"id\" = \(binds.add(id))", binds) == 1
    }

    /// Numbers and audits one catalogue edit (the caller holds the catalogue's write lock);
    /// returns its number, the catalogue's new version.
    static func recordEdit(_ connection: PostgresConnection, summary: String, actor: Int64, now: Date) async throws -> Int {
        try await raiseCatalogueRevision(connection)
        let version = try await connection.count(#"SELECT max("version") FROM "catalogueEdit""#) + 1
        var binds = Binds()
        try await connection.execute("""
            INSERT INTO "catalogueEdit" ("version", "at", "accountId", "summary")
            VALUES (\(binds.add(Int64(version))), \(binds.add(text(now))), \(binds.add(actor)), \(binds.add(summary)))
            """, binds)
        try await audit(connection, actor: actor, action: "edit catalogue", subject: "catalogue edit \(version): \(summary)", now: now)
        return version
    }

    public func retirements() throws -> [Retirement] {
        try read { connection in
            try await connection.rows(#"SELECT "kind", "recordId", "retiredAt", "accountId" FROM "retiredRecord" ORDER BY "kind", "recordId""#)
                .compactMap { row in
                    let (kind, id, retiredAt, account) = try row.decode((String, String, String, Int64).self)
                    return CatalogueRecordKind(rawValue: kind).map { Retirement(kind: $0, id: id, retiredAt: Self.date(retiredAt), accountID: account) }
                }
        }
    }

    public func unofferedCredentialIDs() throws -> Set<String> {
        Set(try read { connection in
            try await connection.strings("""
                SELECT "recordId" FROM "retiredRecord" WHERE "kind" = 'credential'
                UNION
                SELECT c."id" FROM "credential" c JOIN "retiredRecord" r ON r."kind" = 'provider' AND r."recordId" = c."providerId"
                """)
        })
    }

    // MARK: jobs

    public func createJob(_ job: JobRecord) throws {
        try transaction { connection in
            var binds = Binds()
            try await connection.execute("""
                INSERT INTO "serviceJob" ("id", "kind", "ownerId", "status", "stage", "progress", "summary", "error", "files", "createdAt", "updatedAt",
                                          "instance", "cancelRequested")
                VALUES (\(binds.add(job.id)), \(binds.add(job.kind)), \(binds.add(job.ownerID)), \(binds.add(job.status.rawValue)),
                        \(binds.add(job.stage)), \(binds.add(job.progress.map(Self.jsonText))), \(binds.add(job.summary.map(Self.jsonText))),
                        \(binds.add(job.failure)), \(binds.add(job.files)), \(binds.add(Self.text(job.createdAt))), \(binds.add(Self.text(job.updatedAt))),
                        \(binds.add(job.instance)), \(binds.add(job.cancelRequested)))
                """, binds)
        }
    }

    public func updateJob(_ job: JobRecord) throws {
        try transaction { connection in
            var binds = Binds()
            try await connection.execute("""
                UPDATE "serviceJob" SET "status" = \(binds.add(job.status.rawValue)), "stage" = \(binds.add(job.stage)),
                    "progress" = \(binds.add(job.progress.map(Self.jsonText))), "summary" = \(binds.add(job.summary.map(Self.jsonText))),
                    "error" = \(binds.add(job.failure)), "updatedAt" = \(binds.add(Self.text(job.updatedAt)))
                WHERE "id" = \(binds.add(job.id)) AND "status" = 'running'
                """, binds)
        }
    }

    public func job(_ id: String) throws -> JobRecord? {
        guard StoredRecords.isExact(id) else { return nil }
        return try read { connection in
            var binds = Binds()
            return try await connection.rows("SELECT \(Self.jobColumns) FROM \"serviceJob\" WHERE \"id\" = \(binds.add(id))", binds).first.map(Self.job)
        }
    }

    public func jobs(owner: Int64) throws -> [JobRecord] {
        try read { connection in
            var binds = Binds()
            return try await connection.rows("""
                SELECT \(Self.jobColumns) FROM "serviceJob" WHERE "ownerId" = \(binds.add(owner)) ORDER BY "createdAt" DESC, "id"
                """, binds).map(Self.job)
        }
    }

    public func jobs(finishedBefore date: Date) throws -> [JobRecord] {
        try read { connection in
            var binds = Binds()
            return try await connection.rows("""
                SELECT \(Self.jobColumns) FROM "serviceJob" WHERE "status" <> 'running' AND "updatedAt" < \(binds.add(Self.text(date)))
                ORDER BY "updatedAt", "id"
                """, binds).map(Self.job)
        }
    }

    public func deleteJob(_ id: String) throws {
        guard StoredRecords.isExact(id) else { return }
        try transaction { connection in
            var binds = Binds()
            try await connection.execute(#"DELETE FROM "serviceJob" WHERE "id" = "# + binds.add(id), binds)
        }
    }

    public func keepJobsAlive(_ ids: [String], now: Date) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try transaction { connection in
            var binds = Binds()
            try await connection.execute("""
                UPDATE "serviceJob" SET "updatedAt" = \(binds.add(Self.text(now))) WHERE "status" = 'running' AND "id" = ANY(\(binds.add(ids)))
                """, binds)
            var stay = Binds()
            let kept = try await connection.strings("""
                SELECT "id" FROM "serviceJob" WHERE "status" = 'running' AND NOT "cancelRequested" AND "id" = ANY(\(stay.add(ids)))
                """, stay)
            return Set(ids).subtracting(kept)
        }
    }

    public func requestJobCancellation(_ id: String, now: Date) throws -> JobRecord? {
        guard StoredRecords.isExact(id) else { return nil }
        return try transaction { connection in
            var binds = Binds()
            return try await connection.rows("""
                UPDATE "serviceJob" SET "cancelRequested" = TRUE, "stage" = 'cancelling', "updatedAt" = \(binds.add(Self.text(now)))
                WHERE "id" = \(binds.add(id)) AND "status" = 'running' RETURNING \(Self.jobColumns)
                """, binds).first.map(Self.job)
        }
    }

    public func interruptRunningJobs(of instance: String?, silentSince: Date, now: Date) throws -> [JobRecord] {
        try transaction { connection in
            var binds = Binds()
            var condition = "\"status\" = 'running' AND (\"updatedAt\" < \(binds.add(Self.text(silentSince)))"
            if let instance { condition += " OR \"instance\" = \(binds.add(instance))" }
            condition += ")"
            // Locked, so that the rows returned are exactly the ones this update marks.
            let running = try await connection.rows(
                "SELECT \(Self.jobColumns) FROM \"serviceJob\" WHERE \(condition) ORDER BY \"id\" FOR UPDATE", binds).map(Self.job)
            var marks = Binds()
            try await connection.execute("""
                UPDATE "serviceJob" SET "status" = 'interrupted', "stage" = 'interrupted',
                    "error" = 'the service stopped while the job ran: start it again', "updatedAt" = \(marks.add(Self.text(now)))
                WHERE "id" = ANY(\(marks.add(running.map(\.id))))
                """, marks)
            return running
        }
    }

    static let jobColumns = #""id", "kind", "ownerId", "status", "stage", "progress", "summary", "error", "files", "createdAt", "updatedAt", "instance", "cancelRequested""#

    static func job(_ row: PostgresRow) throws -> JobRecord {
        let (id, kind, owner, status, stage, progress, summary, failure, files, createdAt, updatedAt, instance, cancelRequested) =
            try row.decode((String, String, Int64, String, String, String?, String?, String?, String, String, String, String, Bool).self)
        // As on SQLite: a progress or summary that no longer reads as JSON is left out, not fatal.
        func json(_ text: String?) -> JSON? { text.flatMap { try? JSON.parse(Data($0.utf8)) } }
        return JobRecord(
            id: id, kind: kind, ownerID: owner, status: JobRecord.Status(rawValue: status) ?? .failed, stage: stage,
            progress: json(progress), summary: json(summary), failure: failure, files: files,
            createdAt: date(createdAt), updatedAt: date(updatedAt), instance: instance, cancelRequested: cancelRequested)
    }
}
