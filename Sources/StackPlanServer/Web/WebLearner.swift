import Foundation
import Hummingbird
import StackPlanCore
import StackPlanInterchange
import StackPlanRendering
import StackPlanStore

/// The learner's pages: the profile form (and a wallet upload), "plan my route" with its result
/// or diagnosis, and the planning tools an advisor also uses (frontier, alternatives, what-if,
/// exports, print view).
extension WebPages {
    static let learnersAndAdvisors: Access = .roles([.learner, .advisor])

    func registerLearner(on router: Router<APIContext>) {
        on(router, .get, "/learner/profile", Self.learnersAndAdvisors) { _, visit, _ in
            let account = try visit.require()
            let (owner, stored) = try await profileFor(account, learnerName: visit.query["learner"], profileID: visit.query["profile"])
            let document = stored?.document ?? .object([:])
            return try await profilePage(visit: visit, owner: owner, stored: stored, fields: Self.profileFields(document),
                                         errors: FieldErrors(), notice: visit.query["saved"] != nil ? "Profile saved." : nil)
        }
        on(router, .post, "/learner/profile", Self.learnersAndAdvisors) { _, visit, _ in try await saveProfile(visit) }
        on(router, .post, "/learner/profile/wallet", Self.learnersAndAdvisors) { _, visit, _ in try await walletUpload(visit) }
        on(router, .get, "/plan", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in try await planPage(visit, context: context) }
        on(router, .get, "/plan/export", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in try await exportPlan(visit, context: context) }
        on(router, .get, "/plan/frontier", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in try await frontierPage(visit, context: context) }
        on(router, .get, "/plan/alternatives", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in try await alternativesPage(visit, context: context) }
        on(router, .get, "/plan/whatif", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in try await whatIfPage(visit, context: context) }
        on(router, .post, "/plan/save", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in try await savePlan(visit, context: context) }
    }

    // MARK: profiles

