import Foundation
import Hummingbird
import HummingbirdBcrypt
import StackPlanCore
import StackPlanStore

/// Sign-in, accounts and assignments, saved plans and the audit log: the routes that touch a
/// person's data, each checking who asks (docs/api.md, "Accounts and saved plans").
struct AccountRoutes {
    let service: ServiceContext
    let records: any ServiceRecordSource
    let passwordCost: UInt8

    func register(in table: RouteTable) {
        table.add(.post, "/api/v1/sessions") { request, _ in try await signIn(request) }
        table.add(.delete, "/api/v1/sessions/current") { request, context in
            let account = try context.account()
            let token = request.headers.bearer?.token ?? request.cookies[SessionCookies.session]?.value ?? ""
            let selector = String(token.split(separator: ".").first ?? "")
            let records = records
            try await service.reads.run { try records.deleteToken(selector: selector, by: account.id, now: Date()) }
            var response = Response(status: .noContent)
            if request.headers.bearer == nil { SessionCookies.clear(on: &response) }
            return response
        }
        table.add(.get, "/api/v1/me") { _, context in
            let account = try context.account()
            let learners = account.role == .advisor ? try await names(of: try await run { try $0.assignedLearners(advisor: account.id) }) : []
            var fields = Self.json(account).objectFields
            if account.role == .advisor { fields["learners"] = .array(learners.map(JSON.string)) }
            return JSONResponse.ok(.object(fields))
        }
        table.add(.post, "/api/v1/accounts") { request, context in try await createAccount(request, context) }
        table.add(.post, "/api/v1/assignments") { request, context in try await assign(request, context) }
        table.add(.get, "/api/v1/audit") { request, context in
            let account = try context.account()
            guard account.role == .admin else { throw APIProblem.forbidden("only an admin reads the audit log") }
            var query = QueryReader(request, known: ["limit"])
            let limit = query.integer("limit", in: 1...1000) ?? 100
            try query.check()
            let entries = try await run { try $0.auditEntries(limit: limit) }
            return JSONResponse.ok(.array(entries.map { entry in
                .object([
                    "id": .number(Double(entry.id)), "at": .string(timestamp(entry.at)),
                    "account": entry.accountID.map { .number(Double($0)) } ?? .null,
                    "action": .string(entry.action), "subject": .string(entry.subject),
                ])
            }))
        }
        table.add(.post, "/api/v1/catalogue") { request, context in try await editCatalogue(request, context) }
        for (kind, plural) in [(CatalogueRecordKind.provider, "providers"), (.credential, "credentials"), (.qualification, "qualifications")] {
            table.add(.post, "/api/v1/\(plural)/{id}/retirement") { _, context in try await retire(kind, context, restoring: false) }
            table.add(.delete, "/api/v1/\(plural)/{id}/retirement") { _, context in try await retire(kind, context, restoring: true) }
        }
        table.add(.get, "/api/v1/retirements") { _, _ in
            let retired = try await run { try $0.retirements() }
            return JSONResponse.ok(.array(retired.map { retirement in
                .object(["kind": .string(retirement.kind.rawValue), "id": .string(retirement.id), "retiredAt": .string(timestamp(retirement.retiredAt))])
            }))
        }
        table.add(.post, "/api/v1/saved-plans") { request, context in try await savePlan(request, context) }
        table.add(.get, "/api/v1/saved-plans") { _, context in
            let account = try context.account()
            let owners = try await visibleOwners(account)
            let plans = try await run { try $0.latestSavedPlans(owners: owners) }
            var summaries: [JSON] = []
            for plan in plans { summaries.append(try await summary(plan)) }
            return JSONResponse.ok(.array(summaries))
        }
        table.add(.get, "/api/v1/saved-plans/{id}") { _, context in
            let versions = try await visibleVersions(context)
            var fields = try await full(versions[versions.count - 1]).objectFields
            var history: [JSON] = []
            for version in versions { history.append(try await summary(version)) }
            fields["versions"] = .array(history)
            return JSONResponse.ok(.object(fields))
        }
        table.add(.get, "/api/v1/saved-plans/{id}/versions/{version}") { _, context in
            let versions = try await visibleVersions(context)
            let number = try context.parameters.require("version")
            guard let wanted = versions.first(where: { String($0.version) == number }) else {
                throw APIProblem.notFound("saved plan \(versions[0].planID) has no version \(number)")
            }
            return JSONResponse.ok(try await full(wanted))
        }
        table.add(.post, "/api/v1/saved-plans/{id}/versions") { request, context in try await addVersion(request, context) }
    }

    // MARK: sign-in

