import Crypto
import Foundation
import StackPlanCore
import Testing
@testable import StackPlanVerification

@Suite struct StatusAndTrustListTests {
    static func vector(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Vectors/\(name)", withExtension: nil))
        return try Data(contentsOf: url)
    }

    @Test func theSpecificationsEmptyListDecodes() throws {
        // The W3C Bitstring Status List example: 131,072 bits, none set.
        let document = JSON.object(["id": .string("https://example.com/credentials/status/3"),
                                    "credentialSubject": .object(["statusPurpose": .string("revocation"),
                                                                  "encodedList": .string("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")])])
        let list = try StatusList.read(document.serialized())
        #expect(list.count == 131_072)
        #expect((0..<list.count).allSatisfy { list.isSet($0) == false })
        #expect(list.isSet(131_072) == nil)
    }

    @Test func aCompressedListWithBitsSet() throws {
        let list = try StatusList.read(try Self.vector("status/revocation-list.json"))
        let expected = try JSON.parse(try Self.vector("status/revocation-list.expected.json")).objectFields
        #expect(Double(list.count) == (expected["length"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? -1))
        let set = (0..<list.count).filter { list.isSet($0) == true }
        #expect(Double(set.count) == (expected["setCount"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? -1))
        #expect(list.isSet(42) == true && list.isSet(43) == false && list.isSet(94_567) == true && list.isSet(131_071) == true)
    }

    @Test func aRevokedCredentialFailsAndAnUnlistedOneIsOnlyRecorded() throws {
        let key = Curve25519.Signing.PrivateKey()
        let did = TestKeys.didKey(key.publicKey)
        // The list is the issuer's own, signed: only then are its bits read (StatusListProofTests).
        let list = try StatusListProofTests.signedList(issuer: did, signer: key)
        func token(index: Int, list: String) throws -> String {
            let status = JSON.object(["type": .string("BitstringStatusListEntry"), "statusPurpose": .string("revocation"),
                                      "statusListIndex": .string(String(index)), "statusListCredential": .string(list)])
            return try TestKeys.jws(header: ["alg": .string("EdDSA")], payload: TestKeys.payload(issuer: did, credential: ["credentialStatus": status])) {
                try Array(key.signature(for: $0))
            }
        }
        let verifier = CredentialVerifier(today: Day("2025-06-01")!, statusLists: [list])
        let revoked = verifier.verify(jws: try token(index: 94_567, list: "https://university.example/status/3"))
        #expect(revoked.outcome == .failed)
        #expect(revoked.statuses.first?.check == .set)
        #expect(revoked.summary.contains("revoked by status list https://university.example/status/3 (index 94567)"))

        let fine = verifier.verify(jws: try token(index: 43, list: "https://university.example/status/3"))
        #expect(fine.outcome == .verified)
        #expect(fine.statuses.first?.check == .clear)

        let unchecked = verifier.verify(jws: try token(index: 42, list: "https://elsewhere.example/status/1"))
        #expect(unchecked.outcome == .verified)
        #expect(unchecked.statuses.first?.check == .notChecked)
    }

    @Test func malformedTrustListsNameTheField() throws {
        let bad = JSON.object(["issuers": .array([
            .object(["name": .string("No id")]),
            .object(["id": .string("did:web:a.example"), "keys": .array([.object(["publicKeyJwk": .object(["kty": .string("EC"), "crv": .string("P-256"), "x": .string("AA"), "y": .string("AA")])])])]),
        ])])
        let error = try #require(throws: InvalidDocument.self) { try TrustList.read(bad.serialized(), file: "trust.json") }
        #expect(error.issues.map(\.path) == ["$.issuers[0].id", "$.issuers[1].keys[0].publicKeyJwk"])
        #expect(error.description.contains("trust.json"))
    }

    @Test func base58AndMultibaseRoundTrip() throws {
        let bytes: [UInt8] = [0, 0, 1, 2, 3, 250, 255]
        #expect(Encodings.base58Decode(Encodings.base58Encode(bytes)) == bytes)
        // The did:key specification's first Ed25519 example decodes to the Ed25519 multicodec.
        let key = try #require(Encodings.multibaseDecode("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"))
        #expect(key.prefix(2) == [0xED, 0x01] && key.count == 34)
        #expect(Encodings.base58Decode("0OIl") == nil)
    }
}

/// Signed credentials from public test suites, with their known validity.
@Suite struct PublicSampleTests {
    @Test func theOpenBadgesValidatorsJWTNeedsItsIssuersKey() throws {
        // 1EdTech's validator fetches https://example.edu/issuers/565049's key online; offline it
        // is unverifiable, and says so, rather than accepted.
        let token = String(decoding: try StatusAndTrustListTests.vector("samples/ob30-simple.jwt"), as: UTF8.self)
        let result = CredentialVerifier(today: Day("2025-06-01")!).verify(jws: token)
        #expect(result.outcome == .unverifiable)
        #expect(result.method == "JWT RS256")
        #expect(result.issuer == "https://example.edu/issuers/565049")
        #expect(result.problems == [.keyNotAvailableOffline(issuer: "https://example.edu/issuers/565049", key: nil)])
        // Before its nbf (2010-01-01) it is not yet valid, whatever the key.
        let early = CredentialVerifier(today: Day("2009-12-31")!).verify(jws: token)
        #expect(early.outcome == .failed)
        #expect(early.problems.contains(.notYetValid(field: "nbf", from: Day("2010-01-01")!)))
    }
}
