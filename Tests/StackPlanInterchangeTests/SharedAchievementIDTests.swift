import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

@Suite struct SharedAchievementIDTests {
    static let record = """
        {"type": ["VerifiableCredential", "ClrCredential"], "issuer": {"id": "https://exu.example", "name": "Example University"},
         "validFrom": "2025-01-01", "name": "Transcript",
         "credentialSubject": {
           "verifiableCredential": [{"type": ["VerifiableCredential", "OpenBadgeCredential"],
              "issuer": {"id": "https://exu.example", "name": "Example University"}, "validFrom": "2025-01-01",
              "credentialSubject": {"achievement": {"id": "urn:exu:course", "name": "Wound care"}}}],
           "achievement": [{"id": "urn:exu:course", "name": "Wound care"},
                           {"id": "urn:exu:course", "name": "Pressure ulcer prevention"},
                           {"id": "urn:exu:course", "name": "Leg ulcer management"}]}}
        """

    @Test func achievementsSharingAnIDAreAllKept() throws {
        let credentials = try Support.read(Self.record, file: "clr.json")
        #expect(credentials.map(\.title) == ["Wound care", "Pressure ulcer prevention", "Leg ulcer management"])
        #expect(credentials[0].notes.contains { $0.hasPrefix("also listed among the record's achievements at $.credentialSubject.achievement[0]") })
        #expect(credentials[0].notes.contains { $0.contains("also given to \"Pressure ulcer prevention\"") })
        #expect(credentials[1].notes.contains { $0.contains("shares the id urn:exu:course with a different achievement, \"Wound care\"") })
        #expect(credentials[0].identifiers.contains("urn:exu:course"))
        #expect(!credentials[1].identifiers.contains("urn:exu:course") && !credentials[2].identifiers.contains("urn:exu:course"))
    }

    @Test func theImportDoesNotCallThemAlreadyHeld() throws {
        let catalogue = try CatalogueDocument.read(Data("""
            {"format": "stackplan/1", "providers": [{"id": "exu", "name": "Example University", "country": "US"}],
             "credentials": [{"id": "wound", "title": "Wound care", "provider": "exu", "kind": "module", "ects": 5, "eqf": 6,
                              "mode": "online", "languages": ["en"], "identifiers": ["urn:exu:course"]},
                             {"id": "pressure", "title": "Pressure ulcer prevention", "provider": "exu", "kind": "module", "ects": 5,
                              "eqf": 6, "mode": "online", "languages": ["en"]}]}
            """.utf8))
        let result = LearnerImport(credentials: try Support.read(Self.record, file: "clr.json"), catalogue: catalogue)
        #expect(result.entries.map(\.outcome) == [
            .matched(credential: "wound", how: "by identifier urn:exu:course"),
            .matched(credential: "pressure", how: "by title and provider"),
            .pending(missing: ["an EQF level", "ECTS or learning hours"]),
        ])
    }
}

@Suite struct EdubadgesExtensionTests {
    @Test func ectsStudyLoadAndEQFAreRead() throws {
        let credentials = try Support.readSample("edubadges-ob3-microcredential.json")
        let badge = try #require(credentials.first)
        #expect(badge.title == "Microcredential Complexe Wondzorg")
        #expect(badge.ects == 3 && badge.hours == 84 && badge.eqf == 6)
        #expect(badge.otherCredits.isEmpty)
        #expect(badge.notes.contains("ECTS read from the Edubadges extension at $.credentialSubject.achievement.ECTS"))
    }

    @Test func aNonNumericECTSIsAnErrorAtItsPath() throws {
        let issues = try #require(Support.rejection("""
            {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"name": "X"},
             "credentialSubject": {"achievement": {"name": "A", "ECTS": "three"}}}
            """))
        #expect(issues.map(\.path) == ["$.credentialSubject.achievement.ECTS"])
    }
}
