import ArgumentParser
import Foundation
import StackPlanCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the stored catalogue's records.")

    enum Records: String, ExpressibleByArgument, CaseIterable { case credentials, qualifications, providers }

    @Argument(help: "What to list: credentials, qualifications or providers.")
    var records: Records = .credentials

    @Option(help: "Only this provider's records.")
    var provider: String?

    @Option(help: "Only credentials with this competency.")
    var competency: String?

    @Option(help: "Only credentials of this kind (skill, module, programme, qualification).")
    var kind: String?

    @Flag(help: "Print JSON documents instead of a table.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        switch records {
        case .providers:
            let providers = catalogue.providers.filter { provider == nil || $0.id == provider }
            if json { return printJSON(.array(providers.map(CatalogueDocument.json))) }
            let rows = [["id", "name", "country", "accredited"]]
                + providers.map { [$0.id, $0.name, $0.country, $0.accredited ? "yes" : "no"] }
            table(rows).forEach { print($0) }
            print(plural(providers.count, "provider"))
        case .credentials:
            let credentials = catalogue.credentials.filter { credential in
                (provider == nil || credential.provider == provider)
                    && (competency.map(credential.competencies.contains) ?? true)
                    && (kind == nil || credential.kind.rawValue == kind)
            }
            if json { return printJSON(.array(credentials.map(CatalogueDocument.json))) }
            let rows = [["id", "title", "provider", "kind", "ECTS", "EQF", "cost", "mode"]] + credentials.map { credential in
                [credential.id, shortened(credential.title, to: 48), credential.provider, credential.kind.rawValue,
                 credential.ects.map(formatNumber) ?? "-", String(credential.eqf),
                 "\(formatNumber(credential.cost)) \(credential.currency ?? catalogue.baseCurrency)", credential.mode.rawValue]
            }
            table(rows, rightAligned: [4, 5, 6]).forEach { print($0) }
            print(plural(credentials.count, "credential"))
        case .qualifications:
            let qualifications = catalogue.qualifications.filter { provider == nil || $0.provider == provider }
            if json { return printJSON(.array(qualifications.map(CatalogueDocument.json))) }
            let rows = [["id", "title", "provider", "ECTS", "EQF"]] + qualifications.map {
                [$0.id, $0.title, $0.provider, formatNumber($0.ects), String($0.eqf)]
            }
            table(rows, rightAligned: [3, 4]).forEach { print($0) }
            print(plural(qualifications.count, "qualification"))
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one credential, qualification or provider.")

    @Argument(help: "The record's id.")
    var id: String

    @Flag(help: "Print the JSON document.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let catalogue = try reportingErrors { try database.openExisting().catalogue() }
        if let credential = catalogue.credential(id) {
            if json { return printJSON(CatalogueDocument.json(credential)) }
            let provider = catalogue.provider(credential.provider)
            print("\(credential.title) (\(credential.id))")
            print("  provider     \(provider?.name ?? credential.provider) (\(credential.provider), \(provider?.country ?? "?"))")
            print("  kind         \(credential.kind.rawValue), EQF \(credential.eqf), \(credential.ects.map { "\(formatNumber($0)) ECTS" } ?? "no ECTS"), \(formatNumber(credential.learningHours(hoursPerECTS: 25))) learning hours")
            print("  cost         \(formatNumber(credential.cost)) \(credential.currency ?? catalogue.baseCurrency)\(credential.weeks.map { ", \($0) weeks" } ?? "")")
            print("  delivery     \(credential.mode.rawValue), in \(credential.languages.joined(separator: ", "))")
            print("  accredited   \(catalogue.isAccredited(credential) ? "yes" : "no")")
            if !credential.competencies.isEmpty { print("  competencies \(credential.competencies.joined(separator: ", "))") }
            if let prerequisites = credential.prerequisites { print("  requires     \(describe(prerequisites))") }
            if !credential.excludes.isEmpty { print("  overlaps     \(credential.excludes.joined(separator: ", "))") }
            if let source = credential.source { print("  source       \(source)") }
            if credential.invented { print("  (an invented offering, for illustration)") }
        } else if let qualification = catalogue.qualification(id) {
            if json { return printJSON(CatalogueDocument.json(qualification)) }
            print("\(qualification.title) (\(qualification.id))")
            let provider = catalogue.provider(qualification.provider)
            print("  provider  \(provider?.name ?? qualification.provider) (\(qualification.provider)), EQF \(qualification.eqf), \(formatNumber(qualification.ects)) ECTS")
            let rules = qualification.rules
            print("  prior learning  \(rules.maxPriorECTS.map { "at most \(formatNumber($0)) ECTS" } ?? "no cap")"
                + "\(rules.priorWithinYears.map { ", earned within \(formatNumber($0)) years" } ?? ""); "
                + (rules.sharedCounting ? "a credential may count toward several requirements" : "each credential counts toward one requirement"))
            let tree = RequirementTree(qualification, in: catalogue)
            for index in tree.nodes.indices {
                print(String(repeating: "  ", count: tree.nodes[index].depth + 1) + "\(tree.nodes[index].path)  \(tree.describe(index, catalogue: catalogue))")
            }
        } else if let provider = catalogue.provider(id) {
            if json { return printJSON(CatalogueDocument.json(provider)) }
            print("\(provider.name) (\(provider.id)), \(provider.country), \(provider.accredited ? "accredited" : "not accredited")")
            print("  \(plural(catalogue.credentials.count { $0.provider == id }, "credential")), \(plural(catalogue.qualifications.count { $0.provider == id }, "qualification"))")
        } else {
            printError("error: the catalogue has no credential, qualification or provider \"\(id)\"")
            throw Exit.notFound
        }
    }

    func describe(_ prerequisite: Prerequisite) -> String {
        switch prerequisite {
        case .credential(let id): id
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
