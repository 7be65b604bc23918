import Foundation
import Testing
@testable import StackPlanCore

/// Issue 17's filters: code patterns and ranges, credit bounds, ISCED-F fields, ESCO skills and
/// any/all/not combinations; read, validated, matched and planned with.
@Suite struct FilterTests {
    typealias F = Fixture

    func item(code: String? = nil, id: String = "c", ects: Double = 5, eqf: Int = 7, isced: [String] = [], skills: [String] = [], provider: String = "p") -> CountableItem {
        var credential = F.credential(id, ects: ects, eqf: eqf, provider: provider)
        credential.code = code
        credential.isced = isced
        credential.escoSkills = skills
        return CountableItem(credential: credential, in: F.catalogue([credential], []), hoursPerECTS: 25)
    }

    @Test func codePatternsMatchWildcardsIgnoringCase() {
        #expect(CodePattern.matches("BIOL 3120", pattern: "BIOL 3*"))
        #expect(CodePattern.matches("biol 3999", pattern: "BIOL 3*"))
        #expect(!CodePattern.matches("BIOL 4000", pattern: "BIOL 3*"))
        #expect(CodePattern.matches("NU7812", pattern: "NU78?2"))
        #expect(!CodePattern.matches("NU7812X", pattern: "NU78?2"))
        #expect(CodePattern.matches("aXbYc", pattern: "a*b*c"))
        #expect(!CodePattern.matches("aXbY", pattern: "a*b*c"))
        #expect(CodePattern.matches("", pattern: "*"))
        #expect(CodePattern.matches("abcabd", pattern: "*abd"))
    }

    @Test func codeRangesReadThePrefixAndTheNumberAfterIt() {
        let biology = CodeRange(prefix: "BIOL", from: 3000, to: 3999)
        #expect(biology.contains("BIOL 3120"))
        #expect(biology.contains("biol-3999"))
        #expect(biology.contains("BIOL3000L"))
        #expect(!biology.contains("BIOL 4000"))
        #expect(!biology.contains("BIOL 2999"))
        #expect(!biology.contains("BIOC 3100"))
        #expect(!biology.contains("BIOL"))
        #expect(!biology.contains("BIOL 1234567890"))  // ten digits: no number this range can hold
        #expect(CodeRange(prefix: "", from: 100, to: 199).contains("150"))
    }

    @Test func filtersMatchNewFieldsAndCombinations() {
        let nursing = item(code: "NU 7812", ects: 10, isced: ["0913"], skills: ["http://data.europa.eu/esco/skill/abc"])
        #expect(CredentialFilter(isced: ["09"]).matches(nursing))
        #expect(CredentialFilter(isced: ["091"]).matches(nursing))
        #expect(!CredentialFilter(isced: ["0912"]).matches(nursing))
        #expect(CredentialFilter(escoSkills: ["http://data.europa.eu/esco/skill/abc"]).matches(nursing))
        #expect(!CredentialFilter(escoSkills: ["http://data.europa.eu/esco/skill/xyz"]).matches(nursing))
        #expect(CredentialFilter(minECTS: 10).matches(nursing))
        #expect(!CredentialFilter(minECTS: 10.5).matches(nursing))
        #expect(!CredentialFilter(maxECTS: 5).matches(nursing))
        #expect(CredentialFilter(codes: ["nu 78*"]).matches(nursing))
        // Without a code, patterns read the id.
        #expect(CredentialFilter(codes: ["c"]).matches(item()))
        #expect(!CredentialFilter(isced: ["09"]).matches(item()))
        let either = CredentialFilter(anyOf: [CredentialFilter(isced: ["0913"]), CredentialFilter(minEQF: 8)])
        #expect(either.matches(nursing))
        #expect(either.matches(item(eqf: 8)))
        #expect(!either.matches(item(eqf: 7)))
        #expect(!CredentialFilter(notAnyOf: [CredentialFilter(providers: ["p"])]).matches(nursing))
        #expect(CredentialFilter(notAnyOf: [CredentialFilter(providers: ["q"])]).matches(nursing))
        #expect(!CredentialFilter(allOf: [CredentialFilter(isced: ["09"]), CredentialFilter(maxEQF: 6)]).matches(nursing))
    }

    func document(_ filter: String, credential: String = "") -> Data {
        Data("""
        {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
         "credentials": [{"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]\(credential)}],
         "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 5, "requires": {"credits": 5, "where": \(filter)}}]}
        """.utf8)
    }

