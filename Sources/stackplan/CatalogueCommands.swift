import ArgumentParser
import Foundation
import StackPlanCore
import StackPlanStore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the stored catalogue's records, or the competency tags in use.",
        discussion: """
            Every filter given narrows the list; a filter that does not apply to the records listed is refused \
            (qualifications and providers have no competencies or kinds).
            """)

    enum Records: String, ExpressibleByArgument, CaseIterable { case credentials, qualifications, providers, competencies }

    @Argument(help: "What to list: credentials, qualifications, providers, or competencies (the tags in use, with how many credentials carry each).")
    var records: Records = .credentials

    @Option(help: "Only this provider's records (its id).")
    var provider: String?

    @Option(help: "Only credentials with this competency tag.")
    var competency: String?

    @Option(help: "Only credentials of this kind (skill, module, programme, qualification).")
    var kind: CredentialKind?

    @Option(help: "Only records whose id or title (a provider's name) contains this text, ignoring case and accents.")
    var search: String?

    @Flag(help: "Print JSON documents instead of a table.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try refuseFiltersThatDoNotApply()
        let store = try database.openExisting()
        let credentialQuery = CredentialQuery(provider: provider, competency: competency, kind: kind, search: search)
        switch records {
        case .providers:
            let providers = try reportingErrors { try store.providers(matching: ProviderQuery(id: provider, search: search)) }
            if json { return printJSON(.array(providers.map(CatalogueDocument.json))) }
            let rows = [["id", "name", "country", "accredited"]]
                + providers.map { [$0.id, $0.name, $0.country, $0.accredited ? "yes" : "no"] }
            table(rows).forEach { print($0) }
            print(plural(providers.count, "provider"))
        case .credentials:
            if json {
                // Printed a record at a time, laid out as printJSON lays out the whole array.
                var printed = 0
                try reportingErrors {
                    try store.forEachCredential(matching: credentialQuery) { credential in
                        let text = String(decoding: CatalogueDocument.json(credential).prettyData().dropLast(), as: UTF8.self)
                        print(printed == 0 ? "[" : ",", terminator: "")
                        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { print("\n  " + line, terminator: "") }
                        printed += 1
                    }
                }
                if printed == 0 { return printJSON(.array([])) }
                return print("\n]")
            }
            // Read twice, a row at a time (widths, then lines): a national catalogue is never held whole.
            let baseCurrency = try reportingErrors { try store.baseCurrency() }
            let header = ["id", "title", "provider", "kind", "ECTS", "EQF", "cost", "mode"]
            func cells(_ credential: CredentialListing) -> [String] {
                [credential.id, shortened(credential.title, to: 48), credential.provider, credential.kind,
                 credential.ects.map(formatNumber) ?? "-", String(credential.eqf),
                 "\(formatNumber(credential.cost)) \(credential.currency ?? baseCurrency)", credential.mode]
            }
            var widths = header.map(\.count)
            var count = 0
            try reportingErrors {
                try store.forEachCredentialListing(matching: credentialQuery) { credential in
                    for (column, cell) in cells(credential).enumerated() { widths[column] = max(widths[column], cell.count) }
                    count += 1
                }
            }
            let rightAligned: Set<Int> = [4, 5, 6]
            func line(_ row: [String]) -> String {
                "  " + row.enumerated().map { column, cell in
                    let padding = String(repeating: " ", count: widths[column] - cell.count)
                    if column == row.count - 1 && !rightAligned.contains(column) { return cell }
                    return rightAligned.contains(column) ? padding + cell : cell + padding
                }.joined(separator: "  ")
            }
            print(line(header))
            try reportingErrors { try store.forEachCredentialListing(matching: credentialQuery) { print(line(cells($0))) } }
            print(plural(count, "credential"))
        case .qualifications:
            let qualifications = try reportingErrors {
                try store.qualifications(matching: QualificationQuery(provider: provider, search: search))
            }
            if json { return printJSON(.array(qualifications.map(CatalogueDocument.json))) }
            let rows = [["id", "title", "provider", "ECTS", "EQF"]] + qualifications.map {
                [$0.id, $0.title, $0.provider, formatNumber($0.ects), String($0.eqf)]
            }
            table(rows, rightAligned: [3, 4]).forEach { print($0) }
            print(plural(qualifications.count, "qualification"))
        case .competencies:
            let counts = try reportingErrors { try store.competencies(matching: credentialQuery) }
            if json {
                return printJSON(.array(counts.map { .object(["competency": .string($0.competency), "credentials": .number(Double($0.credentials))]) }))
            }
            let rows = [["competency", "credentials"]] + counts.map { [$0.competency, String($0.credentials)] }
            table(rows, rightAligned: [1]).forEach { print($0) }
            print(counts.count == 1 ? "1 competency" : "\(counts.count) competencies")
        }
    }

    /// A filter that cannot narrow these records would silently list them all.
    func refuseFiltersThatDoNotApply() throws {
        let given: [(flag: String, isSet: Bool)] = [("--competency", competency != nil), ("--kind", kind != nil)]
        let refused: [String]
        switch records {
        case .credentials: refused = []
        case .qualifications, .providers: refused = given.filter(\.isSet).map(\.flag)
        case .competencies: refused = competency != nil ? ["--competency"] : []
        }
        guard let flag = refused.first else { return }
        let reason = records == .competencies
            ? "list competencies counts every tag; `list credentials \(flag) TAG` lists one tag's credentials"
            : "\(records.rawValue) have no competencies or kinds; it filters credentials"
        printError("error: \(flag) does not apply to \(records.rawValue): \(reason)")
        throw Exit.invalidInput
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one credential (with its dated offerings), qualification or provider.")

    @Argument(help: "The record's id.")
    var id: String

    @Flag(help: "Print the JSON document.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openExisting()
        if let credential = try reportingErrors({ try store.credential(id) }) {
            if json { return printJSON(CatalogueDocument.json(credential)) }
            let (provider, baseCurrency) = try reportingErrors { (try store.provider(credential.provider), try store.baseCurrency()) }
            let currency = credential.currency ?? baseCurrency
            let accredited = credential.accredited ?? provider?.accredited ?? false
            print("\(credential.title) (\(credential.id))")
            print("  provider     \(provider?.name ?? credential.provider) (\(credential.provider), \(provider?.country ?? "?"))")
            print("  kind         \(credential.kind.rawValue), EQF \(credential.eqf), \(credential.ects.map { "\(formatNumber($0)) ECTS" } ?? "no ECTS"), \(formatNumber(credential.learningHours(hoursPerECTS: 25))) learning hours")
            print("  cost         \(formatNumber(credential.cost)) \(currency)\(credential.weeks.map { ", \($0) weeks" } ?? "")")
            print("  delivery     \(credential.mode.rawValue), in \(credential.languages.joined(separator: ", "))")
            print("  accredited   \(accredited ? "yes" : "no")")
            if !credential.competencies.isEmpty { print("  competencies \(credential.competencies.joined(separator: ", "))") }
            if let prerequisites = credential.prerequisites { print("  requires     \(describe(prerequisites))") }
            if !credential.excludes.isEmpty { print("  overlaps     \(credential.excludes.joined(separator: ", "))") }
            printOfferings(of: credential, currency: currency)
            if let source = credential.source { print("  source       \(source)") }
            if credential.invented { print("  (an invented offering, for illustration)") }
        } else if try reportingErrors({ try store.qualification(id) }) != nil {
            // The tree names credentials and other qualifications: those, not the whole catalogue.
            let catalogue = try reportingErrors { try store.records(qualifications: [id], expandingQualifications: true) }
            guard let qualification = catalogue.qualification(id) else { throw Exit.notFound }
            if json { return printJSON(CatalogueDocument.json(qualification)) }
            print("\(qualification.title) (\(qualification.id))")
            let provider = catalogue.provider(qualification.provider)
            print("  provider  \(provider?.name ?? qualification.provider) (\(qualification.provider)), EQF \(qualification.eqf), \(formatNumber(qualification.ects)) ECTS")
            let rules = qualification.rules
            print("  prior learning  \(rules.maxPriorECTS.map { "at most \(formatNumber($0)) ECTS" } ?? "no cap")"
                + "\(rules.priorWithinYears.map { ", earned within \(formatNumber($0)) years" } ?? ""); "
                + (rules.sharedCounting ? "a credential may count toward several requirements" : countingNote(RequirementTree(qualification, in: catalogue))))
            let tree = RequirementTree(qualification, in: catalogue)
            for index in tree.nodes.indices {
                print(String(repeating: "  ", count: tree.nodes[index].depth + 1) + "\(tree.nodes[index].path)  \(tree.describe(index, catalogue: catalogue))"
                    + (tree.nodes[index].declaredScope.map { " [counting scope \($0)]" } ?? ""))
            }
        } else if let provider = try reportingErrors({ try store.provider(id) }) {
            if json { return printJSON(CatalogueDocument.json(provider)) }
            let (credentials, qualifications) = try reportingErrors {
                (try store.countCredentials(matching: CredentialQuery(provider: id)),
                 try store.qualifications(matching: QualificationQuery(provider: id)).count)
            }
            print("\(provider.name) (\(provider.id)), \(provider.country), \(provider.accredited ? "accredited" : "not accredited")")
            print("  \(plural(credentials, "credential")), \(plural(qualifications, "qualification"))")
        } else {
            printError("error: the catalogue has no credential, qualification or provider \"\(id)\"")
            throw Exit.notFound
        }
    }

    /// How often a credential may count, naming the counting scopes the tree declares.
    func countingNote(_ tree: RequirementTree) -> String {
        let scopes = Array(Set(tree.nodes.compactMap(\.declaredScope))).sorted()
        return scopes.isEmpty ? "each credential counts toward one requirement"
            : "each credential counts toward one requirement in each counting scope (\(scopes.joined(separator: ", ")) and the rest)"
    }

    /// The dated runs, each with its own weeks, fee and seats where it sets them, else the credential's.
    func printOfferings(of credential: Credential, currency: String) {
        guard !credential.offerings.isEmpty else {
            print("  offerings    none dated: self-paced, it can start any week")
            return
        }
        let rows = [["offering", "starts", "ends", "weeks", "fee", "seats"]] + credential.offerings.enumerated().map { index, offering in
            let weeks = offering.weeks ?? credential.weeks
            // The last day of the last week; a count of weeks beyond any calendar prints no end.
            let end = weeks.flatMap { (1...52_000).contains($0) ? offering.start.adding(days: $0 * 7 - 1).description : nil }
            let seats = offering.seats.map { $0 == 0 ? "0 (full)" : String($0) } ?? "not stated"
            return [offering.id ?? "#\(index + 1)", offering.start.description, end ?? "-", weeks.map(String.init) ?? "-",
                    "\(formatNumber(offering.cost ?? credential.cost)) \(currency)", seats]
        }
        print("  offerings")
        table(rows, rightAligned: [3, 4, 5]).forEach { print("    " + $0) }
    }

    func describe(_ prerequisite: Prerequisite) -> String {
        switch prerequisite {
        case .credential(let id): id
        case .corequisite(let id): "\(id) (corequisite)"
        case .allOf(let children): "all of (" + children.map(describe).joined(separator: ", ") + ")"
        case .anyOf(let children): "any of (" + children.map(describe).joined(separator: ", ") + ")"
        case .atLeast(let count, let children): "\(count) of (" + children.map(describe).joined(separator: ", ") + ")"
        }
    }
}

func shortened(_ text: String, to width: Int) -> String {
    text.count <= width ? text : text.prefix(width - 1).trimmingCharacters(in: .whitespaces) + "…"
}

func formatNumber(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

extension CredentialKind: ExpressibleByArgument {}
