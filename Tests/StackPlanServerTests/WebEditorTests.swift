import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// The editor's forms for qualifications and providers, and retiring records from the pages (issue 14).
@Suite struct WebEditorTests {
    static let qualificationForm: [String: String] = [
        "isNew": "yes", "id": "x-award", "title": "Award in Infection Prevention", "provider": "ucp", "eqf": "7", "ects": "20",
        "maxPriorEcts": "10", "sharedCounting": "off", "source": "",
    ]

    @Test func aQualificationsTreeProblemIsShownBesideTheTreeWithItsJSONPath() async throws {
        let store = try WebPageTests.world()
        try await WebPageTests.withPages(store) { client in
            var ed = WebBrowser()
            _ = try await ed.signIn(client, "ed")
            let form = try await ed.get(client, "/editor/qualifications/new")
            #expect(form.status == .ok)
            #expect(form.text.contains("<textarea id=\"field-requires\" name=\"requires\""))

            var unknown = Self.qualificationForm
            unknown["requires"] = #"{"allOf": [{"credential": "ucp-ipc-fund"}, {"credential": "ucp-no-such-module"}]}"#
            unknown["eqf"] = "9"
            let bad = try await ed.post(client, "/editor/qualifications", unknown)
            #expect(bad.status == .badRequest)
            // Each problem beside its own field: the tree's with its path inside the tree.
            let treeError = try #require(bad.text.range(of: "id=\"error-requires\"").map { String(bad.text[$0.upperBound...].prefix(400)) })
            #expect(treeError.contains("$.allOf[1].credential: refers to credential &quot;ucp-no-such-module&quot;"))
            #expect(bad.text.contains("id=\"field-requires\" name=\"requires\" rows=\"14\" spellcheck=\"false\" class=\"code\" aria-describedby=\"hint-requires error-requires\" aria-invalid=\"true\""))
            #expect(bad.text.contains("id=\"error-eqf\""))
            #expect(try store.qualification("x-award") == nil)

            var broken = Self.qualificationForm
            broken["requires"] = #"{"allOf": [{"credential": "ucp-ipc-fund"},]"#
            let syntax = try await ed.post(client, "/editor/qualifications", broken)
            #expect(syntax.status == .badRequest)
            #expect(syntax.text.contains("is not JSON: line 1, column"))
            // The tree's own problem is the syntax; no "is required" for the member it could not read.
            #expect(!syntax.text.contains("requires: is required"))
            #expect(try store.qualification("x-award") == nil)

            var good = Self.qualificationForm
            good["requires"] = #"{"allOf": [{"credential": "ucp-ipc-fund"}, {"credential": "ucp-ipc-surv"}]}"#
            let saved = try await ed.post(client, "/editor/qualifications", good)
            #expect(saved.status == .seeOther, "\(saved.text)")
            #expect(saved.headers[.location] == "/editor/qualifications/x-award?saved=1")
            let stored = try #require(try store.qualification("x-award"))
            #expect(stored.rules.maxPriorECTS == 10)
            #expect(stored.eqf == 7)
            // The edit form shows it as stored, the tree as indented JSON.
            let edit = try await ed.get(client, "/editor/qualifications/x-award?saved=1")
            #expect(edit.text.contains("Saved: the catalogue now has this qualification as shown."))
            #expect(edit.text.contains("&quot;credential&quot; : &quot;ucp-ipc-surv&quot;"))
            #expect(edit.text.contains("name=\"maxPriorEcts\" value=\"10\""))
            // Saved again unchanged, the record stays as it was.
            var again = good
            again["isNew"] = "no"
            #expect(try await ed.post(client, "/editor/qualifications", again).status == .seeOther)
            #expect(try store.qualification("x-award") == stored)
        }
    }