    /// A bcrypt hash no password matches, verified when the name is unknown so that the answer
    /// takes as long as for a wrong password and does not tell which names exist.
    private static let decoyHash = Bcrypt.hash(AccessTokens.randomHex(bytes: 16), cost: 4)

    func signIn(_ request: Request) async throws -> Response {
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        let name = reader.string("name", required: true), password = reader.string("password", required: true)
        // Pages ask for the session cookie; API clients take the token.
        let cookie = reader.bool("cookie") ?? false
        for key in reader.fields.keys.sorted() where !["name", "password", "cookie"].contains(key) {
            log.error("$.\(key)", "is not a member of this request (name, password, cookie)")
        }
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty, let name, let password else { throw InvalidDocument(issues: errors) }
        let records = records
        let issued = try await service.reads.run { () -> (String, StoredToken, Account)? in
            let account = try records.account(named: name)
            // bcrypt reads at most 72 bytes and stops at NUL: a longer password, or one with NUL, matches nothing.
            let usable = password.utf8.count <= 72 && !password.utf8.contains(0)
            let matches = Bcrypt.verify(usable ? password : "", hash: account?.passwordHash ?? Self.decoyHash)
            guard let account, usable, matches else { return nil }
            let now = Date()
            let (token, stored) = AccessTokens.issue(for: account, now: now)
            try records.storeToken(stored, now: now)
            return (token, stored, account)
        }
        guard let (token, stored, account) = issued else {
            throw APIProblem.unauthorized("the name or the password is wrong")
        }
        guard cookie else {
            return JSONResponse.ok(.object([
                "token": .string(token), "tokenType": .string("Bearer"), "expiresAt": .string(timestamp(stored.expiresAt)),
                "account": Self.json(account),
            ]), status: .created)
        }
        let csrf = AccessTokens.randomHex(bytes: 32)
        var response = JSONResponse.ok(.object([
            "csrfToken": .string(csrf), "expiresAt": .string(timestamp(stored.expiresAt)), "account": Self.json(account),
        ]), status: .created)
        SessionCookies.set(token: token, csrf: csrf, on: &response)
        return response
    }

    static func json(_ account: Account) -> JSON {
        .object(["id": .number(Double(account.id)), "name": .string(account.name), "role": .string(account.role.rawValue)])
    }

    // MARK: admin

