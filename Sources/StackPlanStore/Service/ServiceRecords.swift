import Foundation
import GRDB
import StackPlanCore

/// What a person may do in the service (issue 13).
public enum AccountRole: String, Sendable, CaseIterable, Codable {
    /// Their own profiles and plans.
    case learner
    /// The learners assigned to them.
    case advisor
    /// CPD schemes, batches and coverage.
    case regulator
    /// Catalogue changes.
    case editor
    /// Accounts and assignments.
    case admin
}

public struct Account: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: AccountRole
    /// bcrypt, never the password.
    public var passwordHash: String

    public init(id: Int64, name: String, role: AccountRole, passwordHash: String) {
        self.id = id
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
    }
}

/// A stored bearer token: the selector finds it, the verifier's hash proves it.
public struct StoredToken: Sendable, Equatable {
    public var selector: String
    public var accountID: Int64
    public var verifierHash: String
    public var expiresAt: Date

    public init(selector: String, accountID: Int64, verifierHash: String, expiresAt: Date) {
        self.selector = selector
        self.accountID = accountID
        self.verifierHash = verifierHash
        self.expiresAt = expiresAt
    }
}

/// What a saved plan's new version holds.
public struct PlanVersionContent: Sendable, Equatable {
    public var name: String
    public var status: String
    /// The request as given (profile snapshot, target, objectives, limits), JSON.
    public var inputs: JSON
    /// The plan report, JSON.
    public var result: JSON
    public var catalogueVersion: String

    public init(name: String, status: String, inputs: JSON, result: JSON, catalogueVersion: String) {
        self.name = name
        self.status = status
        self.inputs = inputs
        self.result = result
        self.catalogueVersion = catalogueVersion
    }
}

/// One stored version of a saved plan.
public struct SavedPlanVersion: Sendable, Equatable {
    public var planID: Int64
    public var ownerID: Int64
    public var version: Int
    public var content: PlanVersionContent
    public var createdAt: Date
    public var createdBy: Int64

    public init(planID: Int64, ownerID: Int64, version: Int, content: PlanVersionContent, createdAt: Date, createdBy: Int64) {
        self.planID = planID
        self.ownerID = ownerID
        self.version = version
        self.content = content
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// A learner profile kept by the service (docs/data-format.md), owned by a learner's account.
public struct StoredProfile: Sendable, Equatable {
    public var id: Int64
    public var ownerID: Int64
    public var document: JSON
    public var updatedAt: Date

    public init(id: Int64, ownerID: Int64, document: JSON, updatedAt: Date) {
        self.id = id
        self.ownerID = ownerID
        self.document = document
        self.updatedAt = updatedAt
    }
}

public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var accountID: Int64?
    public var action: String
    public var subject: String

    public init(id: Int64, at: Date, accountID: Int64?, action: String, subject: String) {
        self.id = id
        self.at = at
        self.accountID = accountID
        self.action = action
        self.subject = subject
    }
}

/// Failures of the service's own records that are the request's fault.
public enum ServiceRecordError: ClassifiedError, Equatable {
    case duplicateAccount(String)
    case unknownAccount(String)
    case unknownPlan(Int64)
    case unknownProfile(Int64)
    /// A new version was made from `expected`, but `latest` has been saved since (optimistic concurrency).
    case staleVersion(plan: Int64, expected: Int, latest: Int)

    public var kind: ErrorKind {
        switch self {
        case .duplicateAccount, .staleVersion: .conflict
        case .unknownAccount, .unknownPlan, .unknownProfile: .notFound
        }
    }

