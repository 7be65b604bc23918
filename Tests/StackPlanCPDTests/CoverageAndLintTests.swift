import Foundation
import StackPlanCore
import Testing
@testable import StackPlanCPD

@Suite struct CoverageTests {
    typealias F = CPDFixture

    static let providers = [
        Provider(id: "p", name: "P", country: "IE", accredited: true), Provider(id: "q", name: "Q", country: "UK", accredited: true),
    ]

    /// Categories a (two providers), b (one provider) and c (none, though a minimum needs it).
    static let scheme = F.scheme(
        categories: ["a", "b", "c"],
        rules: [F.rule("total", .total(20)), F.rule("b-min", .minimum(categories: ["b"], 4)), F.rule("c-min", .minimum(categories: ["c"], 5)),
                F.rule("practice", .declared(name: "practice-hours", 100))])

    static let catalogue = F.catalogue([
        F.credential("a1", category: "a", points: 10, cost: 300, provider: "p", mode: .online, languages: ["en"]),
        F.credential("a2", category: "a", points: 12, cost: 200, provider: "q", mode: .blended, languages: ["en", "ga"]),
        F.credential("b1", category: "b", points: 5, cost: 90, provider: "p", mode: .inPerson, languages: ["en"]),
        F.credential("b-old", category: "b", points: 5, cost: 10, provider: "q", approvedUntil: F.day("2024-12-31")),
    ], providers: providers)

    @Test func anUncoveredCategoryMeansTheCatalogueAloneCannotMeetTheScheme() throws {
        let coverage = try CPDCoverage(checker: CPDChecker(scheme: Self.scheme, catalogue: Self.catalogue), asOf: F.day("2025-03-01"))
        #expect(coverage.uncovered.map(\.category.id) == ["c"])
        #expect(coverage.uncovered[0].neededBy == ["c-min"])
        #expect(coverage.singleProvider.map(\.category.id) == ["b"])
        let a = coverage.categories[0]
        #expect(a.offerings.map(\.credential) == ["a1", "a2"])
        #expect(a.providers == ["p", "q"])
        #expect(a.cheapest?.credential == "a2")
        #expect(a.languages == ["en", "ga"])
        #expect(a.modes == [.online, .blended])
        #expect(a.points == 22)
        #expect(!coverage.canBeMetFromCatalogue)
        #expect(coverage.gaps.count == 1)
        #expect(coverage.gaps[0].hasPrefix("c-min"))
        let verdicts = Dictionary(uniqueKeysWithValues: coverage.rules.map { ($0.rule.id, $0.verdict) })
        #expect(verdicts == ["total": .coverable, "b-min": .coverable, "c-min": .short, "practice": .notByCourses])
        // The lapsed approval is left out, and said so.
        #expect(coverage.excluded.contains { $0.credential == "b-old" })
        #expect(coverage.text(baseCurrency: "EUR").contains("uncovered categories: c (needed by c-min)"))
    }

    @Test func withEveryCategoryCoveredTheCheapestWayIsPlanned() throws {
        var catalogue = Self.catalogue
        catalogue.upsert(F.credential("c1", category: "c", points: 6, cost: 50, provider: "q"))
        let coverage = try CPDCoverage(checker: CPDChecker(scheme: Self.scheme, catalogue: catalogue), asOf: F.day("2025-03-01"))
        #expect(coverage.uncovered.isEmpty)
        #expect(coverage.canBeMetFromCatalogue)
        // b1 (5) and c1 (6) leave the total 9 short: a2 (12, 200) is the cheaper way to close it.
        #expect(coverage.cheapestPlan?.taken.map(\.credential) == ["a2", "b1", "c1"])
        #expect(coverage.cheapestPlan?.cost == 340)
        #expect(coverage.declared.map(\.id) == ["practice"])
    }

