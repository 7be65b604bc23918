import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

@Suite struct WalletSampleTests {
    @Test func europassMicroCredentialHasEveryAnnexIFact() throws {
        let credentials = try Support.readSample("elm3-edc-microcredential-annex1-unsigned.jsonld")
        #expect(credentials.count == 1)
        let credential = try #require(credentials.first)
        #expect(credential.format == .europass)
        #expect(credential.file == "elm3-edc-microcredential-annex1-unsigned.jsonld")
        #expect(credential.path == "$.credentialSubject.hasClaim")
        #expect(credential.title == "Digital micro-credential creation")
        #expect(credential.issuer == "University of Zed")
        #expect(credential.ects == 2)
        #expect(credential.otherCredits.isEmpty)
        #expect(credential.eqf == 6)
        #expect(credential.hours == 60)
        #expect(credential.earned == Day("2022-12-31"))
        #expect(credential.learningOutcomes == ["Communication, collaboration and creativity", "Developing digital content"])
        #expect(credential.skills.contains("stimulate creativity in the team"))
        #expect(credential.skills.contains("develop digital content"))
        #expect(credential.credentialID == "urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b")
        // The document-local urn:epass ids are not identifiers to match on.
        #expect(credential.identifiers == ["urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b"])
    }

    @Test func openBadgeCreditsWithoutUnitAreNotECTS() throws {
        let credentials = try Support.readSample("ob3-validator-complete.json")
        #expect(credentials.count == 1)
        let credential = try #require(credentials.first)
        #expect(credential.format == .openBadges)
        #expect(credential.path == "$.credentialSubject.achievement")
        #expect(credential.title == "1EdTech University Degree")
        #expect(credential.issuer == "1EdTech University")
        #expect(credential.ects == nil)
        #expect(credential.otherCredits == [
            WalletCredential.Credits(value: 42, unit: nil, path: "$.credentialSubject.creditsEarned"),
            WalletCredential.Credits(value: 36, unit: nil, path: "$.credentialSubject.achievement.creditsAvailable"),
        ])
        #expect(credential.eqf == nil)
        #expect(credential.hours == nil)
        #expect(credential.earned == Day("2010-01-01"))
        #expect(credential.achievementID == "https://1edtech.edu/achievements/degree")
        #expect(credential.identifiers.contains("https://1edtech.edu/achievements/degree"))
        #expect(credential.identifiers.contains("https://1edtech.edu/catalog/degree"))
        #expect(credential.identifiers.contains("http://1edtech.edu/credentials/3732"))
        #expect(credential.skills == ["research", "computer science"])
        #expect(credential.learningOutcomes == ["1EdTech University Degree"])
        #expect(credential.notes.contains("achievement type: Degree"))
    }

    @Test func learnerRecordGivesOneItemPerAchievement() throws {
        let credentials = try Support.readSample("clr2-simple-noproof.json")
        #expect(credentials.map(\.title) == ["Achievement 1", "Achievement 2"])
        #expect(credentials.allSatisfy { $0.format == .clr && $0.issuer == "Example University" && $0.earned == Day("2010-01-01") })
        #expect(credentials[0].path == "$.credentialSubject.verifiableCredential[0].credentialSubject.achievement")
        #expect(credentials[0].credentialID == "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002")
        #expect(credentials[1].path == "$.credentialSubject.achievement[1]")
        #expect(credentials[1].credentialID == "http://example.edu/credentials/3732")
        #expect(credentials[0].notes.contains { $0.hasPrefix("isParentOf Achievement 2") })
        #expect(credentials[1].notes.contains { $0.hasPrefix("Achievement 1 isParentOf this achievement") })
        #expect(credentials[1].notes.contains { $0.contains("without a credential of its own") })
        #expect(credentials.allSatisfy { $0.ects == nil && $0.eqf == nil && $0.hours == nil && $0.otherCredits.isEmpty })
    }

    @Test func medicalTrainingAccreditationReadsCommaDecimalsAsOtherCredits() throws {
        let credentials = try Support.readSample("dc4eu-cpd-medical-training-accreditation-SEAFORMEC.json")
        #expect(credentials.count == 1)
        let credential = try #require(credentials.first)
        #expect(credential.format == .europass)
        #expect(credential.path == "$.credentialSubject.authorizationClaims.limitQualification")
        #expect(credential.title == "Buen Quehacer del Médico (BQM) - Relación médico-paciente")
        #expect(credential.issuer == "Foundation for Research, Teaching, Training, and Professional Competence of Registered Physicians in Spain")
        #expect(credential.ects == nil)
        #expect(credential.otherCredits.map(\.value) == [1.5, 10])
        #expect(credential.otherCredits[0].unit == "Spanish National Health System Continuing Education Credits")
        #expect(credential.otherCredits[0].path == "$.credentialSubject.authorizationClaims.limitQualification.creditPoint[0].point")
        #expect(credential.eqf == 8)
        #expect(credential.hours == 10)
        #expect(credential.earned == Day("2024-12-01"))
        #expect(credential.identifiers.contains("28461379"))
    }
}