    func createAccount(_ request: Request, _ context: APIContext) async throws -> Response {
        let admin = try context.account()
        guard admin.role == .admin else { throw APIProblem.forbidden("only an admin creates accounts") }
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        let name = reader.string("name", required: true)
        let role = reader.enumeration("role", AccountRole.self, required: true)
        let password = reader.string("password", required: true)
        if let name, !(name.count <= 64 && name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })) {
            log.error("$.name", "must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        if let password, !(12...72).contains(password.utf8.count) || password.utf8.contains(0) {
            log.error("$.password", "must be 12 to 72 bytes long, without NUL")
        }
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty, let name, let role, let password else { throw InvalidDocument(issues: errors) }
        let cost = passwordCost
        let account = try await run { try $0.createAccount(name: name, role: role, passwordHash: Bcrypt.hash(password, cost: cost), by: admin.id, now: Date()) }
        return JSONResponse.ok(Self.json(account), status: .created)
    }

    func assign(_ request: Request, _ context: APIContext) async throws -> Response {
        let admin = try context.account()
        guard admin.role == .admin else { throw APIProblem.forbidden("only an admin assigns learners to advisors") }
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        let advisorName = reader.string("advisor", required: true), learnerName = reader.string("learner", required: true)
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty, let advisorName, let learnerName else { throw InvalidDocument(issues: errors) }
        let (advisor, learner) = try await run { (try $0.account(named: advisorName), try $0.account(named: learnerName)) }
        guard let advisor, advisor.role == .advisor else { throw APIProblem.invalidInput(path: "$.advisor", "\"\(advisorName)\" is not an advisor's account") }
        guard let learner, learner.role == .learner else { throw APIProblem.invalidInput(path: "$.learner", "\"\(learnerName)\" is not a learner's account") }
        try await run { try $0.assign(learner: learner.id, toAdvisor: advisor.id, by: admin.id, now: Date()) }
        return JSONResponse.ok(.object(["advisor": .string(advisor.name), "learner": .string(learner.name)]), status: .created)
    }

    // MARK: catalogue editing

    /// An editor's change: a stackplan/1 document with the providers, credentials and
    /// qualifications to create or replace, validated against itself and the stored catalogue.
    func editCatalogue(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        guard account.role == .editor || account.role == .admin else { throw APIProblem.forbidden("only editors change the catalogue") }
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let document = try CatalogueDocument.read(body)
        let (summary, version) = try await run { try $0.editCatalogue(document, by: account.id, now: Date()) }
        return JSONResponse.ok(.object([
            "edit": .number(Double(version)),
            "providers": .number(Double(summary.providers)), "credentials": .number(Double(summary.credentials)),
            "qualifications": .number(Double(summary.qualifications)), "replaced": .number(Double(summary.replaced)),
            "warnings": .array(summary.warnings.map { .object(["path": .string($0.path), "message": .string($0.message)]) }),
        ]), status: .created)
    }

    /// Retires a record (or, `restoring`, offers it again): an editor's catalogue edit, which
    /// keeps the record readable and takes it out of new plans and lists.
    func retire(_ kind: CatalogueRecordKind, _ context: APIContext, restoring: Bool) async throws -> Response {
        let account = try context.account()
        guard account.role == .editor || account.role == .admin else { throw APIProblem.forbidden("only editors change the catalogue") }
        let id = try context.parameters.require("id")
        let edit = try await run { records in
            restoring ? try records.restore(kind, id: id, by: account.id, now: Date()) : try records.retire(kind, id: id, by: account.id, now: Date())
        }
        return JSONResponse.ok(.object([
            "edit": .number(Double(edit)), "kind": .string(kind.rawValue), "id": .string(id), "retired": .bool(!restoring),
        ]), status: restoring ? .ok : .created)
    }

    // MARK: saved plans

    static let statuses = ["draft", "agreed", "enrolled", "completed"]

    /// Whose saved plans an account may read and write: a learner their own, an advisor their
    /// learners'; nobody else any.
    func visibleOwners(_ account: Account) async throws -> [Int64] {
        switch account.role {
        case .learner: return [account.id]
        case .advisor: return try await run { try $0.assignedLearners(advisor: account.id) }
        case .regulator, .editor, .admin: return []
        }
    }

    /// Whose record a write is for: a learner's own; for an advisor, the assigned learner named
    /// in `owner`; nobody's for the other roles.
    func owner(for account: Account, named ownerName: String?, what: String) async throws -> Account {
        switch account.role {
        case .learner:
            if let ownerName, ownerName != account.name { throw APIProblem.forbidden("a learner saves \(what) for themselves only") }
            return account
        case .advisor:
            guard let ownerName else { throw APIProblem.invalidInput(path: "$.owner", "an advisor names the learner in \"owner\"") }
            let learners = try await visibleOwners(account)
            guard let found = try await run({ try $0.account(named: ownerName) }), learners.contains(found.id) else {
                throw APIProblem.notFound("\"\(ownerName)\" is not one of your learners")
            }
            return found
        case .regulator, .editor, .admin:
            throw APIProblem.forbidden("only learners and their advisors save \(what)")
        }
    }

    /// The versions of the plan in the path, when the account may see it; 404 otherwise, so
    /// that no one learns which plans exist.
    func visibleVersions(_ context: APIContext) async throws -> [SavedPlanVersion] {
        let account = try context.account()
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw APIProblem.notFound("there is no saved plan \(text)") }
        let versions = try await run { try $0.savedPlanVersions(id) }
        let owners = try await visibleOwners(account)
        guard let first = versions.first, owners.contains(first.ownerID) else { throw APIProblem.notFound("there is no saved plan \(id)") }
        return versions
    }

    func savePlan(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        for name in reader.fields.keys.sorted() where !["name", "status", "owner", "plan"].contains(name) {
            log.error("$.\(name)", "is not a member of this request (name, status, owner, plan)")
        }
        let name = reader.string("name", required: true)
        let status = readStatus(reader) ?? "draft"
        let ownerName = reader.string("owner")
        let inputs = reader.fields["plan"] ?? .null
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty, let name else { throw InvalidDocument(issues: errors) }
        let owner = try await owner(for: account, named: ownerName, what: "plans")
        let content = try await planned(inputs, name: name, status: status)
        let saved = try await run { try $0.createSavedPlan(owner: owner.id, content: content, by: account.id, now: Date()) }
        return JSONResponse.ok(try await full(saved), status: .created, headers: [.location: "/api/v1/saved-plans/\(saved.planID)"])
    }

    /// A new version: a new status or name, and with `"replan": true` the stored inputs planned
    /// again on today's catalogue (or with `plan`, new inputs). Earlier versions stay as they are.
    func addVersion(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        let versions = try await visibleVersions(context)
        let latest = versions[versions.count - 1]
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        for name in reader.fields.keys.sorted() where !["name", "status", "plan", "replan"].contains(name) {
            log.error("$.\(name)", "is not a member of this request (name, status, plan, replan)")
        }
        let name = reader.string("name") ?? latest.content.name
        let status = readStatus(reader) ?? latest.content.status
        let replan = reader.bool("replan") ?? false
        let newInputs = reader.fields["plan"]
        if replan && newInputs != nil { log.error("$.replan", "give new inputs in \"plan\" or re-plan the stored ones, not both") }
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty else { throw InvalidDocument(issues: errors) }
        var content = latest.content
        content.name = name
        content.status = status
        if replan || newInputs != nil {
            content = try await planned(newInputs ?? latest.content.inputs, name: name, status: status)
        }
        let planID = latest.planID, basis = latest.version
        let frozen = content
        // Made from the version read above: one saved since (by another request or instance) is a 409.
        let saved = try await run { try $0.addPlanVersion(planID: planID, expecting: basis, content: frozen, by: account.id, now: Date()) }
        var answer = try await full(saved).objectFields
        if replan || newInputs != nil { answer["changes"] = Self.changes(from: latest.content, to: content) }
        return JSONResponse.ok(.object(answer), status: .created)
    }

    /// What a re-plan changed: the catalogue, the credentials taken, the totals and the finish.
    static func changes(from old: PlanVersionContent, to new: PlanVersionContent) -> JSON {
        func credentials(_ result: JSON) -> [String] { result["credentials"]?.arrayItemsOfStrings ?? [] }
        let before = credentials(old.result), after = credentials(new.result)
        func pair(_ key: String) -> JSON {
            .object(["from": old.result["totals"]?[key] ?? .null, "to": new.result["totals"]?[key] ?? .null])
        }
        return .object([
            "catalogueChanged": .bool(old.catalogueVersion != new.catalogueVersion),
            "added": .array(after.filter { !before.contains($0) }.map(JSON.string)),
            "removed": .array(before.filter { !after.contains($0) }.map(JSON.string)),
            "cost": pair("cost"), "hours": pair("hours"),
            "completes": .object(["from": old.result["completes"] ?? .null, "to": new.result["completes"] ?? .null]),
        ])
    }

    private func readStatus(_ reader: ObjectReader) -> String? {
        guard let status = reader.string("status") else { return nil }
        guard Self.statuses.contains(status) else {
            reader.log.error("$.status", "must be one of \(Self.statuses.joined(separator: ", ")), found \"\(status)\"")
            return nil
        }
        return status
    }

    /// Plans the inputs as POST /api/v1/plans does; problems in them carry paths under `$.plan`.
    private func planned(_ inputs: JSON, name: String, status: String) async throws -> PlanVersionContent {
        guard case .object = inputs else {
            throw APIProblem.invalidInput(path: "$.plan", "must be a planning request as POST /api/v1/plans takes, found \(inputs.typeName)")
        }
        let request: PlanRequest
        do {
            let input = try PlanInput.read(inputs, limits: service.limits)
            try input.check()
            request = try input.request()
        } catch let document as InvalidDocument {
            throw InvalidDocument(issues: document.issues.map { issue in
                var moved = issue
                moved.path = "$.plan" + issue.path.dropFirst()
                return moved
            })
        }
        let records = records
        // A save is not cancelled with its connection: what was asked is either written or not.
        return try await service.solve(cancellation: nil) { source, offering in
            let result = try PlanningRoutes.plan(try offering.apply(request), in: source)
            return PlanVersionContent(name: name, status: status, inputs: inputs, result: result, catalogueVersion: try records.catalogueVersion())
        }
    }

    func names(of ids: [Int64]) async throws -> [String] {
        try await run { records in try ids.compactMap { try records.account(id: $0)?.name } }
    }

    private func summary(_ version: SavedPlanVersion) async throws -> JSON {
        let owner = try await run { try $0.account(id: version.ownerID)?.name }
        return .object([
            "id": .number(Double(version.planID)), "version": .number(Double(version.version)), "name": .string(version.content.name),
            "status": .string(version.content.status), "owner": owner.map(JSON.string) ?? .null,
            "catalogueVersion": .string(version.content.catalogueVersion), "createdAt": .string(timestamp(version.createdAt)),
        ])
    }

    private func full(_ version: SavedPlanVersion) async throws -> JSON {
        var fields = try await summary(version).objectFields
        fields["inputs"] = version.content.inputs
        fields["result"] = version.content.result
        return .object(fields)
    }

    func run<Value: Sendable>(_ work: @escaping @Sendable (any ServiceRecordSource) throws -> Value) async throws -> Value {
        let records = records
        return try await service.reads.run { try work(records) }
    }
}

/// ISO 8601 in UTC, to the second.
func timestamp(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
