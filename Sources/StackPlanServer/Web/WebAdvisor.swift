import Foundation
import Hummingbird
import StackPlanCore
import StackPlanInterchange
import StackPlanRendering
import StackPlanStore

/// The advisor's pages and the saved plans both roles share: their learners, each plan with its
/// versions and status, up to four plans side by side, re-planning, exports.
extension WebPages {
    func registerAdvisor(on router: Router<APIContext>) {
        on(router, .get, "/advisor", .roles([.advisor])) { _, visit, _ in try await advisorHome(visit) }
        on(router, .get, "/saved-plans", Self.learnersAndAdvisors) { _, visit, _ in try await savedPlansPage(visit) }
        on(router, .get, "/saved-plans/compare", Self.learnersAndAdvisors) { _, visit, _ in try await comparePage(visit) }
        on(router, .get, "/saved-plans/:id", Self.learnersAndAdvisors) { _, visit, context in
            try await savedPlanPage(visit, id: try context.parameters.require("id"))
        }
        on(router, .get, "/saved-plans/:id/export", Self.learnersAndAdvisors) { _, visit, context in
            try await exportSaved(visit, id: try context.parameters.require("id"))
        }
        on(router, .post, "/saved-plans/:id/versions", Self.learnersAndAdvisors, doesWork: true) { _, visit, context in
            try await addVersion(visit, id: try context.parameters.require("id"), context: context)
        }
    }

    /// The plan's versions when the account may see it; not found otherwise, so no one learns which plans exist.
    func visibleVersions(_ account: Account, id text: String) async throws -> [SavedPlanVersion] {
        guard let id = Int64(text), id > 0 else { throw WebError.notFound("There is no saved plan \(text).") }
        let versions = try await accounts.run { try $0.savedPlanVersions(id) }
        let owners = try await accounts.visibleOwners(account)
        guard let first = versions.first, owners.contains(first.ownerID) else { throw WebError.notFound("There is no saved plan \(id).") }
        return versions
    }

    func summary(_ version: SavedPlanVersion, ownerName: String, catalogue: Catalogue?) -> [String: Any] {
        let result = version.content.result
        let target = result["target"]?.stringValue ?? version.content.inputs["target"]?.stringValue ?? ""
        return [
            "id": String(version.planID), "version": String(version.version), "name": version.content.name, "status": version.content.status,
            "owner": ownerName, "target": target, "targetTitle": catalogue?.qualification(target)?.title ?? target,
            "cost": result["totals"]?["cost"]?.numberValue.map(WebFormat.number) ?? "–",
            "currency": result["totals"]?["currency"]?.stringValue ?? "",
            "completes": result["completes"]?.stringValue ?? "–", "createdAt": timestamp(version.createdAt),
        ]
    }

    func advisorHome(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let learnerIDs = try await accounts.visibleOwners(account)
        let learners = try await accounts.run { records in try learnerIDs.compactMap { try records.account(id: $0) } }
        let plans = try await accounts.run { try $0.latestSavedPlans(owners: learnerIDs) }
        let profiles = try await accounts.run { try $0.profiles(owners: learnerIDs) }
        let catalogue = try await service.read { try $0.catalogue() }
        return page("advisor", title: "My learners", visit: visit, [
            "learners": learners.sorted { $0.name < $1.name }.map { learner -> [String: Any] in
                let own = plans.filter { $0.ownerID == learner.id }
                let profile = profiles.filter { $0.ownerID == learner.id }.max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
                return [
                    "name": learner.name, "hasProfile": profile != nil,
                    "profileName": profile?.document["name"]?.stringValue ?? "",
                    "plans": own.map { summary($0, ownerName: learner.name, catalogue: catalogue) }, "hasPlans": !own.isEmpty,
                ]
            },
            "hasLearners": !learners.isEmpty,
        ])
    }

    func savedPlansPage(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let owners = try await accounts.visibleOwners(account)
        let plans = try await accounts.run { try $0.latestSavedPlans(owners: owners) }
        let names = try await accounts.run { records in
            Dictionary(try owners.compactMap { id in try records.account(id: id).map { (id, $0.name) } }, uniquingKeysWith: { first, _ in first })
        }
        let catalogue = try await service.read { try $0.catalogue() }
        return page("saved-plans", title: "Saved plans", visit: visit, [
            "plans": plans.map { summary($0, ownerName: names[$0.ownerID] ?? "", catalogue: catalogue) }, "hasPlans": !plans.isEmpty,
        ])
    }

    func savedPlanPage(_ visit: Visit, id: String) async throws -> Response {
        let account = try visit.require()
        let versions = try await visibleVersions(account, id: id)
        let chosen = visit.query["version"].flatMap { Int($0) }.flatMap { number in versions.first { $0.version == number } } ?? versions[versions.count - 1]
        let ownerID = chosen.ownerID
        let ownerName = try await accounts.run { try $0.account(id: ownerID)?.name } ?? ""
        let catalogue = try await service.read { try $0.catalogue() }
        let currentVersion = try await accounts.run { try $0.catalogueVersion() }
        var values = summary(chosen, ownerName: ownerName, catalogue: catalogue)
        values["plan"] = Self.planView(chosen.content.result, catalogue: catalogue)
        values["versions"] = versions.reversed().map { version -> [String: Any] in
            var item = summary(version, ownerName: ownerName, catalogue: catalogue)
            item["shown"] = version.version == chosen.version
            return item
        }
        values["statuses"] = AccountRoutes.statuses.map { ["value": $0, "selected": $0 == chosen.content.status] as [String: Any] }
        values["catalogueChanged"] = chosen.content.catalogueVersion != currentVersion
        values["changes"] = visit.query["changed"] != nil && versions.count >= 2
            ? Self.changesView(AccountRoutes.changes(from: versions[versions.count - 2].content, to: versions[versions.count - 1].content)) : nil
        values["printView"] = visit.query["print"] != nil
        return page("saved-plan", title: chosen.content.name, visit: visit, values)
    }

