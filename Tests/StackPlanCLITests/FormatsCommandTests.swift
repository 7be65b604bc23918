import Foundation
import Testing

/// Exit codes and messages of the formats work as a user meets them: CPD flags and coverage, wallet JWT dates.
extension CommandLineTests {
    @Test func cpdFlagsOutOfRangeAreBadInputNamingTheValue() throws {
        _ = try run(["import", "data/catalogue.json"])
        let tiny = try run(["cpd", "plan", "data/cpd-records/nmc-nurse.json", "--hours-per-week", "1e-300"])
        #expect(tiny.status == 2)
        #expect(tiny.error.contains("--hours-per-week must lie in 0.1–168, found 1e-300"), "\(tiny.error)")
        let yearZero = try run(["cpd", "coverage", "--scheme", "NMC", "--as-of", "0000-01-01"])
        #expect(yearZero.status == 2)
        #expect(yearZero.error.contains("--as-of must lie in 1900-01-01–2200-12-31, found 0000-01-01"), "\(yearZero.error)")
    }

    @Test func coverageOfEverySchemeAndOfAnEndedSchemeWithoutADate() throws {
        _ = try run(["import", "data/catalogue.json"])
        let all = try run(["cpd", "coverage", "--scheme", "all", "--as-of", "2026-11-23"])
        #expect(all.status == 0, "\(all.error)")
        #expect(all.output.contains("catalogue coverage of 11 schemes"))
        #expect(all.output.contains("ECM-2023  2025-12-31  2023-01-01 – 2025-12-31"))
        let json = try run(["cpd", "coverage", "--scheme", "all", "--as-of", "2026-11-23", "--accredited-only", "--json"])
        #expect(json.status == 0, "\(json.error)")
        let schemes = try #require((try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])?["schemes"] as? [[String: Any]])
        #expect(schemes.count == 11)
        #expect(schemes.allSatisfy { $0["accreditedOnly"] as? Bool == true })
        let ended = try run(["cpd", "coverage", "--scheme", "ECM-2023"])
        #expect(ended.status == 0, "\(ended.error)")
        #expect(ended.output.contains("catalogue coverage on 2025-12-31"))
    }

    @Test func aJWTDateInMillisecondsIsBadInput() throws {
        _ = try run(["import", "data/catalogue.json"])
        func base64URL(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let payload = #"{"nbf": 1700000000000, "vc": {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": {"name": "X"}, "credentialSubject": {"achievement": {"id": "urn:a", "name": "A"}}}}"#
        let token = try write("badge.jwt", base64URL(#"{"alg":"none"}"#) + "." + base64URL(payload) + ".")
        let result = try run(["learner", "import", token])
        #expect(result.status == 2)
        #expect(result.error.contains("$.payload.nbf: 1700000000000 is out of range"), "\(result.error)")
        #expect(result.error.contains("looks like milliseconds"))
    }
}
