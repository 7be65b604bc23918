import Foundation
import Testing
@testable import StackPlanCore

@Suite struct ValidationTests {
    @Test func bundledCatalogueIsValid() throws {
        let data = try Data(contentsOf: Fixture.bundledCatalogue)
        let errors = CatalogueDocument.problems(in: data).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
        let catalogue = try CatalogueDocument.read(data)
        #expect(catalogue.credentials.count >= 120)
        #expect(Set(catalogue.providers.map(\.id)).count >= 8)
        #expect(Set(catalogue.providers.map(\.country)).subtracting(["EU"]).count >= 4)
        #expect(catalogue.qualifications.count >= 6)
    }

    @Test func everyProblemIsListedWithItsPath() throws {
        let document = """
        {
          "format": "stackplan/1",
          "providers": [{"id": "p", "name": "P", "country": "IE"}],
          "credentials": [
            {"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 72, "eqf": 9, "mode": "online", "languages": ["en"],
             "prerequisites": {"credential": "b"}},
            {"id": "b", "title": "B", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"],
             "prerequisites": {"anyOf": [{"credential": "a"}, {"credential": "ghost"}]}},
            {"id": "b", "title": "B again", "provider": "nobody", "kind": "module", "eqf": 7, "mode": "online", "languages": ["en"]},
            {"id": "c", "title": "C", "provider": "p", "kind": "module", "ects": "five", "eqf": 6, "mode": "by post", "languages": ["en"]},
            {"id": "d", "title": "D", "provider": "p", "kind": "module", "ects": 5, "eqf": 6, "mode": "online", "languages": ["en"],
             "cost": 300, "currency": "GBP"}
          ],
          "qualifications": [{
            "id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 30,
            "requires": {"allOf": [
              {"atLeast": 3, "of": [{"credential": "a"}, {"credential": "b"}]},
              {"credits": -1, "where": {"minEqf": 8, "maxEqf": 6}},
              {"credential": "missing"},
              {"credential": "a", "label": "x", "colour": "red"}
            ]}
          }]
        }
        """
        let issues = CatalogueDocument.problems(in: Data(document.utf8)).filter { $0.severity == .error }
        let text = issues.map(\.description)
        func has(_ path: String, _ fragment: String) -> Bool {
            issues.contains { $0.path == path && $0.description.contains(fragment) }
        }
        #expect(has("$.credentials[0].ects", "72 is outside 1–59"), "\(text)")
        #expect(has("$.credentials[0].eqf", "EQF level 1–8"))
        #expect(has("$.credentials[1].prerequisites.anyOf[1].credential", "\"ghost\""))
        #expect(has("$.credentials[2].id", "duplicates the id of $.credentials[1]"))
        #expect(has("$.credentials[2].provider", "\"nobody\""))
        #expect(has("$.credentials[2]", "needs \"ects\" or \"hours\""))
        #expect(has("$.credentials[3].ects", "must be a number, found a string"))
        #expect(has("$.credentials[3].mode", "\"by post\""))
        #expect(has("$.credentials[4].currency", "no rate"))
        #expect(has("$.credentials[0].prerequisites", "prerequisite cycle: a → b → a"))
        #expect(has("$.qualifications[0].requires.allOf[0].atLeast", "asks for 3 of 2"))
        #expect(has("$.qualifications[0].requires.allOf[1].credits", "must lie in 0–360, found -1"))
        #expect(has("$.qualifications[0].requires.allOf[1].where", "minEqf 8 is above maxEqf 6"))
        #expect(has("$.qualifications[0].requires.allOf[2].credential", "\"missing\""))
        #expect(has("$.qualifications[0].requires.allOf[3].colour", "not a field"))
        // The record is named, not only the position.
        #expect(issues.first { $0.path == "$.credentials[0].ects" }?.record == "credential \"a\"")
    }

    @Test func brokenJSONSaysWhere() {
        let issues = CatalogueDocument.problems(in: Data("{\"format\": \"stackplan/1\", ".utf8))
        #expect(issues.count == 1)
        #expect(issues[0].path == "$" && issues[0].message.contains("not valid JSON"))
    }

    @Test func wrongFormatAndMissingListsAreReported() {
        let issues = CatalogueDocument.problems(in: Data(#"{"format": "stackplan/0"}"#.utf8))
        #expect(issues.contains { $0.path == "$.format" })
        #expect(issues.contains { $0.path == "$.providers" && $0.message == "is required" })
        #expect(issues.contains { $0.path == "$.credentials" && $0.message == "is required" })
    }

    @Test func qualificationsThatRequireEachOtherAreACycle() {
        let catalogue = Fixture.catalogue([Fixture.credential("a")], [
            Fixture.qualification(id: "x", .allOf([RequirementNode(.qualification("y"))])),
            Fixture.qualification(id: "y", .allOf([RequirementNode(.qualification("x"))])),
        ])
        let issues = CatalogueValidator.issues(in: catalogue)
        #expect(issues.contains { $0.description.contains("cycle: x → y → x") })
    }

    @Test func learnerDocumentErrorsNameTheField() {
        let document = #"{"held": [{"credential": "a", "earned": "2024-13-01"}, {"title": "Day course", "eqf": 11}, {}], "budget": -5, "modes": ["teleport"]}"#
        #expect {
            try LearnerDocument.read(Data(document.utf8), file: "me.json")
        } throws: { error in
            guard let invalid = error as? InvalidDocument else { return false }
            let paths = Set(invalid.issues.map(\.path))
            return paths.isSuperset(of: ["$.held[0].earned", "$.held[1]", "$.held[1].eqf", "$.held[2]", "$.budget", "$.modes"])
                && invalid.description.hasPrefix("me.json: ")
        }
    }

    @Test func catalogueRoundTripsThroughJSON() throws {
        let original = try CatalogueDocument.read(try Data(contentsOf: Fixture.bundledCatalogue))
        let again = try CatalogueDocument.read(CatalogueDocument.data(original))
        #expect(again == original)
    }

    @Test func datesParseAndCount() {
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2026-11-23")!.adding(months: -60).description == "2021-11-23")
        #expect(Day("2024-02-29")!.adding(months: 12).description == "2025-02-28")
        #expect(Day("1970-01-01")!.ordinal == 0)
        #expect(Day(ordinal: 20_415).description == "2025-11-23")
    }
}