    static func changesView(_ json: JSON) -> [String: Any] {
        func pair(_ key: String) -> String {
            let from = json[key]?["from"], to = json[key]?["to"]
            func text(_ value: JSON?) -> String { value?.numberValue.map(WebFormat.number) ?? value?.stringValue ?? "–" }
            return "\(text(from)) → \(text(to))"
        }
        return [
            "catalogueChanged": json["catalogueChanged"] == .bool(true),
            "added": (json["added"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "),
            "removed": (json["removed"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "),
            "cost": pair("cost"), "hours": pair("hours"), "completes": pair("completes"),
        ]
    }

    /// A new version: a new status or name, or the stored inputs planned again on today's catalogue.
    func addVersion(_ visit: Visit, id: String, context requestContext: APIContext) async throws -> Response {
        let account = try visit.require()
        let versions = try await visibleVersions(account, id: id)
        let latest = versions[versions.count - 1]
        var content = latest.content
        if let status = visit.form["status"] {
            guard AccountRoutes.statuses.contains(status) else { throw WebError.badRequest("A plan's status is draft, agreed, enrolled or completed.") }
            content.status = status
        }
        if let name = visit.form["name"] { content.name = String(name.prefix(200)) }
        let replan = visit.form["replan"] != nil
        if replan {
            let input = try PlanInput.read(latest.content.inputs, limits: service.limits)
            try input.check()
            let request = try input.request()
            let records = records
            let (name, status, inputs) = (content.name, content.status, latest.content.inputs)
            content = try await service.solve(for: requestContext) { source, offering in
                PlanVersionContent(name: name, status: status, inputs: inputs, result: try PlanningRoutes.plan(try offering.apply(request), in: source),
                                   catalogueVersion: try records.catalogueVersion())
            }
        }
        let planID = latest.planID, basis = latest.version, frozen = content
        _ = try await accounts.run { try $0.addPlanVersion(planID: planID, expecting: basis, content: frozen, by: account.id, now: Date()) }
        return redirect("/saved-plans/\(planID)" + (replan ? "?changed=1" : ""))
    }

    func exportSaved(_ visit: Visit, id: String) async throws -> Response {
        let account = try visit.require()
        let versions = try await visibleVersions(account, id: id)
        let latest = versions[versions.count - 1]
        let format = visit.query["format"] ?? "markdown"
        guard ["csv", "markdown", "json"].contains(format) else { throw WebError.badRequest("An export is csv, markdown or json, not \"\(format)\".") }
        let input = try PlanInput.read(latest.content.inputs, limits: service.limits)
        try input.check()
        let request = try input.request()
        let result = latest.content.result
        let content = try await service.read { source -> String in
            let catalogue = try source.catalogue()
            let plan = try PlanDocument.read(result.serialized(pretty: false), catalogue: catalogue, request: request)
            let export = PlanExport(PlanReport(plan: plan, catalogue: catalogue, request: request))
            switch format {
            case "csv": return export.csv
            case "json": return String(decoding: export.json.serialized(pretty: true), as: UTF8.self) + "\n"
            default: return export.markdown
            }
        }
        let (type, suffix) = format == "csv" ? ("text/csv", "csv") : format == "json" ? ("application/json", "json") : ("text/markdown", "md")
        return Response(status: .ok, headers: [
            .contentType: "\(type); charset=utf-8", .contentDisposition: "attachment; filename=\"saved-plan-\(latest.planID).\(suffix)\"",
        ], body: .init(byteBuffer: ByteBuffer(string: content)))
    }

    /// Up to four saved plans side by side, toward the same or different qualifications.
    func comparePage(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let ids = visit.query.all("plan")
        guard (1...4).contains(ids.count) else {
            throw WebError.badRequest("Choose one to four saved plans to compare; \(ids.count) were chosen.")
        }
        var columns: [[String: Any]] = []
        let catalogue = try await service.read { try $0.catalogue() }
        var allCredentials: [String] = []
        var taken: [[String]] = []
        for id in ids {
            let versions = try await visibleVersions(account, id: id)
            let latest = versions[versions.count - 1]
            let ownerID = latest.ownerID
            let ownerName = try await accounts.run { try $0.account(id: ownerID)?.name } ?? ""
            var column = summary(latest, ownerName: ownerName, catalogue: catalogue)
            let totals = latest.content.result["totals"]?.objectFields ?? [:]
            column["hours"] = totals["hours"]?.numberValue.map(WebFormat.number) ?? "–"
            column["ects"] = totals["countedEcts"]?.numberValue.map(WebFormat.number) ?? "–"
            let credentials = (latest.content.result["credentials"]?.arrayValue ?? []).compactMap(\.stringValue)
            taken.append(credentials)
            for credential in credentials where !allCredentials.contains(credential) { allCredentials.append(credential) }
            columns.append(column)
        }
        let rows = allCredentials.sorted().map { credential -> [String: Any] in
            [
                "id": credential, "title": catalogue.credential(credential)?.title ?? credential,
                "cells": taken.map { ["taken": $0.contains(credential)] as [String: Any] },
            ]
        }
        return page("compare", title: "Plans side by side", visit: visit, ["columns": columns, "rows": rows])
    }
}