    /// Whose profile a page is about, and that profile: a learner's own (their latest, or the one
    /// asked for); an advisor's assigned learner's, named by `learner`. Anyone else's is not found.
    func profileFor(_ account: Account, learnerName: String?, profileID: String?) async throws -> (Account, StoredProfile?) {
        let owners = try await accounts.visibleOwners(account)
        if let profileID {
            guard let id = Int64(profileID), id > 0,
                  let stored = try await accounts.run({ try $0.profile(id) }), owners.contains(stored.ownerID),
                  let owner = try await accounts.run({ try $0.account(id: stored.ownerID) }) else {
                throw WebError.notFound("There is no learner profile \(profileID) you may open.")
            }
            return (owner, stored)
        }
        let owner: Account
        switch account.role {
        case .learner:
            owner = account
        default:
            guard let learnerName else { throw WebError.badRequest("Choose one of your learners first (My learners).") }
            guard let found = try await accounts.run({ try $0.account(named: learnerName) }), owners.contains(found.id) else {
                throw WebError.notFound("\"\(learnerName)\" is not one of your learners.")
            }
            owner = found
        }
        let ownerID = owner.id
        let profiles = try await accounts.run { try $0.profiles(owners: [ownerID]) }
        return (owner, profiles.max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) })
    }

    /// The form's values from a stored profile document.
    static func profileFields(_ document: JSON) -> WebFields {
        var fields = WebFields()
        let object = document.objectFields
        if let name = object["name"]?.stringValue { fields.add("name", name) }
        var catalogueRow = 0, priorRow = 0
        for held in object["held"]?.arrayValue ?? [] {
            let item = held.objectFields
            if let credential = item["credential"]?.stringValue {
                fields.add("held.\(catalogueRow).credential", credential)
                fields.add("held.\(catalogueRow).earned", item["earned"]?.stringValue ?? "")
                catalogueRow += 1
            } else if let title = item["title"]?.stringValue {
                fields.add("prior.\(priorRow).title", title)
                fields.add("prior.\(priorRow).ects", item["ects"]?.numberValue.map(WebFormat.number) ?? "")
                fields.add("prior.\(priorRow).hours", item["hours"]?.numberValue.map(WebFormat.number) ?? "")
                fields.add("prior.\(priorRow).eqf", item["eqf"]?.numberValue.map(WebFormat.number) ?? "")
                fields.add("prior.\(priorRow).earned", item["earned"]?.stringValue ?? "")
                priorRow += 1
            }
        }
        for key in ["budget", "maxHours", "hoursPerWeek"] {
            if let value = object[key]?.numberValue { fields.add(key, WebFormat.number(value)) }
        }
        for key in ["start", "deadline", "today"] {
            if let value = object[key]?.stringValue { fields.add(key, value) }
        }
        for mode in object["modes"]?.arrayValue ?? [] { if let mode = mode.stringValue { fields.add("modes", mode) } }
        let languages = (object["languages"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !languages.isEmpty { fields.add("languages", languages.joined(separator: ", ")) }
        if case .bool(true)? = object["accreditedOnly"] { fields.add("accreditedOnly", "on") }
        let excluded = (object["excludeProviders"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !excluded.isEmpty { fields.add("excludeProviders", excluded.joined(separator: ", ")) }
        return fields
    }

    static func rowCount(_ fields: WebFields, _ prefix: String) -> Int {
        var count = 0
        while fields.values.keys.contains(where: { $0.hasPrefix("\(prefix).\(count).") }) { count += 1 }
        return count
    }

    func profilePage(visit: Visit, owner: Account, stored: StoredProfile?, fields: WebFields, errors: FieldErrors,
                     notice: String?, report: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let credentials = try await service.read { try $0.credentials(matching: CredentialQuery()) }
        func field(_ name: String) -> [String: Any] {
            ["name": name, "value": fields[name] ?? "", "errors": errors.messages(name), "invalid": !errors.messages(name).isEmpty]
        }
        let heldRows = (0..<(Self.rowCount(fields, "held") + 2)).map { row -> [String: Any] in
            ["row": String(row), "number": String(row + 1), "credential": field("held.\(row).credential"), "earned": field("held.\(row).earned")]
        }
        let priorRows = (0..<(Self.rowCount(fields, "prior") + 1)).map { row -> [String: Any] in
            ["row": String(row), "number": String(row + 1), "title": field("prior.\(row).title"), "ects": field("prior.\(row).ects"),
             "hours": field("prior.\(row).hours"), "eqf": field("prior.\(row).eqf"), "earned": field("prior.\(row).earned")]
        }
        let modes = Set(fields.all("modes"))
        return page("profile", title: "Learner profile", visit: visit, [
            "owner": owner.name, "isAdvisor": visit.account?.role == .advisor, "profileID": stored.map { String($0.id) } ?? "",
            "hasProfile": stored != nil, "notice": notice ?? "", "report": report ?? "",
            "errors": errors.all, "name": field("name"), "budget": field("budget"), "maxHours": field("maxHours"),
            "hoursPerWeek": field("hoursPerWeek"), "start": field("start"), "deadline": field("deadline"), "today": field("today"),
            "languages": field("languages"), "accreditedOnly": fields.isOn("accreditedOnly"), "modesErrors": errors.messages("modes"),
            "modes": DeliveryMode.allCases.map { ["value": $0.rawValue, "checked": modes.contains($0.rawValue)] as [String: Any] },
            "heldRows": heldRows, "priorRows": priorRows,
            "catalogueOptions": credentials.map { ["id": $0.id, "title": $0.title] as [String: Any] },
            "generalErrors": errors.messages(""),
        ], status: status)
    }

    /// The profile document the form describes, with the JSON path of each form field, so that
    /// every problem the profile reader finds is shown beside its field.
    static func profileDocument(_ form: WebFields, keeping stored: JSON?) -> (JSON, [String: String], FieldErrors) {
        var errors = FieldErrors()
        var fields = stored?.objectFields ?? [:]
        var pathToField: [String: String] = [:]
        fields["name"] = form["name"].map(JSON.string)
        var held: [JSON] = []
        for row in 0..<rowCount(form, "held") {
            guard let credential = form["held.\(row).credential"] else { continue }
            var item: [String: JSON] = ["credential": .string(credential)]
            if let earned = form["held.\(row).earned"] { item["earned"] = .string(earned) }
            pathToField["$.held[\(held.count)].credential"] = "held.\(row).credential"
            pathToField["$.held[\(held.count)].earned"] = "held.\(row).earned"
            pathToField["$.held[\(held.count)]"] = "held.\(row).credential"
            held.append(.object(item))
        }
        for row in 0..<rowCount(form, "prior") {
            guard let title = form["prior.\(row).title"] else { continue }
            var item: [String: JSON] = ["title": .string(title)]
            for key in ["ects", "hours", "eqf"] {
                switch WebFormat.parseNumber(form["prior.\(row).\(key)"]) {
                case .success(let value?): item[key] = .number(value)
                case .success(nil): break
                case .failure(let error): errors.add("prior.\(row).\(key)", error.message)
                }
                pathToField["$.held[\(held.count)].\(key)"] = "prior.\(row).\(key)"
            }
            if let earned = form["prior.\(row).earned"] { item["earned"] = .string(earned) }
            pathToField["$.held[\(held.count)].earned"] = "prior.\(row).earned"
            pathToField["$.held[\(held.count)].title"] = "prior.\(row).title"
            pathToField["$.held[\(held.count)]"] = "prior.\(row).title"
            held.append(.object(item))
        }
        // Wallet imports keep credentials the form does not show; they stay as they were.
        let formHeld = held
        fields["held"] = .array(formHeld)
        for key in ["budget", "maxHours", "hoursPerWeek"] {
            switch WebFormat.parseNumber(form[key]) {
            case .success(let value): fields[key] = value.map(JSON.number)
            case .failure(let error): errors.add(key, error.message)
            }
        }
        for key in ["start", "deadline", "today"] { fields[key] = form[key].map(JSON.string) }
        let modes = form.all("modes")
        fields["modes"] = modes.isEmpty ? nil : .array(modes.map(JSON.string))
        let languages = (form["languages"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }
        fields["languages"] = languages.isEmpty ? nil : .array(languages.map(JSON.string))
        fields["accreditedOnly"] = form.isOn("accreditedOnly") ? .bool(true) : nil
        for key in ["name", "budget", "maxHours", "hoursPerWeek", "start", "deadline", "today", "modes", "languages", "accreditedOnly"] {
            pathToField["$.\(key)"] = key
        }
        return (.object(fields.compactMapValues { $0 }), pathToField, errors)
    }

    /// Places a document problem at its field: its own path, the nearest enclosing one, or the form.
    static func field(for path: String, in map: [String: String]) -> String? {
        var path = path
        while !path.isEmpty {
            if let field = map[path] { return field }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = String(path[..<cut])
        }
        return nil
    }

    func saveProfile(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let (owner, stored) = try await profileFor(account, learnerName: visit.form["learner"], profileID: visit.form["profile"])
        var (document, pathToField, errors) = Self.profileDocument(visit.form, keeping: stored?.document)
        if errors.isEmpty {
            do {
                _ = try LearnerDocument.read(document.serialized(pretty: false))
            } catch let invalid as InvalidDocument {
                errors.add(invalid.issues) { Self.field(for: $0, in: pathToField) }
            }
        }
        // A held credential must be one the catalogue has.
        let heldIDs = document["held"]?.arrayValue.compactMap { $0["credential"]?.stringValue } ?? []
        if errors.isEmpty, !heldIDs.isEmpty {
            let known = try await service.read { source in try heldIDs.map { try source.credential($0) != nil } }
            for (index, (id, isKnown)) in zip(heldIDs, known).enumerated() where !isKnown {
                errors.add(pathToField["$.held[\(index)].credential"] ?? "", "the catalogue has no credential \"\(id)\"")
            }
        }
        guard errors.isEmpty else {
            return try await profilePage(visit: visit, owner: owner, stored: stored, fields: visit.form, errors: errors, notice: nil, status: .badRequest)
        }
        let ownerID = owner.id, existing = stored?.id, frozen = document
        let saved = try await accounts.run { try $0.saveProfile(frozen, owner: ownerID, id: existing, by: account.id, now: Date()) }
        return redirect("/learner/profile?saved=1&profile=\(saved.id)")
    }

    func walletUpload(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let (owner, stored) = try await profileFor(account, learnerName: visit.form["learner"], profileID: visit.form["profile"])
        guard let file = visit.form.files["wallet"], !file.data.isEmpty else {
            var errors = FieldErrors()
            errors.add("wallet", "choose a wallet file to upload")
            return try await profilePage(visit: visit, owner: owner, stored: stored, fields: Self.profileFields(stored?.document ?? .object([:])),
                                         errors: errors, notice: nil, status: .badRequest)
        }
        let credentials: [WalletCredential]
        do {
            credentials = try WalletReader.read(file.data, file: file.filename)
        } catch {
            var errors = FieldErrors()
            if let invalid = error as? InvalidDocument {
                for issue in invalid.errors { errors.add("wallet", "\(file.filename) \(issue.path): \(issue.message)") }
            } else {
                errors.add("wallet", "\(file.filename) cannot be read as a wallet credential")
            }
            return try await profilePage(visit: visit, owner: owner, stored: stored, fields: Self.profileFields(stored?.document ?? .object([:])),
                                         errors: errors, notice: nil, status: .badRequest)
        }
        let existing = try stored.map { try LearnerDocument.read($0.document.serialized(pretty: false)) }
        let imported = try await service.read { source in
            let result = LearnerImport(credentials: credentials, catalogue: try source.catalogue(), merging: existing)
            return (LearnerDocument.json(result.profile), result.report)
        }
        let ownerID = owner.id, id = stored?.id
        let saved = try await accounts.run { try $0.saveProfile(imported.0, owner: ownerID, id: id, by: account.id, now: Date()) }
        return try await profilePage(visit: visit, owner: owner, stored: saved, fields: Self.profileFields(saved.document),
                                     errors: FieldErrors(), notice: "Read \(file.filename) into the profile.", report: imported.1)
    }

    // MARK: planning

    /// The objectives a person chooses between, in words.
    static let objectiveChoices: [(String, String)] = [
        ("cost,workload", "Cheapest, then fewest learning hours"),
        ("duration,cost", "Finish soonest, then cheapest"),
        ("workload,cost", "Fewest learning hours, then cheapest"),
        ("count,cost", "Fewest credentials, then cheapest"),
    ]

    /// The planning body (as POST /api/v1/plans takes it) the form describes, with the profile as the learner.
    static func planBody(_ fields: WebFields, profile: JSON, target: String?) -> ([String: JSON], FieldErrors) {
        var errors = FieldErrors()
        var learner = profile.objectFields
        // "off" (the hidden field before the checkbox, alone) overrides a profile that asks for accredited providers only.
        if !fields.isOn("accreditedOnly"), fields.all("accreditedOnly").contains("off") { learner["accreditedOnly"] = nil }
        var body: [String: JSON] = ["learner": .object(learner)]
        if let target { body["target"] = .string(target) }
        body["objectives"] = .string(fields["objective"] ?? "cost,workload")
        for key in ["budget", "maxHours", "hoursPerWeek"] {
            switch WebFormat.parseNumber(fields[key]) {
            case .success(let value): if let value { body[key] = .number(value) }
            case .failure(let error): errors.add(key, error.message)
            }
        }
        for key in ["start", "deadline"] { if let value = fields[key] { body[key] = .string(value) } }
        let modes = fields.all("modes")
        if !modes.isEmpty { body["modes"] = .array(modes.map(JSON.string)) }
        let languages = (fields["languages"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { JSON.string($0.lowercased()) }
        if !languages.isEmpty { body["languages"] = .array(languages) }
        let excluded = (fields["excludeProviders"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { JSON.string(String($0)) }
        if fields.values["excludeProviders"] != nil { body["excludeProviders"] = .array(excluded) }
        if fields.isOn("accreditedOnly") { body["accreditedOnly"] = .bool(true) }
        return (body, errors)
    }

    /// Reads the body as the API does; each problem goes beside its form field.
    static func planInput(_ body: [String: JSON], limits: RequestLimits, extra: Set<String> = [], needsTarget: Bool = true,
                          errors: inout FieldErrors) -> PlanInput? {
        do {
            let input = try PlanInput.read(.object(body), limits: limits, extraFields: extra, needsTarget: needsTarget)
            try input.check()
            return input
        } catch let invalid as InvalidDocument {
            errors.add(invalid.issues) { path in
                if path.hasPrefix("$.learner") { return nil }
                let key = String(path.dropFirst(2).prefix { $0 != "." && $0 != "[" })
                return key == "objectives" ? "objective" : key.isEmpty ? nil : key
            }
        } catch {
            errors.add("", String(describing: error))
        }
        return nil
    }

    /// What the plan page shows: the profile, the form and, with a target, the answer.
    struct PlanContext {
        var owner: Account
        var stored: StoredProfile
        var fields: WebFields
    }

    func planContext(_ visit: Visit) async throws -> PlanContext? {
        let account = try visit.require()
        let (owner, stored) = try await profileFor(account, learnerName: visit.query["learner"], profileID: visit.query["profile"])
        guard let stored else { return nil }
        return PlanContext(owner: owner, stored: stored, fields: visit.query)
    }

    enum PlanAnswer: Sendable {
        case planned(PlanReport, explanation: String)
        case infeasible(Diagnosis)
        case stopped(String)
    }

    func planPage(_ visit: Visit, context requestContext: APIContext) async throws -> Response {
        // An advisor plans for one of their learners: the list of them comes first.
        if visit.account?.role == .advisor, visit.query["learner"] == nil, visit.query["profile"] == nil { return redirect("/advisor") }
        guard let context = try await planContext(visit) else {
            let account = try visit.require()
            let link = account.role == .advisor ? "/learner/profile?learner=\(visit.query["learner"] ?? "")" : "/learner/profile"
            return page("plan-empty", title: "Plan my route", visit: visit, ["profileLink": link])
        }
        var fields = context.fields
        // The first visit shows the profile's own limits in the form.
        if fields["target"] == nil && fields["objective"] == nil {
            let profileFields = Self.profileFields(context.stored.document)
            for key in ["budget", "maxHours", "hoursPerWeek", "start", "deadline", "languages", "accreditedOnly", "excludeProviders"] {
                if let value = profileFields.values[key] { fields.values[key] = value }
            }
            fields.values["modes"] = profileFields.values["modes"]
        }
        let target = fields["target"]
        var errors = FieldErrors()
        let (body, numberErrors) = Self.planBody(fields, profile: context.stored.document, target: target)
        errors = numberErrors
        // The target picker: every qualification, the nearest first (computed once for these inputs and this catalogue).
        var nearestErrors = FieldErrors()
        var ranking: [[String: Any]] = []
        var nearestBody = body
        nearestBody["target"] = nil
        nearestBody["objectives"] = nil
        if let input = Self.planInput(nearestBody, limits: service.limits, needsTarget: false, errors: &nearestErrors) {
            ranking = try await nearestTargets(input, context: requestContext).map { entry in
                let label = "\(entry.title) — " + (entry.reachable ? "\(entry.cost.map(WebFormat.number) ?? "?") to go" : "not reachable within your limits")
                return ["id": entry.id, "label": label, "selected": entry.id == target]
            }
        }
        var values: [String: Any] = [
            "owner": context.owner.name, "profileID": String(context.stored.id), "isAdvisor": visit.account?.role == .advisor,
            "targets": ranking, "hasTarget": target != nil,
            "objectives": Self.objectiveChoices.map { ["value": $0.0, "label": $0.1, "checked": $0.0 == (fields["objective"] ?? "cost,workload")] as [String: Any] },
            "printView": fields["print"] != nil,
        ]
        for key in ["budget", "maxHours", "hoursPerWeek", "start", "deadline", "languages", "excludeProviders"] { values[key] = fields[key] ?? "" }
        values["accreditedOnly"] = fields.isOn("accreditedOnly")
        let modes = Set(fields.all("modes"))
        values["modes"] = DeliveryMode.allCases.map { ["value": $0.rawValue, "checked": modes.contains($0.rawValue)] as [String: Any] }
        var status: HTTPResponse.Status = .ok
        if target != nil, errors.isEmpty, let input = Self.planInput(body, limits: service.limits, errors: &errors) {
            do {
                let asked = try input.request()
                // As the API plans: retired credentials are taken by no new plan, a retired qualification is no target.
                let answer = try await service.solve(for: requestContext) { source, offering -> PlanAnswer in
                    let request = try offering.apply(asked)
                    let catalogue = try PlanningRoutes.planningCatalogue(for: request, in: source)
                    switch try Planner(catalogue: catalogue).plan(request) {
                    case .planned(let plan):
                        let report = PlanReport(plan: plan, catalogue: catalogue, request: request)
                        return .planned(report, explanation: PlanExplanation(plan: plan, catalogue: catalogue, request: request).text)
                    case .infeasible(let diagnosis): return .infeasible(diagnosis)
                    case .stopped(let status): return .stopped(status.rawValue)
                    }
                }
                let query = fields.query()
                values["query"] = query
                values["saveInputs"] = fields.hiddenInputs()
                switch answer {
                case .planned(let report, let explanation):
                    values["plan"] = Self.planView(report.json, catalogue: report.catalogue)
                    values["explanation"] = explanation
                case .infeasible(let diagnosis):
                    values["diagnosis"] = Self.diagnosisView(diagnosis, fields: fields, learner: input.learner)
                    status = .unprocessableContent
                case .stopped(let solverStatus):
                    values["stopped"] = "The solver stopped (\(solverStatus)) before it found a plan; try again or narrow the choice."
                    status = .serviceUnavailable
                }
            } catch let classified as ClassifiedError {
                errors.add("", classified.description)
            } catch let problem as APIProblem where problem.status == .conflict {
                // A retired qualification: said beside the picker.
                errors.add("target", problem.detail)
            }
        }
        if !errors.isEmpty { status = .badRequest }
        values["errors"] = errors.all
        values["generalErrors"] = errors.messages("") + nearestErrors.messages("")
        values["fieldErrors"] = Dictionary(uniqueKeysWithValues: ["target", "objective", "budget", "maxHours", "hoursPerWeek", "start", "deadline",
                                                                  "languages", "modes", "excludeProviders"].map { ($0, errors.messages($0)) })
        return page("plan", title: target == nil ? "Plan my route" : "Route plan", visit: visit, values, status: status)
    }

    /// A plan report (as `plan --json` prints it, live or saved) as the page shows it.
    static func planView(_ json: JSON, catalogue: Catalogue) -> [String: Any] {
        let object = json.objectFields
        let target = object["target"]?.stringValue ?? ""
        let appliedAll = object["appliedAll"]?.objectFields ?? [:]
        let prerequisiteOf = object["prerequisiteOf"]?.objectFields ?? [:]
        let totals = object["totals"]?.objectFields ?? [:]
        let currency = totals["currency"]?.stringValue ?? catalogue.baseCurrency
        func role(_ id: String) -> String {
            let paths = (appliedAll[id]?.arrayValue ?? []).compactMap(\.stringValue)
            if !paths.isEmpty { return "counts toward " + paths.joined(separator: ", ") }
            let dependants = (prerequisiteOf[id]?.arrayValue ?? []).compactMap(\.stringValue)
            return dependants.isEmpty ? "" : "prerequisite of " + dependants.joined(separator: ", ")
        }
        let taken = (object["credentials"]?.arrayValue ?? []).compactMap(\.stringValue)
        let credentials = taken.map { id -> [String: Any] in
            let credential = catalogue.credential(id)
            return [
                "id": id, "title": credential?.title ?? id, "provider": credential?.provider ?? "",
                "ects": credential?.ects.map(WebFormat.number) ?? "–", "eqf": credential.map { String($0.eqf) } ?? "",
                "cost": credential.map { WebFormat.number(catalogue.costInBaseCurrency($0) ?? $0.cost) } ?? "",
                "hours": credential.map { WebFormat.number($0.learningHours(hoursPerECTS: 25)) } ?? "", "role": role(id),
            ]
        }
        let held = (object["heldApplied"]?.arrayValue ?? []).compactMap(\.stringValue).map { id -> [String: Any] in
            ["id": id, "title": catalogue.credential(id)?.title ?? id, "role": role(id)]
        }
        let unused = (object["unusedHeld"]?.arrayValue ?? []).map { item -> [String: Any] in
            ["id": item["id"]?.stringValue ?? "", "title": item["title"]?.stringValue ?? "", "reason": item["reason"]?.stringValue ?? ""]
        }
        // Requirements: depth from the paths, each line nested under the one whose path it extends.
        var ancestors: [String] = []
        let lines = (object["requirements"]?.arrayValue ?? []).map { line -> TreeLine in
            let path = line["path"]?.stringValue ?? ""
            while let last = ancestors.last, !path.hasPrefix(last + ".") { ancestors.removeLast() }
            let depth = ancestors.count
            ancestors.append(path)
            let applied = (line["applied"]?.arrayValue ?? []).compactMap(\.stringValue)
            let met = line["met"] == .bool(true)
            var detail = ""
            if line["waived"] == .bool(true) { detail = "waived by exception" }
            else if line["setAside"] == .bool(true) { detail = "set aside (waived above)" }
            else if let credits = line["credits"]?.numberValue {
                detail = "\(WebFormat.number(credits)) ECTS" + (applied.isEmpty ? "" : " from " + applied.joined(separator: ", "))
            } else if !applied.isEmpty { detail = "met by " + applied.joined(separator: ", ") }
            return TreeLine(depth: depth, values: [
                "path": path, "text": line["requirement"]?.stringValue ?? "", "met": met, "detail": detail,
            ])
        }
        let schedule = (object["schedule"]?.arrayValue ?? []).map { run -> (String, Day?, Day?, String, String) in
            (run["credential"]?.stringValue ?? "", run["start"]?.stringValue.flatMap { Day($0) }, run["end"]?.stringValue.flatMap { Day($0) },
             run["offering"]?.stringValue ?? "", run["weeks"]?.numberValue.map(WebFormat.number) ?? "")
        }.sorted { ($0.1?.ordinal ?? 0, $0.0) < ($1.1?.ordinal ?? 0, $1.0) }
        let objectiveOrder = (object["objectiveOrder"]?.arrayValue ?? []).compactMap(\.stringValue)
        let objectives = object["objectives"]?.objectFields ?? [:]
        let qualification = catalogue.qualification(target)
        return [
            "target": target, "targetTitle": qualification?.title ?? target,
            "optimal": object["status"]?.stringValue == "optimal",
            "gap": object["gap"]?.numberValue.map { WebFormat.number($0 * 100) + "%" } ?? "",
            "objectiveText": objectiveOrder.map { name in "\(name) \(objectives[name]?.numberValue.map(WebFormat.number) ?? "?")" }.joined(separator: ", then "),
            "credentials": credentials, "hasCredentials": !credentials.isEmpty, "held": held, "unused": unused,
            "cost": totals["cost"]?.numberValue.map(WebFormat.number) ?? "0", "currency": currency,
            "hours": totals["hours"]?.numberValue.map(WebFormat.number) ?? "0", "ects": totals["ects"]?.numberValue.map(WebFormat.number) ?? "0",
            "countedEcts": totals["countedEcts"]?.numberValue.map(WebFormat.number) ?? "0",
            "neededEcts": qualification.map { WebFormat.number($0.ects) } ?? "",
            "completes": object["completes"]?.stringValue ?? "",
            "schedule": schedule.map { ["credential": $0.0, "start": $0.1?.description ?? "", "end": $0.2?.description ?? "", "offering": $0.3, "weeks": $0.4] as [String: Any] },
            "hasSchedule": !schedule.isEmpty,
            "timeline": WebCharts.timeline(schedule.compactMap { run -> (credential: String, start: Day, end: Day)? in
                guard let start = run.1, let end = run.2 else { return nil }
                return (credential: run.0, start: start, end: end)
            }),
            "tree": treeItems(lines),
        ]
    }

    /// No plan: why, what falls short, and each relaxation as a button that re-plans with it.
    static func diagnosisView(_ diagnosis: Diagnosis, fields: WebFields, learner: LearnerProfile) -> [String: Any] {
        let relaxations = diagnosis.relaxations.map { relaxation -> [String: Any] in
            var changes: [String: [String]] = [:]
            for limit in relaxation.limits {
                switch limit {
                case "budget", "maxHours", "hoursPerWeek":
                    if let value = relaxation.value { changes[limit] = [WebFormat.number(value.rounded(.up))] }
                case "deadline":
                    if let completion = relaxation.completion { changes["deadline"] = [completion.description] }
                case "languages":
                    let current = (fields["languages"] ?? learner.constraints.languages?.joined(separator: ", ") ?? "")
                    changes["languages"] = [([current] + relaxation.admitted).filter { !$0.isEmpty }.joined(separator: ", ")]
                case "modes":
                    let current = fields.all("modes").isEmpty ? (learner.constraints.modes ?? []).map(\.rawValue) : fields.all("modes")
                    changes["modes"] = Array(Set(current + relaxation.admitted)).sorted()
                case "accreditedOnly":
                    changes["accreditedOnly"] = ["off"]
                case "excludeProviders":
                    let current = fields["excludeProviders"].map { text in text.split(whereSeparator: { ",; ".contains($0) }).map(String.init) }
                        ?? learner.constraints.excludeProviders
                    changes["excludeProviders"] = [current.filter { !relaxation.admitted.contains($0) }.joined(separator: ", ")]
                default: break
                }
            }
            // An emptied field would fall back to the profile's limit: say "none" explicitly.
            if changes["excludeProviders"] == [""] { changes["excludeProviders"] = [" "] }
            return [
                "change": relaxation.change, "cost": WebFormat.number(relaxation.planCost), "currency": relaxation.currency,
                "cheapest": relaxation.cheapest, "inputs": fields.hiddenInputs(replacing: changes),
                "completion": relaxation.completion?.description ?? "",
            ]
        }
        return [
            "summary": diagnosis.summary.text,
            "unmet": diagnosis.unmet.map { ["path": $0.path, "requirement": $0.requirement, "reason": $0.reason.text] as [String: Any] },
            "shortfalls": diagnosis.shortfalls.map { ["path": $0.path, "text": $0.text] as [String: Any] },
            "relaxations": relaxations, "hasRelaxations": !relaxations.isEmpty,
            "leastHours": diagnosis.leastHours.map(WebFormat.number) ?? "", "cheapestCost": diagnosis.cheapestCost.map(WebFormat.number) ?? "",
        ]
    }

    /// The request the page's query describes, or the page answering its problems.
    func requestFromQuery(_ visit: Visit, extra: Set<String> = []) async throws -> (PlanContext, PlanRequest, PlanInput) {
        guard let context = try await planContext(visit) else { throw WebError.badRequest("Fill in your profile first (My profile).") }
        var errors: FieldErrors
        let (body, numberErrors) = Self.planBody(context.fields, profile: context.stored.document, target: context.fields["target"])
        errors = numberErrors
        guard errors.isEmpty, let input = Self.planInput(body, limits: service.limits, errors: &errors) else {
            throw WebError.badRequest("The plan's inputs have problems: " + errors.all.map { "\($0["field"] as? String ?? ""): \($0["message"] as? String ?? "")" }.joined(separator: "; "))
        }
        return (context, try input.request(), input)
    }

    func exportPlan(_ visit: Visit, context requestContext: APIContext) async throws -> Response {
        let format = visit.query["format"] ?? "markdown"
        guard ["csv", "markdown", "json"].contains(format) else { throw WebError.badRequest("An export is csv, markdown or json, not \"\(format)\".") }
        let (_, asked, _) = try await requestFromQuery(visit)
        let content = try await service.solve(for: requestContext) { source, offering -> String in
            let request = try offering.apply(asked)
            let catalogue = try source.catalogue()
            guard case .planned(let plan) = try Planner(catalogue: catalogue).plan(request) else {
                throw WebError(status: .unprocessableContent, message: "No plan exists with these inputs, so there is nothing to export.")
            }
            let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
            switch format {
            case "csv": return export.csv
            case "json": return String(decoding: export.json.serialized(pretty: true), as: UTF8.self) + "\n"
            default: return export.markdown
            }
        }
        let (type, suffix) = format == "csv" ? ("text/csv", "csv") : format == "json" ? ("application/json", "json") : ("text/markdown", "md")
        return Response(status: .ok, headers: [
            .contentType: "\(type); charset=utf-8", .contentDisposition: "attachment; filename=\"plan-\(asked.target).\(suffix)\"",
        ], body: .init(byteBuffer: ByteBuffer(string: content)))
    }

    func frontierPage(_ visit: Visit, context requestContext: APIContext) async throws -> Response {
        let (context, request, _) = try await requestFromQuery(visit)
        guard request.schedule != nil else {
            throw WebError.badRequest("The cost–time frontier needs hours a week (in the profile or the form), to put plans on the calendar.")
        }
        let frontier = try await service.solve(for: requestContext) { source, offering -> Frontier in
            let planRequest = try offering.apply(request)
            return try Planner(catalogue: try PlanningRoutes.planningCatalogue(for: planRequest, in: source)).frontier(planRequest, limit: 12)
        }
        let points = frontier.plans.compactMap { plan -> WebCharts.Point? in
            guard let completes = plan.completes else { return nil }
            var changed = context.fields
            changed.values["objective"] = ["cost,workload"]
            changed.values["deadline"] = [completes.description]
            return WebCharts.Point(day: completes, cost: plan.totals.cost, link: "/plan?" + changed.query(),
                                   label: "\(completes): \(WebFormat.number(plan.totals.cost)), \(plan.taken.count) credentials")
        }
        var values: [String: Any] = [
            "target": request.target, "chart": WebCharts.frontier(points),
            "points": points.map { ["completes": $0.day.description, "cost": WebFormat.number($0.cost), "link": $0.link, "label": $0.label] as [String: Any] },
            "backLink": "/plan?" + context.fields.query(),
        ]
        if let notice = Self.frontierNotice(frontier) { values["notice"] = notice }
        return page("frontier", title: "Cost and finishing date", visit: visit, values)
    }

    /// What the page says when the frontier may hold more than it shows.
    static func frontierNotice(_ frontier: Frontier) -> String? {
        switch frontier.end {
        case .complete: nil
        case .limit: "Only the first \(frontier.plans.count) plans are shown: plans that finish later for less may follow."
        case .timeLimit: frontier.plans.isEmpty
            ? "No plan was found within the time limit. Try again with a longer time limit."
            : "The time ran out after \(frontier.plans.count) plans: plans that finish later for less may exist."
        }
    }

    func alternativesPage(_ visit: Visit, context requestContext: APIContext) async throws -> Response {
        let (context, asked, _) = try await requestFromQuery(visit)
        let result = try await service.solve(for: requestContext) { source, offering -> ([JSON], Catalogue) in
            let request = try offering.apply(asked)
            let catalogue = try source.catalogue()
            let found = try Planner(catalogue: catalogue).alternatives(request, count: 5)
            return (found.plans.map { PlanReport(plan: $0, catalogue: catalogue, request: request).json }, catalogue)
        }
        return page("alternatives", title: "Alternative routes", visit: visit, [
            "target": asked.target, "backLink": "/plan?" + context.fields.query(),
            "plans": result.0.enumerated().map { index, json -> [String: Any] in
                var view = Self.planView(json, catalogue: result.1)
                view["number"] = String(index + 1)
                return view
            },
        ])
    }

    func whatIfPage(_ visit: Visit, context requestContext: APIContext) async throws -> Response {
        let (context, scenario, input) = try await requestFromQuery(visit)
        let split: (String?) -> [String] = { ($0 ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }
        let assumeHeld = split(visit.query["assumeHeld"]), without = split(visit.query["without"])
        // The baseline is the profile as it stands; the form's limits make the scenario.
        let profileAsItStands = try scenario.asTheProfileGivesIt()
        _ = input
        let json = try await service.solve(for: requestContext) { source, offering -> JSON in
            let baseline = try offering.apply(profileAsItStands)
            let catalogue = try source.catalogue()
            let result = try Planner(catalogue: catalogue).whatIf(
                baseline, WhatIfScenario(assumeHeld: assumeHeld, without: without, constraints: scenario.constraints, schedule: scenario.schedule))
            return result.json(baselineRequest: baseline, catalogue: catalogue)
        }
        func summary(_ side: JSON?) -> [String: Any] {
            guard let side, side["totals"] != nil else { return ["none": true, "reason": side?["summary"]?.stringValue ?? side?["diagnosis"]?["summary"]?.stringValue ?? "no plan"] }
            let totals = side["totals"]?.objectFields ?? [:]
            return [
                "none": false, "cost": totals["cost"]?.numberValue.map(WebFormat.number) ?? "", "hours": totals["hours"]?.numberValue.map(WebFormat.number) ?? "",
                "completes": side["completes"]?.stringValue ?? "–",
                "credentials": (side["credentials"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "),
            ]
        }
        var fields = context.fields
        fields.values["assumeHeld"] = nil
        fields.values["without"] = nil
        return page("whatif", title: "What if", visit: visit, [
            "target": scenario.target, "baseline": summary(json["baseline"]), "scenario": summary(json["scenario"]),
            "difference": json["difference"]?["text"]?.stringValue ?? "", "assumeHeld": visit.query["assumeHeld"] ?? "",
            "without": visit.query["without"] ?? "", "inputs": fields.hiddenInputs(dropping: ["budget", "hoursPerWeek", "deadline"]),
            "budget": visit.query["budget"] ?? "", "hoursPerWeek": visit.query["hoursPerWeek"] ?? "", "deadline": visit.query["deadline"] ?? "",
            "backLink": "/plan?" + context.fields.query(),
        ])
    }

    func savePlan(_ visit: Visit, context requestContext: APIContext) async throws -> Response {
        let account = try visit.require()
        var fields = visit.form
        fields.values["csrf"] = nil
        let name = fields["planName"] ?? "Route plan"
        fields.values["planName"] = nil
        let (owner, stored) = try await profileFor(account, learnerName: fields["learner"], profileID: fields["profile"])
        guard let stored else { throw WebError.badRequest("Fill in the profile first.") }
        var errors: FieldErrors
        let (body, numberErrors) = Self.planBody(fields, profile: stored.document, target: fields["target"])
        errors = numberErrors
        guard errors.isEmpty, let input = Self.planInput(body, limits: service.limits, errors: &errors) else {
            throw WebError.badRequest("The plan's inputs have problems; plan again before saving.")
        }
        let request = try input.request()
        let records = records
        let inputs = JSON.object(body)
        let content = try await service.solve(for: requestContext) { source, offering in
            PlanVersionContent(name: String(name.prefix(200)), status: "draft", inputs: inputs, result: try PlanningRoutes.plan(try offering.apply(request), in: source),
                               catalogueVersion: try records.catalogueVersion())
        }
        let ownerID = owner.id
        let saved = try await accounts.run { try $0.createSavedPlan(owner: ownerID, content: content, by: account.id, now: Date()) }
        return redirect("/saved-plans/\(saved.planID)")
    }
}
