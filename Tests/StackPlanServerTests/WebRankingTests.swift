import Foundation
import Hummingbird
import HummingbirdTesting
import StackPlanCore
import StackPlanServer
import StackPlanStore
import Testing

/// The stored catalogue, counting how often the whole of it is read: the target picker's
/// ranking reads it once for each time it is computed.
final class CountingCatalogue: CatalogueSource, @unchecked Sendable {
    let store: CatalogueStore
    private let lock = NSLock()
    private var reads = 0

    init(_ store: CatalogueStore) { self.store = store }

    var wholeCatalogueReads: Int { lock.withLock { reads } }

    func catalogue() throws -> Catalogue {
        lock.withLock { reads += 1 }
        return try store.catalogue()
    }

    func credentials(matching query: CredentialQuery) throws -> [Credential] { try store.credentials(matching: query) }
    func qualifications(matching query: QualificationQuery) throws -> [Qualification] { try store.qualifications(matching: query) }
    func providers(matching query: ProviderQuery) throws -> [Provider] { try store.providers(matching: query) }
    func competencies(matching query: CredentialQuery) throws -> [CompetencyCount] { try store.competencies(matching: query) }
    func credential(_ id: String) throws -> Credential? { try store.credential(id) }
    func qualification(_ id: String) throws -> Qualification? { try store.qualification(id) }
    func provider(_ id: String) throws -> Provider? { try store.provider(id) }
    func baseCurrency() throws -> String { try store.baseCurrency() }
    func candidateCatalogue(target: String, held: [String]) throws -> Catalogue { try store.candidateCatalogue(target: target, held: held) }
    func counts() throws -> CatalogueStore.Counts { try store.counts() }
}

/// The planning page's nearest-first target picker is computed once for a profile, its limits
/// and the catalogue, and again when any of them changes (issue 14).
@Suite struct WebRankingTests {
    /// The qualification ids of the picker, in its order.
    static func pickerOrder(_ html: String) -> [String] {
        guard let start = html.range(of: "<select id=\"field-target\""), let end = html.range(of: "</select>", range: start.upperBound..<html.endIndex) else { return [] }
        let select = html[start.upperBound..<end.lowerBound]
        return select.components(separatedBy: "<option value=\"").dropFirst().compactMap { option in
            let id = String(option.prefix { $0 != "\"" })
            return id.isEmpty ? nil : id
        }
    }

    /// The text of the picker's option for `id`.
    static func optionLabel(_ html: String, _ id: String) -> String? {
        guard let start = html.range(of: "<option value=\"\(id)\""), let close = html.range(of: ">", range: start.upperBound..<html.endIndex),
              let end = html.range(of: "</option>", range: close.upperBound..<html.endIndex) else { return nil }
        return String(html[close.upperBound..<end.lowerBound])
    }

    @Test func theNearestRankingIsComputedOnceAndAgainWhenTheProfileOrTheCatalogueChanges() async throws {
        let store = try WebPageTests.world()
        let counting = CountingCatalogue(store)
        let app = buildApplication(Harness.configuration, catalogue: counting, records: store)
        try await app.test(.router) { client in
            var ana = WebBrowser()
            _ = try await ana.signIn(client, "ana")
            _ = try await ana.post(client, "/learner/profile", WebPageTests.sofiaForm)

            let first = try await ana.get(client, "/plan")
            #expect(first.status == .ok)
            let order = Self.pickerOrder(first.text)
            #expect(order.first == "ucp-pgcert-ipc")
            #expect(order.count == 15)
            #expect(counting.wholeCatalogueReads == 1)
            // Loaded again, and re-planned toward a target with the same limits: the same ranking, not computed again.
            let second = try await ana.get(client, "/plan")
            #expect(Self.pickerOrder(second.text) == order)
            _ = try await ana.get(client, "/plan?target=ucp-pgcert-ipc&objective=cost,workload")
            #expect(counting.wholeCatalogueReads == 1)

            // Other limits on the form are another ranking.
            let poorer = try await ana.get(client, "/plan?target=ucp-pgcert-ipc&objective=cost,workload&budget=10")
            #expect(poorer.text.contains("not reachable within your limits"))
            #expect(counting.wholeCatalogueReads == 2)

            // The profile changes: holding nothing, the certificate is no longer nearest by what remains.
            var emptier = WebPageTests.sofiaForm
            for row in 0..<4 { emptier["held.\(row).credential"] = nil; emptier["held.\(row).earned"] = nil }
            let profileID = try #require(try WebPageTests.profileIDIfAny(of: "ana", in: store))
            emptier["profile"] = String(profileID)
            #expect(try await ana.post(client, "/learner/profile", emptier).status == .seeOther)
            let afterProfile = try await ana.get(client, "/plan")
            #expect(counting.wholeCatalogueReads == 3)
            let certificate = try #require(Self.optionLabel(first.text, "ucp-pgcert-ipc"))
            #expect(Self.optionLabel(afterProfile.text, "ucp-pgcert-ipc") != certificate, "what remains grows when nothing is held")
            #expect(try await ana.post(client, "/learner/profile", WebPageTests.sofiaForm.merging(["profile": String(profileID)]) { $1 }).status == .seeOther)
            #expect(Self.pickerOrder(try await ana.get(client, "/plan").text) == order)
            #expect(counting.wholeCatalogueReads == 3, "the first profile's ranking was kept")

            // The catalogue changes through the service: a retired qualification is no longer offered.
            let editor = try #require(try store.account(named: "ed"))
            _ = try store.retire(.qualification, id: "ucp-pgcert-ipc", by: editor.id, now: Date())
            let afterRetirement = Self.pickerOrder(try await ana.get(client, "/plan").text)
            #expect(!afterRetirement.contains("ucp-pgcert-ipc"))
            #expect(afterRetirement.count == 14)
            #expect(counting.wholeCatalogueReads == 4)
            _ = try store.restore(.qualification, id: "ucp-pgcert-ipc", by: editor.id, now: Date())

            // ...and outside it, as `stackplan import` into the same database would: a new title shows.
            var renamed = try #require(try store.qualification("ucp-pgdip-ipc"))
            renamed.title = "Diploma in Infection Prevention (renamed)"
            _ = try store.importCatalogue(Catalogue(baseCurrency: try store.baseCurrency(), qualifications: [renamed]))
            let afterImport = try await ana.get(client, "/plan")
            #expect(afterImport.text.contains("Diploma in Infection Prevention (renamed) —"))
            #expect(Self.pickerOrder(afterImport.text).contains("ucp-pgcert-ipc"))
        }
    }
}