    @Test func theBundledCatalogueLeavesIrishDoctorsPracticeCategoriesUncovered() throws {
        let book = try F.schemeBook()
        let catalogue = try F.catalogue()
        let imc = try CPDCoverage(checker: CPDChecker(scheme: try #require(book.scheme("IMC-2025")), catalogue: catalogue), asOf: F.day("2025-06-01"))
        #expect(Set(imc.uncovered.map(\.category.id)) == ["planning", "practice-review", "work-based"])
        #expect(!imc.canBeMetFromCatalogue)
        let nmc = try CPDCoverage(checker: CPDChecker(scheme: try #require(book.scheme("NMC")), catalogue: catalogue), asOf: F.day("2025-06-01"))
        #expect(nmc.canBeMetFromCatalogue)
        #expect(nmc.uncovered.isEmpty)
    }
}

@Suite struct LintTests {
    static let providers = [Provider(id: "p", name: "Provider P", country: "IE", accredited: true)]

    static func credential(_ id: String, kind: CredentialKind = .module, ects: Double? = 5, hours: Double? = nil, provider: String = "p") -> Credential {
        Credential(id: id, title: "Course \(id)", provider: provider, kind: kind, ects: ects, hours: hours, eqf: 6, mode: .online, languages: ["en"])
    }

    static func complete(_ id: String, kind: CredentialKind = .module, ects: Double? = 5, hours: Double? = nil) -> Credential {
        var credential = credential(id, kind: kind, ects: ects, hours: hours)
        credential.learningOutcomes = ["assess a wound"]
        credential.assessment = "written exam"
        credential.qualityAssurance = "internal and external QA under QQI"
        return credential
    }

    @Test func eachMandatoryElementIsCheckedAndReportedPerProvider() throws {
        let catalogue = Catalogue(providers: Self.providers, credentials: [
            Self.complete("good"),
            Self.credential("bare"),
            Self.credential("orphan", provider: "nobody"),
        ])
        let lint = MicroCredentialLint(catalogue: catalogue)
        let missing = Dictionary(grouping: lint.findings.filter { $0.severity == .missing }, by: \.credential).mapValues { Set($0.map(\.element)) }
        #expect(missing["good"] == nil)
        #expect(missing["bare"] == ["learning-outcomes", "assessment", "quality-assurance"])
        #expect(missing["orphan"] == ["awarding-body", "country", "learning-outcomes", "assessment", "quality-assurance"])
        let report = try #require(lint.providers.first { $0.provider == "p" })
        #expect(report.credentials == 2)
        #expect(report.complete == 1)
        #expect(report.missingByElement[.learningOutcomes] == 1)
        #expect(lint.providers.map(\.provider) == ["nobody", "p"])
        #expect(lint.hasMissingElements)
        #expect(!MicroCredentialLint(catalogue: catalogue, provider: "p").providers.contains { $0.provider == "nobody" })
    }

    @Test func sizesOutsideTheTypologyAreWarnings() throws {
        let catalogue = Catalogue(providers: Self.providers, credentials: [
            Self.complete("skill-ok", kind: .skill, ects: nil, hours: 8),
            Self.complete("skill-too-big", kind: .skill, ects: nil, hours: 40),
            Self.complete("module-hours-only", kind: .module, ects: nil, hours: 60),
            Self.complete("module-small", kind: .module, ects: nil, hours: 15),
            Self.complete("programme-ok", kind: .programme, ects: 10),
            Self.complete("programme-small", kind: .programme, ects: 4),
        ])
        let lint = MicroCredentialLint(catalogue: catalogue)
        #expect(!lint.hasMissingElements)
        let warnings = Dictionary(grouping: lint.findings, by: \.credential).mapValues { $0.map(\.message) }
        #expect(warnings["skill-ok"]?.count == 1)
        #expect(warnings["skill-ok"]?[0].contains("hours only") == true)
        #expect(warnings["skill-too-big"]?.contains { $0.contains("the typology would call it a module") } == true)
        #expect(warnings["module-hours-only"] == ["workload stated in hours only (60 h): a module can state ECTS"])
        #expect(warnings["module-small"]?.contains { $0.contains("between the typology's bands") } == true)
        #expect(warnings["programme-ok"] == nil)
        #expect(warnings["programme-small"]?.contains { $0.contains("100 learning hours lie outside 150–1500 h") } == true)
    }

    @Test func theBundledCatalogueIsLinted() throws {
        let lint = MicroCredentialLint(catalogue: try CPDFixture.catalogue())
        #expect(lint.providers.count == 22)
        #expect(lint.providers.reduce(0) { $0 + $1.credentials } == 133)
        #expect(lint.text.contains("133 credentials checked"))
    }
}