@Suite struct WalletVariantTests {
    /// An ELM claim written with the variants real wallets use.
    func europass(creditPoint: String, eqfLevel: String, volume: String = "\"PT60H\"", extra: String = "") -> String {
        """
        {"type": ["VerifiableCredential", "EuropeanDigitalCredential"], "id": "urn:credential:1",
         "issuer": {"legalName": {"de": "Hochschule", "en": "Example College"}},
         "validFrom": "2024-03-01T00:00:00Z",
         "credentialSubject": {"hasClaim": [{"type": "LearningAchievement", "title": {"en": "Wound care"},
           "awardedBy": {"awardingDate": "2024-02-20T10:00:00+01:00", "awardingBody": {"prefLabel": {"en": "Wound Academy"}}},
           "specifiedBy": {"id": "https://example.org/specs/wound-care", "creditPoint": \(creditPoint),
                           "eqfLevel": \(eqfLevel), "volumeOfLearning": \(volume)\(extra)}}]}}
        """
    }

    @Test func notationOnlyConceptsAndCommaDecimals() throws {
        let credential = try #require(try Support.read(europass(
            creditPoint: #"[{"framework": {"notation": "ECTS"}, "point": "7,5"}]"#, eqfLevel: #"{"notation": "5"}"#)).first)
        #expect(credential.ects == 7.5)
        #expect(credential.eqf == 5)
        #expect(credential.issuer == "Wound Academy")
        // The awarding date comes before the credential's validFrom.
        #expect(credential.earned == Day("2024-02-20"))
        #expect(credential.identifiers.contains("https://example.org/specs/wound-care"))
    }

    @Test func eqfAsBareURIAndMinutes() throws {
        let credential = try #require(try Support.read(europass(
            creditPoint: #"{"framework": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "point": 3}"#,
            eqfLevel: #""http://data.europa.eu/snb/eqf/7""#, volume: #""PT90M""#)).first)
        #expect(credential.ects == 3)
        #expect(credential.eqf == 7)
        #expect(credential.hours == 1.5)
    }

    @Test func ectsBesideOtherFrameworksAndDurationsInDays() throws {
        let credential = try #require(try Support.read(europass(
            creditPoint: #"[{"framework": {"prefLabel": {"en": "Continuing Education Credits"}}, "point": "12"},"#
                + #" {"framework": {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af"}, "point": "4"}]"#,
            eqfLevel: "6", volume: #""P3D""#)).first)
        #expect(credential.ects == 4)
        #expect(credential.otherCredits.map(\.value) == [12])
        #expect(credential.otherCredits.first?.unit == "Continuing Education Credits")
        #expect(credential.eqf == 6)
        #expect(credential.hours == nil)
        #expect(credential.notes.contains { $0.contains("P3D") })
    }

