import Foundation
import Hummingbird
import StackPlanCore
import StackPlanStore

/// One field of an editor's form, and the member of the record's stackplan/1 document it fills.
struct EditorField: Sendable {
    enum Kind: Sendable, Equatable {
        case text
        case number
        /// Comma-separated strings.
        case list
        /// One of the catalogue's providers.
        case provider
        case choice([String])
        case checkbox
        /// A JSON value edited as text (a qualification's requirement tree); its problems are
        /// shown with their JSON path inside it, `$` being the value itself.
        case json
    }

    var name: String
    var label: String
    var kind: Kind
    /// Where the value lives in the record's document: `["rules", "maxPriorEcts"]`.
    var member: [String]
    var hint: String = ""

    init(_ name: String, _ label: String, _ kind: Kind, member: [String]? = nil, hint: String = "") {
        self.name = name
        self.label = label
        self.kind = kind
        self.member = member ?? [name]
        self.hint = hint
    }
}

/// The form for one kind of catalogue record.
struct EditorForm: Sendable {
    var kind: CatalogueRecordKind
    /// The document's list of such records, and the pages' address: `credentials`.
    var plural: String
    var noun: String
    var fields: [EditorField]

    static let credential = EditorForm(kind: .credential, plural: "credentials", noun: "credential", fields: [
        EditorField("id", "Id (letters, digits and hyphens)", .text), EditorField("title", "Title", .text),
        EditorField("provider", "Provider", .provider), EditorField("kind", "Kind", .choice(CredentialKind.allCases.map(\.rawValue))),
        EditorField("eqf", "EQF level", .number), EditorField("ects", "ECTS", .number), EditorField("hours", "Learning hours", .number),
        EditorField("cost", "Cost", .number), EditorField("currency", "Currency (ISO 4217, blank for the catalogue's)", .text),
        EditorField("mode", "Mode", .choice(DeliveryMode.allCases.map(\.rawValue))),
        EditorField("languages", "Languages (comma-separated ISO 639-1 codes)", .list),
        EditorField("competencies", "Competencies (comma-separated)", .list), EditorField("weeks", "Weeks", .number),
        EditorField("source", "Source (a public address)", .text),
    ])

    static let provider = EditorForm(kind: .provider, plural: "providers", noun: "provider", fields: [
        EditorField("id", "Id (letters, digits and hyphens)", .text), EditorField("name", "Name", .text),
        EditorField("country", "Country (ISO 3166-1 alpha-2, such as IE)", .text),
        EditorField("accredited", "Accredited: quality-assured by a recognised body", .checkbox),
        EditorField("url", "Web address", .text), EditorField("source", "Source (a public address)", .text),
    ])

    static let qualification = EditorForm(kind: .qualification, plural: "qualifications", noun: "qualification", fields: [
        EditorField("id", "Id (letters, digits and hyphens)", .text), EditorField("title", "Title", .text),
        EditorField("provider", "Provider", .provider), EditorField("eqf", "EQF level", .number),
        EditorField("ects", "ECTS needed", .number),
        EditorField("maxPriorEcts", "Most ECTS from held credentials (blank: no limit)", .number, member: ["rules", "maxPriorEcts"]),
        EditorField("priorWithinYears", "Held credentials count if earned within (years; blank: any age)", .number,
                    member: ["rules", "priorWithinYears"]),
        EditorField("sharedCounting", "One credential may count toward every requirement it fits (shared counting)", .checkbox,
                    member: ["rules", "sharedCounting"]),
        EditorField("requires", "Requirement tree (JSON, as in docs/data-format.md)", .json,
                    hint: #"For example {"allOf": [{"credential": "ucp-ams"}, {"credits": 10, "where": {"minEqf": 7}}]}"#),
        EditorField("source", "Source (a public address)", .text),
    ])

    static let all = [credential, qualification, provider]
}

/// The editor's pages: the catalogue's credentials, qualifications and providers, a form that
/// creates or changes each, validated as an import is (against itself and the stored catalogue)
/// with each problem beside its field, and retiring (or offering again) a record. Every change
/// goes through the service's catalogue edits, as `POST /api/v1/catalogue` and the retirement
/// routes do.
extension WebPages {
    static let editors: Access = .roles([.editor, .admin])

