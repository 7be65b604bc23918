import Foundation
import Testing

extension CommandLineTests {
    /// The documented example: signed, altered and revoked wallet credentials, a trust list and a
    /// status list; then a plan that counts only what was verified.
    @Test func learnerImportVerifiesAndPlanCountsOnlyVerified() throws {
        #expect(try run(["import", "data/catalogue.json"]).status == 0)
        let profile = directory.appendingPathComponent("rita.json").path
        let wallet = "docs/examples/wallet"
        let imported = try run(["learner", "import", "\(wallet)/ucp-ipc-fund.jwt", "\(wallet)/ucp-ipc-surv-altered.jwt", "\(wallet)/ucp-ams.json",
                                "\(wallet)/ucp-ams-proj.jwt", "\(wallet)/ucp-research.jwt", "--today", "2026-11-23",
                                "--trust-list", "\(wallet)/trust-list.json", "--status-list", "\(wallet)/status-list.jwt",
                                "--output", profile, "--json"])
        #expect(imported.status == 0, "\(imported.error)")
        let report = try JSONSerialization.jsonObject(with: Data(imported.output.utf8)) as? [String: Any]
        let items = try #require(report?["items"] as? [[String: Any]])
        #expect(items.map { ($0["verification"] as? [String: Any])?["result"] as? String }
            == ["verified", "failed", "verified", "verified", "failed"])
        #expect(report?["verification"] as? [String: Int] == ["verified": 3, "unverifiable": 0, "failed": 2])

        // A credential whose check failed (altered, revoked) never counts: even without
        // --verified-only the plan takes those two again, and says why the held copies do not count.
        let trusting = try run(["plan", "--target", "ucp-pgcert-ipc", "--learner", profile, "--today", "2026-11-23"])
        #expect(trusting.status == 0, "\(trusting.error)")
        #expect(trusting.output.contains("ucp-ipc-surv  Epidemiologia"))
        #expect(trusting.output.contains("its verification failed on import"))
        let strict = try run(["plan", "--target", "ucp-pgcert-ipc", "--learner", profile, "--today", "2026-11-23", "--verified-only"])
        #expect(strict.status == 0, "\(strict.error)")
        #expect(strict.output.contains("Credentials to take\n  id            title"))
        #expect(strict.output.contains("ucp-ipc-surv  Epidemiologia"))

        let missingTrust = try run(["learner", "import", "\(wallet)/ucp-ipc-fund.jwt", "--trust-list", "\(wallet)/none.json"])
        #expect(missingTrust.status != 0)
        let badDay = try run(["learner", "import", "\(wallet)/ucp-ipc-fund.jwt", "--today", "23/11/2026"])
        #expect(badDay.status == 64)
    }
}
