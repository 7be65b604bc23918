import Foundation
import GRDB
import StackPlanCore

/// The kinds of catalogue record an editor may retire.
public enum CatalogueRecordKind: String, Sendable, CaseIterable {
    case provider, credential, qualification
}

/// A retired catalogue record: kept and readable (saved plans name it), no longer offered to new plans.
public struct Retirement: Sendable, Equatable {
    public var kind: CatalogueRecordKind
    public var id: String
    public var retiredAt: Date
    public var accountID: Int64

    public init(kind: CatalogueRecordKind, id: String, retiredAt: Date, accountID: Int64) {
        self.kind = kind
        self.id = id
        self.retiredAt = retiredAt
        self.accountID = accountID
    }
}

/// A long job as stored: who started it, where it stands, and where its files are.
public struct JobRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case running, done, failed, cancelled
        /// The service stopped while the job ran; its partial files are gone.
        case interrupted

        public var isFinished: Bool { self != .running }
    }

    public var id: String
    /// What the job does: "cpd-batch", "frontier", "alternatives".
    public var kind: String
    public var ownerID: Int64
    public var status: Status
    public var stage: String
    /// Done/total as the job last reported it, JSON.
    public var progress: JSON?
    /// What a finished job found, JSON.
    public var summary: JSON?
    /// Why it failed, in words the client may read.
    public var failure: String?
    /// The path prefix of the job's files (upload and results); deleted with the job.
    public var files: String
    public var createdAt: Date
    /// When the job last changed or, while it runs, when its instance last said it was alive.
    public var updatedAt: Date
    /// The service instance that runs (or ran) the job: only it holds the job's solve, so only
    /// it can stop it, and a job whose instance has gone quiet is the one taken as interrupted.
    public var instance: String
    /// Another instance was asked to stop the job; the one running it stops it at its next heartbeat.
    public var cancelRequested: Bool

    public init(id: String, kind: String, ownerID: Int64, status: Status = .running, stage: String, progress: JSON? = nil,
                summary: JSON? = nil, failure: String? = nil, files: String, createdAt: Date, updatedAt: Date,
                instance: String = "", cancelRequested: Bool = false) {
        self.id = id
        self.kind = kind
        self.ownerID = ownerID
        self.status = status
        self.stage = stage
        self.progress = progress
        self.summary = summary
        self.failure = failure
        self.files = files
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.instance = instance
        self.cancelRequested = cancelRequested
    }
}

/// Retiring a record that is not there, or not retired, or retired already.
public enum RetirementError: ClassifiedError, Equatable {
    case unknownRecord(CatalogueRecordKind, String)
    case alreadyRetired(CatalogueRecordKind, String)
    case notRetired(CatalogueRecordKind, String)

    public var kind: ErrorKind {
        switch self {
        case .unknownRecord: .notFound
        case .alreadyRetired, .notRetired: .conflict
        }
    }

    public var description: String {
        switch self {
        case .unknownRecord(let kind, let id): "the catalogue has no \(kind.rawValue) \"\(id)\""
        case .alreadyRetired(let kind, let id): "\(kind.rawValue) \"\(id)\" is retired already"
        case .notRetired(let kind, let id): "\(kind.rawValue) \"\(id)\" is not retired"
        }
    }
}

extension CatalogueStore {
    // MARK: retirement

