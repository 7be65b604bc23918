import Foundation
import StackPlanCore
@testable import StackPlanCPD

enum CPDFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var bundledSchemes: URL { repository.appendingPathComponent("data/cpd-schemes.json") }
    static var bundledCatalogue: URL { repository.appendingPathComponent("data/catalogue.json") }

    static func schemeBook() throws -> CPDSchemeBook { try CPDSchemeBook.read(try Data(contentsOf: bundledSchemes)) }
    static func catalogue() throws -> Catalogue { try CatalogueDocument.read(try Data(contentsOf: bundledCatalogue)) }

    static let source = "https://example.org/rules"

    static func day(_ text: String) -> Day { Day(text)! }

    /// A one-year scheme from 1 January 2025 in hours, with the given categories and rules.
    static func scheme(
        categories: [String] = ["a", "b"], rules: [CPDRule], unit: CPDUnit = CPDUnit(name: "hours"),
        cycle: CPDCycle = CPDCycle(months: 12, anchor: .fixed(firstStart: Day("2025-01-01")!)),
        adjustments: [CPDAdjustment] = [], carryOver: CPDCarryOver? = nil, defaultCategory: String? = nil,
        plannedType: String? = nil, earlier: Bool = false
    ) -> CPDScheme {
        CPDScheme(
            id: "S", regulator: "Test regulator", status: "test", effective: Day("2025-01-01"), sources: [source], cycle: cycle, unit: unit,
            categories: categories.map { CPDCategory(id: $0, name: "Category \($0)") }, defaultCategory: defaultCategory,
            plannedType: plannedType, rules: rules, adjustments: adjustments, carryOver: carryOver, earlierCountInFirstCycle: earlier)
    }

    static func rule(_ id: String, _ kind: CPDRule.Kind) -> CPDRule { CPDRule(id: id, label: "rule \(id)", kind: kind, source: source) }

    static let provider = Provider(id: "p", name: "Provider", country: "IE", accredited: true)

    static func credential(
        _ id: String, scheme: String = "S", category: String = "a", points: Double? = 10, cost: Double = 100, hours: Double? = nil,
        ects: Double? = 1, weeks: Int? = 4, provider: String = "p", mode: DeliveryMode = .online, languages: [String] = ["en"],
        approvedFrom: Day? = nil, approvedUntil: Day? = nil
    ) -> Credential {
        var credential = Credential(
            id: id, title: "Course \(id)", provider: provider, kind: .module, ects: ects, hours: hours, eqf: 6, cost: cost, weeks: weeks,
            mode: mode, languages: languages)
        credential.cpd = [CPDPoints(scheme: scheme, category: category, points: points, approvedFrom: approvedFrom, approvedUntil: approvedUntil)]
        return credential
    }

    static func catalogue(_ credentials: [Credential], providers: [Provider] = [provider]) -> Catalogue {
        Catalogue(providers: providers, credentials: credentials)
    }

    static func free(_ title: String, _ date: String, hours: Double? = nil, points: Double? = nil, category: String? = "a", type: String? = nil) -> CPDActivity {
        .free(title, date: Day(date)!, hours: hours, points: points, category: category, type: type)
    }

    static func record(_ activities: [CPDActivity], declarations: [String: Double] = [:], asOf: String = "2025-12-31") -> PractitionerRecord {
        PractitionerRecord(id: "r", asOf: Day(asOf)!, declarations: declarations, activities: activities)
    }

    static func assess(_ scheme: CPDScheme, _ record: PractitionerRecord, catalogue: Catalogue = Catalogue(providers: [provider])) throws -> CPDAssessment {
        try CPDChecker(scheme: scheme, catalogue: catalogue).assess(record, asOf: record.asOf ?? Day("2025-12-31")!)
    }

    static func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-cpd-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

extension CPDAssessment {
    func rule(_ id: String) -> RuleOutcome { rules.first { $0.rule.id == id }! }
    func activity(_ index: Int) -> ActivityOutcome { activities.first { $0.index == index }! }
}