    func registerEditor(on router: Router<APIContext>) {
        on(router, .get, "/editor", Self.editors) { _, visit, _ in try await editorHome(visit) }
        for form in EditorForm.all {
            on(router, .get, "/editor/\(form.plural)/new", Self.editors) { _, visit, _ in
                try await recordForm(form, visit, fields: WebFields(), errors: FieldErrors(), isNew: true)
            }
            on(router, .get, "/editor/\(form.plural)/:id", Self.editors) { _, visit, context in
                let id = try context.parameters.require("id")
                guard let document = try await storedDocument(form.kind, id) else { throw WebError.notFound("The catalogue has no \(form.noun) \"\(id)\".") }
                let notice = visit.query["saved"] != nil ? "Saved: the catalogue now has this \(form.noun) as shown."
                    : visit.query["retired"] != nil ? "This \(form.noun) is now retired: kept for the saved plans that name it, offered to no new plan or list."
                    : visit.query["restored"] != nil ? "This \(form.noun) is offered again." : nil
                return try await recordForm(form, visit, fields: Self.formFields(form, document), errors: FieldErrors(), isNew: false, notice: notice)
            }
            on(router, .post, "/editor/\(form.plural)", Self.editors) { _, visit, _ in try await saveRecord(form, visit) }
            on(router, .post, "/editor/\(form.plural)/:id/retirement", Self.editors) { _, visit, context in
                try await retireRecord(form, visit, id: try context.parameters.require("id"))
            }
        }
    }

    func editorHome(_ visit: Visit) async throws -> Response {
        let search = visit.query["q"]
        let records = records
        let (credentials, qualifications, providers, retired) = try await service.read { source in
            (try source.credentials(matching: CredentialQuery(search: search)), try source.qualifications(matching: QualificationQuery(search: search)),
             try source.providers(matching: ProviderQuery(search: search)), Set(try records.retirements().map { "\($0.kind.rawValue) \($0.id)" }))
        }
        func item(_ kind: CatalogueRecordKind, _ id: String, _ title: String, _ provider: String) -> [String: Any] {
            ["id": id, "title": title, "provider": provider, "retired": retired.contains("\(kind.rawValue) \(id)")]
        }
        return page("editor", title: "Edit the catalogue", visit: visit, [
            "q": search ?? "", "count": String(credentials.count), "qualificationCount": String(qualifications.count),
            "providerCount": String(providers.count),
            "credentials": credentials.prefix(300).map { item(.credential, $0.id, $0.title, $0.provider) },
            "qualifications": qualifications.prefix(300).map { item(.qualification, $0.id, $0.title, $0.provider) },
            "providers": providers.prefix(300).map { item(.provider, $0.id, $0.name, $0.country) },
        ])
    }

    /// A stored record as its stackplan/1 document, or nil when the catalogue has none.
    func storedDocument(_ kind: CatalogueRecordKind, _ id: String) async throws -> JSON? {
        try await service.read { source -> JSON? in
            switch kind {
            case .credential: try source.credential(id).map(CatalogueDocument.json)
            case .qualification: try source.qualification(id).map(CatalogueDocument.json)
            case .provider: try source.provider(id).map(CatalogueDocument.json)
            }
        }
    }

    /// The form's values from a record's document.
    static func formFields(_ form: EditorForm, _ document: JSON) -> WebFields {
        var fields = WebFields()
        for field in form.fields {
            guard let value = member(field.member, of: document) else { continue }
            switch (field.kind, value) {
            case (.json, _): fields.add(field.name, String(decoding: value.serialized(pretty: true), as: UTF8.self))
            case (.checkbox, .bool(true)): fields.add(field.name, "on")
            case (.checkbox, _): break
            case (_, .string(let text)): fields.add(field.name, text)
            // Exactly as stored: a form that rounded would change the record when saved unchanged.
            case (_, .number(let number)): fields.add(field.name, number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number))
            case (_, .array(let items)): fields.add(field.name, items.compactMap(\.stringValue).joined(separator: ", "))
            default: break
            }
        }
        return fields
    }

