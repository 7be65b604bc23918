import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

/// Bad input a fault trial found: each gets a message that names the place and says what is wrong.
@Suite struct FormatFaultTests {
    func jwt(_ claims: [String: JSON]) -> Data {
        var payload = claims
        payload["vc"] = .object([
            "type": .array([.string("VerifiableCredential"), .string("OpenBadgeCredential")]),
            "issuer": .object(["id": .string("https://example.org"), "name": .string("Example")]),
            "credentialSubject": .object(["achievement": .object(["id": .string("urn:a"), "name": .string("Asepsis")])]),
        ])
        return Data(Support.jwt(JSON.object(payload).serialized(pretty: false)).utf8)
    }

    @Test func aJWTDateOutOfRangeNamesTheClaimAndTheValue() throws {
        for (claim, value, expected) in [
            ("nbf", -1e18, "-1e+18 is out of range: a NumericDate counts seconds since 1970"),
            ("iat", 1e300, "1e+300 is out of range"),
            ("exp", 1e300, "1e+300 is out of range"),
            ("nbf", 1_700_000_000_000, "looks like milliseconds (2023-11-14 if it were); write 1700000000"),
        ] {
            let error = #expect(throws: InvalidDocument.self) { try WalletReader.read(jwt([claim: .number(value)]), file: "badge.jwt") }
            let issue = try #require(error?.errors.first)
            #expect(issue.path == "$.payload.\(claim)")
            #expect(issue.message.contains(expected), "\(issue.message)")
        }
        // In range, the date is read as before.
        let read = try WalletReader.read(jwt(["nbf": .number(1_700_000_000)]), file: "badge.jwt")
        #expect(read.first?.earned == Day("2023-11-14"))
    }

    @Test func aDateOfAwardInYearZeroIsRefusedWithTheRange() throws {
        let text = """
            {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"id": "https://x", "name": "X"},
             "validFrom": "0000-01-01T00:00:00Z", "credentialSubject": {"achievement": {"id": "urn:a", "name": "A"}}}
            """
        let issues = try #require(Support.rejection(text))
        #expect(issues.map(\.path) == ["$.validFrom"])
        #expect(issues.first?.message == "must lie in 1900-01-01–2200-12-31, found 0000-01-01")
    }