    func openBadge(alignment: String = "", credits: String = #""creditsAvailable": 5,"#, dates: String = #""validFrom": "2025-01-15T00:00:00Z","#) -> String {
        """
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:badge-1",
         "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"id": "https://example.org", "name": "Example Nursing School"},
         \(dates)
         "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "https://example.org/achievements/asepsis",
           "type": ["Achievement"], "name": "Aseptic technique", \(credits) "alignment": [\(alignment)]}}}
        """
    }

    @Test func openBadgeCreditsAreECTSOnlyWhenAlignedToECTS() throws {
        let plain = try #require(try Support.read(openBadge()).first)
        #expect(plain.ects == nil)
        #expect(plain.otherCredits.map(\.value) == [5])
        let aligned = try #require(try Support.read(openBadge(alignment: """
            {"type": ["Alignment"], "targetName": "ECTS credits", "targetUrl": "http://data.europa.eu/snb/education-credit/6fcec5c5af"},
            {"type": ["Alignment"], "targetName": "EQF level 6", "targetUrl": "http://data.europa.eu/snb/eqf/6"},
            {"type": ["Alignment"], "targetName": "Infection prevention", "targetUrl": "https://example.org/competencies/ipc"}
            """)).first)
        #expect(aligned.ects == 5)
        #expect(aligned.otherCredits.isEmpty)
        #expect(aligned.eqf == 6)
        #expect(aligned.learningOutcomes == ["Infection prevention"])
        #expect(aligned.identifiers.contains("https://example.org/competencies/ipc"))
        #expect(aligned.issuer == "Example Nursing School")
        #expect(aligned.earned == Day("2025-01-15"))
    }

    @Test func jwtWithCredentialInVCClaimTakesItsDateFromNotBefore() throws {
        guard case .object(var claims) = try JSON.parse(Data(openBadge(dates: "").utf8)) else { Issue.record("not an object"); return }
        let credential = JSON.object(claims)
        claims = ["iss": .string("https://example.org"), "nbf": .number(1_700_000_000), "jti": .string("urn:uuid:badge-1"), "vc": credential]
        let token = Support.jwt(JSON.object(claims).serialized(pretty: false))
        let read = try #require(try WalletReader.read(Data((token + "\n").utf8), file: "badge.jwt").first)
        #expect(read.title == "Aseptic technique")
        #expect(read.path == "$.payload.vc.credentialSubject.achievement")
        // 1 700 000 000 s after 1970 fall on 14 November 2023.
        #expect(read.earned == Day("2023-11-14"))
    }

    @Test func jwtWhosePayloadIsTheCredential() throws {
        let token = Support.jwt(Data(openBadge().utf8))
        let read = try #require(try WalletReader.read(Data(token.utf8), file: "badge.jwt").first)
        #expect(read.path == "$.payload.credentialSubject.achievement")
        #expect(read.earned == Day("2025-01-15"))
        #expect(read.otherCredits.map(\.value) == [5])
    }

    @Test func presentationHoldingJWTsAndObjects() throws {
        let sample = String(decoding: try Support.sample("elm3-edc-microcredential-annex1-unsigned.jsonld"), as: UTF8.self)
        let presentation = """
            {"type": "VerifiablePresentation", "verifiableCredential": ["\(Support.jwt(Data(openBadge().utf8)))", \(sample)]}
            """
        let read = try Support.read(presentation)
        #expect(read.map(\.title) == ["Aseptic technique", "Digital micro-credential creation"])
        #expect(read[0].path == "$.verifiableCredential[0].payload.credentialSubject.achievement")
        #expect(read[1].path == "$.verifiableCredential[1].credentialSubject.hasClaim")
    }
}

@Suite struct MalformedWalletTests {
    func paths(_ text: String) -> [String]? { Support.rejection(text)?.map(\.path) }

    @Test func brokenJSONIsRejectedAtTheRoot() {
        let issues = Support.rejection(#"{"type": ["VerifiableCredential", "#)
        #expect(issues?.map(\.path) == ["$"])
        #expect(issues?.first?.message.hasPrefix("is not valid JSON") == true)
    }

    @Test func emptyAndUnknownDocuments() {
        #expect(paths("  \n") == ["$"])
        #expect(paths(#"{"credentialSubject": {}}"#) == ["$.type"])
        let unknown = Support.rejection(#"{"type": ["VerifiableCredential", "DrivingLicence"], "credentialSubject": {}}"#)
        #expect(unknown?.map(\.path) == ["$.type"])
        #expect(unknown?.first?.message.contains("DrivingLicence") == true)
        #expect(paths(#"[1]"#) == ["$[0]"])
    }

    @Test func missingPartsAreNamedByPath() {
        #expect(paths(#"{"type": "EuropeanDigitalCredential"}"#) == ["$.credentialSubject"])
        #expect(paths(#"{"type": "EuropeanDigitalCredential", "credentialSubject": {"id": "x"}}"#) == ["$.credentialSubject.hasClaim"])
        #expect(paths(#"{"type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": {"type": "AchievementSubject"}}"#)
            == ["$.credentialSubject.achievement"])
        #expect(paths(#"{"type": "ClrCredential", "credentialSubject": {"type": "ClrSubject"}}"#) == ["$.credentialSubject"])
        #expect(paths(#"{"type": "VerifiablePresentation"}"#) == ["$.verifiableCredential"])
    }

    @Test func malformedValuesAreAllReportedWithTheirPaths() {
        let variants = WalletVariantTests()
        let issues = Support.rejection(variants.europass(
            creditPoint: #"{"framework": {"notation": "ECTS"}, "point": "two"}"#, eqfLevel: #""http://data.europa.eu/snb/eqf/9""#,
            volume: #""60 hours""#))
        let claim = "$.credentialSubject.hasClaim[0].specifiedBy"
        #expect(issues?.map(\.path) == ["\(claim).creditPoint.point", "\(claim).eqfLevel", "\(claim).volumeOfLearning"])
        #expect(issues?[0].message.contains("\"two\"") == true)
        #expect(issues?[1].message.contains("found 9") == true)
    }

    @Test func badDatesAndCredits() {
        let variants = WalletVariantTests()
        #expect(paths(variants.openBadge(dates: #""validFrom": "31/12/2022","#)) == ["$.validFrom"])
        #expect(paths(variants.openBadge(credits: #""creditsAvailable": "lots","#)) == ["$.credentialSubject.achievement.creditsAvailable"])
        #expect(paths(variants.openBadge(credits: #""creditsAvailable": -3,"#)) == ["$.credentialSubject.achievement.creditsAvailable"])
    }

    @Test func brokenJWTs() {
        #expect(paths("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0") == ["$"])
        let header = Support.base64URL(Data(#"{"alg":"none"}"#.utf8))
        #expect(paths("\(header).!!!.sig") == ["$"])
        #expect(paths("\(header).\(Support.base64URL(Data("not json".utf8))).sig") == ["$.payload"])
        #expect(paths("bm90IGpzb24.\(Support.base64URL(Data("{}".utf8))).sig") == ["$"])
        #expect(paths("\(header).\(Support.base64URL(Data(#"{"vc": 3}"#.utf8))).sig") == ["$.payload.vc"])
    }

    @Test func errorNamesTheFile() throws {
        do {
            _ = try WalletReader.read(Data("{}".utf8), file: "wallet/aoife-badge.json")
            Issue.record("an empty object was accepted")
        } catch let invalid as InvalidDocument {
            #expect(invalid.file == "wallet/aoife-badge.json")
            #expect(invalid.description.contains("wallet/aoife-badge.json: $.type"))
        }
    }
}
