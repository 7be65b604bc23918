import Foundation
import StackPlanCore

/// Catalogue credentials as a spreadsheet: one row per credential, providers described in
/// `provider…` columns. The layout is in docs/csv-format.md.
///
/// Reading turns each row into the credential's JSON record and hands the whole to
/// ``CatalogueDocument``, so a CSV catalogue obeys exactly the JSON format's rules; problems
/// found there, or later by validation, are moved back from JSON paths to lines and columns
/// by ``locate(_:)``.
public struct CatalogueCSV: Sendable {
    enum Cell: Sendable {
        case text, number, boolean, list, prerequisites, offerings, place
        /// A JSON value written as it is, for structured fields without a shorter spreadsheet form.
        case json
    }

    /// Credential columns, named as the JSON fields they fill.
    static let credentialColumns: [(name: String, cell: Cell)] = [
        ("id", .text), ("title", .text), ("provider", .text), ("kind", .text), ("ects", .number), ("hours", .number),
        ("eqf", .number), ("cost", .number), ("currency", .text), ("weeks", .number), ("mode", .text), ("languages", .list),
        ("accredited", .boolean), ("competencies", .list), ("prerequisites", .prerequisites), ("excludes", .list),
        ("learningOutcomes", .list), ("assessment", .text), ("qualityAssurance", .text), ("source", .text),
        ("invented", .boolean), ("identifiers", .list), ("offerings", .offerings), ("cpd", .json), ("place", .place),
    ]
    /// Provider columns and the provider field each fills.
    static let providerColumns: [(name: String, field: String, cell: Cell)] = [
        ("providerName", "name", .text), ("providerCountry", "country", .text), ("providerAccredited", "accredited", .boolean),
        ("providerUrl", "url", .text), ("providerSource", "source", .text),
    ]
    static let requiredColumns = ["id", "title", "provider", "kind", "eqf", "mode", "languages"]

    public private(set) var catalogue: Catalogue
    public let file: String?
    /// Header text as written, by column number.
    let headers: [Int: String]
    /// Column number by JSON field name (`ects`, `providerName`).
    let columns: [String: Int]
    /// Each credential's record, in catalogue order.
    let credentialRecords: [CSVReader.Record]
    /// The record that first describes each provider, in catalogue order.
    let providerRecords: [CSVReader.Record]

