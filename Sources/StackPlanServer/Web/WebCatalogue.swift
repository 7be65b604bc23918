import Foundation
import Hummingbird
import StackPlanCore
import StackPlanRendering
import StackPlanStore

/// Catalogue pages: search with every filter, a credential with its offerings, a qualification
/// with its requirement tree and stack graph. Open to everyone, as the API's catalogue is.
extension WebPages {
    func registerCatalogue(on router: Router<APIContext>) {
        on(router, .get, "/catalogue", .anyone) { _, visit, _ in try await search(visit) }
        on(router, .get, "/catalogue/credentials/:id", .anyone) { _, visit, context in
            try await credentialPage(try context.parameters.require("id"), visit: visit)
        }
        on(router, .get, "/catalogue/qualifications/:id", .anyone) { _, visit, context in
            try await qualificationPage(try context.parameters.require("id"), visit: visit)
        }
        on(router, .get, "/catalogue/qualifications/:id/graph.svg", .anyone) { _, _, context in
            let id = try context.parameters.require("id")
            let svg = try await service.solve { source -> Data? in
                let catalogue = try source.catalogue()
                guard let qualification = catalogue.qualification(id) else { throw WebError.notFound("The catalogue has no qualification \"\(id)\".") }
                return try GraphvizRenderer.svg(StackGraph(qualification: qualification, catalogue: catalogue).dot)
            }
            guard let svg else { throw WebError.notFound("Graphviz is not installed, so the stack graph cannot be drawn.") }
            return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "max-age=60"], body: .init(byteBuffer: ByteBuffer(bytes: svg)))
        }
    }

    /// `/catalogue?q=&competency=&eqf=&ectsMin=&ectsMax=&provider=&country=&mode=&language=&priceMax=&kind=`.
    func search(_ visit: Visit) async throws -> Response {
        let query = visit.query
        var errors = FieldErrors()
        func number(_ name: String) -> Double? {
            switch WebFormat.parseNumber(query[name]) {
            case .success(let value):
                if let value, value < 0 { errors.add(name, "must not be negative") }
                return value
            case .failure(let error):
                errors.add(name, error.message)
                return nil
            }
        }
        let ectsMin = number("ectsMin"), ectsMax = number("ectsMax"), priceMax = number("priceMax")
        let eqf = query["eqf"].flatMap { Int($0) }
        if query["eqf"] != nil, !(1...8).contains(eqf ?? 0) { errors.add("eqf", "must be an EQF level from 1 to 8") }
        let kind = query["kind"].flatMap(CredentialKind.init(rawValue:))
        if query["kind"] != nil, kind == nil { errors.add("kind", "must be skill, module, programme or qualification") }
        let mode = query["mode"].flatMap(DeliveryMode.init(rawValue:))
        if query["mode"] != nil, mode == nil { errors.add("mode", "must be online, blended or in-person") }
        let filter = CredentialQuery(provider: query["provider"], competency: query["competency"], kind: kind, search: query["q"])
        let country = query["country"]?.uppercased(), language = query["language"]?.lowercased()
        let searched = query.values.keys.contains { $0 != "csrf" }
        let records = records
        let found = try await service.read { source -> (credentials: [Credential], qualifications: [Qualification], providers: [Provider], competencies: [CompetencyCount], currency: String, rates: Catalogue) in
            // Retired records are offered by no list, as the API's lists leave them out.
            let retirements = try records.retirements()
            let unoffered = try records.unofferedCredentialIDs()
            func isRetired(_ kind: CatalogueRecordKind, _ id: String) -> Bool { retirements.contains { $0.kind == kind && $0.id == id } }
            let providers = try source.providers(matching: ProviderQuery()).filter { !isRetired(.provider, $0.id) }
            let competencies = try source.competencies(matching: CredentialQuery())
            let catalogue = try source.catalogue()
            let credentials = searched ? try source.credentials(matching: filter).filter { !unoffered.contains($0.id) } : []
            let qualifications = searched
                ? try source.qualifications(matching: QualificationQuery(provider: query["provider"], search: query["q"])).filter { !isRetired(.qualification, $0.id) }
                : []
            return (credentials, qualifications, providers, competencies, try source.baseCurrency(), catalogue)
        }
        let providersByID = Dictionary(found.providers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let catalogue = found.rates
        let matching = errors.isEmpty ? found.credentials.filter { credential in
            if let eqf, credential.eqf != eqf { return false }
            if let ectsMin, credential.credits < ectsMin { return false }
            if let ectsMax, credential.credits > ectsMax { return false }
            if let mode, credential.mode != mode { return false }
            if let language, !credential.languages.contains(language) { return false }
            if let country, providersByID[credential.provider]?.country.uppercased() != country { return false }
            if let priceMax, (catalogue.costInBaseCurrency(credential) ?? credential.cost) > priceMax { return false }
            return true
        } : []
        let shown = matching.prefix(200)
        let countries = Set(found.providers.map(\.country)).sorted()
        let languages = Set(catalogue.credentials.flatMap(\.languages)).sorted()
        func options(_ values: [(String, String)], selected: String?) -> [[String: Any]] {
            values.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == selected] }
        }
        let onlyCredentialFilters = [query["competency"], query["eqf"], query["ectsMin"], query["ectsMax"], query["country"], query["mode"],
                                     query["language"], query["priceMax"], query["kind"]].contains { $0 != nil }
        let qualifications = onlyCredentialFilters ? [] : found.qualifications
        return page("catalogue", title: "Catalogue", visit: visit, [
            "q": query["q"] ?? "", "ectsMin": query["ectsMin"] ?? "", "ectsMax": query["ectsMax"] ?? "", "priceMax": query["priceMax"] ?? "",
            "currency": found.currency,
            "providers": options(found.providers.map { ($0.id, "\($0.name) (\($0.country))") }, selected: query["provider"]),
            "competencies": options(found.competencies.map { ($0.competency, "\($0.competency) (\($0.credentials))") }, selected: query["competency"]),
            "eqfLevels": options((1...8).map { (String($0), "EQF \($0)") }, selected: query["eqf"]),
            "countries": options(countries.map { ($0, $0) }, selected: country),
            "modes": options(DeliveryMode.allCases.map { ($0.rawValue, $0.rawValue) }, selected: query["mode"]),
            "languages": options(languages.map { ($0, $0) }, selected: language),
            "kinds": options(CredentialKind.allCases.map { ($0.rawValue, $0.rawValue) }, selected: query["kind"]),
            "errors": errors.all, "searched": searched,
            "fieldErrors": Dictionary(errors.all.map { ($0["field"] as? String ?? "", $0["message"] as? String ?? "") }, uniquingKeysWith: { first, _ in first }),
            "count": String(matching.count), "truncated": matching.count > shown.count,
            "credentials": shown.map { credential -> [String: Any] in
                [
                    "id": credential.id, "title": credential.title, "provider": providersByID[credential.provider]?.name ?? credential.provider,
                    "kind": credential.kind.rawValue, "eqf": String(credential.eqf), "ects": credential.ects.map(WebFormat.number) ?? "–",
                    "mode": credential.mode.rawValue, "languages": credential.languages.joined(separator: ", "),
                    "cost": WebFormat.number(catalogue.costInBaseCurrency(credential) ?? credential.cost),
                ]
            },
            "qualifications": qualifications.map { ["id": $0.id, "title": $0.title, "ects": WebFormat.number($0.ects), "eqf": String($0.eqf)] as [String: Any] },
        ])
    }

    /// Whether a record is retired (or, for a credential, its provider is): still shown by id, as
    /// saved plans name it, with a note that it is offered to no new plan.
    func isRetired(_ kind: CatalogueRecordKind, _ id: String) async throws -> Bool {
        let records = records
        return try await service.reads.run {
            kind == .credential ? try records.unofferedCredentialIDs().contains(id) : try records.retirements().contains { $0.kind == kind && $0.id == id }
        }
    }

    func credentialPage(_ id: String, visit: Visit) async throws -> Response {
        let catalogue = try await service.read { try $0.catalogue() }
        guard let credential = catalogue.credential(id) else { throw WebError.notFound("The catalogue has no credential \"\(id)\".") }
        let retired = try await isRetired(.credential, id)
        let provider = catalogue.provider(credential.provider)
        let currency = credential.currency ?? catalogue.baseCurrency
        let item = CountableItem(credential: credential, in: catalogue, hoursPerECTS: 25)
        // What it stacks into: qualifications naming it, or with a credits requirement it fits.
        var stacks: [[String: Any]] = []
        for qualification in catalogue.qualifications {
            let tree = RequirementTree(qualification, in: catalogue)
            var reasons: [String] = []
            for (index, node) in tree.nodes.enumerated() {
                switch node.kind {
                case .credential(let named) where named == credential.id: reasons.append("\(node.path): \(tree.describe(index, catalogue: catalogue))")
                case .credits(_, let filter) where filter.matches(item): reasons.append("\(node.path): \(tree.describe(index, catalogue: catalogue))")
                default: break
                }
            }
            if !reasons.isEmpty {
                stacks.append(["id": qualification.id, "title": qualification.title, "reasons": reasons.prefix(3).map { $0 }])
            }
        }
        let prerequisites = credential.prerequisites.map { Self.describe($0, catalogue: catalogue) }
        return page("credential", title: credential.title, visit: visit, [
            "id": credential.id, "title": credential.title, "kind": credential.kind.rawValue, "eqf": String(credential.eqf),
            "ects": credential.ects.map(WebFormat.number) ?? "–", "hours": credential.hours.map(WebFormat.number) ?? "–",
            "cost": WebFormat.number(credential.cost), "currency": currency, "mode": credential.mode.rawValue,
            "languages": credential.languages.joined(separator: ", "), "competencies": credential.competencies,
            "weeks": credential.weeks.map(String.init) ?? "–",
            "accredited": (credential.accredited ?? provider?.accredited ?? false) ? "yes" : "no",
            "providerName": provider?.name ?? credential.provider, "providerCountry": provider?.country ?? "",
            "learningOutcomes": credential.learningOutcomes, "assessment": credential.assessment ?? "",
            "source": credential.source.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil } ?? "",
            "offerings": credential.offerings.map { offering -> [String: Any] in
                [
                    "id": offering.id ?? "–", "start": offering.start.description,
                    "weeks": (offering.weeks ?? credential.weeks).map(String.init) ?? "self-paced",
                    "cost": WebFormat.number(offering.cost ?? credential.cost), "seats": offering.seats.map(String.init) ?? "not limited",
                ]
            },
            "prerequisites": prerequisites ?? "", "hasPrerequisites": prerequisites != nil,
            "excludes": credential.excludes.map { ["id": $0, "title": catalogue.credential($0)?.title ?? $0] as [String: Any] },
            "stacks": stacks, "retired": retired,
        ])
    }

    /// A prerequisite rule in words, each credential named by its title.
    static func describe(_ rule: Prerequisite, catalogue: Catalogue, depth: Int = 0) -> String {
        guard depth < 32 else { return "…" }
        func name(_ id: String) -> String { catalogue.credential(id).map { "\($0.title) (\(id))" } ?? id }
        switch rule {
        case .credential(let id): return name(id)
        case .corequisite(let id): return name(id) + ", before or alongside"
        case .allOf(let parts): return "all of: " + parts.map { describe($0, catalogue: catalogue, depth: depth + 1) }.joined(separator: "; ")
        case .anyOf(let parts): return "any of: " + parts.map { describe($0, catalogue: catalogue, depth: depth + 1) }.joined(separator: "; ")
        case .atLeast(let count, let parts):
            return "at least \(count) of: " + parts.map { describe($0, catalogue: catalogue, depth: depth + 1) }.joined(separator: "; ")
        }
    }

    func qualificationPage(_ id: String, visit: Visit) async throws -> Response {
        let catalogue = try await service.read { try $0.catalogue() }
        guard let qualification = catalogue.qualification(id) else { throw WebError.notFound("The catalogue has no qualification \"\(id)\".") }
        let retired = try await isRetired(.qualification, id)
        let tree = RequirementTree(qualification, in: catalogue)
        let lines = tree.nodes.enumerated().map { index, node -> TreeLine in
            var values: [String: Any] = ["path": node.path, "text": tree.describe(index, catalogue: catalogue)]
            if case .credential(let credential) = node.kind { values["credential"] = credential }
            return TreeLine(depth: node.depth, values: values)
        }
        let provider = catalogue.provider(qualification.provider)
        return page("qualification", title: qualification.title, visit: visit, [
            "id": qualification.id, "title": qualification.title, "ects": WebFormat.number(qualification.ects), "eqf": String(qualification.eqf),
            "providerName": provider?.name ?? qualification.provider,
            "maxPrior": qualification.rules.maxPriorECTS.map(WebFormat.number) ?? "", "priorYears": qualification.rules.priorWithinYears.map(WebFormat.number) ?? "",
            "tree": Self.treeItems(lines),
            "source": qualification.source.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil } ?? "",
            "signedIn": visit.account != nil, "retired": retired,
        ])
    }

    /// One line of a requirement tree, in the tree's order, with its depth.
    struct TreeLine {
        var depth: Int
        var values: [String: Any]
    }

    /// The flat lines as items a template nests with `<details>`: each branch opens a list, and
    /// `closes` says how many to close after the item. Flat, so no depth recurses.
    static func treeItems(_ lines: [TreeLine]) -> [[String: Any]] {
        lines.enumerated().map { index, line in
            let next = index + 1 < lines.count ? lines[index + 1].depth : 0
            let branch = next > line.depth
            var values = line.values
            values["branch"] = branch
            values["closes"] = Array(repeating: true, count: max(0, (branch ? line.depth + 1 : line.depth) - next))
            return values
        }
    }
}
