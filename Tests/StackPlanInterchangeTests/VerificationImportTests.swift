import Crypto
import Foundation
import StackPlanCore
import StackPlanVerification
import Testing
@testable import StackPlanInterchange

/// Every imported item carries the verification of the credential it came from.
@Suite struct VerificationImportTests {
    let verifier = CredentialVerifier(today: Day("2025-06-01")!)

    static func base58(_ bytes: [UInt8]) -> String {
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        var digits: [Int] = []
        for byte in bytes {
            var carry = Int(byte)
            for index in digits.indices.reversed() {
                carry += digits[index] << 8
                digits[index] = carry % 58
                carry /= 58
            }
            while carry > 0 { digits.insert(carry % 58, at: 0); carry /= 58 }
        }
        return String(repeating: "1", count: bytes.prefix { $0 == 0 }.count) + String(digits.map { alphabet[$0] })
    }

    /// A VC-JWT for an Open Badge, signed with a fresh Ed25519 did:key.
    static func signedBadge(title: String, key: Curve25519.Signing.PrivateKey = .init()) throws -> String {
        let did = "did:key:z" + base58([0xED, 0x01] + Array(key.publicKey.rawRepresentation))
        let payload = """
            {"iss": "\(did)", "nbf": 1740787200, "vc": {"type": ["VerifiableCredential", "OpenBadgeCredential"],
             "issuer": {"id": "\(did)", "name": "Example University"}, "issuanceDate": "2025-03-01T00:00:00Z",
             "credentialSubject": {"achievement": {"id": "urn:test:\(title)", "name": "\(title)"}}}}
            """
        let input = Support.base64URL(Data(#"{"alg":"EdDSA","typ":"JWT"}"#.utf8)) + "." + Support.base64URL(Data(payload.utf8))
        return input + "." + Support.base64URL(try key.signature(for: Data(input.utf8)))
    }

    func catalogue() throws -> Catalogue {
        try CatalogueDocument.read(Data("""
            {"format": "stackplan/1", "providers": [{"id": "exu", "name": "Example University", "country": "US"}],
             "credentials": [{"id": "wound", "title": "Wound care", "provider": "exu", "kind": "module", "ects": 5, "eqf": 6,
                              "mode": "online", "languages": ["en"], "identifiers": ["urn:test:Wound care"]}]}
            """.utf8))
    }

    @Test func signedTamperedAndUnsignedItemsEachSayWhatWasChecked() throws {
        let good = try Self.signedBadge(title: "Wound care")
        var parts = try Self.signedBadge(title: "Other").split(separator: ".").map(String.init)
        // One character in the middle of the signature changed (the last one may only carry padding bits).
        var signature = Array(parts[2])
        signature[20] = signature[20] == "A" ? "B" : "A"
        parts[2] = String(signature)
        let tampered = parts.joined(separator: ".")

        var credentials = try WalletReader.read(Data(good.utf8), file: "good.jwt", verifier: verifier)
        credentials += try WalletReader.read(Data(tampered.utf8), file: "tampered.jwt", verifier: verifier)
        credentials += try WalletReader.read(try Support.sample("elm3-edc-microcredential-annex1-unsigned.jsonld"), file: "elm3.jsonld", verifier: verifier)
        #expect(credentials.map { $0.verification?.outcome } == [.verified, .failed, .unverifiable])
        #expect(credentials[2].verification?.problems == [.noProof])

        let result = LearnerImport(credentials: credentials, catalogue: try catalogue())
        let matched = try #require(result.profile.held.first)
        #expect(matched.catalogueID == "wound")
        #expect(matched.isVerified)
        #expect(matched.extra["verification"]?.objectFields["method"] == .string("JWT EdDSA"))
        #expect(result.profile.held.dropFirst().allSatisfy { !$0.isVerified })

        let report = result.report
        #expect(report.contains("verification: verified (JWT EdDSA, key did:key:z6Mk"))
        #expect(report.contains("verification: failed: the JWT EdDSA signature does not match"))
        #expect(report.contains("verification: unverifiable: no proof"))

        let json = result.reportJSON.objectFields
        #expect(json["verification"] == .object(["verified": .number(1), "unverifiable": .number(1), "failed": .number(1)]))
        let items = try #require(json["items"].flatMap { value -> [JSON]? in if case .array(let list) = value { list } else { nil } })
        #expect(items.map { $0.objectFields["verification"]?.objectFields["result"] } == [.string("verified"), .string("failed"), .string("unverifiable")])
    }

    @Test func achievementsInheritTheirCredentialsVerification() throws {
        // The CLR sample's bundled credential has an Ed25519Signature2020 proof by an https issuer
        // (not resolvable offline); the record itself has none.
        let credentials = try WalletReader.read(try Support.sample("clr2-simple-noproof.json"), file: "clr.json", verifier: verifier)
        #expect(credentials.count == 2)
        #expect(credentials.allSatisfy { $0.verification?.outcome == .unverifiable })
        #expect(credentials[1].verification?.problems == [.noProof])
    }
}

extension VerificationImportTests {
    @Test func aSignedCopyUpgradesAnUnverifiedHeldCredential() throws {
        let catalogue = try catalogue()
        let unsigned = try Support.read("""
            {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"name": "Example University"}, "validFrom": "2025-03-01",
             "credentialSubject": {"achievement": {"id": "urn:test:Wound care", "name": "Wound care"}}}
            """)
        let first = LearnerImport(credentials: unsigned, catalogue: catalogue)
        #expect(first.profile.held.count == 1 && !first.profile.held[0].isVerified)

        let signed = try WalletReader.read(Data(try Self.signedBadge(title: "Wound care").utf8), file: "signed.jwt", verifier: verifier)
        let second = LearnerImport(credentials: signed, catalogue: catalogue, merging: first.profile)
        #expect(second.profile.held.count == 1)
        #expect(second.profile.held[0].isVerified)
        #expect(second.entries[0].notes.contains { $0.hasPrefix("its verified proof now stands for held[0]") })
    }
}
