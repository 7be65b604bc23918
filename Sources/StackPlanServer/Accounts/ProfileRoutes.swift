import Foundation
import Hummingbird
import StackPlanCore
import StackPlanInterchange
import StackPlanStore

/// Learner profiles kept by the service, each owned by a learner's account: the learner and
/// their advisors read and write them, nobody else sees them.
struct ProfileRoutes {
    let accounts: AccountRoutes

    func register(in table: RouteTable) {
        table.add(.post, "/api/v1/profiles") { request, context in
            let account = try context.account()
            let (profile, ownerName) = try await read(request, allowOwner: true)
            let owner = try await accounts.owner(for: account, named: ownerName, what: "profiles")
            let stored = try await accounts.run { try $0.saveProfile(profile, owner: owner.id, id: nil, by: account.id, now: Date()) }
            return JSONResponse.ok(json(stored, owner: owner.name), status: .created, headers: [.location: "/api/v1/profiles/\(stored.id)"])
        }
        table.add(.post, "/api/v1/profiles/from-wallet") { request, context in try await fromWallet(request, context) }
        table.add(.get, "/api/v1/profiles") { _, context in
            let account = try context.account()
            let owners = try await accounts.visibleOwners(account)
            let profiles = try await accounts.run { try $0.profiles(owners: owners) }
            var answers: [JSON] = []
            for profile in profiles { answers.append(json(profile, owner: try await ownerName(profile))) }
            return JSONResponse.ok(.array(answers))
        }
        table.add(.get, "/api/v1/profiles/{id}") { _, context in
            let stored = try await visible(context)
            return JSONResponse.ok(json(stored, owner: try await ownerName(stored)))
        }
        table.add(.put, "/api/v1/profiles/{id}") { request, context in
            let account = try context.account()
            let stored = try await visible(context)
            let (profile, _) = try await read(request, allowOwner: false)
            let saved = try await accounts.run { try $0.saveProfile(profile, owner: stored.ownerID, id: stored.id, by: account.id, now: Date()) }
            return JSONResponse.ok(json(saved, owner: try await ownerName(saved)))
        }
    }

    /// `stackplan learner import`: wallet credential files (Europass EDC, Open Badges 3.0, CLR 2.0;
    /// JSON or compact JWT) read into a new profile, kept for the learner. Body:
    /// `{"files": [{"name": "badge.json", "content": "..."}], "owner"?: NAME}`. All or nothing: a file
    /// that cannot be read stops the import, each problem under `$.files[N]`.
    func fromWallet(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        let body = try await RequestReading.jsonObject(request, limits: accounts.service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        for name in reader.fields.keys.sorted() where !["files", "owner"].contains(name) {
            log.error("$.\(name)", "is not a member of this request (files, owner)")
        }
        var credentials: [WalletCredential] = []
        let files = reader.array("files", required: true) ?? []
        if files.isEmpty && reader.has("files") { log.error("$.files", "name at least one wallet file") }
        for (index, value) in files.enumerated() {
            let path = "$.files[\(index)]"
            guard let file = ObjectReader(value, path: path, log: log) else { continue }
            let name = file.string("name") ?? "file \(index + 1)"
            guard let content = file.string("content", required: true) else { continue }
            do {
                credentials += try WalletReader.read(Data(content.utf8), file: name)
            } catch let invalid as InvalidDocument {
                for issue in invalid.errors { log.error(path + ".content" + issue.path.dropFirst(), issue.message, record: issue.record) }
            } catch {
                log.error(path + ".content", "cannot be read as a wallet credential")
            }
        }
        let ownerName = reader.string("owner")
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty else { throw InvalidDocument(issues: errors) }
        let owner = try await accounts.owner(for: account, named: ownerName, what: "profiles")
        let found = credentials
        let imported = try await accounts.service.read { source in
            let result = LearnerImport(credentials: found, catalogue: try source.catalogue())
            return (LearnerDocument.json(result.profile), result.report)
        }
        let stored = try await accounts.run { try $0.saveProfile(imported.0, owner: owner.id, id: nil, by: account.id, now: Date()) }
        var answer = json(stored, owner: owner.name).objectFields
        answer["report"] = .string(imported.1)
        return JSONResponse.ok(.object(answer), status: .created, headers: [.location: "/api/v1/profiles/\(stored.id)"])
    }

    /// `{"profile": {...}}` (and `owner` for an advisor), the profile checked as a profile file is.
    private func read(_ request: Request, allowOwner: Bool) async throws -> (JSON, String?) {
        let body = try await RequestReading.jsonObject(request, limits: accounts.service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        let known: Set<String> = allowOwner ? ["profile", "owner"] : ["profile"]
        for name in reader.fields.keys.sorted() where !known.contains(name) {
            log.error("$.\(name)", "is not a member of this request (\(known.sorted().joined(separator: ", ")))")
        }
        let owner = allowOwner ? reader.string("owner") : nil
        let profile = reader.fields["profile"] ?? .null
        switch profile {
        case .null: reader.missing("profile")
        case .object:
            do {
                _ = try LearnerDocument.read(profile.serialized(pretty: false))
            } catch let document as InvalidDocument {
                for issue in document.errors { log.error("$.profile" + issue.path.dropFirst(), issue.message, record: issue.record) }
            }
        default: log.error("$.profile", "must be a learner profile object, found \(profile.typeName)")
        }
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty else { throw InvalidDocument(issues: errors) }
        return (profile, owner)
    }

    /// The profile in the path when the account may see it; 404 otherwise.
    private func visible(_ context: APIContext) async throws -> StoredProfile {
        let account = try context.account()
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw APIProblem.notFound("there is no learner profile \(text)") }
        let stored = try await accounts.run { try $0.profile(id) }
        let owners = try await accounts.visibleOwners(account)
        guard let stored, owners.contains(stored.ownerID) else { throw APIProblem.notFound("there is no learner profile \(id)") }
        return stored
    }

    private func ownerName(_ profile: StoredProfile) async throws -> String? {
        try await accounts.names(of: [profile.ownerID]).first
    }

    private func json(_ profile: StoredProfile, owner: String?) -> JSON {
        .object([
            "id": .number(Double(profile.id)), "owner": owner.map(JSON.string) ?? .null,
            "updatedAt": .string(timestamp(profile.updatedAt)), "profile": profile.document,
        ])
    }
}
