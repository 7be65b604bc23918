import Foundation
import Hummingbird
import StackPlanCore
import StackPlanStore

/// The editor's pages: the catalogue's credentials, and a form that creates or changes one,
/// validated as an import is (against itself and the stored catalogue), each problem shown
/// beside its field.
extension WebPages {
    static let editors: Access = .roles([.editor, .admin])

    /// The form's fields, in order, with the member of the credential document each fills.
    static let credentialFields: [(name: String, label: String, kind: String)] = [
        ("id", "Id (letters, digits and hyphens)", "text"), ("title", "Title", "text"), ("provider", "Provider", "provider"),
        ("kind", "Kind", "kind"), ("eqf", "EQF level", "number"), ("ects", "ECTS", "number"), ("hours", "Learning hours", "number"),
        ("cost", "Cost", "number"), ("currency", "Currency (ISO 4217, blank for the catalogue's)", "text"), ("mode", "Mode", "mode"),
        ("languages", "Languages (comma-separated ISO 639-1 codes)", "list"), ("competencies", "Competencies (comma-separated)", "list"),
        ("weeks", "Weeks", "number"), ("source", "Source (a public address)", "text"),
    ]

    func registerEditor(on router: Router<APIContext>) {
        on(router, .get, "/editor", Self.editors) { _, visit, _ in
            let search = visit.query["q"]
            let credentials = try await service.read { try $0.credentials(matching: CredentialQuery(search: search)) }
            return page("editor", title: "Edit the catalogue", visit: visit, [
                "q": search ?? "", "count": String(credentials.count),
                "credentials": credentials.prefix(300).map { ["id": $0.id, "title": $0.title, "provider": $0.provider] as [String: Any] },
            ])
        }
        on(router, .get, "/editor/credentials/new", Self.editors) { _, visit, _ in
            try await credentialForm(visit, fields: WebFields(), errors: FieldErrors(), isNew: true)
        }
        on(router, .get, "/editor/credentials/:id", Self.editors) { _, visit, context in
            let id = try context.parameters.require("id")
            guard let credential = try await service.read({ try $0.credential(id) }) else { throw WebError.notFound("The catalogue has no credential \"\(id)\".") }
            return try await credentialForm(visit, fields: Self.formFields(CatalogueDocument.json(credential)), errors: FieldErrors(), isNew: false,
                                            notice: visit.query["saved"] != nil ? "Saved: the catalogue now has this credential as shown." : nil)
        }
        on(router, .post, "/editor/credentials", Self.editors) { _, visit, _ in try await saveCredential(visit) }
    }

    static func formFields(_ document: JSON) -> WebFields {
        var fields = WebFields()
        for field in credentialFields {
            switch document[field.name] {
            case .string(let text)?: fields.add(field.name, text)
            case .number(let value)?: fields.add(field.name, WebFormat.number(value))
            case .array(let items)?: fields.add(field.name, items.compactMap(\.stringValue).joined(separator: ", "))
            default: break
            }
        }
        return fields
    }

    func credentialForm(_ visit: Visit, fields: WebFields, errors: FieldErrors, isNew: Bool, notice: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let providers = try await service.read { try $0.providers(matching: ProviderQuery()) }
        func options(_ values: [(String, String)], selected: String?) -> [[String: Any]] {
            values.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == selected] }
        }
        let items = Self.credentialFields.map { field -> [String: Any] in
            let value = fields.values[field.name]?.first ?? ""
            var item: [String: Any] = [
                "name": field.name, "label": field.label, "value": value, "errors": errors.messages(field.name),
                "invalid": !errors.messages(field.name).isEmpty, "readonly": field.name == "id" && !isNew,
            ]
            switch field.kind {
            case "provider": item["options"] = options(providers.map { ($0.id, "\($0.name) (\($0.id))") }, selected: value)
            case "kind": item["options"] = options(CredentialKind.allCases.map { ($0.rawValue, $0.rawValue) }, selected: value)
            case "mode": item["options"] = options(DeliveryMode.allCases.map { ($0.rawValue, $0.rawValue) }, selected: value)
            case "number": item["number"] = true
            default: item["text"] = true
            }
            return item
        }
        return page("credential-form", title: isNew ? "New credential" : "Edit \(fields["id"] ?? "credential")", visit: visit, [
            "fields": items, "isNew": isNew, "errors": errors.all, "generalErrors": errors.messages(""), "notice": notice ?? "",
            "id": fields["id"] ?? "",
        ], status: status)
    }

    func saveCredential(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let form = visit.form
        let isNew = form["isNew"] == "yes"
        guard let id = form["id"] else {
            var errors = FieldErrors()
            errors.add("id", "is required")
            return try await credentialForm(visit, fields: form, errors: errors, isNew: isNew, status: .badRequest)
        }
        let existing = try await service.read { try $0.credential(id) }
        if isNew, existing != nil {
            var errors = FieldErrors()
            errors.add("id", "the catalogue already has a credential \"\(id)\"; choose another id or edit that one")
            return try await credentialForm(visit, fields: form, errors: errors, isNew: isNew, status: .badRequest)
        }
        // The stored document keeps what the form does not show (offerings, prerequisites, outcomes…).
        var document = existing.map { CatalogueDocument.json($0).objectFields } ?? [:]
        for field in Self.credentialFields {
            let text = form[field.name]
            switch field.kind {
            case "number":
                // A number that does not parse goes to the reader as text, which says so beside the field.
                document[field.name] = text.map { Double($0).map(JSON.number) ?? .string($0) }
            case "list":
                let items = (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { JSON.string(String($0)) }
                document[field.name] = items.isEmpty && field.name != "languages" ? nil : .array(items)
            default:
                document[field.name] = text.map(JSON.string)
            }
        }
        let body = JSON.object([
            "format": .string(Catalogue.formatName), "providers": .array([]), "credentials": .array([.object(document.compactMapValues { $0 })]),
        ])
        var errors = FieldErrors()
        func place(_ issues: [ValidationIssue]) {
            errors.add(issues) { path in
                let prefix = "$.credentials[0]"
                guard path.hasPrefix(prefix) else { return nil }
                let rest = path.dropFirst(prefix.count)
                let key = String(rest.dropFirst().prefix { $0 != "." && $0 != "[" })
                return Self.credentialFields.contains { $0.name == key } ? key : nil
            }
        }
        do {
            let catalogue = try CatalogueDocument.read(body)
            _ = try await accounts.run { try $0.editCatalogue(catalogue, by: account.id, now: Date()) }
        } catch let invalid as InvalidDocument {
            place(invalid.issues)
        } catch let issue as ValidationIssue {
            place([issue])
        }
        guard errors.isEmpty else { return try await credentialForm(visit, fields: form, errors: errors, isNew: isNew, status: .badRequest) }
        return redirect("/editor/credentials/\(id)?saved=1")
    }
}