    /// Reads a CSV catalogue. `baseCurrency` is the currency fees without a `currency` are in:
    /// the database's, since a CSV file cannot say. Throws ``InvalidDocument`` with every problem;
    /// given the stored catalogue, a sheet with unreadable cells is also judged against the
    /// catalogue's rules, so that one round of corrections fixes everything.
    public init(_ data: Data, file: String? = nil, baseCurrency: String = "EUR", resolvingAgainst existing: Catalogue? = nil) throws {
        self.file = file
        guard let text = String(data: data, encoding: .utf8) else {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "line 1", message: "is not UTF-8 text; save the sheet as \"CSV UTF-8\"")])
        }
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.parse(text).filter { !$0.isBlank }
        } catch {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "line \(error.line), column \(error.column)", message: error.message)])
        }
        guard let header = records.first else {
            throw InvalidDocument(file: file, issues: [ValidationIssue(path: "line 1", message: "the file is empty: it needs a header row naming its columns")])
        }
        var issues: [ValidationIssue] = []
        var headers: [Int: String] = [:]
        var columns: [String: Int] = [:]
        var ignored: Set<Int> = []
        let known = Self.credentialColumns.map(\.name) + Self.providerColumns.map(\.name)
        for field in header.fields {
            let name = field.text.trimmingCharacters(in: .whitespaces)
            headers[field.column] = name
            if name.isEmpty || name.hasPrefix("#") {
                ignored.insert(field.column)
                continue
            }
            guard let canonical = known.first(where: { Self.simplified($0) == Self.simplified(name) }) else {
                issues.append(ValidationIssue(path: Self.location(field.line, field.column, name),
                                              message: "is not a column StackPlan knows (use \(known.joined(separator: ", ")); start a header with # to keep a column of notes)"))
                continue
            }
            if let earlier = columns[canonical] {
                issues.append(ValidationIssue(path: Self.location(field.line, field.column, name), message: "repeats column \(earlier) (\(headers[earlier]!))"))
                continue
            }
            columns[canonical] = field.column
        }
        for required in Self.requiredColumns where columns[required] == nil {
            issues.append(ValidationIssue(path: "line \(header.line)", message: "has no \"\(required)\" column; every credential needs \(Self.requiredColumns.joined(separator: ", "))"))
        }
        if columns["ects"] == nil && columns["hours"] == nil {
            issues.append(ValidationIssue(path: "line \(header.line)", message: "has neither an \"ects\" nor an \"hours\" column; every credential needs one of them"))
        }
        self.headers = headers
        self.columns = columns
        // Rows cannot be read against a header that is wrong.
        if !issues.isEmpty { throw InvalidDocument(file: file, issues: issues) }

        var credentials: [JSON] = []
        var credentialRecords: [CSVReader.Record] = []
        var providers: [[String: JSON]] = []
        var providerRecords: [CSVReader.Record] = []
        var providerIndex: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                issues.append(ValidationIssue(
                    path: "line \(record.line)",
                    message: "has \(record.fields.count) fields where the header has \(header.fields.count); a comma inside a value needs the value in quotes"))
                continue
            }
            var fields: [String: JSON] = [:]
            var providerFields: [String: JSON] = [:]
            for field in record.fields {
                let value = field.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if ignored.contains(field.column) {
                    if headers[field.column]!.isEmpty && !value.isEmpty {
                        issues.append(ValidationIssue(path: Self.location(field.line, field.column, nil), message: "holds a value in a column without a header"))
                    }
                    continue
                }
                guard !value.isEmpty, let name = columns.first(where: { $0.value == field.column })?.key else { continue }
                let place = Self.location(field.line, field.column, headers[field.column])
                if let column = Self.providerColumns.first(where: { $0.name == name }) {
                    if let json = Self.convert(value, column.cell, at: place, issues: &issues) { providerFields[column.field] = json }
                } else if let column = Self.credentialColumns.first(where: { $0.name == name }) {
                    if let json = Self.convert(value, column.cell, at: place, issues: &issues) { fields[name] = json }
                }
            }
            if !providerFields.isEmpty, case .string(let id)? = fields["provider"] {
                providerFields["id"] = .string(id)
                if let index = providerIndex[id] {
                    for (key, value) in providerFields.sorted(by: { $0.key < $1.key }) {
                        if let earlier = providers[index][key], earlier != value {
                            let column = Self.providerColumns.first { $0.field == key }.flatMap { columns[$0.name] } ?? columns["provider"]!
                            issues.append(ValidationIssue(
                                path: Self.location(record.line, column, headers[column]),
                                message: "describes provider \"\(id)\" differently from line \(providerRecords[index].line)"))
                        } else {
                            providers[index][key] = value
                        }
                    }
                } else {
                    providerIndex[id] = providers.count
                    providers.append(providerFields)
                    providerRecords.append(record)
                }
            }
            credentials.append(.object(fields))
            credentialRecords.append(record)
        }
        self.credentialRecords = credentialRecords
        self.providerRecords = providerRecords
        self.catalogue = Catalogue()
        let document = JSON.object([
            "format": .string(Catalogue.formatName), "baseCurrency": .string(baseCurrency),
            "providers": .array(providers.map(JSON.object)), "credentials": .array(credentials),
        ])
        var found: [ValidationIssue] = []
        do {
            catalogue = try CatalogueDocument.read(document, file: file)
        } catch let invalid as InvalidDocument {
            found = invalid.issues
        }
        if !issues.isEmpty || !found.isEmpty {
            if let existing {
                found = CatalogueDocument.problems(in: document.serialized(pretty: false), resolvingAgainst: existing)
            }
            // A cell already reported as unreadable was left out of its record; its absence is not news.
            let reported = Set(issues.map(\.path))
            issues += found.map(locate).filter { !reported.contains($0.path) }
            throw InvalidDocument(file: file, issues: Self.inSheetOrder(issues))
        }
    }

    /// Every problem of a CSV catalogue, structural and semantic, with lines and columns:
    /// what `stackplan validate` prints for a `.csv` file.
    public static func problems(in data: Data, file: String? = nil, baseCurrency: String = "EUR", resolvingAgainst existing: Catalogue? = nil) -> [ValidationIssue] {
        do {
            let sheet = try CatalogueCSV(data, file: file, baseCurrency: baseCurrency, resolvingAgainst: existing)
            return CatalogueValidator.issues(in: sheet.catalogue, resolvingAgainst: existing).map(sheet.locate)
        } catch let invalid as InvalidDocument {
            return invalid.issues
        } catch {
            return [ValidationIssue(path: "line 1", message: String(describing: error))]
        }
    }

    // MARK: Locating problems

    /// The same problems, placed by line and column of this file instead of JSON path.
    public func locate(_ invalid: InvalidDocument) -> InvalidDocument {
        InvalidDocument(file: invalid.file ?? file, issues: invalid.issues.map(locate))
    }

    public func locate(_ issue: ValidationIssue) -> ValidationIssue {
        var located = issue
        located.path = place(of: issue.path) ?? issue.path
        located.message = replacingPaths(in: issue.message)
        return located
    }

    /// Issues sorted by line, then column, as someone correcting the sheet meets them.
    static func inSheetOrder(_ issues: [ValidationIssue]) -> [ValidationIssue] {
        func place(_ issue: ValidationIssue) -> (Int, Int) {
            let numbers = issue.path.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
            return issue.path.hasPrefix("line ") ? (numbers.first ?? 0, numbers.dropFirst().first ?? 0) : (Int.max, 0)
        }
        return issues.enumerated().sorted { lhs, rhs in
            let (left, right) = (place(lhs.element), place(rhs.element))
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }

    static func location(_ line: Int, _ column: Int, _ header: String?) -> String {
        "line \(line), column \(column)" + (header.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
    }

    /// `$.credentials[3].ects…` → `line 5, column 4 (ects)`; `$.providers[0].name` → the providerName
    /// cell of the row that describes that provider.
    func place(of path: String) -> String? {
        for (list, records) in [("credentials", credentialRecords), ("providers", providerRecords)] {
            let prefix = "$.\(list)["
            guard path.hasPrefix(prefix), let close = path.firstIndex(of: "]"),
                  let index = Int(path[path.index(path.startIndex, offsetBy: prefix.count)..<close]), records.indices.contains(index)
            else { continue }
            let record = records[index]
            var rest = path[path.index(after: close)...]
            guard rest.first == "." else { return "line \(record.line)" }
            rest = rest.dropFirst()
            let field = String(rest.prefix { $0 != "." && $0 != "[" })
            let columnName: String? = if list == "credentials" { field } else if field == "id" { "provider" } else {
                Self.providerColumns.first { $0.field == field }?.name
            }
            guard let columnName, let column = columns[columnName] else { return "line \(record.line)" }
            let cell = record.fields.first { $0.column == column }
            return Self.location(cell?.line ?? record.line, column, headers[column])
        }
        return nil
    }

    /// Messages that cite another record by path (`duplicates the id of $.credentials[0]`) cite its line instead.
    func replacingPaths(in message: String) -> String {
        var result = message
        // A CSV file cannot hold exchange rates: they come from the database.
        if result.contains("has no rate in $.exchangeRates to convert it to") {
            result = result.replacingOccurrences(of: "has no rate in $.exchangeRates to convert it to", with: "has no exchange rate to")
                + "; a CSV file cannot hold rates: import a JSON catalogue with \"exchangeRates\" first"
        }
        for list in ["credentials", "providers"] {
            while let range = result.range(of: "$.\(list)[") {
                guard let close = result[range.upperBound...].firstIndex(of: "]"),
                      let place = place(of: String(result[range.lowerBound...close]))
                else { break }
                result.replaceSubrange(range.lowerBound...close, with: place)
            }
        }
        return result
    }

    // MARK: Cells

    /// A cell's JSON fault, placed within the cell (the file's line and column are in the path).
    static func cellJSONError(_ error: JSONSyntaxError) -> String {
        error.line == 1
            ? "\(error.message) (character \(error.column) of the cell)"
            : "\(error.message) (line \(error.line), character \(error.column) of the cell)"
    }

    static func simplified(_ name: String) -> String { name.lowercased().filter { $0.isLetter || $0.isNumber } }

    static func list(_ text: String) -> [String] {
        text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    static func convert(_ text: String, _ cell: Cell, at place: String, issues: inout [ValidationIssue]) -> JSON? {
        switch cell {
        case .text:
            // A line break typed inside a cell is layout, not part of a title or name.
            return .string(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))
        case .number:
            if let value = Double(text), value.isFinite, text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) { return .number(value) }
            let hint = text.contains(",") ? " (write decimals with a point, as in 2.5, and no thousands separator)" : ""
            issues.append(ValidationIssue(path: place, message: "\"\(text)\" is not a number\(hint)"))
            return nil
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "y", "1": return .bool(true)
            case "false", "no", "n", "0": return .bool(false)
            default:
                issues.append(ValidationIssue(path: place, message: "\"\(text)\" is not true or false (write true, false, yes or no)"))
                return nil
            }
        case .list:
            return .array(list(text).map(JSON.string))
        case .prerequisites:
            if text.hasPrefix("{") {
                do {
                    return try JSON.parse(Data(text.utf8))
                } catch {
                    issues.append(ValidationIssue(path: place, message: "is not a valid JSON prerequisite expression: \(Self.cellJSONError(error))"))
                    return nil
                }
            }
            let ids = list(text)
            if ids.count == 1 { return .object(["credential": .string(ids[0])]) }
            return .object(["allOf": .array(ids.map { .object(["credential": .string($0)]) })])
        case .json:
            do {
                return try JSON.parse(Data(text.utf8))
            } catch {
                issues.append(ValidationIssue(path: place, message: "is not valid JSON: \(Self.cellJSONError(error))"))
                return nil
            }
        case .place:
            return CatalogueDocument.placeJSON(text: text)
        case .offerings:
            // `start|weeks|cost|seats|id|place` per offering, `;` between offerings; empty parts are unset.
            var offerings: [JSON] = []
            for entry in list(text) {
                let parts = entry.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count <= 6, let start = parts.first, !start.isEmpty else {
                    issues.append(ValidationIssue(path: place, message: "\"\(entry)\" is not an offering (write start|weeks|cost|seats|id|place, as in 2027-01-11|12|1185|20|2027-spring|IE/Cork)"))
                    continue
                }
                var fields: [String: JSON] = ["start": .string(start)]
                for (index, key) in ["weeks", "cost", "seats"].enumerated() where parts.count > index + 1 && !parts[index + 1].isEmpty {
                    guard let value = Double(parts[index + 1]), value.isFinite else {
                        issues.append(ValidationIssue(path: place, message: "\"\(parts[index + 1])\" in offering \"\(entry)\" is not a number (\(key))"))
                        continue
                    }
                    fields[key] = .number(value)
                }
                if parts.count >= 5 && !parts[4].isEmpty { fields["id"] = .string(parts[4]) }
                if parts.count == 6 && !parts[5].isEmpty { fields["place"] = CatalogueDocument.placeJSON(text: parts[5]) }
                offerings.append(.object(fields))
            }
            return .array(offerings)
        }
    }

    static func cell(_ offerings: [Offering]) -> String {
        offerings.map { offering in
            ([offering.start.description, offering.weeks.map(String.init) ?? "", offering.cost.map(formatted) ?? "",
              offering.seats.map(String.init) ?? "", offering.id ?? ""] + (offering.place.map { [CatalogueDocument.text($0)] } ?? []))
                .joined(separator: "|")
        }.joined(separator: ";")
    }

    // MARK: Writing

    /// The catalogue's credentials in this layout, with each provider's description on every row
    /// of its credentials. `omitted` lists what the layout cannot carry (qualifications, providers
    /// without credentials, unknown fields, list items containing `;`).
    public static func write(_ catalogue: Catalogue) -> (text: String, omitted: [String]) {
        let names = credentialColumns.map(\.name) + providerColumns.map(\.name)
        var lines = [CSVReader.line(names)]
        var omitted: [String] = []
        if !catalogue.qualifications.isEmpty {
            omitted.append("\(catalogue.qualifications.count) qualification\(catalogue.qualifications.count == 1 ? "" : "s") (requirement trees need JSON)")
        }
        if !catalogue.exchangeRates.isEmpty {
            omitted.append("exchange rates (\(catalogue.exchangeRates.keys.sorted().joined(separator: ", ")))")
        }
        let used = Set(catalogue.credentials.map(\.provider))
        let unused = catalogue.providers.filter { !used.contains($0.id) }.map(\.id)
        if !unused.isEmpty { omitted.append("providers without credentials: \(unused.joined(separator: ", "))") }
        for credential in catalogue.credentials {
            let record = CatalogueDocument.json(credential)
            guard case .object(let fields) = record else { continue }
            for key in fields.keys.sorted() where !credentialColumns.contains(where: { $0.name == key }) {
                omitted.append("field \"\(key)\" of credential \"\(credential.id)\"")
            }
            var row: [String] = []
            for column in credentialColumns {
                let value = fields[column.name] ?? .null
                if column.cell == .prerequisites, let prerequisites = credential.prerequisites {
                    row.append(cell(prerequisites))
                    continue
                }
                if column.cell == .offerings {
                    row.append(cell(credential.offerings))
                    continue
                }
                if column.cell == .place {
                    row.append(credential.place.map(CatalogueDocument.text) ?? "")
                    continue
                }
                if column.cell == .json {
                    row.append(value == .null ? "" : String(decoding: value.serialized(pretty: false), as: UTF8.self))
                    continue
                }
                if case .array(let items) = value,
                   items.contains(where: { if case .string(let text) = $0 { text.contains(";") } else { false } }) {
                    omitted.append("a \(column.name) item of credential \"\(credential.id)\" contains \";\" and will read back as two")
                }
                row.append(cell(value))
            }
            let provider = catalogue.provider(credential.provider).map(CatalogueDocument.json)
            for column in providerColumns {
                if case .object(let fields)? = provider { row.append(cell(fields[column.field] ?? .null)) } else { row.append("") }
            }
            lines.append(CSVReader.line(row))
        }
        return (lines.joined(separator: "\r\n") + "\r\n", omitted)
    }

    static func cell(_ value: JSON) -> String {
        switch value {
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): formatted(number)
        case .string(let text): text
        case .array(let items): items.map(cell).joined(separator: ";")
        case .object: String(decoding: value.serialized(pretty: false), as: UTF8.self)
        }
    }

    static func cell(_ prerequisites: Prerequisite) -> String {
        switch prerequisites {
        case .credential(let id):
            return id
        case .allOf(let children):
            let ids = children.compactMap { if case .credential(let id) = $0 { id } else { nil } }
            if ids.count == children.count && ids.count > 1 { return ids.joined(separator: ";") }
        default:
            break
        }
        return String(decoding: CatalogueDocument.json(prerequisites).serialized(pretty: false), as: UTF8.self)
    }
}