    @Test func filtersAreReadAndWrittenBack() throws {
        let text = #"{"minEqf": 6, "anyOf": [{"codeRange": {"prefix": "BIOL", "from": 3000, "to": 3999}}, {"isced": "0913", "minEcts": 5}], "not": {"provider": "p"}, "escoSkill": "http://data.europa.eu/esco/skill/abc", "code": "BIOL*", "maxEcts": 30}"#
        let catalogue = try CatalogueDocument.read(document(text, credential: #", "code": "BIOL 3120", "isced": ["0511"], "escoSkills": ["http://data.europa.eu/esco/skill/abc"]"#))
        let filter = try #require({ () -> CredentialFilter? in
            if case .credits(_, let filter) = catalogue.qualifications[0].requires.rule { return filter }
            return nil
        }())
        #expect(filter == CredentialFilter(
            minEQF: 6, codes: ["BIOL*"], codeRanges: nil, minECTS: nil, maxECTS: 30, escoSkills: ["http://data.europa.eu/esco/skill/abc"],
            anyOf: [CredentialFilter(codeRanges: [CodeRange(prefix: "BIOL", from: 3000, to: 3999)]), CredentialFilter(minECTS: 5, isced: ["0913"])],
            notAnyOf: [CredentialFilter(providers: ["p"])]))
        #expect(catalogue.credentials[0].code == "BIOL 3120" && catalogue.credentials[0].isced == ["0511"])
        let again = try CatalogueDocument.read(CatalogueDocument.data(catalogue))
        #expect(again == catalogue)
        #expect(CatalogueValidator(catalogue).run().filter { $0.severity == .error }.isEmpty)
    }

    @Test func badFiltersAreReportedByPath() {
        let issues = CatalogueDocument.problems(in: document(
            #"{"isced": ["9a"], "codeRange": {"prefix": "BIOL", "from": 4000, "to": 3000, "step": 1}, "minEcts": -1, "anyOf": [], "not": {"colour": "red"}, "code": ""}"#,
            credential: #", "isced": ["12345"], "code": "a\u0007b""#))
        func has(_ path: String, _ fragment: String) -> Bool { issues.contains { $0.path == path && $0.message.contains(fragment) } }
        let leaf = "$.qualifications[0].requires.where"
        #expect(has("\(leaf).isced[0]", "ISCED-F field code"), "\(issues)")
        #expect(has("\(leaf).codeRange", "from 4000 is above to 3000"))
        #expect(has("\(leaf).codeRange.step", "not a field of a code range"))
        #expect(has("\(leaf).minEcts", "must lie in 0–360"))
        #expect(has("\(leaf).anyOf", "at least one filter"))
        #expect(has("\(leaf).not.colour", "not a filter field"))
        #expect(has("\(leaf).code", "code pattern"))
        #expect(has("$.credentials[0].isced[0]", "ISCED-F field code"))
        #expect(has("$.credentials[0].code", "course code"))
    }

    @Test func deeplyNestedFiltersAreRefused() {
        var filter = #"{"minEqf": 6}"#
        for _ in 0..<120 { filter = #"{"not": \#(filter)}"# }
        let issues = CatalogueDocument.problems(in: document(filter))
        #expect(issues.contains { $0.message.contains("nests filters more than 100 levels deep") }, "\(issues.prefix(3))")
    }

    @Test func plannerCountsOnlyCodesInTheRange() throws {
        func coded(_ id: String, _ code: String, cost: Double) -> Credential {
            var credential = F.credential(id, ects: 5, cost: cost)
            credential.code = code
            return credential
        }
        // The two cheapest are outside BIOL 3000–3999; the plan must take the two inside.
        let credentials = [coded("low", "BIOL 2100", cost: 10), coded("other", "CHEM 3100", cost: 10),
                           coded("in1", "BIOL 3100", cost: 100), coded("in2", "biol-3999", cost: 120), coded("dear", "BIOL 3500", cost: 300)]
        let catalogue = F.catalogue(credentials, [F.qualification(.credits(10, CredentialFilter(codeRanges: [CodeRange(prefix: "BIOL", from: 3000, to: 3999)])))])
        let request = F.request()
        let plan = try #require(try Planner(catalogue: catalogue).plan(request).plan)
        #expect(plan.taken == ["in1", "in2"])
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: plan).isEmpty)
        // The checker reads the filter itself: a credential outside the range applied by hand is caught.
        var wrong = plan
        wrong.taken = ["in1", "low"]
        wrong.applications = ["in1": ["requires"], "low": ["requires"]]
        wrong.totals.cost = 110
        #expect(PlanChecker(catalogue: catalogue, request: request).violations(of: wrong).contains { $0.contains("does not match its filter") })
    }
}
