import Foundation
import StackPlanCore
import StackPlanCPD
import StackPlanVerification
import Testing
@testable import StackPlanInterchange

/// The EU professional-training certificate (DC4EU pilot, EAA rulebook) as CPD evidence.
@Suite struct ProfessionalTrainingTests {
    static let verifier = CredentialVerifier(today: Day("2026-04-30")!)

    /// The signed fixtures of docs/examples/cpd-evidence (built from the published data model).
    static func fixture(_ name: String) throws -> [WalletCredential] {
        let file = "docs/examples/cpd-evidence/\(name)"
        return try WalletReader.read(try Data(contentsOf: Support.repository.appendingPathComponent(file)), file: file, verifier: verifier)
    }

    @Test func thePilotsExampleIsReadWithItsCreditsAndAccreditations() throws {
        let credentials = try WalletReader.read(try Support.sample("dc4eu-professional-training-certificate.json"),
                                                file: "dc4eu-professional-training-certificate.json", verifier: Self.verifier)
        let credential = try #require(credentials.first)
        #expect(credentials.count == 1)
        #expect(credential.format == .professionalTraining)
        #expect(credential.path == "$.credentialSubject.qualification")
        #expect(credential.title == "BQM - Relación médico-paciente")
        #expect(credential.notes.contains("the training \"BQM - Relación médico-paciente\" is part of the programme \"Buen Quehacer del Médico (BQM)\""))
        #expect(credential.issuer == "Foundation for Research, Teaching, Training, and Professional Competence of Registered Physicians in Spain")
        #expect(credential.accreditedBy == ["UEMS-EACCME", "FFOMC"])
        #expect(credential.eqf == 8)
        #expect(credential.hours == 10)
        #expect(credential.ects == nil)
        #expect(credential.otherCredits.map(\.value) == [1.5, 10])
        #expect(credential.otherCredits.map(\.framework) == ["http://data.europa.eu/snb/education-credit/60b314e826",
                                                             "http://data.europa.eu/snb/education-credit/e82660b314"])
        #expect(credential.earned == Day("2024-12-01"))
        #expect(credential.completed == Day("2024-11-27"))
        // Its issuer is an EBSI DID: the key is only online, so the proof is unchecked, never accepted.
        let verification = try #require(credential.verification)
        #expect(verification.outcome == .unverifiable)
        #expect(verification.method == "EcdsaSecp256k1Signature2019")
        #expect(verification.problems == [.keyNotAvailableOffline(issuer: "did:ebsi:rpCTNQkBNHPhNHSqJhGXUhL3xWtL5Fst3EVb2A9PZGnuqJBWN",
                                                                  key: "did:ebsi:JhGXUhL3xWtL5Fst3EVb2A9PZGnuqJBWNrpCTNQkBNHPhNHSq#keys-1")])
    }

    @Test func theAccreditationProfileKeepsItsTrainingDatesAndAccreditingBodies() throws {
        let credential = try #require(try Support.readSample("dc4eu-cpd-medical-training-accreditation-SEAFORMEC.json").first)
        #expect(credential.completed == Day("2024-11-27"))
        #expect(credential.accreditedBy.count == 2)
        #expect(credential.accreditedBy[1] == "Fundación para la Formación de la Organización Médica Colegial de España")
    }

    @Test func signedFixturesVerifyAndTheAlteredAndExpiredOnesFail() throws {
        let good = try #require(try Self.fixture("bqm-relacion-medico-paciente.jwt").first)
        #expect(good.format == .professionalTraining)
        #expect(good.verification?.outcome == .verified, "\(good.verification?.summary ?? "")")
        #expect(good.verification?.method == "JWT ES256K")
        #expect(good.completed == Day("2025-10-09") && good.hours == 10)
        let altered = try #require(try Self.fixture("bqm-seguridad-altered.jwt").first)
        #expect(altered.verification?.outcome == .failed)
        #expect(altered.hours == 18)
        let expired = try #require(try Self.fixture("bqm-etica-expired.jwt").first)
        #expect(expired.verification?.outcome == .failed)
        #expect(expired.verification?.problems == [.expired(field: "expirationDate", on: Day("2025-12-31")!)])
    }

    @Test func credentialsBecomeEvidencedActivitiesOfACPDRecord() throws {
        let credentials = try Self.fixture("bqm-relacion-medico-paciente.jwt") + Self.fixture("bqm-seguridad-altered.jwt")
            + WalletReader.read(try Support.sample("dc4eu-professional-training-certificate.json"), file: "pilot.json", verifier: Self.verifier)
        let imported = CPDEvidenceImport(credentials: credentials, into: PractitionerRecord(id: "IMC-123", scheme: "IMC-2025"),
                                         options: .init(category: "accredited-ce", pointsFrom: "EACCME"))
        #expect(imported.record.activities.count == 3)
        let first = imported.record.activities[0]
        #expect(first.label == "\"BQM - Relación médico-paciente\"")
        #expect(first.date == Day("2025-10-09"))
        #expect(first.hours == 10 && first.points == 10 && first.category == "accredited-ce")
        #expect(first.evidence?.result == .verified)
        #expect(imported.record.activities[1].evidence?.result == .failed)
        #expect(imported.record.activities[1].evidence?.reasons.first?.contains("does not match the content") == true)
        // The pilot's credit framework label does not name EACCME: its hours are converted instead.
        #expect(imported.record.activities[2].points == nil)
        #expect(imported.record.activities[2].evidence?.result == .unverifiable)
        #expect(imported.entries[2].notes.contains("no credit points in a framework naming \"EACCME\"; the scheme converts its hours"))
        // A framework URI picks the credits too.
        let byURI = CPDEvidenceImport(credentials: credentials, options: .init(pointsFrom: "http://data.europa.eu/snb/education-credit/e82660b314"))
        #expect(byURI.record.activities.map(\.points) == [10, 18, 10])

        // The record reads back as written, evidence and all.
        let written = PractitionerRecordDocument.json(imported.record)
        let reread = try PractitionerRecordDocument.read(written)
        #expect(reread == imported.record)
        let evidence = try #require(reread.activities[0].evidence?.document.objectFields)
        #expect(evidence["format"] == .string("eu-professional-training"))
        #expect(evidence["accreditedBy"] == .array([.string("UEMS-EACCME"), .string("FFOMC")]))
        #expect(imported.report.contains("activities[0]  \"BQM - Relación médico-paciente\": 2025-10-09, 10 h, 10 points, category accredited-ce"))
    }

    @Test func theProfileIsRecognisedByItsClaimWhenTheTypeIsNotNamed() throws {
        let text = String(decoding: try Support.sample("dc4eu-professional-training-certificate.json"), as: UTF8.self)
        let untyped = text.replacingOccurrences(of: "\"ProfessionalTrainingCredential\"", with: "\"TrainingCertificate\"")
        #expect(try Support.read(untyped).first?.format == .professionalTraining)
        // A European Digital Credential stays one, whatever its subject holds.
        let europass = untyped.replacingOccurrences(of: "\"TrainingCertificate\"", with: "\"EuropeanDigitalCredential\"")
        #expect(Support.rejection(europass)?.first?.path == "$.credentialSubject.hasClaim")
    }

    @Test func aCredentialWithoutADateOrAmountIsReportedNotAdded() throws {
        var credential = WalletCredential(file: "x.json", format: .professionalTraining, path: "$")
        credential.title = "Undated"
        let imported = CPDEvidenceImport(credentials: [credential])
        #expect(imported.record.activities.isEmpty)
        #expect(imported.entries[0].missing == ["a date of completion or issue", "learning hours, ECTS or credit points"])
    }
}
