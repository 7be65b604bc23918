import Foundation
import PostgresNIO
import StackPlanCore
import StackPlanStore

/// The service's own records, as the SQLite store keeps them (Service/ServiceRecords.swift):
/// times as ISO 8601 text in UTC, JSON as text, every write audited in its own transaction.
/// Row locks and unique keys keep writes from several instances apart.
extension PostgresStore: ServiceRecordSource {
    static func text(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
    static func date(_ text: String) -> Date {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? Date(timeIntervalSince1970: 0)
    }
    static func jsonText(_ json: JSON) -> String { String(decoding: json.serialized(pretty: false), as: UTF8.self) }

    static func audit(_ connection: PostgresConnection, actor: Int64?, action: String, subject: String, now: Date) async throws {
        var binds = Binds()
        try await connection.execute("""
            INSERT INTO "auditEntry" ("at", "accountId", "action", "subject")
            VALUES (\(binds.add(text(now))), \(binds.add(actor)), \(binds.add(action)), \(binds.add(subject)))
            """, binds)
    }

    // MARK: accounts

    public func accountCount() throws -> Int {
        try read { try await $0.count(#"SELECT count(*) FROM "account""#) }
    }

    public func createAccount(name: String, role: AccountRole, passwordHash: String, by actor: Int64?, now: Date) throws -> Account {
        try transaction { connection in
            var binds = Binds()
            // The unique name decides between instances creating the same account at once.
            let rows = try await connection.rows("""
                INSERT INTO "account" ("name", "role", "passwordHash", "createdAt")
                VALUES (\(binds.add(name)), \(binds.add(role.rawValue)), \(binds.add(passwordHash)), \(binds.add(Self.text(now))))
                ON CONFLICT ("name") DO NOTHING RETURNING "id"
                """, binds)
            guard let id = try rows.first?.decode(Int64.self) else { throw ServiceRecordError.duplicateAccount(name) }
            try await Self.audit(connection, actor: actor ?? id, action: "create account", subject: "\(name) (\(role.rawValue))", now: now)
            return Account(id: id, name: name, role: role, passwordHash: passwordHash)
        }
    }

    public func account(named name: String) throws -> Account? {
        try read { connection in
            var binds = Binds()
            return try await Self.account(connection.rows(#"SELECT "id", "name", "role", "passwordHash" FROM "account" WHERE "name" = "# + binds.add(name), binds))
        }
    }

    public func account(id: Int64) throws -> Account? {
        try read { connection in
            var binds = Binds()
            return try await Self.account(connection.rows(#"SELECT "id", "name", "role", "passwordHash" FROM "account" WHERE "id" = "# + binds.add(id), binds))
        }
    }

    static func account(_ rows: [PostgresRow]) throws -> Account? {
        guard let row = rows.first else { return nil }
        let (id, name, role, hash) = try row.decode((Int64, String, String, String).self)
        return AccountRole(rawValue: role).map { Account(id: id, name: name, role: $0, passwordHash: hash) }
    }

    // MARK: advisors' learners

    public func assign(learner: Int64, toAdvisor advisor: Int64, by actor: Int64, now: Date) throws {
        try transaction { connection in
            var binds = Binds()
            try await connection.execute(#"INSERT INTO "advisorAssignment" ("advisorId", "learnerId") VALUES ("#
                + binds.add(advisor) + ", " + binds.add(learner) + ") ON CONFLICT DO NOTHING", binds)
            try await Self.audit(connection, actor: actor, action: "assign learner", subject: "learner \(learner) to advisor \(advisor)", now: now)
        }
    }

    public func assignedLearners(advisor: Int64) throws -> [Int64] {
        try read { connection in
            var binds = Binds()
            return try await connection.rows(#"SELECT "learnerId" FROM "advisorAssignment" WHERE "advisorId" = "# + binds.add(advisor)
                                             + #" ORDER BY "learnerId""#, binds).map { try $0.decode(Int64.self) }
        }
    }

    // MARK: tokens

    public func storeToken(_ token: StoredToken, now: Date) throws {
        try transaction { connection in
            var expired = Binds()
            // Expired tokens go as new ones come, so the table holds only live ones.
            try await connection.execute(#"DELETE FROM "accessToken" WHERE "expiresAt" < "# + expired.add(Self.text(now)), expired)
            var binds = Binds()
            try await connection.execute("""
                INSERT INTO "accessToken" ("selector", "accountId", "verifierHash", "expiresAt")
                VALUES (\(binds.add(token.selector)), \(binds.add(token.accountID)), \(binds.add(token.verifierHash)), \(binds.add(Self.text(token.expiresAt))))
                """, binds)
            try await Self.audit(connection, actor: token.accountID, action: "sign in", subject: "token \(token.selector)", now: now)
        }
    }

    public func token(selector: String) throws -> StoredToken? {
        try read { connection in
            var binds = Binds()
            guard let row = try await connection.rows(#"SELECT "selector", "accountId", "verifierHash", "expiresAt" FROM "accessToken" WHERE "selector" = "#
                                                      + binds.add(selector), binds).first else { return nil }
            let (selector, account, hash, expires) = try row.decode((String, Int64, String, String).self)
            return StoredToken(selector: selector, accountID: account, verifierHash: hash, expiresAt: Self.date(expires))
        }
    }

    public func deleteToken(selector: String, by actor: Int64, now: Date) throws {
        try transaction { connection in
            var binds = Binds()
            try await connection.execute(#"DELETE FROM "accessToken" WHERE "selector" = "# + binds.add(selector), binds)
            try await Self.audit(connection, actor: actor, action: "sign out", subject: "token \(selector)", now: now)
        }
    }

    // MARK: saved plans

    public func createSavedPlan(owner: Int64, content: PlanVersionContent, by actor: Int64, now: Date) throws -> SavedPlanVersion {
        try transaction { connection in
            var binds = Binds()
            let id = try await connection.rows(#"INSERT INTO "savedPlan" ("ownerId", "createdAt") VALUES ("# + binds.add(owner) + ", "
                                               + binds.add(Self.text(now)) + #") RETURNING "id""#, binds)[0].decode(Int64.self)
            return try await Self.insertVersion(connection, planID: id, owner: owner, version: 1, content: content, by: actor, now: now)
        }
    }

    public func addPlanVersion(planID: Int64, expecting: Int?, content: PlanVersionContent, by actor: Int64, now: Date) throws -> SavedPlanVersion {
        try transaction { connection in
            var binds = Binds()
            // The plan's row lock orders concurrent writers of one plan, across instances: each
            // reads the latest version only once the one before it has committed.
            guard let row = try await connection.rows(#"SELECT "ownerId" FROM "savedPlan" WHERE "id" = "# + binds.add(planID) + " FOR UPDATE", binds).first else {
                throw ServiceRecordError.unknownPlan(planID)
            }
            let owner = try row.decode(Int64.self)
            var latest = Binds()
            let last = try await connection.count(#"SELECT max("version") FROM "savedPlanVersion" WHERE "planId" = "# + latest.add(planID), latest)
            if let expecting, expecting != last { throw ServiceRecordError.staleVersion(plan: planID, expected: expecting, latest: last) }
            return try await Self.insertVersion(connection, planID: planID, owner: owner, version: last + 1, content: content, by: actor, now: now)
        }
    }

    static func insertVersion(_ connection: PostgresConnection, planID: Int64, owner: Int64, version: Int, content: PlanVersionContent,
                              by actor: Int64, now: Date) async throws -> SavedPlanVersion {
        var binds = Binds()
        try await connection.execute("""
            INSERT INTO "savedPlanVersion" ("planId", "version", "name", "status", "inputs", "result", "catalogueVersion", "createdAt", "createdBy")
            VALUES (\(binds.add(planID)), \(binds.add(version)), \(binds.add(content.name)), \(binds.add(content.status)),
                    \(binds.add(jsonText(content.inputs))), \(binds.add(jsonText(content.result))), \(binds.add(content.catalogueVersion)),
                    \(binds.add(text(now))), \(binds.add(actor)))
            """, binds)
        try await audit(connection, actor: actor, action: version == 1 ? "save plan" : "save plan version", subject: "plan \(planID) version \(version)", now: now)
        return SavedPlanVersion(planID: planID, ownerID: owner, version: version, content: content, createdAt: now, createdBy: actor)
    }

    static let versionColumns = #"v."planId", p."ownerId", v."version", v."name", v."status", v."inputs", v."result", v."catalogueVersion", v."createdAt", v."createdBy""#

    static func version(_ row: PostgresRow) throws -> SavedPlanVersion {
        let (plan, owner, version, name, status, inputs, result, catalogueVersion, createdAt, createdBy) =
            try row.decode((Int64, Int64, Int, String, String, String, String, String, String, Int64).self)
        return SavedPlanVersion(
            planID: plan, ownerID: owner, version: version,
            content: PlanVersionContent(name: name, status: status, inputs: try JSON.parse(Data(inputs.utf8)),
                                        result: try JSON.parse(Data(result.utf8)), catalogueVersion: catalogueVersion),
            createdAt: date(createdAt), createdBy: createdBy)
    }

    public func savedPlanVersions(_ planID: Int64) throws -> [SavedPlanVersion] {
        try read { connection in
            var binds = Binds()
            return try await connection.rows("""
                SELECT \(Self.versionColumns) FROM "savedPlanVersion" v JOIN "savedPlan" p ON p."id" = v."planId"
                WHERE v."planId" = \(binds.add(planID)) ORDER BY v."version"
                """, binds).map(Self.version)
        }
    }

    public func latestSavedPlans(owners: [Int64]) throws -> [SavedPlanVersion] {
        guard !owners.isEmpty else { return [] }
        return try read { connection in
            var binds = Binds()
            return try await connection.rows("""
                SELECT \(Self.versionColumns) FROM "savedPlanVersion" v JOIN "savedPlan" p ON p."id" = v."planId"
                WHERE p."ownerId" = ANY(\(binds.add(owners)))
                  AND v."version" = (SELECT max("version") FROM "savedPlanVersion" WHERE "planId" = v."planId")
                ORDER BY v."planId" DESC
                """, binds).map(Self.version)
        }
    }

    // MARK: learner profiles

    public func saveProfile(_ document: JSON, owner: Int64, id: Int64?, by actor: Int64, now: Date) throws -> StoredProfile {
        try transaction { connection in
            var binds = Binds()
            let stored: Int64
            if let id {
                let rows = try await connection.rows("""
                    UPDATE "learnerProfile" SET "document" = \(binds.add(Self.jsonText(document))), "updatedAt" = \(binds.add(Self.text(now)))
                    WHERE "id" = \(binds.add(id)) AND "ownerId" = \(binds.add(owner)) RETURNING "id"
                    """, binds)
                guard !rows.isEmpty else { throw ServiceRecordError.unknownProfile(id) }
                stored = id
            } else {
                stored = try await connection.rows("""
                    INSERT INTO "learnerProfile" ("ownerId", "document", "updatedAt")
                    VALUES (\(binds.add(owner)), \(binds.add(Self.jsonText(document))), \(binds.add(Self.text(now)))) RETURNING "id"
                    """, binds)[0].decode(Int64.self)
            }
            try await Self.audit(connection, actor: actor, action: id == nil ? "save profile" : "replace profile", subject: "profile \(stored) of account \(owner)", now: now)
            return StoredProfile(id: stored, ownerID: owner, document: document, updatedAt: now)
        }
    }

    static func profile(_ row: PostgresRow) throws -> StoredProfile {
        let (id, owner, document, updated) = try row.decode((Int64, Int64, String, String).self)
        return StoredProfile(id: id, ownerID: owner, document: try JSON.parse(Data(document.utf8)), updatedAt: date(updated))
    }

    public func profile(_ id: Int64) throws -> StoredProfile? {
        try read { connection in
            var binds = Binds()
            return try await connection.rows(#"SELECT "id", "ownerId", "document", "updatedAt" FROM "learnerProfile" WHERE "id" = "# + binds.add(id), binds)
                .first.map(Self.profile)
        }
    }

    public func profiles(owners: [Int64]) throws -> [StoredProfile] {
        guard !owners.isEmpty else { return [] }
        return try read { connection in
            var binds = Binds()
            return try await connection.rows(#"SELECT "id", "ownerId", "document", "updatedAt" FROM "learnerProfile" WHERE "ownerId" = ANY("#
                                             + binds.add(owners) + #") ORDER BY "id""#, binds).map(Self.profile)
        }
    }

    // MARK: catalogue edits

    public func editCatalogue(_ document: Catalogue, by actor: Int64, now: Date) throws -> (summary: CatalogueStore.ImportSummary, version: Int) {
        let document = UncheckedDocument(catalogue: document, file: nil)
        let (summary, version) = try transaction { connection -> (CatalogueStore.ImportSummary, Int) in
            // Numbered under the catalogue's write lock, so two instances never take the same number.
            try await Self.lockCatalogue(connection)
            let summary = try await Self.importCatalogue(document.catalogue, file: nil, into: connection)
            try await Self.noteReferences(of: document.catalogue.credentials.map(\.id), connection)
            let text = "\(summary.providers) providers, \(summary.credentials) credentials, \(summary.qualifications) qualifications (\(summary.replaced) replaced)"
            let version = try await Self.recordEdit(connection, summary: text, actor: actor, now: now)
            return (summary, version)
        }
        return (summary, version)
    }

    public func catalogueEditCount() throws -> Int {
        try read { try await $0.count(#"SELECT max("version") FROM "catalogueEdit""#) }
    }

    // MARK: audit

    public func auditEntries(limit: Int) throws -> [AuditEntry] {
        try read { connection in
            var binds = Binds()
            return try await connection.rows(#"SELECT "id", "at", "accountId", "action", "subject" FROM "auditEntry" ORDER BY "id" DESC LIMIT "#
                                             + binds.add(max(0, limit)), binds).map { row in
                let (id, at, account, action, subject) = try row.decode((Int64, String, Int64?, String, String).self)
                return AuditEntry(id: id, at: Self.date(at), accountID: account, action: action, subject: subject)
            }
        }
    }

    /// Computed once per catalogue revision (``CatalogueVersionMemo``), as on SQLite.
    public func catalogueVersion() throws -> String {
        let revision = try read { connection in
            var binds = Binds()
            return try await connection.strings(#"SELECT "value" FROM "setting" WHERE "key" = "# + binds.add(CatalogueVersionMemo.revisionKey), binds).first
        } ?? "0"
        return try versionMemo.version(revision: revision) { catalogueFingerprint(try catalogue(), retired: try retirements()) }
    }
}