    public var description: String {
        switch self {
        case .duplicateAccount(let name): "there is already an account \"\(name)\""
        case .unknownAccount(let name): "there is no account \"\(name)\""
        case .unknownPlan(let id): "there is no saved plan \(id)"
        case .unknownProfile(let id): "there is no learner profile \(id)"
        case .staleVersion(let plan, let expected, let latest):
            "saved plan \(plan) has changed: this change was made from version \(expected), but version \(latest) has been saved since; reload it and try again"
        }
    }
}

/// Times are stored as ISO 8601 text in UTC, to the millisecond.
private func text(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

private func date(_ text: String) -> Date {
    (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? Date(timeIntervalSince1970: 0)
}

extension CatalogueStore {
    // MARK: accounts

    public func accountCount() throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT count(*) FROM account") ?? 0 }
    }

    /// Creates an account; a name taken already is a conflict. Audited as done by `actor`.
    @discardableResult
    public func createAccount(name: String, role: AccountRole, passwordHash: String, by actor: Int64? = nil, now: Date = Date()) throws -> Account {
        try write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM account WHERE name = ?", arguments: [name]) != nil {
                throw ServiceRecordError.duplicateAccount(name)
            }
            try db.execute(sql: "INSERT INTO account (name, role, passwordHash, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [name, role.rawValue, passwordHash, text(now)])
            let account = Account(id: db.lastInsertedRowID, name: name, role: role, passwordHash: passwordHash)
            try Self.audit(db, actor: actor ?? account.id, action: "create account", subject: "\(name) (\(role.rawValue))", now: now)
            return account
        }
    }

    public func account(named name: String) throws -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, role, passwordHash FROM account WHERE name = ?", arguments: [name]).flatMap(Self.account)
        }
    }

    public func account(id: Int64) throws -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, role, passwordHash FROM account WHERE id = ?", arguments: [id]).flatMap(Self.account)
        }
    }

    private static func account(_ row: Row) -> Account? {
        guard let role = AccountRole(rawValue: row["role"]) else { return nil }
        return Account(id: row["id"], name: row["name"], role: role, passwordHash: row["passwordHash"])
    }

    // MARK: advisors' learners

    /// Assigns a learner to an advisor (idempotent), audited.
    public func assign(learner: Int64, toAdvisor advisor: Int64, by actor: Int64, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO advisorAssignment (advisorId, learnerId) VALUES (?, ?)", arguments: [advisor, learner])
            try Self.audit(db, actor: actor, action: "assign learner", subject: "learner \(learner) to advisor \(advisor)", now: now)
        }
    }

    public func assignedLearners(advisor: Int64) throws -> [Int64] {
        try read { try Int64.fetchAll($0, sql: "SELECT learnerId FROM advisorAssignment WHERE advisorId = ? ORDER BY learnerId", arguments: [advisor]) }
    }

    // MARK: tokens

    public func storeToken(_ token: StoredToken, now: Date = Date()) throws {
        try write { db in
            // Expired tokens go as new ones come, so the table holds only live ones.
            try db.execute(sql: "DELETE FROM accessToken WHERE expiresAt < ?", arguments: [text(now)])
            try db.execute(sql: "INSERT INTO accessToken (selector, accountId, verifierHash, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [token.selector, token.accountID, token.verifierHash, text(token.expiresAt)])
            try Self.audit(db, actor: token.accountID, action: "sign in", subject: "token \(token.selector)", now: now)
        }
    }

    public func token(selector: String) throws -> StoredToken? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT selector, accountId, verifierHash, expiresAt FROM accessToken WHERE selector = ?", arguments: [selector])
                .map { StoredToken(selector: $0["selector"], accountID: $0["accountId"], verifierHash: $0["verifierHash"], expiresAt: date($0["expiresAt"])) }
        }
    }

    public func deleteToken(selector: String, by actor: Int64, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM accessToken WHERE selector = ?", arguments: [selector])
            try Self.audit(db, actor: actor, action: "sign out", subject: "token \(selector)", now: now)
        }
    }

    // MARK: saved plans

    /// Saves a new plan for `owner` as its version 1, audited in the same transaction.
    public func createSavedPlan(owner: Int64, content: PlanVersionContent, by actor: Int64, now: Date = Date()) throws -> SavedPlanVersion {
        try write { db in
            try db.execute(sql: "INSERT INTO savedPlan (ownerId, createdAt) VALUES (?, ?)", arguments: [owner, text(now)])
            let id = db.lastInsertedRowID
            return try Self.insertVersion(db, planID: id, owner: owner, version: 1, content: content, by: actor, now: now)
        }
    }

    /// Adds the next version of a saved plan; earlier versions are never changed. The version
    /// number is taken inside the write transaction, so concurrent writers never share one.
    /// With `expecting`, a version saved since that one is a conflict and nothing is written.
    public func addPlanVersion(planID: Int64, expecting: Int? = nil, content: PlanVersionContent, by actor: Int64, now: Date = Date()) throws -> SavedPlanVersion {
        try write { db in
            guard let owner = try Int64.fetchOne(db, sql: "SELECT ownerId FROM savedPlan WHERE id = ?", arguments: [planID]) else {
                throw ServiceRecordError.unknownPlan(planID)
            }
            let last = try Int.fetchOne(db, sql: "SELECT max(version) FROM savedPlanVersion WHERE planId = ?", arguments: [planID]) ?? 0
            if let expecting, expecting != last { throw ServiceRecordError.staleVersion(plan: planID, expected: expecting, latest: last) }
            return try Self.insertVersion(db, planID: planID, owner: owner, version: last + 1, content: content, by: actor, now: now)
        }
    }

    private static func insertVersion(_ db: Database, planID: Int64, owner: Int64, version: Int, content: PlanVersionContent, by actor: Int64, now: Date) throws -> SavedPlanVersion {
        try db.execute(sql: """
            INSERT INTO savedPlanVersion (planId, version, name, status, inputs, result, catalogueVersion, createdAt, createdBy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [planID, version, content.name, content.status, String(decoding: content.inputs.serialized(pretty: false), as: UTF8.self),
                             String(decoding: content.result.serialized(pretty: false), as: UTF8.self), content.catalogueVersion, text(now), actor])
        try audit(db, actor: actor, action: version == 1 ? "save plan" : "save plan version", subject: "plan \(planID) version \(version)", now: now)
        return SavedPlanVersion(planID: planID, ownerID: owner, version: version, content: content, createdAt: now, createdBy: actor)
    }

    /// Every version of a saved plan, oldest first; empty when there is no such plan.
    public func savedPlanVersions(_ planID: Int64) throws -> [SavedPlanVersion] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.*, p.ownerId FROM savedPlanVersion v JOIN savedPlan p ON p.id = v.planId
                WHERE v.planId = ? ORDER BY v.version
                """, arguments: [planID]).map(Self.version)
        }
    }

    /// The latest version of every plan the given owners have, newest plan first.
    public func latestSavedPlans(owners: [Int64]) throws -> [SavedPlanVersion] {
        guard !owners.isEmpty else { return [] }
        return try read { db in
            let marks = owners.map { _ in "?" }.joined(separator: ", ")
            return try Row.fetchAll(db, sql: """
                SELECT v.*, p.ownerId FROM savedPlanVersion v JOIN savedPlan p ON p.id = v.planId
                WHERE p.ownerId IN (\(marks))
                  AND v.version = (SELECT max(version) FROM savedPlanVersion WHERE planId = v.planId)
                ORDER BY v.planId DESC
                """, arguments: StatementArguments(owners)).map(Self.version)
        }
    }

    private static func version(_ row: Row) throws -> SavedPlanVersion {
        func json(_ column: String) throws -> JSON {
            let text: String = row[column]
            return try JSON.parse(Data(text.utf8))
        }
        return SavedPlanVersion(
            planID: row["planId"], ownerID: row["ownerId"], version: row["version"],
            content: PlanVersionContent(name: row["name"], status: row["status"], inputs: try json("inputs"), result: try json("result"),
                                        catalogueVersion: row["catalogueVersion"]),
            createdAt: date(row["createdAt"]), createdBy: row["createdBy"])
    }

    // MARK: learner profiles

    /// Stores a learner profile document for `owner`, audited; `id` replaces that profile
    /// (saved plans keep their own snapshot, so replacing a profile changes no saved plan).
    public func saveProfile(_ document: JSON, owner: Int64, id: Int64? = nil, by actor: Int64, now: Date = Date()) throws -> StoredProfile {
        try write { db in
            let text = String(decoding: document.serialized(pretty: false), as: UTF8.self)
            let stored: Int64
            if let id {
                try db.execute(sql: "UPDATE learnerProfile SET document = ?, updatedAt = ? WHERE id = ? AND ownerId = ?",
                               arguments: [text, Self.timeText(now), id, owner])
                guard db.changesCount == 1 else { throw ServiceRecordError.unknownProfile(id) }
                stored = id
            } else {
                try db.execute(sql: "INSERT INTO learnerProfile (ownerId, document, updatedAt) VALUES (?, ?, ?)",
                               arguments: [owner, text, Self.timeText(now)])
                stored = db.lastInsertedRowID
            }
            try Self.audit(db, actor: actor, action: id == nil ? "save profile" : "replace profile", subject: "profile \(stored) of account \(owner)", now: now)
            return StoredProfile(id: stored, ownerID: owner, document: document, updatedAt: now)
        }
    }

    public func profile(_ id: Int64) throws -> StoredProfile? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, ownerId, document, updatedAt FROM learnerProfile WHERE id = ?", arguments: [id]).map(Self.profile)
        }
    }

    public func profiles(owners: [Int64]) throws -> [StoredProfile] {
        guard !owners.isEmpty else { return [] }
        return try read { db in
            let marks = owners.map { _ in "?" }.joined(separator: ", ")
            return try Row.fetchAll(db, sql: "SELECT id, ownerId, document, updatedAt FROM learnerProfile WHERE ownerId IN (\(marks)) ORDER BY id",
                                    arguments: StatementArguments(owners)).map(Self.profile)
        }
    }

    private static func profile(_ row: Row) throws -> StoredProfile {
        let text: String = row["document"]
        return StoredProfile(id: row["id"], ownerID: row["ownerId"], document: try JSON.parse(Data(text.utf8)), updatedAt: date(row["updatedAt"]))
    }

    static func timeText(_ date: Date) -> String { text(date) }

    static func storedTime(_ text: String) -> Date { date(text) }

    // MARK: catalogue edits

    /// An editor's change to the catalogue: validated as an import is (every problem listed,
    /// nothing written then), upserted, numbered and audited, all in one transaction.
    public func editCatalogue(_ document: Catalogue, by actor: Int64, now: Date = Date()) throws -> (summary: ImportSummary, version: Int) {
        try write { db in
            let summary = try Self.importCatalogue(document, file: nil, into: db)
            try Self.noteReferences(of: document.credentials.map(\.id), db)
            let text = "\(summary.providers) providers, \(summary.credentials) credentials, \(summary.qualifications) qualifications (\(summary.replaced) replaced)"
            return (summary, try Self.recordEdit(db, summary: text, actor: actor, now: now))
        }
    }

    /// How many edits the service has made to the catalogue (imports from the command line are not counted).
    public func catalogueEditCount() throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT max(version) FROM catalogueEdit") ?? 0 }
    }

    // MARK: audit

    private static func audit(_ db: Database, actor: Int64?, action: String, subject: String, now: Date) throws {
        try db.execute(sql: "INSERT INTO auditEntry (at, accountId, action, subject) VALUES (?, ?, ?, ?)",
                       arguments: [text(now), actor, action, subject])
    }

    /// The latest audit entries, newest first.
    public func auditEntries(limit: Int = 100) throws -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, at, accountId, action, subject FROM auditEntry ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(id: $0["id"], at: date($0["at"]), accountID: $0["accountId"], action: $0["action"], subject: $0["subject"])
            }
        }
    }

    /// A fingerprint of the stored catalogue's content (FNV-1a over its stackplan/1 document and
    /// the retired records): saved plans record it, so that a re-plan can tell the catalogue has
    /// changed since, a retirement included.
    /// Computed once per catalogue revision (``CatalogueVersionMemo``).
    public func catalogueVersion() throws -> String {
        let revision = try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [CatalogueVersionMemo.revisionKey])
        } ?? "0"
        return try versionMemo.version(revision: revision) { catalogueFingerprint(try catalogue(), retired: try retirements()) }
    }
}