    static func member(_ path: [String], of document: JSON) -> JSON? {
        var value: JSON? = document
        for key in path { value = value?.objectFields[key] }
        return value
    }

    /// Sets (or, with nil, removes) the member at `path`; an object left empty goes too.
    static func setMember(_ path: [String], to value: JSON?, in fields: inout [String: JSON]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            fields[key] = value
            return
        }
        var inner = fields[key]?.objectFields ?? [:]
        setMember(Array(path.dropFirst()), to: value, in: &inner)
        fields[key] = inner.isEmpty ? nil : .object(inner)
    }

    func recordForm(_ form: EditorForm, _ visit: Visit, fields: WebFields, errors: FieldErrors, isNew: Bool, notice: String? = nil,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        var providers: [Provider] = []
        if form.fields.contains(where: { $0.kind == .provider }) {
            providers = try await service.read { try $0.providers(matching: ProviderQuery()) }
        }
        let id = fields["id"] ?? ""
        let records = records, kind = form.kind
        var retirement: Retirement?
        if !isNew, !id.isEmpty {
            retirement = try await service.reads.run { try records.retirements().first { $0.kind == kind && $0.id == id } }
        }
        func options(_ values: [(String, String)], selected: String?) -> [[String: Any]] {
            values.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == selected] }
        }
        let items = form.fields.map { field -> [String: Any] in
            let value = fields.values[field.name]?.first ?? ""
            var item: [String: Any] = [
                "name": field.name, "label": field.label, "value": value, "errors": errors.messages(field.name),
                "invalid": !errors.messages(field.name).isEmpty, "readonly": field.name == "id" && !isNew, "hint": field.hint,
            ]
            switch field.kind {
            case .provider: item["options"] = options(providers.map { ($0.id, "\($0.name) (\($0.id))") }, selected: value)
            case .choice(let values): item["options"] = options(values.map { ($0, $0) }, selected: value)
            case .number: item["number"] = true
            case .checkbox: item["checkbox"] = true; item["checked"] = fields.isOn(field.name)
            case .json: item["textarea"] = true
            case .text, .list: item["text"] = true
            }
            return item
        }
        return page("record-form", title: isNew ? "New \(form.noun)" : "Edit \(id.isEmpty ? form.noun : id)", visit: visit, [
            "fields": items, "isNew": isNew, "errors": errors.all, "generalErrors": errors.messages(""), "notice": notice ?? "",
            "id": id, "plural": form.plural, "noun": form.noun, "catalogueLink": form.kind == .provider ? "" : "/catalogue/\(form.plural)/\(id)",
            "retired": retirement != nil, "retiredAt": retirement.map { timestamp($0.retiredAt) } ?? "",
        ], status: status)
    }

    /// The record's document the form describes: the stored one (keeping what the form does not
    /// show: offerings, prerequisites, outcomes…) with each field's member set from the form.
    /// A JSON field that does not parse is left as stored and its problem noted beside it.
    static func document(_ form: EditorForm, from values: WebFields, keeping stored: JSON?, errors: inout FieldErrors) -> JSON {
        var document = stored?.objectFields ?? [:]
        for field in form.fields {
            let text = values[field.name]
            let value: JSON?
            switch field.kind {
            case .number:
                // A number that does not parse goes to the reader as text, which says so beside the field.
                value = text.map { text in Double(text).flatMap { $0.isFinite ? JSON.number($0) : nil } ?? .string(text) }
            case .list:
                let items = (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { JSON.string(String($0)) }
                value = items.isEmpty && field.name != "languages" ? nil : .array(items)
            case .checkbox:
                value = .bool(values.isOn(field.name))
            case .json:
                guard let text else {
                    value = nil
                    break
                }
                do {
                    value = try JSON.parse(Data(text.utf8))
                } catch {
                    // Where the text stops being JSON: line, column and what was expected there.
                    errors.add(field.name, "is not JSON: \(String(describing: error))")
                    continue
                }
            case .text, .provider, .choice:
                value = text.map(JSON.string)
            }
            setMember(field.member, to: value, in: &document)
        }
        return .object(document)
    }

    /// The form field a document problem belongs to, and its message there: a JSON field's
    /// problems name their path inside the field's value (`$.allOf[1].credential`).
    static func place(_ issue: ValidationIssue, in form: EditorForm) -> (field: String, message: String) {
        let prefix = "$.\(form.plural)[0]"
        guard issue.path.hasPrefix(prefix) else { return ("", "\(issue.path): \(issue.message)") }
        let rest = String(issue.path.dropFirst(prefix.count))
        // ".rules.maxPriorEcts" → ["rules", "maxPriorEcts"]; indexes stay with their member.
        var keys: [String] = []
        var remainders: [Substring] = []
        var position = rest.startIndex
        while position < rest.endIndex, rest[position] == "." {
            let start = rest.index(after: position)
            let end = rest[start...].firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
            keys.append(String(rest[start..<end]))
            remainders.append(rest[end...])
            position = rest[end...].firstIndex { $0 == "." } ?? rest.endIndex
            if end < rest.endIndex, rest[end] == "[" { break }
        }
        for field in form.fields.sorted(by: { $0.member.count > $1.member.count }) where keys.starts(with: field.member) {
            guard field.kind == .json else { return (field.name, issue.message) }
            let inside = remainders[field.member.count - 1]
            return (field.name, inside.isEmpty ? issue.message : "$\(inside): \(issue.message)")
        }
        return ("", rest.isEmpty ? issue.message : "\(rest.dropFirst()): \(issue.message)")
    }

    func saveRecord(_ form: EditorForm, _ visit: Visit) async throws -> Response {
        let account = try visit.require()
        let values = visit.form
        let isNew = values["isNew"] == "yes"
        var errors = FieldErrors()
        guard let id = values["id"] else {
            errors.add("id", "is required")
            return try await recordForm(form, visit, fields: values, errors: errors, isNew: isNew, status: .badRequest)
        }
        let stored = try await storedDocument(form.kind, id)
        if isNew, stored != nil {
            errors.add("id", "the catalogue already has a \(form.noun) \"\(id)\"; choose another id or edit that one")
            return try await recordForm(form, visit, fields: values, errors: errors, isNew: isNew, status: .badRequest)
        }
        let record = Self.document(form, from: values, keeping: stored, errors: &errors)
        let baseCurrency = try await service.read { try $0.baseCurrency() }
        var body: [String: JSON] = ["format": .string(Catalogue.formatName), "baseCurrency": .string(baseCurrency)]
        for list in ["providers", "credentials", "qualifications"] { body[list] = .array(list == form.plural ? [record] : []) }
        // Fields that could not be read (JSON that does not parse) already have their problem.
        let unreadable = Set(errors.fields)
        func place(_ issues: [ValidationIssue]) {
            for issue in issues where issue.severity == .error {
                let (field, message) = Self.place(issue, in: form)
                if !unreadable.contains(field) { errors.add(field, message) }
            }
        }
        do {
            let catalogue = try CatalogueDocument.read(.object(body))
            if errors.isEmpty {
                _ = try await accounts.run { try $0.editCatalogue(catalogue, by: account.id, now: Date()) }
            }
        } catch let invalid as InvalidDocument {
            place(invalid.issues)
        } catch let issue as ValidationIssue {
            place([issue])
        }
        guard errors.isEmpty else { return try await recordForm(form, visit, fields: values, errors: errors, isNew: isNew, status: .badRequest) }
        return redirect("/editor/\(form.plural)/\(id)?saved=1")
    }

    /// Retires the record (or, with `restore`, offers it again): the store's catalogue edit, as
    /// `POST` (or `DELETE`) `/api/v1/KIND/ID/retirement` makes it.
    func retireRecord(_ form: EditorForm, _ visit: Visit, id: String) async throws -> Response {
        let account = try visit.require()
        let restoring = visit.form["restore"] != nil
        let kind = form.kind
        _ = try await accounts.run { records in
            restoring ? try records.restore(kind, id: id, by: account.id, now: Date()) : try records.retire(kind, id: id, by: account.id, now: Date())
        }
        return redirect("/editor/\(form.plural)/\(id)?" + (restoring ? "restored=1" : "retired=1"))
    }
}