    @Test func aProvidersProblemIsBesideItsFieldAndAnEditKeepsWhatTheFormDoesNotShow() async throws {
        let store = try WebPageTests.world()
        try await WebPageTests.withPages(store) { client in
            var ed = WebBrowser()
            _ = try await ed.signIn(client, "ed")
            let bad = try await ed.post(client, "/editor/providers", [
                "isNew": "yes", "id": "x-college", "name": "A College", "country": "Ireland", "accredited": "on",
            ])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"error-country\""))
            #expect(try store.provider("x-college") == nil)
            let saved = try await ed.post(client, "/editor/providers", [
                "isNew": "yes", "id": "x-college", "name": "A College", "country": "IE", "accredited": "on",
            ])
            #expect(saved.status == .seeOther, "\(saved.text)")
            #expect(try store.provider("x-college")?.accredited == true)
            // The checkbox left unticked (only its hidden "off" sent) makes it false.
            let before = try #require(try store.provider("ucp"))
            let edited = try await ed.post(client, "/editor/providers", [
                "isNew": "no", "id": "ucp", "name": before.name, "country": before.country, "accredited": "off",
                "url": before.url ?? "", "source": before.source ?? "",
            ])
            #expect(edited.status == .seeOther, "\(edited.text)")
            let after = try #require(try store.provider("ucp"))
            #expect(after.accredited == false)
            #expect(after.extra == before.extra)
            #expect(after.name == before.name)
            // A new record may not take an id in use.
            let taken = try await ed.post(client, "/editor/providers", ["isNew": "yes", "id": "ucp", "name": "Again", "country": "PT"])
            #expect(taken.status == .badRequest)
            #expect(taken.text.contains("already has a provider"))
        }
    }

    /// Retiring from the pages: the store's retirement, seen by the planning pages at once;
    /// offered again, it plans again.
    @Test func retiringACredentialFromTheEditorTakesItOutOfTheLearnersPlans() async throws {
        let store = try WebPageTests.world()
        try await WebPageTests.withPages(store) { client in
            var ana = WebBrowser()
            _ = try await ana.signIn(client, "ana")
            _ = try await ana.post(client, "/learner/profile", WebPageTests.sofiaForm)
            let planAddress = "/plan?target=ucp-pgdip-ipc&objective=cost,workload"
            let link = "<a href=\"/catalogue/credentials/ucp-ipc-outbreak\">"
            #expect(try await ana.get(client, planAddress).text.contains(link))
            #expect(try await ana.get(client, "/catalogue?q=surtos").text.contains("/catalogue/credentials/ucp-ipc-outbreak\""))

            var ed = WebBrowser()
            _ = try await ed.signIn(client, "ed")
            let form = try await ed.get(client, "/editor/credentials/ucp-ipc-outbreak")
            #expect(form.text.contains("action=\"/editor/credentials/ucp-ipc-outbreak/retirement\""))
            let retired = try await ed.post(client, "/editor/credentials/ucp-ipc-outbreak/retirement", [:])
            #expect(retired.status == .seeOther)
            #expect(retired.headers[.location] == "/editor/credentials/ucp-ipc-outbreak?retired=1")
            #expect(try store.retirements().contains { $0.kind == .credential && $0.id == "ucp-ipc-outbreak" })
            let shown = try await ed.get(client, "/editor/credentials/ucp-ipc-outbreak?retired=1")
            #expect(shown.text.contains("This credential is now retired"))
            #expect(shown.text.contains("Offer this credential again"))
            #expect(try await ed.get(client, "/editor").text.contains("ucp-ipc-outbreak</span> <span class=\"status\">retired</span>"))
            // Retired twice is a conflict, said on a page.
            let twice = try await ed.post(client, "/editor/credentials/ucp-ipc-outbreak/retirement", [:])
            #expect(twice.status == .conflict)
            #expect(twice.text.contains("retired already"))

            #expect(!(try await ana.get(client, planAddress).text.contains(link)))
            // The catalogue's search offers it no more; its own page still opens, saying it is retired.
            let search = try await ana.get(client, "/catalogue?q=surtos")
            #expect(!search.text.contains("/catalogue/credentials/ucp-ipc-outbreak\""))
            let page = try await ana.get(client, "/catalogue/credentials/ucp-ipc-outbreak")
            #expect(page.status == .ok)
            #expect(page.text.contains("This credential is retired"))

            let restored = try await ed.post(client, "/editor/credentials/ucp-ipc-outbreak/retirement", ["restore": "1"])
            #expect(restored.headers[.location] == "/editor/credentials/ucp-ipc-outbreak?restored=1")
            #expect(try store.retirements().isEmpty)
            #expect(try await ana.get(client, planAddress).text.contains(link))
            // A learner may not retire anything.
            #expect(try await ana.post(client, "/editor/credentials/ucp-ipc-outbreak/retirement", [:]).status == .forbidden)
        }
    }
}