    /// Retires a record: it stays stored and readable, and the service offers it to no new plan
    /// or list. A catalogue edit (the catalogue version goes up by one), audited, in one transaction.
    public func retire(_ kind: CatalogueRecordKind, id: String, by actor: Int64, now: Date = Date()) throws -> Int {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM \(kind.rawValue) WHERE id = ?", arguments: [id]) == 1 else {
                throw RetirementError.unknownRecord(kind, id)
            }
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM retiredRecord WHERE kind = ? AND recordId = ?", arguments: [kind.rawValue, id]) == 1 {
                throw RetirementError.alreadyRetired(kind, id)
            }
            try db.execute(sql: "INSERT INTO retiredRecord (kind, recordId, retiredAt, accountId) VALUES (?, ?, ?, ?)",
                           arguments: [kind.rawValue, id, Self.timeText(now), actor])
            return try Self.recordEdit(db, summary: "retired \(kind.rawValue) \(id)", actor: actor, now: now)
        }
    }

    /// Offers a retired record again, as a catalogue edit.
    public func restore(_ kind: CatalogueRecordKind, id: String, by actor: Int64, now: Date = Date()) throws -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM retiredRecord WHERE kind = ? AND recordId = ?", arguments: [kind.rawValue, id])
            guard db.changesCount == 1 else {
                let exists = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(kind.rawValue) WHERE id = ?", arguments: [id]) == 1
                throw exists ? RetirementError.notRetired(kind, id) : RetirementError.unknownRecord(kind, id)
            }
            return try Self.recordEdit(db, summary: "restored \(kind.rawValue) \(id)", actor: actor, now: now)
        }
    }

    /// Numbers and audits one catalogue edit; returns its number, the catalogue's new version.
    static func recordEdit(_ db: Database, summary: String, actor: Int64, now: Date) throws -> Int {
        try raiseCatalogueRevision(db)
        try db.execute(sql: "INSERT INTO catalogueEdit (at, accountId, summary) VALUES (?, ?, ?)", arguments: [timeText(now), actor, summary])
        let version = Int(db.lastInsertedRowID)
        try db.execute(sql: "INSERT INTO auditEntry (at, accountId, action, subject) VALUES (?, ?, ?, ?)",
                       arguments: [timeText(now), actor, "edit catalogue", "catalogue edit \(version): \(summary)"])
        return version
    }

    /// Every retired record, by kind and id.
    public func retirements() throws -> [Retirement] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT kind, recordId, retiredAt, accountId FROM retiredRecord ORDER BY kind, recordId").compactMap { row in
                guard let kind = CatalogueRecordKind(rawValue: row["kind"]) else { return nil }
                return Retirement(kind: kind, id: row["recordId"], retiredAt: Self.storedTime(row["retiredAt"]), accountID: row["accountId"])
            }
        }
    }

    /// The credentials no new plan may take: those retired, and those of retired providers.
    public func unofferedCredentialIDs() throws -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT recordId FROM retiredRecord WHERE kind = 'credential'
                UNION
                SELECT c.id FROM credential c JOIN retiredRecord r ON r.kind = 'provider' AND r.recordId = c.providerId
                """))
        }
    }

    // MARK: jobs

    /// Stores a new job.
    public func createJob(_ job: JobRecord) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO serviceJob (id, kind, ownerId, status, stage, progress, summary, error, files, createdAt, updatedAt, instance, cancelRequested)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.id, job.kind, job.ownerID, job.status.rawValue, job.stage, job.progress.map(Self.jsonText),
                                 job.summary.map(Self.jsonText), job.failure, job.files, Self.timeText(job.createdAt), Self.timeText(job.updatedAt),
                                 job.instance, job.cancelRequested])
        }
    }

    /// Writes a running job's state (status, stage, progress, summary, failure and time) over
    /// the stored one. A job no longer running there (taken as interrupted) keeps what it has.
    public func updateJob(_ job: JobRecord) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE serviceJob SET status = ?, stage = ?, progress = ?, summary = ?, error = ?, updatedAt = ? WHERE id = ? AND status = 'running'
                """, arguments: [job.status.rawValue, job.stage, job.progress.map(Self.jsonText), job.summary.map(Self.jsonText),
                                 job.failure, Self.timeText(job.updatedAt), job.id])
        }
    }

    public func job(_ id: String) throws -> JobRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM serviceJob WHERE id = ?", arguments: [id]).map(Self.job) }
    }

    /// The jobs an account started, newest first.
    public func jobs(owner: Int64) throws -> [JobRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM serviceJob WHERE ownerId = ? ORDER BY createdAt DESC, id", arguments: [owner]).map(Self.job)
        }
    }

    /// Jobs finished (in any way) before `date`: those due to expire.
    public func jobs(finishedBefore date: Date) throws -> [JobRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM serviceJob WHERE status <> 'running' AND updatedAt < ? ORDER BY updatedAt",
                             arguments: [Self.timeText(date)]).map(Self.job)
        }
    }

    public func deleteJob(_ id: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM serviceJob WHERE id = ?", arguments: [id]) }
    }

    /// Says the jobs `ids` (run by the caller) are alive at `now`, and returns those of them it
    /// must stop: asked to stop through another instance, no longer running (taken as
    /// interrupted), or no longer stored.
    public func keepJobsAlive(_ ids: [String], now: Date) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try write { db in
            let list = databaseQuestionMarks(count: ids.count)
            try db.execute(sql: "UPDATE serviceJob SET updatedAt = ? WHERE status = 'running' AND id IN (\(list))",
                           arguments: StatementArguments([Self.timeText(now)] + ids))
            let going = try String.fetchAll(db, sql: "SELECT id FROM serviceJob WHERE status = 'running' AND cancelRequested = 0 AND id IN (\(list))",
                                            arguments: StatementArguments(ids))
            return Set(ids).subtracting(going)
        }
    }

    /// Asks the instance running job `id` to stop it: returns the job as marked (stage
    /// "cancelling"), or nil when it no longer runs.
    public func requestJobCancellation(_ id: String, now: Date) throws -> JobRecord? {
        try write { db in
            try db.execute(sql: """
                UPDATE serviceJob SET cancelRequested = 1, stage = 'cancelling', updatedAt = ? WHERE id = ? AND status = 'running'
                """, arguments: [Self.timeText(now), id])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM serviceJob WHERE id = ?", arguments: [id]).map(Self.job)
        }
    }

    /// Marks as interrupted the running jobs whose instance has stopped: those of `instance` (a
    /// restart of it) and those not heard of since `silentSince` (their instance was killed),
    /// and returns them as they were, for their files to be removed.
    public func interruptRunningJobs(of instance: String?, silentSince: Date, now: Date) throws -> [JobRecord] {
        try write { db in
            let condition = instance == nil ? "status = 'running' AND updatedAt < ?" : "status = 'running' AND (updatedAt < ? OR instance = ?)"
            var arguments: StatementArguments = [Self.timeText(silentSince)]
            if let instance { arguments += [instance] }
            let running = try Row.fetchAll(db, sql: "SELECT * FROM serviceJob WHERE \(condition) ORDER BY id", arguments: arguments).map(Self.job)
            try db.execute(sql: """
                UPDATE serviceJob SET status = 'interrupted', stage = 'interrupted',
                    error = 'the service stopped while the job ran: start it again', updatedAt = ? WHERE \(condition)
                """, arguments: [Self.timeText(now)] + arguments)
            return running
        }
    }

    private static func jsonText(_ json: JSON) -> String { String(decoding: json.serialized(pretty: false), as: UTF8.self) }

    private static func job(_ row: Row) throws -> JobRecord {
        func json(_ column: String) -> JSON? {
            guard let text: String = row[column] else { return nil }
            return try? JSON.parse(Data(text.utf8))
        }
        return JobRecord(
            id: row["id"], kind: row["kind"], ownerID: row["ownerId"], status: JobRecord.Status(rawValue: row["status"]) ?? .failed,
            stage: row["stage"], progress: json("progress"), summary: json("summary"), failure: row["error"], files: row["files"],
            createdAt: storedTime(row["createdAt"]), updatedAt: storedTime(row["updatedAt"]),
            instance: row["instance"], cancelRequested: row["cancelRequested"])
    }
}

extension CatalogueStore {
    /// SQLite's full `PRAGMA integrity_check`: `["ok"]` for a sound file, else what it found.
    /// Slow on a large file (it reads every page); for fault tests and operators, not requests.
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}