    @Test func malformedJSONSaysLineAndColumnAndNoSwiftInternals() throws {
        let cases: [(Data, String)] = [
            (Data("{\n  \"type\": [\"VerifiableCredential\",]\n}".utf8), "is not valid JSON: line 2, column 35: found ']' where a value should be"),
            (Data([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]), "is not valid JSON: line 1, column 7: byte 0xFF is not UTF-8 text"),
            (Data([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0x00, 0x22, 0x7D]), "a NUL byte inside a string"),
            (Data(#"{"n": "\udc00"}"#.utf8), "\\udc00 is half of a UTF-16 surrogate pair"),
            (Data(#"{"n": 1e400}"#.utf8), "the number 1e400 is out of range"),
        ]
        for (data, expected) in cases {
            let error = #expect(throws: InvalidDocument.self) { try WalletReader.read(data, file: "wallet.json") }
            let message = error?.description ?? ""
            #expect(message.contains(expected), "\(message)")
            #expect(message.contains("wallet.json"))
            #expect(!message.contains("DecodingError") && !message.contains("typeMismatch"))
        }
    }

    @Test func anUnclosedQuoteInACatalogueSheetRefusesItWithTheLine() {
        let header = "id,title,provider,providerName,providerCountry,kind,ects,eqf,cost,mode,languages"
        let rows = [header, "a,A,nw,Northwind,IE,module,5,7,0,online,en", "b,\"B never closed,nw,Northwind,IE,module,5,7,0,online,en",
                    "c,C,nw,Northwind,IE,module,5,7,0,online,en"]
        let error = #expect(throws: InvalidDocument.self) { try CatalogueCSV(Data(rows.joined(separator: "\n").utf8), file: "sheet.csv") }
        #expect(error?.errors.map(\.path) == ["line 3, column 2"])
        #expect(error?.errors.first?.message == "a quoted field is never closed (its closing quote is missing)")
    }

    @Test func aJSONCellSaysWhereInTheCellItIsWrong() {
        let header = "id,title,provider,providerName,providerCountry,kind,ects,eqf,cost,mode,languages,prerequisites"
        let rows = [header, "a,A,nw,Northwind,IE,module,5,7,0,online,en,\"{\"\"anyOf\"\": [}\""]
        let error = #expect(throws: InvalidDocument.self) { try CatalogueCSV(Data(rows.joined(separator: "\n").utf8), file: "sheet.csv") }
        let message = error?.errors.first?.message ?? ""
        #expect(message == "is not a valid JSON prerequisite expression: found '}' where a value should be (character 12 of the cell)", "\(message)")
    }

    /// Valid JSON 800 levels deep (a requirement tree 400 deep) was once called invalid JSON: it
    /// is read as JSON, and the catalogue refuses the tree by its own named nesting limit.
    @Test func aRequirementTreeFourHundredDeepIsValidJSONRefusedByTheNamedLimit() throws {
        var tree = #"{"credential": "a"}"#
        for _ in 0..<400 { tree = #"{"allOf": [\#(tree)]}"# }
        let text = """
            {"format": "stackplan/1", "providers": [{"id": "p", "name": "P", "country": "IE"}],
             "credentials": [{"id": "a", "title": "A", "provider": "p", "kind": "module", "ects": 5, "eqf": 7, "mode": "online", "languages": ["en"]}],
             "qualifications": [{"id": "q", "title": "Q", "provider": "p", "eqf": 7, "ects": 5, "requires": \(tree)}]}
            """
        _ = try JSON.parse(Data(text.utf8))
        let error = #expect(throws: InvalidDocument.self) { try CatalogueDocument.read(Data(text.utf8), file: "deep.json") }
        let messages = error?.errors.map(\.message) ?? []
        #expect(messages.contains { $0.contains("levels deep") } && !messages.contains { $0.contains("not valid JSON") }, "\(messages)")
    }

    /// The deepest JSON read is walked without exhausting the stack; one level deeper is refused with the limit.
    @Test func walletsNestedToTheJSONLimitAreRefusedNotCrashed() throws {
        let limit = JSONReader.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: InvalidDocument.self) { try WalletReader.read(Data(deepest.utf8), file: "deep.json") }
        let deeper = "[" + deepest + "]"
        let error = #expect(throws: InvalidDocument.self) { try WalletReader.read(Data(deeper.utf8), file: "deep.json") }
        #expect(error?.errors.first?.message.contains("nested more than 2000 levels deep") == true)
    }

    /// A learner record (CLR) of 20,000 achievements: importing it took time growing with the
    /// square of their number (8,000 took 204 s); it is now linear. Only the result is checked here.
    @Test func aLearnerRecordOfTwentyThousandAchievementsIsImportedWhole() throws {
        let count = 20_000
        var achievements: [JSON] = []
        for index in 0..<count {
            var fields: [String: JSON] = ["id": .string("urn:a:\(index)"), "type": .array([.string("Achievement")])]
            // Every tenth odd one is the catalogue's credential, by identifier; the first matches, the others repeat it.
            if index % 10 == 9 { fields["id"] = .string("urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b") }
            // The third repeats the first's title: the same external credential, held once. The
            // repeats of the catalogue's credential carry its title too: one id with another title
            // would be a different achievement.
            fields["name"] = .string(index % 10 == 9 ? "Course 9" : "Course \(index == 2 ? 0 : index)")
            if index % 2 == 0 {
                fields["alignment"] = .array([
                    .object(["targetFramework": .string("European Qualifications Framework"), "targetCode": .string("6"), "targetName": .string("EQF 6")]),
                    .object(["targetFramework": .string("ECTS"), "targetName": .string("ECTS credits")]),
                ])
                fields["creditsAvailable"] = .number(5)
            }
            achievements.append(.object(fields))
        }
        let associations: [JSON] = stride(from: 0, to: count - 1, by: 10).map { index in
            .object(["associationType": .string("isChildOf"), "sourceId": .string("urn:a:\(index)"), "targetId": .string("urn:a:\(index + 1)")])
        }
        let record = JSON.object([
            "type": .array([.string("VerifiableCredential"), .string("ClrCredential")]), "id": .string("http://example.edu/clr/1"),
            "issuer": .object(["id": .string("https://example.edu"), "name": .string("University of Zed")]),
            "issuanceDate": .string("2020-01-01T00:00:00Z"),
            "credentialSubject": .object(["achievement": .array(achievements), "association": .array(associations)]),
        ])
        let credentials = try WalletReader.read(record.prettyData(), file: "record.json")
        #expect(credentials.count == count)
        #expect(credentials[0].notes.contains { $0.hasPrefix("isChildOf Course 1 ") })
        #expect(credentials[1].notes.contains { $0.hasPrefix("Course 0 isChildOf this achievement") })

        let result = LearnerImport(credentials: credentials, catalogue: try LearnerImportTests().catalogue())
        #expect(result.entries.count == count)
        let matched = result.entries.filter { if case .matched = $0.outcome { true } else { false } }
        let external = result.entries.filter { if case .external = $0.outcome { true } else { false } }
        let pending = result.entries.filter { if case .pending = $0.outcome { true } else { false } }
        let duplicates = result.entries.filter { if case .duplicate = $0.outcome { true } else { false } }
        #expect(matched.count == 1)
        #expect(external.count == count / 2 - 1)
        #expect(pending.count == count / 2 - count / 10)
        #expect(duplicates.count == count / 10 - 1 + 1)
        #expect(result.profile.held.count == matched.count + external.count)
        // The repeated title points at the first one's place in the profile.
        #expect(result.entries[2].outcome == .duplicate(of: "held[0] (Course 0)"))
        #expect(result.entries[19].outcome == .duplicate(of: "held[4] (zed-dmc)"))
    }
}
